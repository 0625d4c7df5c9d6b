/**
 * Verifies `private_key_jwt` client assertions (RFC 7523 §3, RFC 7521 §4.2) with a client's
 * registered public keys, on the shared prepared-KeyObject path (functions/shared/jws-verify.ts).
 * The `jti` replay check is the caller's (it needs the replay cache).
 * @module
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  decodeJsonObject,
  payloadOf,
  splitAssertion,
  type SplitAssertion,
} from './assertion-parts';
import {
  isNumericDate,
  prepareVerifyKey,
  verifyJwsSignature,
  type JwsAlgorithm,
  type VerifyKey,
} from '../../shared/jws-verify';
import { assertionAlgorithm, loadClientJwk } from './client-keys';
import { degenerateKeyProblem } from './degenerate-keys';
import type { ClientJwk } from './types';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * How far ahead of now an assertion's `exp` may be, in seconds (plus the clock skew). RFC 7523
 * sets no limit; a short one bounds how long a leaked assertion is worth anything and how long
 * the replay cache must remember its `jti`. Client libraries sign assertions for 60 s (openid-client,
 * oauth4webapi) to 300 s, so five minutes accepts them all.
 */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** Longest `jti`, in characters (printable ASCII); it becomes part of a DynamoDB key. */
export const MAX_JTI_LENGTH = 256;

/** Why an assertion was refused: logged, never sent to the client (which sees `invalid_client`). */
export type AssertionFailureReason =
  | 'assertion_malformed'
  | 'assertion_header'
  | 'assertion_alg'
  | 'assertion_kid'
  | 'assertion_key_unusable'
  | 'assertion_key_degenerate'
  | 'assertion_signature'
  | 'assertion_iss'
  | 'assertion_sub'
  | 'assertion_aud'
  | 'assertion_exp'
  | 'assertion_expired'
  | 'assertion_exp_too_far'
  | 'assertion_nbf'
  | 'assertion_iat'
  | 'assertion_jti';

/** An assertion is not acceptable; `reason` is for the log only. */
export class AssertionRejectedError extends Error {
  /** The log's reason code. */
  readonly reason: AssertionFailureReason;

  /**
   * @param reason the reason code
   */
  constructor(reason: AssertionFailureReason) {
    super(`client assertion rejected: ${reason}`);
    this.name = 'AssertionRejectedError';
    this.reason = reason;
  }
}

/** What the caller needs from a verified assertion. */
export interface VerifiedAssertion {
  jti: string;
  /** The assertion's `exp`, epoch seconds. */
  exp: number;
}

/** Options of {@link createAssertionVerifier}. */
export interface AssertionVerifierOptions {
  /** Accepted `aud` values (exact string match, RFC 3986 §6.2.1 simple comparison). */
  audiences: readonly string[];
  /** Tolerance on `exp`, `nbf` and `iat`, in seconds (the authorizer's). */
  clockSkewSeconds: number;
  /** Default MAX_ASSERTION_LIFETIME_SECONDS. */
  maxLifetimeSeconds?: number;
  /**
   * When set, an assertion whose `exp` − `iat` exceeds it is refused too (`assertion_exp_too_far`):
   * a multi-Region deployment sets MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS, so an assertion
   * is never signed to live longer than the cross-Region replay window allows
   * (docs/multi-region.md). Unset (single-Region), only `exp` − now is bounded, as before.
   */
  maxIssuedLifetimeSeconds?: number;
  /** Finds what makes a key forgeable; default degenerateKeyProblem (a test counts its calls). */
  keyProblem?: (members: ClientJwk) => string | undefined;
  /**
   * The algorithms accepted (default every pinnable one): the FAPI 2.0 profile takes PS256, ES256
   * and EdDSA only. Refused by the header alone, before any key or client is looked at.
   */
  algorithms?: readonly JwsAlgorithm[];
}

