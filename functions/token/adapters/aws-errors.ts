// Classifies AWS SDK errors (throttling, names) so each adapter maps them to the core error model.

/**
 * Error names that DynamoDB and KMS use for throttling, plus KMS's explicitly retryable timeout.
 * Service-side internal errors are not listed: they stay `server_error`, as DESIGN.md asks.
 */
const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'DependencyTimeoutException',
]);

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

/**
 * True for throttling and transient service-side failures that a client may retry later
 * (answered with 503 `temporarily_unavailable`, not 500).
 * @param err anything thrown by an SDK call
 * @returns whether the failure is transient
 */
export function isThrottlingError(err: unknown): boolean {
  if (THROTTLING_NAMES.has(awsErrorName(err))) return true;
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  const retryable = (err as { $retryable?: { throttling?: boolean } } | null)?.$retryable;
  return meta?.httpStatusCode === 429 || retryable?.throttling === true;
}
