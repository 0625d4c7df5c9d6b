// Bounded AWS SDK calls for the token function: client timeouts and retries, and a deadline per operation (numbers in functions/shared/limits.ts).
import { AWS_CALL_BUDGET, type AwsCallBudget } from '../../shared/limits';

/** The SDK client settings of {@link boundedClientConfig}; DynamoDBClient and KMSClient accept them. */
export interface BoundedClientConfig {
  maxAttempts: number;
  retryMode: 'standard';
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    throwOnRequestTimeout: true;
    socketTimeout: number;
  };
}

/**
 * Client settings that bound every attempt and the number of attempts.
 *
 * - `retryMode: 'standard'`, `maxAttempts`: "standard – The standard set of retry rules across AWS
 *   SDKs ... support for retry quotas. The default maximum number of attempts with this mode is
 *   three, unless max_attempts is explicitly configured" (AWS SDKs and Tools Reference Guide,
 *   "Retry behavior", https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 *   Its backoff is exponential with full jitter (same page, "How retries work").
 * - `requestHandler` as NodeHttpHandler options (the client builds the handler from them, as in
 *   "Configure maxSockets in Node.js", AWS SDK for JavaScript v3 Developer Guide,
 *   https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html;
 *   options of @smithy/node-http-handler,
 *   https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-smithy-node-http-handler):
 *   `connectionTimeout` bounds opening the socket; `requestTimeout` bounds an attempt up to its
 *   response headers but, in the installed @smithy/node-http-handler (4.14), only warns unless
 *   `throwOnRequestTimeout` is true (NodeHttpHandlerOptions TSDoc: "If exceeded, a warning will be
 *   emitted unless throwOnRequestTimeout=true, in which case a TimeoutError will be thrown");
 *   `socketTimeout` bounds an idle socket while the body streams.
 *
 * Building the handler from options keeps @smithy/node-http-handler out of this bundle's imports:
 * the clients load it anyway, so cold load does not grow.
 * @param budget the bounds (production: AWS_CALL_BUDGET)
 * @returns settings to spread into a DynamoDBClient or KMSClient config
 */
export function boundedClientConfig(budget: AwsCallBudget = AWS_CALL_BUDGET): BoundedClientConfig {
  return {
    maxAttempts: budget.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: budget.requestTimeoutMs,
    },
  };
}

/** An AWS operation did not finish within its budget; classified as a timeout (503). */
export class OperationBudgetExceededError extends Error {
  constructor(operation: string, budgetMs: number) {
    super(`${operation} did not finish within its ${budgetMs} ms budget`);
    this.name = 'OperationBudgetExceededError';
  }
}

/**
 * Runs one SDK operation under a deadline. The signal is passed to `client.send(command,
 * { abortSignal })`, which cancels the attempt in flight and any backoff wait ("AbortController in
 * modular AWS SDK for JavaScript", AWS Developer Tools Blog,
 * https://aws.amazon.com/blogs/developer/abortcontroller-in-modular-aws-sdk-for-javascript/). The
 * returned promise settles by the deadline even where the SDK does not watch the signal (a
 * credential lookup, a stuck body), so no caller, nor a memoised promise, ever waits longer.
 * @param operation name for the error message, e.g. `KMS Sign`
 * @param budgetMs the deadline in milliseconds
 * @param call the operation, given the abort signal
 * @returns the operation's result
 * @throws OperationBudgetExceededError at the deadline; otherwise whatever `call` throws
 */
export async function withBudget<T>(
  operation: string,
  budgetMs: number,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new OperationBudgetExceededError(operation, budgetMs);
      controller.abort(err);
      reject(err);
    }, budgetMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