/** A stored key, prepared: its verify key, its canonical members, and the degenerate-key verdict once known. */
interface PreparedKey {
  readonly verifyKey: VerifyKey;
  readonly jwk: ClientJwk;
  /** undefined until a signature has verified with the key; then null (sound) or the problem. */
  problem?: string | null;
}

/** Verifies assertions. */
export interface AssertionVerifier {
  /**
   * @param assertion the compact JWS
   * @param clientId the client it must come from (`iss` = `sub`)
   * @param keys the client's registered keys
   * @param nowMs the current time
   * @returns the `jti` and `exp`
   * @throws AssertionRejectedError naming the reason
   */
  verify(
    assertion: string,
    clientId: string,
    keys: readonly ClientJwk[],
    nowMs: number,
  ): VerifiedAssertion;
  /**
   * Spends what a verification with one key costs, then fails: used when there is no key to
   * verify with (unknown client, a secret client), so the response time does not tell.
   * @param assertion the compact JWS
   * @throws AssertionRejectedError always
   */
  verifyWithoutKey(assertion: string): never;
}

/** Prepared keys (and valid headers) remembered across requests: records are read fresh each time, keys rarely change. */
const KEY_CACHE_SIZE = 256;

/** Accepted `typ` values, lower case (RFC 7515 §4.1.9): none, `JWT`, or rfc7523bis's explicit type. */
const ACCEPTED_TYP = new Set([
  'jwt',
  'application/jwt',
  'client-authentication+jwt',
  'application/client-authentication+jwt',
]);

const PRINTABLE = /^[\x21-\x7e]+$/;

