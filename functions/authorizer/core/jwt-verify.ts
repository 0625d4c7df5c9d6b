/**
 * Fast, strict verifier of RFC 9068 access tokens (compact JWS) on node:crypto KeyObjects
 * prepared once per cold start. It makes the checks jose `jwtVerify` makes, with a stricter profile:
 * canonical base64url, a header of only `alg`/`typ`/`kid`, `alg` pinned per key, no `crit`.
 * @module
 */
import { verify as cryptoVerify } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import {
  JwtAlgNotAllowedError,
  JwtClaimInvalidError,
  JwtClaimMismatchError,
  JwtExpiredError,
  JwtInvalidHeaderError,
  JwtMalformedError,
  JwtNotYetValidError,
  JwtSignatureError,
  JwtTooLargeError,
  JwtUnknownKidError,
} from './jwt-errors';
import {
  ACCESS_TOKEN_HEADER_MEMBERS,
  ACCESS_TOKEN_TYP,
  parseScopeClaim,
  type AccessTokenClaims,
} from '../../shared/access-token';
import type { TrustedKey, TrustedKeys } from './trusted-keys';
import { isCanonicalBase64Url, isNumericDate, MAX_NUMERIC_DATE } from '../../shared/jws-verify';

// The canonical-base64url rule and the NumericDate bound are shared with the token function's
// client-assertion verifier (functions/shared/jws-verify.ts); re-exported for existing callers.
export { isCanonicalBase64Url, MAX_NUMERIC_DATE };

/** Longest token accepted, in characters, checked before any decoding. */
export const MAX_TOKEN_LENGTH = 8192;

/** Header members a token may carry; anything else (jku, jwk, x5u, b64, crit, …) is rejected. */
const ALLOWED_HEADER_MEMBERS: ReadonlySet<string> = new Set(ACCESS_TOKEN_HEADER_MEMBERS);

/** Distinct valid headers remembered (there is one per key and typ spelling in practice). */
const HEADER_CACHE_SIZE = 32;

/** Encodes the (ASCII) token into the scratch buffer. */
const ENCODER = new TextEncoder();

/** The RFC 9068 `typ`, as jose normalises it (media types are case-insensitive, RFC 7515 §4.1.9). */
const NORMALIZED_TYP = `application/${ACCESS_TOKEN_TYP}`;

/** Options of {@link createJwtVerifier}. */
export interface JwtVerifierOptions {
  /** Expected `iss` (exact match). */
  issuer: string;
  /** Expected audience: `aud` equals it or, as an array, contains it. */
  audience: string;
  /** Tolerance for `exp` and `nbf`, in seconds. */
  clockSkewSeconds: number;
  /** Trusted keys by `kid`. */
  keys: TrustedKeys;
}

/**
 * Claims of a verified access token: the contract's claims, where `aud` may also be an array that
 * contains the audience and `nbf` may be absent (RFC 9068 §2.2 does not require it). Other claims
 * pass through untyped.
 */
export type VerifiedClaims = Omit<AccessTokenClaims, 'aud' | 'nbf'> & {
  aud: string | unknown[];
  nbf?: number;
  [claim: string]: unknown;
};

/**
 * Verifies a token.
 * @param token the compact JWS (no `Bearer ` prefix)
 * @param nowMs the current time in milliseconds since the epoch
 * @returns the verified claims
 * @throws JwtError (a subclass naming the reason) when the token is not acceptable
 */
export type JwtVerifier = (token: string, nowMs: number) => VerifiedClaims;

/**
 * Decodes a canonical base64url segment holding a UTF-8 JSON object.
 * @param segment the base64url text
 * @param what `header` or `payload`, for messages
 * @returns the parsed object
 * @throws JwtMalformedError when it is not one
 */
function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  if (!isCanonicalBase64Url(segment)) throw new JwtMalformedError(`${what} is not base64url`);
  return parseJsonObject(Buffer.from(segment, 'base64url'), what);
}

/**
 * Parses UTF-8 bytes holding a JSON object.
 * @param bytes decoded segment
 * @param what `header` or `payload`, for messages
 * @returns the parsed object
 * @throws JwtMalformedError when it is not one
 */
