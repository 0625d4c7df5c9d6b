// Classifies AWS SDK errors (throttling, timeouts, names) for the CLI's SDK store. The Lambdas classify their own calls in functions/shared/aws.

/**
 * Error names that DynamoDB and KMS use for throttling, plus KMS's explicitly retryable timeout.
 * "ThrottlingException ... Rate of requests exceeds the allowed throughput",
 * "ProvisionedThroughputExceededException" and "RequestLimitExceeded ... Throughput exceeds the
 * current throughput limit for your account" are all HTTP 400 (Amazon DynamoDB Developer Guide,
 * "Error handling with DynamoDB",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html);
 * KMS: "DependencyTimeoutException: The system timed out while trying to fulfill the request. You
 * can retry the request" (AWS KMS API Reference, Sign, Errors,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html).
 */
const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'DependencyTimeoutException',
]);

/** Names the SDK gives a timed-out attempt or a cancelled operation. */
const TIMEOUT_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * Socket error codes that @smithy/node-http-handler also names `TimeoutError`, but that mean the
 * peer dropped the connection: a failure, not a timeout.
 */
const CONNECTION_DROPPED_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);

/**
 * @param err anything thrown by an SDK call
 * @returns the error's `name` (SDK exceptions carry the service's error code there), or ''
 */
export function awsErrorName(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'name' in err) {
    const { name } = err as { name: unknown };
    if (typeof name === 'string') return name;
  }
  return '';
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/**
 * True for throttling (answered with 503 `temporarily_unavailable`, not 500).
 * @param err anything thrown by an SDK call
 * @returns whether the service throttled the call
 */
export function isThrottlingError(err: unknown): boolean {
  if (THROTTLING_NAMES.has(awsErrorName(err))) return true;
  const retryable = (err as { $retryable?: { throttling?: boolean } } | null)?.$retryable;
  return httpStatus(err) === 429 || retryable?.throttling === true;
}

/**
 * True when the call ran out of time: an attempt's connection or request timeout after the last
 * retry, or a cancelled operation. A reset connection is not a timeout.
 * @param err anything thrown by an SDK call
 * @returns whether the failure is a timeout
 */
export function isTimeoutError(err: unknown): boolean {
  if (!TIMEOUT_NAMES.has(awsErrorName(err))) return false;
  const code = (err as { code?: unknown }).code;
  return !(typeof code === 'string' && CONNECTION_DROPPED_CODES.has(code));
}

/**
 * True for failures a client should retry later, answered with 503 `temporarily_unavailable` and
 * `Retry-After`: throttling, timeouts, and HTTP 503 from the service ("ServiceUnavailable: The
 * DynamoDB service is currently unavailable. (This should be a temporary state.)", Amazon DynamoDB
 * Developer Guide, "Error handling with DynamoDB"). Everything else (HTTP 500, a reset
 * connection, access denied, a disabled key) is a `server_error`.
 * @param err anything thrown by an SDK call
 * @returns whether the failure is temporary
 */
export function isTemporaryFailure(err: unknown): boolean {
  return isThrottlingError(err) || isTimeoutError(err) || httpStatus(err) === 503;
}
