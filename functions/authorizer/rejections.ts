// Why the authorizer answers 401: its own rejection errors, and the low-cardinality reason each rejection is counted under (docs/metrics.md).
import {
  JwtAlgNotAllowedError,
  JwtClaimError,
  JwtExpiredError,
  JwtNotYetValidError,
  JwtSignatureError,
  JwtUnknownKidError,
} from '../shared/jwt-errors';

/** The `reason` dimension of `AuthorizerUnauthorized`: a closed set, never caller data. */
export type UnauthorizedReason =
  | 'expired'
  | 'bad_signature'
  | 'unknown_kid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'revoked'
  | 'disabled_client'
  | 'revocation_unavailable'
  | 'configuration_unavailable'
  | 'dpop_bound_as_bearer'
  | 'dpop_required'
  | 'dpop_invalid'
  | 'dpop_replayed'
  | 'dpop_replay_unavailable'
  | 'dpop_not_accepted'
  | 'malformed';

/** Every {@link UnauthorizedReason}, in the order docs/metrics.md lists them. */
export const UNAUTHORIZED_REASONS: readonly UnauthorizedReason[] = [
  'expired',
  'bad_signature',
  'unknown_kid',
  'wrong_audience',
  'wrong_issuer',
  'revoked',
  'disabled_client',
  'revocation_unavailable',
  'configuration_unavailable',
  'dpop_bound_as_bearer',
  'dpop_required',
  'dpop_invalid',
  'dpop_replayed',
  'dpop_replay_unavailable',
  'dpop_not_accepted',
  'malformed',
];

/** The revocation check's verdicts that refuse a token. */
export type RevocationRefusal = 'revoked' | 'disabled' | 'unavailable';

const REVOCATION_ERROR_NAMES: Readonly<Record<RevocationRefusal, string>> = {
  revoked: 'TokenRevoked',
  disabled: 'ClientDisabled',
  unavailable: 'RevocationStateUnavailable',
};

/** A revoked token, a disabled client, or revocation state that could not be read within the stale window. */
export class RevocationError extends Error {
  /** The check's verdict. */
  readonly verdict: RevocationRefusal;

  /** @param verdict the check's verdict */
  constructor(verdict: RevocationRefusal) {
    super(verdict);
    this.verdict = verdict;
    this.name = REVOCATION_ERROR_NAMES[verdict];
  }
}

/** The request carries no single Bearer token, or is not a REQUEST authorizer event. */
export class MalformedRequestError extends Error {
  /** @param message what is wrong, never the header's value */
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRequestError';
  }
}

/**
 * A DPoP-bound token (one with `cnf`, RFC 9449 §6.1) presented as `Bearer`: refused on every route,
 * DPoP or not. A bound token must never work as a bearer token, or binding it would buy nothing
 * (RFC 9449 §7.2 downgrade).
 */
export class DpopBoundAsBearerError extends Error {
  constructor() {
    super('a DPoP-bound token was presented as Bearer');
    this.name = 'DpopBoundAsBearerError';
  }
}

/**
 * The DPoP outcomes of a request (RFC 9449 §7), each its own error so that the metric reason and
 * the log line say which check refused it (never the token or the proof).
 */
export type DpopRefusal =
  /** A Bearer token (not bound) on a route whose sender constraint is dpop. */
  | 'required'
  /** The proof failed a §4.3 check (`detail` names it), the host or path cannot give `htu`, or the token is not bound to the proof's key. */
  | 'invalid'
  /** The proof's `jti` was seen before (§11.1). */
  | 'replayed'
  /** The single-use write failed: refused rather than risk a replay. */
  | 'replay_unavailable'
  /** `Authorization: DPoP` on a route without the dpop constraint, or on an authorizer that may be cached or has no DPoP settings. */
  | 'not_accepted';

const DPOP_REASONS: Readonly<Record<DpopRefusal, UnauthorizedReason>> = {
  required: 'dpop_required',
  invalid: 'dpop_invalid',
  replayed: 'dpop_replayed',
  replay_unavailable: 'dpop_replay_unavailable',
  not_accepted: 'dpop_not_accepted',
};

/** A DPoP request was refused; `refusal` says why and `detail` which check (for the log). */
export class DpopRefusedError extends Error {
  /**
   * @param refusal the outcome
   * @param detail a closed-set name of the check (e.g. the proof check `htu`, `jkt`, `ttl`)
   * @param options standard `cause`
   */
  constructor(
    readonly refusal: DpopRefusal,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`DPoP ${refusal}: ${detail}`, options);
    this.name = 'DpopRefusedError';
  }
}

const REVOCATION_REASONS: Readonly<Record<RevocationRefusal, UnauthorizedReason>> = {
  revoked: 'revoked',
  disabled: 'disabled_client',
  unavailable: 'revocation_unavailable',
};

/**
 * The reason a rejection is counted under. By the verifier's error class: `exp` passed or `nbf`
 * not reached (beyond the skew) is `expired`; a signature that does not verify, or an `alg` the
 * key does not allow (`none`, HMAC, another key type: a forgery attempt), is `bad_signature`; a
 * missing or unknown `kid` is `unknown_kid`; any problem with `aud` or `iss` is `wrong_audience`
 * or `wrong_issuer`. The revocation check's verdicts are `revoked`, `disabled_client` and
 * `revocation_unavailable`. A DPoP-bound token sent as Bearer is `dpop_bound_as_bearer`; the other DPoP refusals are
 * `dpop_required`, `dpop_invalid`, `dpop_replayed`, `dpop_replay_unavailable` and
 * `dpop_not_accepted` ({@link DpopRefusal}). Everything else (no Bearer token, an encoding, header or other claim
 * the profile refuses, an event the authorizer cannot read) is `malformed`.
 * @param error what the handler caught
 * @returns the reason
 */
export function unauthorizedReason(error: unknown): UnauthorizedReason {
  if (error instanceof RevocationError) return REVOCATION_REASONS[error.verdict];
  if (error instanceof DpopBoundAsBearerError) return 'dpop_bound_as_bearer';
  if (error instanceof DpopRefusedError) return DPOP_REASONS[error.refusal];
  if (error instanceof JwtExpiredError || error instanceof JwtNotYetValidError) return 'expired';
  if (error instanceof JwtSignatureError || error instanceof JwtAlgNotAllowedError) {
    return 'bad_signature';
  }
  if (error instanceof JwtUnknownKidError) return 'unknown_kid';
  if (error instanceof JwtClaimError) {
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'iss') return 'wrong_issuer';
  }
  return 'malformed';
}