function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  // jose decodes with a fatal TextDecoder; Buffer#toString would replace bad sequences silently.
  if (!isUtf8(bytes)) throw new JwtMalformedError(`${what} is not UTF-8`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new JwtMalformedError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtMalformedError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Validates a protected header against the profile and picks its key.
 * @param segment the base64url header
 * @param keys trusted keys
 * @returns the key the header names
 * @throws JwtError subclasses for every header problem
 */
function resolveHeader(segment: string, keys: TrustedKeys): TrustedKey {
  const header = decodeJsonObject(segment, 'header');
  // RFC 7515 §4.1.11: a verifier must reject `crit` members it does not understand; we support none.
  if (Object.hasOwn(header, 'crit')) throw new JwtInvalidHeaderError('crit is not supported');
  for (const member of Object.keys(header)) {
    if (!ALLOWED_HEADER_MEMBERS.has(member)) {
      throw new JwtInvalidHeaderError(`header member ${JSON.stringify(member)} is not allowed`);
    }
  }
  const { alg, typ, kid } = header;
  if (alg !== 'ES256' && alg !== 'RS256') throw new JwtAlgNotAllowedError('alg is not allowed');
  if (kid === undefined) throw new JwtUnknownKidError('kid is missing');
  if (typeof kid !== 'string') throw new JwtInvalidHeaderError('kid is not a string');
  const key = keys.get(kid);
  if (key === undefined) throw new JwtUnknownKidError('kid names no trusted key');
  // The key decides the algorithm: an RS256 header on an EC key (or the reverse) never verifies.
  if (alg !== key.alg) throw new JwtAlgNotAllowedError(`alg ${alg} is not the key's ${key.alg}`);
  if (typeof typ !== 'string' || normalizeTyp(typ) !== NORMALIZED_TYP) {
    throw new JwtInvalidHeaderError('typ is not at+jwt');
  }
  return key;
}

/**
 * Normalises a `typ` like jose: lower case, `application/` prefixed when it has no slash.
 * @param typ the header value
 * @returns the full media type in lower case
 */
function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

/** Message for a claim that is not a NumericDate. */
const NUMERIC_DATE_PROBLEM = (claim: string): string =>
  `${claim} must be a finite NumericDate between 0 and ${MAX_NUMERIC_DATE}`;

/**
 * Checks the claims set (RFC 7519 §4.1, RFC 9068 §2.2 and §4) like jose's `validateClaimsSet`.
 * @param claims the decoded payload
 * @param options issuer, audience, skew
 * @param now current time in whole seconds
 * @returns the claims, typed
 * @throws JwtClaimError subclasses
 */
function checkClaims(
  claims: Record<string, unknown>,
  options: JwtVerifierOptions,
  now: number,
): VerifiedClaims {
  const { iss, aud, exp, nbf, iat, sub, client_id: clientId, scope, jti } = claims;
  if (iss !== options.issuer) {
    if (iss === undefined) throw new JwtClaimInvalidError('iss', 'iss is missing');
    throw new JwtClaimMismatchError('iss', 'unexpected iss');
  }
  if (
    typeof aud === 'string'
      ? aud !== options.audience
      : !Array.isArray(aud) || !aud.includes(options.audience)
  ) {
    if (aud === undefined) throw new JwtClaimInvalidError('aud', 'aud is missing');
    throw new JwtClaimMismatchError('aud', 'unexpected aud');
  }
  if (!isNumericDate(exp)) throw new JwtClaimInvalidError('exp', NUMERIC_DATE_PROBLEM('exp'));
  if (!isNumericDate(iat)) throw new JwtClaimInvalidError('iat', NUMERIC_DATE_PROBLEM('iat'));
  if (nbf !== undefined && !isNumericDate(nbf)) {
    throw new JwtClaimInvalidError('nbf', NUMERIC_DATE_PROBLEM('nbf'));
  }
  const skew = options.clockSkewSeconds;
  if (nbf !== undefined && nbf > now + skew)
    throw new JwtNotYetValidError('nbf', 'token is not yet valid');
  if (exp <= now - skew) throw new JwtExpiredError('exp', 'token has expired');
  // principalId must be non-empty for API Gateway, so sub and client_id are.
  if (typeof sub !== 'string' || sub === '')
    throw new JwtClaimInvalidError('sub', 'sub must be a non-empty string');
  if (typeof clientId !== 'string' || clientId === '') {
    throw new JwtClaimInvalidError('client_id', 'client_id must be a non-empty string');
  }
  // The contract's scope rule: scope tokens separated by single spaces, or "" for none.
  if (parseScopeClaim(scope) === undefined) {
    throw new JwtClaimInvalidError(
      'scope',
      'scope must be scope tokens separated by single spaces',
    );
  }
  if (typeof jti !== 'string') throw new JwtClaimInvalidError('jti', 'jti must be a string');
  return claims as VerifiedClaims;
}

/**
 * Builds a verifier. Keys are prepared by the caller (see loadTrustedKeys); valid headers are
 * cached by their exact base64url text, so a warm call decodes only the payload and signature.
 * @param options issuer, audience, clock skew and trusted keys
 * @returns the verifier function
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const { keys } = options;
  const headers = new Map<string, TrustedKey>();
  // Room for the ASCII token followed by the decoded signature.
  const scratch = Buffer.alloc(MAX_TOKEN_LENGTH * 2);

  return (token, nowMs) => {
    if (token.length > MAX_TOKEN_LENGTH) throw new JwtTooLargeError('token is too large');
    const dot1 = token.indexOf('.');
    const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    // Exactly three segments: rejects JWE (five) and JSON serialisation.
    if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
      throw new JwtMalformedError('token is not a compact JWS');
    }

    const headerSegment = token.slice(0, dot1);
    let key = headers.get(headerSegment);
    if (key === undefined) {
      key = resolveHeader(headerSegment, keys);
      // Only valid headers are cached, and only a few: an attacker cannot grow this map.
      if (headers.size < HEADER_CACHE_SIZE) headers.set(headerSegment, key);
    }

    const signatureSegment = token.slice(dot2 + 1);
    // ES256 is exactly 64 bytes (R||S); RSA signatures are exactly the modulus length.
    if (
      signatureSegment.length !== key.signatureB64Length ||
      !isCanonicalBase64Url(signatureSegment)
    ) {
      throw new JwtSignatureError('signature has the wrong length or encoding');
    }
    const payloadSegment = token.slice(dot1 + 1, dot2);
    if (!isCanonicalBase64Url(payloadSegment))
      throw new JwtMalformedError('payload is not base64url');

    // Every character is now ASCII (<= MAX_TOKEN_LENGTH bytes), so the signing input and the
    // signature are written into buffers reused across calls: no allocation, and safe because
    // crypto.verify is synchronous.
    const { written } = ENCODER.encodeInto(token, scratch);
    const signingInput = scratch.subarray(0, dot2);
    const signature = scratch.subarray(
      written,
      written + scratch.write(signatureSegment, written, 'base64url'),
    );
    if (!cryptoVerify('sha256', signingInput, key.verifyKey, signature)) {
      throw new JwtSignatureError('signature verification failed');
    }

    const claims = parseJsonObject(Buffer.from(payloadSegment, 'base64url'), 'payload');
    return checkClaims(claims, options, Math.floor(nowMs / 1000));
  };
}
