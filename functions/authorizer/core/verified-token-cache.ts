/**
 * The authorizer's per-container cache of verified access tokens (issue 25, item 7). DPoP routes
 * invoke the authorizer on every request (result TTL 0), with the same access token again and
 * again and a fresh proof each time; this cache lets a repeated token skip its JWS layer (header,
 * key, signature) and its static claim checks, so a repeated DPoP request costs one signature
 * verification (the proof's), not two.
 *
 * What is cached, and what is not:
 * - Key: the exact token string (a fresh copy of it), compared by `Map` on its whole content, so a
 *   token that differs in any character (a tampered signature, a re-encoded header, padding,
 *   trailing whitespace) is another key and is verified from scratch.
 * - Value: the claims a decision reads ({@link DecisionClaims}), taken only from a token that
 *   passed every check of jwt-verify.ts. A failed verification is never cached (no negative
 *   caching): a caller can add entries only with tokens signed by a trusted key.
 * - Every use still checks `nbf` and `exp` with the same skew and the same function as a first
 *   verification (checkLifetime). The handler then checks, as for any token, revocation, the
 *   route, the scheme (a bound token as Bearer), and for DPoP the proof, whose `ath` is the hash
 *   of the exact token presented and whose key must match the cached `cnf.jkt`. Nothing that
 *   depends on time or on state outside the token is cached.
 * - Trust: the cache belongs to one verifier, built over one key set and one issuer, audience and
 *   skew, and dies with it. A container's keys are static: the authorizer loads its configuration
 *   once per container and never reloads it (config-loader.ts); the shared JWS layer's header
 *   cache relies on the same fact. A key set is changed only by changing the function's
 *   environment (AUTHORIZER_CONFIG, or the digest AUTHORIZER_CONFIG_SHA256 that pins the table
 *   item), and "When you update a function, Lambda provisions an instance of the function and its
 *   supporting resources", after which "the function is processing events with the new
 *   configuration" (AWS Lambda API Reference, UpdateFunctionConfiguration,
 *   https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html). The page
 *   does not say when containers of the old configuration stop; until they do, they trust their
 *   old keys with or without this cache. So no entry outlives its container's trust in the key
 *   that verified it.
 * - Lifetime: an entry is never used past `exp` (plus skew); a use past it removes it, and a sweep
 *   at most once a minute, on insertion, removes expired entries nobody presents again.
 * - Size: at most `maxEntries` entries, the least recently used dropped first. An entry holds at
 *   most {@link VERIFIED_TOKEN_ENTRY_MAX_BYTES} bytes (see there); docs/authorizer.md states the
 *   totals.
 * @module
 */
import { MAX_TOKEN_LENGTH } from '../../shared/access-token-verify';
import { boundJkt } from './dpop-request';
import {
  checkLifetime,
  createJwtVerifier,
  type JwtVerifierOptions,
  type VerifiedClaims,
} from './jwt-verify';

/**
 * The claims a decision reads, and all that a cache entry keeps: no other claim, no array, no
 * nested object but the binding, so an entry's size is bounded by the token's.
 */
export interface DecisionClaims {
  readonly sub: string;
  readonly client_id: string;
  readonly scope: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  readonly nbf: number | undefined;
  /**
   * The RFC 9449 §6.1 binding: undefined when the token has no `cnf` claim; otherwise `{ jkt }`,
   * with `jkt` undefined when `cnf` holds no usable thumbprint (such a token is still refused as
   * Bearer, and as DPoP it is unbound), exactly as boundJkt reads the claim itself.
   */
  readonly cnf: { readonly jkt: string | undefined } | undefined;
}

/**
 * Verifies a token, from the cache when it was verified before.
 * @param token the compact JWS (no scheme prefix)
 * @param nowMs the current time in milliseconds since the epoch
 * @returns the claims a decision reads (frozen; the same object for every use of a cached token)
 * @throws JwtError (a subclass naming the reason) when the token is not acceptable now
 */
export type CachedJwtVerifier = (token: string, nowMs: number) => DecisionClaims;

/** Options of {@link createCachedJwtVerifier}. */
export interface CachedJwtVerifierOptions extends JwtVerifierOptions {
  /** Most entries kept (VERIFIED_TOKEN_CACHE_SIZE); 0 turns the cache off. */
  maxEntries: number;
}