/** Dummy keys, one per algorithm, made on first use: never a client's, never matching. */
function dummyKey(alg: JwsAlgorithm): VerifyKey {
  if (alg === 'RS256' || alg === 'PS256') {
    // Any 2048-bit odd modulus verifies (to false) at the cost of a real key's verification.
    const n = Buffer.alloc(256, 0xa7).toString('base64url');
    return prepareVerifyKey(
      createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' }),
      alg,
    );
  }
  const { publicKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' });
  return prepareVerifyKey(publicKey, alg);
}

/**
 * Creates an assertion verifier. The checks, in order: a compact JWS of canonical base64url; a
 * header without `crit` or `b64` whose `alg` is asymmetric and whose `typ`, if any, is `JWT` or
 * `client-authentication+jwt`; a key chosen by `kid` (or, without one, every key of the header's
 * alg) whose registered alg equals the header's and that loadClientJwk's cheap checks accept (a
 * corrupt stored key is refused as `assertion_key_unusable`, after the dummy's verification when
 * no usable key is left); the signature; the key that verified it not degenerate (else
 * `assertion_key_degenerate`: checked only after a signature verifies, so that every refusal
 * before it costs one signature verification and nothing more); then `iss` = `sub` = the client
 * id, `aud` one of the accepted values as a single string, `exp` present and neither past nor
 * more than the lifetime limit ahead, `nbf` and `iat` not in the future (each within the skew), and
 * a `jti` of printable ASCII. Header members such as `jwk`, `jku`, `x5u` and `x5c` are never used:
 * only registered keys verify.
 * @param options accepted audiences, skew, lifetime limit
 * @returns the verifier
 */
export function createAssertionVerifier(options: AssertionVerifierOptions): AssertionVerifier {
  const audiences = new Set(options.audiences);
  const skew = options.clockSkewSeconds;
  const maxLifetime = options.maxLifetimeSeconds ?? MAX_ASSERTION_LIFETIME_SECONDS;
  const maxIssuedLifetime = options.maxIssuedLifetimeSeconds;
  const keyProblem = options.keyProblem ?? degenerateKeyProblem;
  const algorithms = options.algorithms === undefined ? undefined : new Set(options.algorithms);
  /** Prepared stored keys; null for a key that loadClientJwk refuses (never used, never retried). */
  const prepared = new Map<string, PreparedKey | null>();
  const dummies = new Map<JwsAlgorithm, VerifyKey>();
  const headers = new Map<string, { alg: JwsAlgorithm; kid: unknown }>();

  /**
   * A stored key, prepared, or null when it is unusable. The CLI validated it when it wrote it,
   * but records may be written by other tooling: a key loadClientJwk refuses (corrupt, too small
   * or too large, an unsafe exponent) never verifies anything. Only the cheap checks run here
   * (an import and a few comparisons); the degenerate-key checks, which cost milliseconds, wait
   * until a signature verifies with the key ({@link soundKeyOrRefuse}). The result is cached, so
   * each key is prepared once per container.
   */
  const preparedKeyOf = (stored: ClientJwk): PreparedKey | null => {
    const cacheKey = JSON.stringify([
      stored.alg,
      stored.kty,
      stored.crv,
      stored.x,
      stored.y,
      stored.n,
      stored.e,
    ]);
    let key = prepared.get(cacheKey);
    if (key === undefined) {
      try {
        key = loadClientJwk(stored, { checkDegenerate: false });
      } catch {
        // loadClientJwk throws ClientKeyError only; whatever it refuses fails closed.
        key = null;
      }
      if (prepared.size >= KEY_CACHE_SIZE) prepared.clear();
      prepared.set(cacheKey, key);
    }
    return key;
  };

  /**
   * Refuses a key whose signatures anyone can forge (degenerate-keys.ts), once a signature has
   * verified with it. Run after the signature and never before, so that what these checks cost
   * (milliseconds, more on a container's first check) is paid only by a caller holding a valid
   * signature: a prober without one cannot tell from the time whether a client id exists. A
   * forger of a degenerate key gets here, and is refused. The verdict is cached with the key.
   */
  const soundKeyOrRefuse = (key: PreparedKey): void => {
    if (key.problem === undefined) key.problem = keyProblem(key.jwk) ?? null;
    if (key.problem !== null) throw new AssertionRejectedError('assertion_key_degenerate');
  };

  const parseHeader = (
    split: SplitAssertion,
  ): { segments: [string, string, string]; alg: JwsAlgorithm; kid: unknown } => {
    const segments = split.segments;
    if (segments === undefined) throw new AssertionRejectedError('assertion_malformed');
    // Valid headers only, by their exact text: a client's header is the same on every request.
    const known = headers.get(segments[0]);
    if (known !== undefined) return { segments, ...known };
    const header = decodeJsonObject(segments[0]);
    if (header === undefined) throw new AssertionRejectedError('assertion_malformed');
    // RFC 7515 §4.1.11: no extension is understood here; RFC 7797 `b64` changes what is signed.
    if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) {
      throw new AssertionRejectedError('assertion_header');
    }
    const { alg, typ, kid } = header;
    if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
      throw new AssertionRejectedError('assertion_header');
    }
    // `none`, HMAC and anything else unknown: refused before any key is looked at.
    const pinned = assertionAlgorithm(alg);
    if (pinned === undefined || (algorithms !== undefined && !algorithms.has(pinned))) {
      throw new AssertionRejectedError('assertion_alg');
    }
    if (kid !== undefined && typeof kid !== 'string')
      throw new AssertionRejectedError('assertion_header');
    if (headers.size >= KEY_CACHE_SIZE) headers.clear();
    headers.set(segments[0], { alg: pinned, kid });
    return { segments, alg: pinned, kid };
  };

  /**
   * One signature verification with the dummy key of `alg`, whatever the signature's length, and
   * then the refusal: a refusal before the real check costs what a wrong signature costs, so
   * response times do not tell which clients exist, how they authenticate, or which kids they have.
   */
  const refuseAfterDummyVerify = (
    segments: [string, string, string],
    alg: JwsAlgorithm,
    reason: AssertionFailureReason,
  ): never => {
    let key = dummies.get(alg);
    if (key === undefined) {
      key = dummyKey(alg);
      dummies.set(alg, key);
    }
    const signature =
      segments[2].length === key.signatureB64Length
        ? segments[2]
        : 'A'.repeat(key.signatureB64Length);
    verifyJwsSignature(`${segments[0]}.${segments[1]}`, signature, key);
    throw new AssertionRejectedError(reason);
  };

  /**
   * Verifies with a registered key. A signature of the wrong length for the key still costs one
   * verification (of a placeholder of the right length, whose result is ignored), as the dummy's
   * refusals do, so a malformed signature does not answer faster for a client that exists.
   */
  const verifiesWith = (signingInput: string, signature: string, key: VerifyKey): boolean => {
    if (signature.length === key.signatureB64Length) {
      return verifyJwsSignature(signingInput, signature, key);
    }
    verifyJwsSignature(signingInput, 'A'.repeat(key.signatureB64Length), key);
    return false;
  };

  return {
    verify(assertion, clientId, keys, nowMs) {
      const split = splitAssertion(assertion);
      const { segments, alg, kid } = parseHeader(split);
      let candidates: readonly ClientJwk[];
      if (kid !== undefined) {
        candidates = keys.filter((k) => k.kid === kid);
        if (candidates.length === 0) refuseAfterDummyVerify(segments, alg, 'assertion_kid');
        // The registered key decides the algorithm (no RS256/PS256 or ES256/ES384 switching).
        if (candidates.some((k) => k.alg !== alg))
          refuseAfterDummyVerify(segments, alg, 'assertion_alg');
      } else {
        candidates = keys.filter((k) => k.alg === alg);
        if (candidates.length === 0) refuseAfterDummyVerify(segments, alg, 'assertion_kid');
      }
      // Unusable stored keys drop out; with none left the refusal costs the dummy's verification.
      const usable = candidates.map(preparedKeyOf).filter((k): k is PreparedKey => k !== null);
      if (usable.length === 0) refuseAfterDummyVerify(segments, alg, 'assertion_key_unusable');
      const signingInput = `${segments[0]}.${segments[1]}`;
      const signer = usable.find((k) => verifiesWith(signingInput, segments[2], k.verifyKey));
      if (signer === undefined) throw new AssertionRejectedError('assertion_signature');
      soundKeyOrRefuse(signer);
      const claims = payloadOf(split);
      if (claims === undefined) throw new AssertionRejectedError('assertion_malformed');
      return checkClaims(claims, clientId, Math.floor(nowMs / 1000));
    },
    verifyWithoutKey(assertion) {
      const { segments, alg } = parseHeader(splitAssertion(assertion));
      return refuseAfterDummyVerify(segments, alg, 'assertion_signature');
    },
  };

  function checkClaims(
    claims: Record<string, unknown>,
    clientId: string,
    now: number,
  ): VerifiedAssertion {
    const { iss, sub, aud, exp, nbf, iat, jti } = claims;
    if (iss !== clientId) throw new AssertionRejectedError('assertion_iss');
    if (sub !== clientId) throw new AssertionRejectedError('assertion_sub');
    // rfc7523bis: a single JSON string, never an array; compared exactly.
    if (typeof aud !== 'string' || !audiences.has(aud))
      throw new AssertionRejectedError('assertion_aud');
    if (!isNumericDate(exp)) throw new AssertionRejectedError('assertion_exp');
    if (exp <= now - skew) throw new AssertionRejectedError('assertion_expired');
    if (exp > now + maxLifetime + skew) throw new AssertionRejectedError('assertion_exp_too_far');
    if (nbf !== undefined && (!isNumericDate(nbf) || nbf > now + skew)) {
      throw new AssertionRejectedError('assertion_nbf');
    }
    if (iat !== undefined && (!isNumericDate(iat) || iat > now + skew)) {
      throw new AssertionRejectedError('assertion_iat');
    }
    if (maxIssuedLifetime !== undefined && iat !== undefined && exp - iat > maxIssuedLifetime) {
      throw new AssertionRejectedError('assertion_exp_too_far');
    }
    if (typeof jti !== 'string' || jti.length > MAX_JTI_LENGTH || !PRINTABLE.test(jti)) {
      throw new AssertionRejectedError('assertion_jti');
    }
    return { jti, exp };
  }
}
