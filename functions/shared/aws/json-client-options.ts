// The options of AwsJsonClient: the service it speaks to, and what its attempt observer sees.
import type { AwsCallBudget } from '../limits';
import type { AwsCredentials, AwsServiceName, Env } from './environment';
import type { AwsFailureKind } from './errors';
import type { HttpTransport } from './http-transport';

/**
 * A service spoken to in the AWS JSON protocol: every operation is a POST to `/` with
 * `X-Amz-Target: <prefix>.<Operation>` and a JSON body, and errors carry their code in `__type`
 * (or the `X-Amzn-ErrorType` header). DynamoDB uses version 1.0 ("Low-level API": "X-Amz-Target:
 * DynamoDB_20120810.GetItem", "Content-Type: application/x-amz-json-1.0", Amazon DynamoDB
 * Developer Guide, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html),
 * KMS version 1.1 with the target prefix `TrentService` (the KMS API Reference's request examples:
 * "X-Amz-Target: TrentService.Sign", "Content-Type: application/x-amz-json-1.1",
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html#API_Sign_Examples).
 */
export interface AwsJsonService {
  /** SigV4 signing name, also the endpoint's service id. */
  readonly name: AwsServiceName;
  /** For messages and metrics: `DynamoDB`, `KMS`. */
  readonly label: string;
  readonly targetPrefix: string;
  readonly contentType: string;
}

/** One failed attempt of an operation, as {@link AwsJsonClientOptions.onAttemptFailed} sees it. */
export interface AwsAttemptFailure {
  /** `<Service>.<Operation>`, e.g. `DynamoDB.GetItem` or `KMS.Sign`. */
  operation: string;
  kind: AwsFailureKind;
  /** The service's error code, a local one such as `ECONNRESET`, or `OperationBudgetExceeded`. */
  code: string;
  /** Which attempt failed: 1 for the first; for the budget, the last attempt made. */
  attempt: number;
}

/** Options of {@link AwsJsonClient}; every one but `service` has a production default. */
export interface AwsJsonClientOptions {
  service: AwsJsonService;
  /**
   * Where region, endpoint and credentials are read from: the adapters pass `process.env` (this
   * shared code reads no global state); default none, so the overrides below must say everything.
   */
  env?: Env;
  /** Overrides the region of `env`. */
  region?: string;
  /** Overrides the endpoint of `env`, e.g. moto_server's URL. */
  endpoint?: string;
  /** Overrides the credentials of `env`; called at each attempt. */
  credentials?: () => AwsCredentials | undefined;
  /** Timeouts, attempts and operation budget; default AWS_CALL_BUDGET (docs/timeouts.md). */
  budget?: AwsCallBudget;
  /** Injected for unit tests; default node:http(s) with the budget's timeouts. */
  transport?: HttpTransport;
  /** Injected for tests: wall clock in ms, uniform random in [0, 1), and the backoff wait. */
  clock?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Observes every failed attempt, whether it is retried or not, and the operation that ran out of
   * its budget (kind `timeout`, code `OperationBudgetExceeded`): the token function counts
   * throttles and timeouts here, where they happen, so retried ones count too (docs/metrics.md).
   * Called synchronously; whatever it throws or rejects is dropped, so an observer never changes
   * a call's outcome. Default none.
   */
  onAttemptFailed?: (failure: AwsAttemptFailure) => void;
}