/**
 * Upper bound of the memory one entry holds, in bytes, on a 64-bit V8:
 * - the key, a one-byte copy of the token (verified tokens are ASCII): 16 bytes of header plus
 *   at most MAX_TOKEN_LENGTH (8,192) characters;
 * - the claim strings (`sub`, `client_id`, `scope`, `jti`, `jkt`), parsed from a payload of at
 *   most 3/4 of the token's length (6,144 bytes of JSON): at most two bytes (UTF-16) per byte of
 *   JSON together, plus 16 bytes of header each;
 * - the frozen claims object, the binding object, boxed numbers and the `Map` slot: under 512.
 * 8,208 + 12,288 + 80 + 512 = 21,088 bytes. A token the issuer really signs is about a tenth of
 * that (docs/authorizer.md, "Verified-token cache").
 */
export const VERIFIED_TOKEN_ENTRY_MAX_BYTES =
  16 + MAX_TOKEN_LENGTH + 2 * ((MAX_TOKEN_LENGTH * 3) / 4) + 5 * 16 + 512;

/** Least time between two sweeps of expired entries, in seconds. */
const SWEEP_INTERVAL_SECONDS = 60;

/** The binding of a token whose `cnf` holds no usable `jkt`: present, but unbound. */
const UNBOUND_CNF = Object.freeze({ jkt: undefined });

/**
 * Projects verified claims on what a decision reads.
 * @param claims claims that passed jwt-verify.ts
 * @returns a frozen {@link DecisionClaims}
 */
function decisionClaims(claims: VerifiedClaims): DecisionClaims {
  let cnf: DecisionClaims['cnf'];
  if (claims.cnf !== undefined) {
    const jkt = boundJkt(claims.cnf);
    cnf = jkt === undefined ? UNBOUND_CNF : Object.freeze({ jkt });
  }
  return Object.freeze({
    sub: claims.sub,
    client_id: claims.client_id,
    scope: claims.scope,
    jti: claims.jti,
    iat: claims.iat,
    exp: claims.exp,
    nbf: claims.nbf,
    cnf,
  });
}

/** One cached token: its claims and the key string the map holds (for a re-insert on use). */
interface Entry {
  readonly token: string;
  readonly claims: DecisionClaims;
}

/**
 * Builds the verifier over jwt-verify.ts, with its cache. Built once per container by the handler
 * (create-handler.ts), like the JWS layer it wraps.
 * @param options issuer, audience, skew, keys, and the most entries kept
 * @returns the verifier
 * @throws RangeError when `maxEntries` is not a whole number of 0 or more
 */
export function createCachedJwtVerifier(options: CachedJwtVerifierOptions): CachedJwtVerifier {
  const verify = createJwtVerifier(options);
  const { clockSkewSeconds: skew, maxEntries } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
    throw new RangeError('maxEntries must be a whole number, 0 or more');
  }
  // Off: the same projection, so a decision never depends on whether the cache is on.
  if (maxEntries === 0) return (token, nowMs) => decisionClaims(verify(token, nowMs));

  // A Map iterates in insertion order: a use re-inserts its entry, so the first is the least
  // recently used.
  const entries = new Map<string, Entry>();
  let nextSweep = -Infinity;

  const sweep = (now: number): void => {
    nextSweep = now + SWEEP_INTERVAL_SECONDS;
    for (const [token, { claims }] of entries) {
      if (claims.exp <= now - skew) entries.delete(token);
    }
  };

  return (token, nowMs) => {
    const now = Math.floor(nowMs / 1000);
    const cached = entries.get(token);
    if (cached !== undefined) {
      try {
        checkLifetime(cached.claims, skew, now);
      } catch (error) {
        entries.delete(cached.token);
        throw error;
      }
      entries.delete(cached.token);
      entries.set(cached.token, cached);
      return cached.claims;
    }
    // Throws for any token that fails: nothing is cached for it.
    const claims = decisionClaims(verify(token, nowMs));
    if (now >= nextSweep) sweep(now);
    // A copy, so the entry holds the token and not the request's header it was cut from. The
    // token passed the JWS layer, so it is base64url and dots: latin1 copies it exactly.
    const key = Buffer.from(token, 'latin1').toString('latin1');
    entries.set(key, { token: key, claims });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    return claims;
  };
}
