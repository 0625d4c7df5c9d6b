// The AWS SDKs' standard retry mode, as this client applies it: which failures are retried, the jittered backoff, and the retry quota.
import type { AwsFailureKind } from './errors';

/**
 * Error codes that mean throttling. DynamoDB: "ThrottlingException ... Rate of requests exceeds
 * the allowed throughput", "ProvisionedThroughputExceededException" and "RequestLimitExceeded ...
 * Throughput exceeds the current throughput limit for your account", all HTTP 400 (Amazon
 * DynamoDB Developer Guide, "Error handling with DynamoDB",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html); KMS:
 * "ThrottlingException: The request was denied due to request throttling" (AWS KMS API Reference,
 * Sign, Errors, https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html; and "Requests
 * quotas", https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html).
 * HTTP 429 is throttling whatever the code.
 */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/**
 * Error codes that mean the service ran out of time: KMS "DependencyTimeoutException: The system
 * timed out while trying to fulfill the request. You can retry the request" (HTTP 500, AWS KMS API
 * Reference, Sign, Errors).
 */
export const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'DependencyTimeoutException',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * Error codes that mean the credentials are not usable: expired temporary credentials, an unknown
 * key id, a missing or malformed signature ("Common Errors" of the AWS APIs: ExpiredTokenException
 * "The security token included in the request is expired", IncompleteSignature,
 * InvalidClientTokenId, MissingAuthenticationToken, UnrecognizedClientException; AWS KMS API
 * Reference, "Common Errors", https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html;
 * DynamoDB lists UnrecognizedClientException and MissingAuthenticationTokenException in "Error
 * handling with DynamoDB"). Never retried: the same credentials fail the same way.
 */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'UnrecognizedClientException',
]);

/**
 * Error codes a service answers when the request's signing time is too far from its clock:
 * "Signature expired" or "not yet current" come as InvalidSignatureException from DynamoDB and KMS;
 * RequestTimeTooSkewed, RequestExpired and RequestInTheFuture from other services ("Common
 * Errors", AWS KMS API Reference; Signature Version 4 requests must be signed within five minutes
 * of the service's time, IAM User Guide, "Troubleshoot Signature Version 4 signing",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html). Only
 * when the response's `Date` shows the skew is the error treated as skew, and corrected.
 */
export const CLOCK_SKEW_CODES: ReadonlySet<string> = new Set([
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

/** Socket error codes of a connection that failed or dropped; retried, then `connection`. */
export const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** The largest time difference SigV4 tolerates, in ms (five minutes). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The kind of a service's error answer.
 * @param code the sanitised error code
 * @param status the HTTP status
 * @returns the failure kind (clock skew is decided by the caller, from the `Date` header)
 */
export function kindOfServiceError(code: string, status: number): AwsFailureKind {
  if (THROTTLING_CODES.has(code) || status === 429) return 'throttling';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (CREDENTIAL_CODES.has(code)) return 'credentials';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'server';
  return 'client';
}

/**
 * Whether a failed attempt is retried: "Only errors that are plausibly transient are retried ...
 * socket-level failures where no HTTP response was received (connect timeouts, read timeouts, or
 * server-closed connections), HTTP 500, 502, 503, and 504 responses, and a set of service error
 * codes the SDK recognizes as transient" or as throttling (AWS SDKs and Tools Reference Guide,
 * "Retry behavior", https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * @param kind the failure kind
 * @returns true for throttling, timeouts, 5xx answers and dropped connections
 */
export function isRetryable(kind: AwsFailureKind): boolean {
  return (
    kind === 'throttling' ||
    kind === 'timeout' ||
    kind === 'unavailable' ||
    kind === 'server' ||
    kind === 'connection'
  );
}

/**
 * The standard mode's numbers in the installed SDK (@smithy/core `retries-2026-config`, the
 * behaviour the retry page above describes: "exponential backoff with jitter. It uses shorter
 * delays for transient errors (such as network timeouts) and longer delays for throttling errors",
 * and "a retry quota, a token bucket that deducts tokens for each retry and replenishes tokens when
 * requests succeed. When the available tokens are exhausted, the SDK returns the error without
 * retrying"). test/unit/shared/aws/retry-policy.test.ts compares them with the SDK's.
 */
export const STANDARD_RETRY = Object.freeze({
  /** Backoff base after a transient error, ms. */
  transientBaseMs: 50,
  /** Backoff base after throttling, ms. */
  throttlingBaseMs: 1000,
  /** No single backoff is longer, ms. */
  maxBackoffMs: 20_000,
  /** Tokens in a full quota. */
  quotaCapacity: 500,
  /** Tokens a retry after a transient error takes. */
  transientRetryCost: 14,
  /** Tokens a retry after throttling takes. */
  throttlingRetryCost: 5,
  /** Tokens a success without a retry returns. */
  successRefund: 1,
});

/**
 * Full-jitter exponential backoff: a random wait up to `base × 2^retry`, capped.
 * @param retry retries made before this one (0 for the first retry)
 * @param throttling whether the failure was throttling
 * @param random uniform in [0, 1)
 * @returns the wait in whole ms
 */
export function backoffMs(retry: number, throttling: boolean, random: number): number {
  const base = throttling ? STANDARD_RETRY.throttlingBaseMs : STANDARD_RETRY.transientBaseMs;
  return Math.floor(random * Math.min(base * 2 ** retry, STANDARD_RETRY.maxBackoffMs));
}

/**
 * The retry quota of one client: retries take tokens, successes return them, and no retry is made
 * when the bucket cannot pay, so a container whose dependency is down fails fast instead of
 * tripling the load on it.
 */
export class RetryQuota {
  private tokens: number = STANDARD_RETRY.quotaCapacity;

  /**
   * Takes the tokens for one retry, if there are enough.
   * @param throttling whether the failure was throttling
   * @returns the tokens taken, or 0 when the quota is exhausted (then do not retry)
   */
  acquire(throttling: boolean): number {
    const cost = throttling
      ? STANDARD_RETRY.throttlingRetryCost
      : STANDARD_RETRY.transientRetryCost;
    if (this.tokens < cost) return 0;
    this.tokens -= cost;
    return cost;
  }

  /**
   * Returns tokens after a success: what its last retry took, or one for a first-attempt success.
   * @param lastRetryCost the cost of the retry that succeeded, 0 when none
   */
  release(lastRetryCost: number): void {
    this.tokens = Math.min(
      STANDARD_RETRY.quotaCapacity,
      this.tokens + (lastRetryCost > 0 ? lastRetryCost : STANDARD_RETRY.successRefund),
    );
  }

  /** @returns the tokens left */
  available(): number {
    return this.tokens;
  }
}
