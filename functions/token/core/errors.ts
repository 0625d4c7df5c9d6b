/**
 * OAuth 2.0 error model (RFC 6749 §5.2, RFC 8707): one class per failure, each with a `code`.
 * Only the token handler maps codes to HTTP statuses and response bodies.
 * @module
 */

/**
 * RFC 6749 §5.2 error codes (plus RFC 8707 `invalid_target`, RFC 9449 `invalid_dpop_proof` and
 * `use_dpop_nonce`, and the §4.1.2.1 server codes).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'server_error'
  | 'temporarily_unavailable';

/** Base class of every error the token service reports to a client. Messages never hold secrets. */
export class OAuthError extends Error {
  /** RFC 6749 `error` value. */
  readonly code: OAuthErrorCode;

  /**
   * @param code RFC 6749 error code
   * @param message human-readable `error_description` (safe to show to the client)
   * @param options standard `cause`
   */
  constructor(code: OAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The request is malformed: bad content type, body, parameter, or more than one auth method. */
export class InvalidRequestError extends OAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_request', message, options);
  }
}

/** The body is over the size limit; answered with 413. */
export class RequestTooLargeError extends InvalidRequestError {}

/** Client authentication failed (unknown, disabled, wrong secret, bad assertion). */
export class InvalidClientError extends OAuthError {
  /** Why, for the log only (never sent): e.g. `assertion_aud`, `replay`, `method`. */
  readonly reason: string | undefined;

  /**
   * @param message `error_description`, the same for every failure of one kind
   * @param options `cause`, and the log's `reason`
   */
  constructor(message: string, options?: { cause?: unknown; reason?: string }) {
    super('invalid_client', message, options);
    this.reason = options?.reason;
  }
}

/** `grant_type` is not `client_credentials`. */
export class UnsupportedGrantTypeError extends OAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unsupported_grant_type', message, options);
  }
}

/** The requested scope is not a subset of the client's allowed scopes, or is malformed. */
export class InvalidScopeError extends OAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_scope', message, options);
  }
}

/** The requested audience is not one of the client's audiences (RFC 8707). */
export class InvalidTargetError extends OAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_target', message, options);
  }
}

/**
 * A DPoP proof is missing where the client must send one, or fails a check of RFC 9449 §4.3: 400
 * `invalid_dpop_proof` (RFC 9449 §5: "If the DPoP proof is invalid, the authorization server
 * issues an error response per Section 5.2 of [RFC6749] with invalid_dpop_proof as the value of
 * the error parameter"; registered in §12.2).
 */
export class InvalidDpopProofError extends OAuthError {
  /** Which check failed, for the log only: a DpopProofReason, `replay`, `required` or `unsupported`. */
  readonly reason: string;

  /**
   * @param message `error_description`
   * @param reason the log's `reason`
   */
  constructor(message: string, reason: string) {
    super('invalid_dpop_proof', message);
    this.reason = reason;
  }
}

/**
 * The proof carries no nonce, or not one this server handed out recently: 400 `use_dpop_nonce` with
 * a `DPoP-Nonce` header. "The authorization server responds to requests that do not include a
 * nonce with an HTTP 400 (Bad Request) error response per Section 5.2 of [RFC6749] using
 * use_dpop_nonce as the error code value. The authorization server includes a DPoP-Nonce HTTP header
 * in the response supplying a nonce value to be used when sending the subsequent request. [...]
 * This same error code is used when supplying a new nonce value when there was a nonce mismatch"
 * (RFC 9449 §8).
 */
export class UseDpopNonceError extends OAuthError {
  /** Why, for the log only: `nonce_missing` or `nonce_invalid`. */
  readonly reason: string;
  /** The nonce the client must use: the `DPoP-Nonce` header of the answer. */
  readonly nonce: string;

  /**
   * @param message `error_description`
   * @param reason the log's `reason`
   * @param nonce the current nonce
   */
  constructor(message: string, reason: string, nonce: string) {
    super('use_dpop_nonce', message);
    this.reason = reason;
    this.nonce = nonce;
  }
}

/** An internal failure; the client sees only `server_error`. */
export class ServerError extends OAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('server_error', message, options);
  }
}

/** A dependency (KMS, DynamoDB) is throttling or briefly unavailable; answered with 503. */
export class TemporarilyUnavailableError extends OAuthError {
  /**
   * Seconds until a retry can succeed, when known (the `Retry-After` header, RFC 9110 §10.2.3);
   * undefined: the handler's default.
   */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super('temporarily_unavailable', message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/**
 * An authenticated client without the introspection permission: 403 (RFC 7662 §2.3 answers a
 * caller with insufficient privileges with 403). Its code is `unauthorized_client` (RFC 6749 §5.2:
 * "not authorized to use this authorization grant type"), the closest registered error.
 */
export class IntrospectionForbiddenError extends OAuthError {
  constructor(message: string) {
    super('unauthorized_client', message);
  }
}
