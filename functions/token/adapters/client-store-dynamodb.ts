// DynamoDB client store, read side: the strongly consistent GetItem the token function runs.
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ServerError, TemporarilyUnavailableError } from '../core/errors';
import type { ClientRecord, ClientStore } from '../core/types';
import { AWS_CALL_BUDGET } from '../../shared/limits';
import { boundedClientConfig, withBudget } from './aws-client-config';
import { awsErrorName, isTemporaryFailure } from './aws-errors';
import { MalformedClientRecordError, parseClientRecord } from './client-record';
import { TableNotFoundError } from './errors';
import { isReservedKey } from '../../shared/revocation';

/** A DynamoDB item. */
export type Item = Record<string, AttributeValue>;

/** Builds the error for a failed condition, given the old item (when returned) and the SDK error. */
export type ConditionFailureMapper = (old: Item | undefined, cause: unknown) => Error;

/** Options of {@link DynamoDbClientStore}. */
export interface DynamoDbClientStoreOptions {
  /** Table name (partition key `client_id`, type S). */
  tableName: string;
  /**
   * SDK client; default a new one from the standard AWS environment (`AWS_ENDPOINT_URL` included)
   * with the bounded timeouts and retries of {@link boundedClientConfig}.
   */
  client?: DynamoDBClient;
  /** Deadline of one GetItem, retries included; default AWS_CALL_BUDGET.operationBudgetMs. */
  operationBudgetMs?: number;
}

/**
 * Client store on a DynamoDB table, read side. Reads are strongly consistent, so a disabled client
 * gets no new token. The write side (tools/dev-adapters/client-admin-store-dynamodb.ts) extends it.
 */
export class DynamoDbClientStore implements ClientStore {
  protected readonly tableName: string;
  protected readonly client: DynamoDBClient;
  protected readonly budgetMs: number;

  /**
   * @param options table name, optional SDK client and budget
   */
  constructor(options: DynamoDbClientStoreOptions) {
    this.tableName = options.tableName;
    this.client = options.client ?? new DynamoDBClient(boundedClientConfig());
    this.budgetMs = options.operationBudgetMs ?? AWS_CALL_BUDGET.operationBudgetMs;
  }

  /**
   * Strongly consistent GetItem.
   * @param clientId the client id
   * @returns the record, or undefined when no such client exists
   * @throws ServerError for a malformed item or an SDK failure; TemporarilyUnavailableError when
   *   throttled, timed out or over its budget
   */
  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    // `revoked#<jti>` items share the table; no client id contains `#`, so such an id is unknown.
    if (isReservedKey(clientId)) return undefined;
    const command = new GetItemCommand({
      TableName: this.tableName,
      Key: { client_id: { S: clientId } },
      ConsistentRead: true,
    });
    const out = await this.call(() =>
      withBudget('DynamoDB GetItem', this.budgetMs, (abortSignal) =>
        this.client.send(command, { abortSignal }),
      ),
    );
    return out.Item ? this.fromItem(out.Item) : undefined;
  }

  protected fromItem(item: Item): ClientRecord {
    try {
      return parseClientRecord(fromAttributeMap(item));
    } catch (err) {
      if (err instanceof MalformedClientRecordError) {
        throw new ServerError('client store returned a malformed record', { cause: err });
      }
      /* istanbul ignore next -- parseClientRecord throws nothing else */
      throw err;
    }
  }

  /**
   * Runs one SDK call and maps its failure to the store's error model.
   * @param fn the call
   * @param onConditionFailed error for a ConditionalCheckFailedException, given the old item if any
   */
  protected async call<T>(
    fn: () => Promise<T>,
    onConditionFailed?: ConditionFailureMapper,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'ConditionalCheckFailedException' && onConditionFailed) {
        throw onConditionFailed((err as { Item?: Item }).Item, err);
      }
      if (name === 'ResourceNotFoundException') {
        throw new TableNotFoundError(this.tableName, await this.region(), { cause: err });
      }
      if (isTemporaryFailure(err)) {
        throw new TemporarilyUnavailableError('the client store is busy; retry later', {
          cause: err,
        });
      }
      throw new ServerError('the client store failed', { cause: err });
    }
  }

  private async region(): Promise<string> {
    try {
      const region = this.client.config.region;
      return typeof region === 'function' ? await region() : String(region);
    } catch {
      return 'unknown';
    }
  }
}

/**
 * Converts a DynamoDB item to a plain object (S, N, BOOL, NULL, L, M, SS; anything else is malformed).
 * @param item the item
 * @returns the plain object, to be checked by parseClientRecord
 */
function fromAttributeMap(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) out[key] = fromAttribute(key, value);
  return out;
}

function fromAttribute(key: string, value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) {
    const n = Number(value.N);
    if (!Number.isFinite(n)) throw new MalformedClientRecordError(key);
    return n;
  }
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map((v) => fromAttribute(key, v));
  if (value.M !== undefined) return fromAttributeMap(value.M);
  // Tolerate string sets written by other tools; this store itself writes lists.
  if (value.SS !== undefined) return [...value.SS];
  throw new MalformedClientRecordError(key);
}
