/**
 * Fast, strict verifier of RFC 9068 access tokens (compact JWS) on node:crypto KeyObjects
 * prepared once per cold start. It makes the checks jose `jwtVerify` makes, with a stricter profile:
 * canonical base64url, a header of only `alg`/`typ`/`kid`, `alg` pinned per key, no `crit`. That
 * JWS layer is functions/shared/access-token-verify.ts, which the token function's revocation and
 * introspection use too; this module adds the claim checks.
 * @module
 */
import {
  JwtClaimInvalidError,
  JwtClaimMismatchError,
  JwtExpiredError,
  JwtNotYetValidError,
} from '../../shared/jwt-errors';
import { parseScopeClaim, type AccessTokenClaims } from '../../shared/access-token';
import { createAccessTokenJwsVerifier, MAX_TOKEN_LENGTH } from '../../shared/access-token-verify';
import type { TrustedKeys } from './trusted-keys';
import { isCanonicalBase64Url, isNumericDate, MAX_NUMERIC_DATE } from '../../shared/jws-verify';

// The canonical-base64url rule and the NumericDate bound are shared with the token function's
// verifiers (functions/shared/jws-verify.ts), as is the size cap; re-exported for existing callers.
export { isCanonicalBase64Url, MAX_NUMERIC_DATE, MAX_TOKEN_LENGTH };

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
  checkLifetime({ exp, nbf }, options.clockSkewSeconds, now);
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
 * The time-dependent checks of a verified token, `nbf` then `exp`, with the clock skew: the only
 * claim checks whose outcome changes after a token has passed once. The verified-token cache
 * (verified-token-cache.ts) makes them again on every use with this same function.
 * @param lifetime the token's `exp` and optional `nbf` (NumericDates, already checked)
 * @param skewSeconds tolerance on both, in seconds
 * @param now current time in whole seconds
 * @throws JwtNotYetValidError when `nbf` is more than the skew ahead; JwtExpiredError when `exp`
 *   is at least the skew behind
 */
export function checkLifetime(
  lifetime: { exp: number; nbf?: number | undefined },
  skewSeconds: number,
  now: number,
): void {
  const { exp, nbf } = lifetime;
  if (nbf !== undefined && nbf > now + skewSeconds)
    throw new JwtNotYetValidError('nbf', 'token is not yet valid');
  if (exp <= now - skewSeconds) throw new JwtExpiredError('exp', 'token has expired');
}

/**
 * Builds a verifier: the JWS layer shared with the token function's revocation and introspection
 * (functions/shared/access-token-verify.ts: canonical base64url, header profile, pinned alg,
 * signature, with valid headers cached), then this verifier's claim checks. Keys are prepared by
 * the caller (see loadTrustedKeys).
 * @param options issuer, audience, clock skew and trusted keys
 * @returns the verifier function
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const verifyJws = createAccessTokenJwsVerifier(options.keys);
  return (token, nowMs) => checkClaims(verifyJws(token), options, Math.floor(nowMs / 1000));
}
