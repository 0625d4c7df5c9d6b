/**
 * Access-token verification errors: one class per failure, each with a stable `code`
 * (the way jose's `JOSEError.code` and aws-jwt-verify's error hierarchy work).
 * Messages never contain the token; the authorizer turns every one into "Unauthorized", and
 * revocation and introspection into "not a token of this issuer".
 * @module
 */

/** Why a token was rejected. */
export type JwtErrorCode =
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_TOO_LARGE'
  | 'ERR_JWT_INVALID_HEADER'
  | 'ERR_JWT_ALG_NOT_ALLOWED'
  | 'ERR_JWT_UNKNOWN_KID'
  | 'ERR_JWT_SIGNATURE_INVALID'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_CLAIM_MISMATCH'
  | 'ERR_JWT_CLAIM_INVALID';

/** Base class of every token verification failure. */
export abstract class JwtError extends Error {
  /** Stable machine-readable reason. */
  abstract readonly code: JwtErrorCode;

  /**
   * @param message human-readable reason (never includes the token)
   * @param options standard `cause`
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Not a compact JWS: segment count, base64url, JSON or UTF-8 is wrong. */
export class JwtMalformedError extends JwtError {
  readonly code: JwtErrorCode = 'ERR_JWT_MALFORMED';
}

/** The token is longer than the size cap (checked before any decoding). */
export class JwtTooLargeError extends JwtMalformedError {
  override readonly code: JwtErrorCode = 'ERR_JWT_TOO_LARGE';
}

/** The JOSE header breaks the profile: `typ`, `crit`, an unexpected member or a bad `kid` type. */
export class JwtInvalidHeaderError extends JwtError {
  readonly code: JwtErrorCode = 'ERR_JWT_INVALID_HEADER';
}

/** `alg` is missing, `none`, HMAC, or not the algorithm pinned to the key named by `kid`. */
export class JwtAlgNotAllowedError extends JwtError {
  readonly code: JwtErrorCode = 'ERR_JWT_ALG_NOT_ALLOWED';
}

/** `kid` is missing or names no trusted key. */
export class JwtUnknownKidError extends JwtError {
  readonly code: JwtErrorCode = 'ERR_JWT_UNKNOWN_KID';
}

/** The signature does not verify (or has the wrong length for the key). */
export class JwtSignatureError extends JwtError {
  readonly code: JwtErrorCode = 'ERR_JWT_SIGNATURE_INVALID';
}

/** Base of the claim failures; `claim` names the offending claim. */
export abstract class JwtClaimError extends JwtError {
  /** The claim that failed (`exp`, `iss`, …). */
  readonly claim: string;

  /**
   * @param claim the claim name
   * @param message human-readable reason
   */
  constructor(claim: string, message: string) {
    super(message);
    this.claim = claim;
  }
}

/** `exp` is in the past, beyond the clock skew. */
export class JwtExpiredError extends JwtClaimError {
  readonly code: JwtErrorCode = 'ERR_JWT_EXPIRED';
}

/** `nbf` is in the future, beyond the clock skew. */
export class JwtNotYetValidError extends JwtClaimError {
  readonly code: JwtErrorCode = 'ERR_JWT_NOT_YET_VALID';
}

/** `iss` or `aud` does not match the configuration. */
export class JwtClaimMismatchError extends JwtClaimError {
  readonly code: JwtErrorCode = 'ERR_JWT_CLAIM_MISMATCH';
}

/** A required claim is missing or has the wrong type. */
export class JwtClaimInvalidError extends JwtClaimError {
  readonly code: JwtErrorCode = 'ERR_JWT_CLAIM_INVALID';
}
