// The one error type of the AWS JSON client: which operation failed, how, and whether a later retry may succeed.

/**
 * How an AWS call failed. The kind decides whether the client retries an attempt, and whether
 * the caller answers 503 `temporarily_unavailable` (temporary) or 500 `server_error`.
 *
 * - `throttling`: the service refused the rate (temporary);
 * - `timeout`: an attempt or the operation's budget ran out (temporary);
 * - `unavailable`: HTTP 503 (temporary);
 * - `server`: another HTTP 5xx, e.g. `InternalServerError`;
 * - `connection`: the connection was reset, refused, or its host not found;
 * - `clock_skew`: the service refused the request's signing time;
 * - `credentials`: the credentials are missing, expired or not recognised;
 * - `configuration`: the environment names no usable region or endpoint;
 * - `protocol`: the response was not the AWS JSON protocol (not JSON, cut short, too large);
 * - `client`: any other error the service answered (access denied, validation, a missing
 *   resource, a failed condition), for the adapter to map.
 */
export type AwsFailureKind =
  | 'throttling'
  | 'timeout'
  | 'unavailable'
  | 'server'
  | 'connection'
  | 'clock_skew'
  | 'credentials'
  | 'configuration'
  | 'protocol'
  | 'client';

const TEMPORARY: ReadonlySet<AwsFailureKind> = new Set(['throttling', 'timeout', 'unavailable']);

/** What {@link AwsCallError} is built from. */
export interface AwsCallErrorDetails {
  /** `<Service>.<Operation>`, e.g. `DynamoDB.GetItem`. */
  operation: string;
  kind: AwsFailureKind;
  /** The service's error code (the `__type` without its namespace), or a local code such as `ECONNRESET`. */
  code: string;
  /** HTTP status of the last response, when there was one. */
  statusCode?: number;
  /** Attempts made, the first one included. */
  attempts: number;
  /** What happened, for the log: never a credential, a request body or a response body. */
  detail: string;
  /**
   * DynamoDB's ConditionalCheckFailedException carries the item that failed the condition when
   * the request set ReturnValuesOnConditionCheckFailure to ALL_OLD (its `Item` member, in
   * attribute-value form; Amazon DynamoDB API Reference, PutItem,
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html, and the
   * exception's `Item`, "Item which caused the ConditionalCheckFailedException",
   * https://docs.aws.amazon.com/botocore/latest/reference/services/dynamodb/client/exceptions/ConditionalCheckFailedException.html).
   */
  item?: Record<string, unknown>;
}

/** An AWS call failed. The message names the operation, the code and the attempts, for logs. */
export class AwsCallError extends Error {
  readonly operation: string;
  readonly kind: AwsFailureKind;
  readonly code: string;
  readonly statusCode: number | undefined;
  readonly attempts: number;
  /**
   * The item that failed a DynamoDB condition, when the request asked for it (see
   * {@link AwsCallErrorDetails.item}). Not enumerable: a logged error never carries an item.
   */
  declare readonly item: Record<string, unknown> | undefined;

  /**
   * @param details operation, kind, code, status, attempts and a log-safe detail
   * @param options standard `cause`
   */
  constructor(details: AwsCallErrorDetails, options?: { cause?: unknown }) {
    const status = details.statusCode === undefined ? '' : ` (HTTP ${details.statusCode})`;
    const tries = details.attempts === 1 ? '1 attempt' : `${details.attempts} attempts`;
    super(
      `${details.operation} failed after ${tries}: ${details.code}${status}: ${details.detail}`,
      options,
    );
    this.name = 'AwsCallError';
    this.operation = details.operation;
    this.kind = details.kind;
    this.code = details.code;
    this.statusCode = details.statusCode;
    this.attempts = details.attempts;
    Object.defineProperty(this, 'item', { value: details.item, enumerable: false });
  }

  /** Whether a client should retry later (503 `temporarily_unavailable` with `Retry-After`). */
  get temporary(): boolean {
    return TEMPORARY.has(this.kind);
  }
}
