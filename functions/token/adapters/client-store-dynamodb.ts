// DynamoDB client store, read side: the strongly consistent GetItem the token function runs, over the AWS JSON client.
import { ServerError, TemporarilyUnavailableError } from '../core/errors';
import type { ClientRecord, ClientStore } from '../core/types';
import { AWS_CALL_BUDGET } from '../../shared/limits';
import { AwsCallError } from '../../shared/aws/errors';
import { AwsJsonClient, DYNAMODB } from '../../shared/aws/json-client';
import { declaredClientKey } from '../../shared/declared-clients';
import { isReservedKey } from '../../shared/revocation';
import { MalformedClientRecordError } from './client-record';
import { clientFromItems } from './declared-client';
import { fromAttributeMap, type Item } from './dynamodb-item';
import { TableNotFoundError } from './errors';

/**
 * GetItems one client lookup sends, at once: the client's record and its declaration
 * (functions/shared/declared-clients.ts).
 */
export const CLIENT_ITEM_READS = 2;

/** Builds the error for a failed condition, given the service's error. */
export type ConditionFailureMapper = (cause: AwsCallError) => Error;

/** Options of {@link DynamoDbClientStore}. */
export interface DynamoDbClientStoreOptions {
  /** Table name (partition key `client_id`, type S). */
  tableName: string;
  /**
   * DynamoDB client; default one from the Lambda environment (region, `AWS_ENDPOINT_URL`,
   * credentials) with the bounded timeouts and retries of docs/timeouts.md.
   */
  client?: AwsJsonClient;
  /** Deadline of one operation, retries included; default AWS_CALL_BUDGET.operationBudgetMs. */
  operationBudgetMs?: number;
}

/**
 * Client store on a DynamoDB table, read side. Reads are strongly consistent, so a disabled client
 * gets no new token. The revocation store and the replay cache extend it with their writes.
 */
export class DynamoDbClientStore implements ClientStore {
  protected readonly tableName: string;
  protected readonly client: AwsJsonClient;
  protected readonly budgetMs: number;

  /**
   * @param options table name, optional client and budget
   */
  constructor(options: DynamoDbClientStoreOptions) {
    this.tableName = options.tableName;
    this.client = options.client ?? new AwsJsonClient({ service: DYNAMODB, env: process.env });
    this.budgetMs = options.operationBudgetMs ?? AWS_CALL_BUDGET.operationBudgetMs;
  }

  /**
   * Reads the client's runtime record and its declaration (clients declared in Terraform,
   * functions/shared/declared-clients.ts) with two strongly consistent GetItems sent at once
   * ("ConsistentRead: Determines the read consistency model: If set to true, then the operation
   * uses strongly consistent reads", Amazon DynamoDB API Reference, GetItem,
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html). Every
   * request reads both, whatever the client, so the time taken does not tell which ids exist or
   * how they are managed. The reads are not one snapshot; each item alone fails closed (a
   * declaration disabled, a record's `tokens_not_before`), so a write between them cannot let a
   * token through that either item refuses.
   * @param clientId the client id
   * @returns the client, or undefined when no such client exists
   * @throws ServerError for a malformed item or a failed call; TemporarilyUnavailableError when
   *   throttled, timed out or over its budget
   */
  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    // `revoked#<jti>` items share the table; no client id contains `#`, so such an id is unknown.
    if (isReservedKey(clientId)) return undefined;
    // Both settle before the answer, so that no read outlives the request (a frozen Lambda
    // container would resume it later); a failed read then fails the lookup.
    const [runtime, declaration] = await Promise.allSettled(
      [clientId, declaredClientKey(clientId)].map((key) =>
        this.call<{ Item?: Item }>('GetItem', {
          TableName: this.tableName,
          Key: { client_id: { S: key } },
          ConsistentRead: true,
        }),
      ),
    );
    for (const read of [runtime, declaration]) {
      if (read?.status === 'rejected') throw read.reason;
    }
    const item = (read: typeof runtime): Item | undefined =>
      (read as PromiseFulfilledResult<{ Item?: Item }>).value.Item;
    return this.fromItems(clientId, item(runtime), item(declaration));
  }

  protected fromItems(
    clientId: string,
    runtime: Item | undefined,
    declaration: Item | undefined,
  ): ClientRecord | undefined {
    try {
      return clientFromItems(
        clientId,
        runtime === undefined ? undefined : fromAttributeMap(runtime),
        declaration === undefined ? undefined : fromAttributeMap(declaration),
      );
    } catch (err) {
      if (err instanceof MalformedClientRecordError) {
        throw new ServerError('client store returned a malformed record', { cause: err });
      }
      /* istanbul ignore next -- the parsers throw nothing else */
      throw err;
    }
  }

  /**
   * Calls one DynamoDB operation and maps its failure to the store's error model.
   * @param operation e.g. `GetItem`
   * @param input the request
   * @param onConditionFailed error for a ConditionalCheckFailedException
   * @returns the response
   */
  protected async call<T>(
    operation: string,
    input: Record<string, unknown>,
    onConditionFailed?: ConditionFailureMapper,
  ): Promise<T> {
    try {
      return await this.client.send<T>(operation, input, this.budgetMs);
    } catch (err) {
      /* istanbul ignore next -- the client throws nothing else */
      if (!(err instanceof AwsCallError)) throw err;
      if (err.code === 'ConditionalCheckFailedException' && onConditionFailed) {
        throw onConditionFailed(err);
      }
      if (err.code === 'ResourceNotFoundException') {
        throw new TableNotFoundError(this.tableName, this.client.region(), { cause: err });
      }
      if (err.temporary) {
        throw new TemporarilyUnavailableError('the client store is busy; retry later', {
          cause: err,
        });
      }
      throw new ServerError('the client store failed', { cause: err });
    }
  }
}
