// DynamoDB client store, read side: the strongly consistent GetItem the token function runs, over the AWS JSON client.
import { ServerError, TemporarilyUnavailableError } from '../core/errors';
import type { ClientRecord, ClientStore } from '../core/types';
import { AWS_CALL_BUDGET } from '../../shared/limits';
import { AwsCallError } from '../../shared/aws/errors';
import { AwsJsonClient, DYNAMODB } from '../../shared/aws/json-client';
import { declaredClientKey } from '../../shared/declared-clients';
import {
  cutoffKey,
  isReservedKey,
  MalformedCutoffError,
  parseCutoff,
  TOKENS_NOT_BEFORE_ATTRIBUTE,
  withCutoff,
} from '../../shared/revocation';
import { MalformedClientRecordError } from './client-record';
import { clientFromItems } from './declared-client';
import { fromAttributeMap, type Item } from './dynamodb-item';
import { TableNotFoundError } from './errors';

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
   * Reads the client's runtime record, its declaration (clients declared in Terraform,
   * functions/shared/declared-clients.ts) and its cutoff item (`cutoff#<id>`, which the clients
   * CLI writes to every Region: functions/shared/revocation.ts) in one strongly consistent
   * BatchGetItem: "By default,
   * BatchGetItem performs eventually consistent reads on every table in the request. If you want
   * strongly consistent reads instead, you can set ConsistentRead to true for any or all tables";
   * keys it did not read come back as UnprocessedKeys, and "the order of the items in the response
   * is not guaranteed" (Amazon DynamoDB API Reference, BatchGetItem,
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). One
   * request, as the single GetItem it replaces: `npm run bench:client-read` measures it beside that
   * GetItem and beside two GetItems sent at once. Every request reads every key, whatever the client, so the time
   * taken does not tell which ids exist or how they are managed. Each item alone fails closed (a
   * declaration disabled, a record's `tokens_not_before`, a cutoff's `status` or
   * `tokens_not_before`): the client is disabled when the record or the cutoff says so, and its
   * `tokens_not_before` is the later of the two, so issue-token.ts refuses as it does for the
   * record's. A malformed cutoff is a malformed record (500), never "no cutoff".
   * @param clientId the client id
   * @returns the client, or undefined when no such client exists
   * @throws ServerError for a malformed item or a failed call; TemporarilyUnavailableError when
   *   throttled (unprocessed keys included), timed out or over its budget
   */
  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    // `revoked#<jti>` items share the table; no client id contains `#`, so such an id is unknown.
    if (isReservedKey(clientId)) return undefined;
    const declaredKey = declaredClientKey(clientId);
    const cutoffItemKey = cutoffKey(clientId);
    const out = await this.call<{
      Responses?: Record<string, Item[]>;
      UnprocessedKeys?: Record<string, unknown>;
    }>('BatchGetItem', {
      RequestItems: {
        [this.tableName]: {
          Keys: [
            { client_id: { S: clientId } },
            { client_id: { S: declaredKey } },
            { client_id: { S: cutoffItemKey } },
          ],
          ConsistentRead: true,
        },
      },
    });
    // A key DynamoDB did not read (it throttled part of the batch) is an unknown state, never
    // "no such item": the request is refused as busy, as a throttled GetItem is.
    if (out.UnprocessedKeys !== undefined && Object.keys(out.UnprocessedKeys).length > 0) {
      throw new TemporarilyUnavailableError('the client store is busy; retry later');
    }
    const items: unknown = out.Responses?.[this.tableName];
    if (!Array.isArray(items) || !items.every(isItem)) {
      throw new ServerError('client store returned a malformed record');
    }
    const byKey = (key: string): Item | undefined =>
      items.find((item) => item.client_id?.S === key);
    const client = this.fromItems(clientId, byKey(clientId), byKey(declaredKey));
    return client === undefined ? undefined : applyCutoff(client, byKey(cutoffItemKey));
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

/**
 * @param client the client as its record and declaration say
 * @param item its cutoff item, if any
 * @returns the client as the record OR the cutoff leaves it: disabled when either says so, with
 *   the later `tokens_not_before`
 * @throws ServerError for a malformed cutoff (fail closed: no token is issued)
 */
function applyCutoff(client: ClientRecord, item: Item | undefined): ClientRecord {
  if (item === undefined) return client;
  let killed;
  try {
    // Read as the authorizer reads it (an S status, an N tokens_not_before), so both agree.
    killed = withCutoff(
      { active: client.status === 'active', tokensNotBefore: client.tokens_not_before },
      parseCutoff(item.status?.S, item[TOKENS_NOT_BEFORE_ATTRIBUTE]?.N),
    );
  } catch (err) {
    /* istanbul ignore next -- parseCutoff throws nothing else */
    if (!(err instanceof MalformedCutoffError)) throw err;
    throw new ServerError('client store returned a malformed record', { cause: err });
  }
  return {
    ...client,
    status: killed.active ? 'active' : 'disabled',
    ...(killed.tokensNotBefore !== undefined ? { tokens_not_before: killed.tokensNotBefore } : {}),
  };
}

/** An item of a BatchGetItem answer: an object (its attributes are checked by the parser). */
function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
