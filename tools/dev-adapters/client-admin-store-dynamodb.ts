// DynamoDB client store, write side: conditional (versioned) writes and a paginated Scan, for the
// clients CLI, over the AWS SDK. Never bundled into the token function, whose role may only read.
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  byClientId,
  MalformedClientRecordError,
  parseClientRecord,
} from '../../functions/token/adapters/client-record';
import { fromAttributeMap } from '../../functions/token/adapters/dynamodb-item';
import { TableNotFoundError } from '../../functions/token/adapters/errors';
import { ServerError, TemporarilyUnavailableError } from '../../functions/token/core/errors';
import type { ClientRecord, RevocationStore, RevokedToken } from '../../functions/token/core/types';
import {
  EXPIRES_AT_ATTRIBUTE,
  isReservedKey,
  revokedJtiKey,
  REVOKED_JTI_PREFIX,
} from '../../functions/shared/revocation';
import { awsErrorName, isTemporaryFailure } from './aws-sdk-errors';
import type { ClientAdminStore } from './client-admin-store';
import { ClientExistsError, ClientNotFoundError, ConcurrentModificationError } from './errors';

/** A DynamoDB item, as the SDK types it. */
type Item = Record<string, AttributeValue>;

/** The condition part of a conditional write. */
type Condition = Pick<
  PutItemCommandInput,
  | 'ConditionExpression'
  | 'ExpressionAttributeNames'
  | 'ExpressionAttributeValues'
  | 'ReturnValuesOnConditionCheckFailure'
>;

/** Builds the error for a failed condition, given the old item (when returned) and the SDK error. */
type ConditionFailureMapper = (old: Item | undefined, cause: unknown) => Error;

/** Options of {@link DynamoDbClientAdminStore}. */
export interface DynamoDbClientAdminStoreOptions {
  /** Table name (partition key `client_id`, type S). */
  tableName: string;
  /** SDK client; default one from the standard AWS environment (`AWS_ENDPOINT_URL` included). */
  client?: DynamoDBClient;
}

/**
 * Client admin store on a DynamoDB table: every write is conditional on the item's `version`, so
 * no change is silently overwritten.
 */
export class DynamoDbClientAdminStore implements ClientAdminStore, RevocationStore {
  private readonly tableName: string;
  private readonly client: DynamoDBClient;

  /** @param options table name and optional SDK client */
  constructor(options: DynamoDbClientAdminStoreOptions) {
    this.tableName = options.tableName;
    this.client = options.client ?? new DynamoDBClient({});
  }

  /**
   * Strongly consistent GetItem.
   * @param clientId the client id
   * @returns the record, or undefined when no such client exists
   */
  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    if (isReservedKey(clientId)) return undefined;
    const out = await this.call(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { client_id: { S: clientId } },
          ConsistentRead: true,
        }),
      ),
    );
    return out.Item ? this.fromItem(out.Item) : undefined;
  }

  /**
   * Records a revoked token (`revoked#<jti>`, expiring by TTL); idempotent.
   * @param token the revoked token
   */
  async revokeToken(token: RevokedToken): Promise<void> {
    await this.call(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            client_id: { S: revokedJtiKey(token.jti) },
            revoked_client_id: { S: token.clientId },
            [EXPIRES_AT_ATTRIBUTE]: { N: String(token.expiresAt) },
          },
        }),
      ),
    );
  }

  /**
   * @param jti a token id
   * @returns the revocation item's `expires_at`, or undefined when there is none
   */
  async revokedUntil(jti: string): Promise<number | undefined> {
    const out = await this.call(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { client_id: { S: REVOKED_JTI_PREFIX + jti } },
          ConsistentRead: true,
        }),
      ),
    );
    if (out.Item === undefined) return undefined;
    const n = Number(out.Item[EXPIRES_AT_ATTRIBUTE]?.N);
    return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
  }

  /**
   * Puts a new item unless the id is taken.
   * @param record the new client, usually with `version` 1
   * @throws ClientExistsError when an item with this id exists
   */
  async createClient(record: ClientRecord): Promise<void> {
    await this.put(
      record,
      { ConditionExpression: 'attribute_not_exists(client_id)' },
      (_old, cause) => new ClientExistsError(record.client_id, { cause }),
    );
  }

  /**
   * Replaces the item if its stored version is still `expectedVersion`.
   * @param record the new record (with `version = expectedVersion + 1`)
   * @param expectedVersion the version the caller read
   * @throws ClientNotFoundError when there is no such item; ConcurrentModificationError when its version differs
   */
  async updateClient(record: ClientRecord, expectedVersion: number): Promise<void> {
    await this.put(record, versionCondition(expectedVersion), (old, cause) =>
      conflictError(record.client_id, old, cause),
    );
  }

  /**
   * Deletes the item if its stored version is still `expectedVersion`.
   * @param clientId the client id
   * @param expectedVersion the version the caller read
   * @throws ClientNotFoundError when there is no such item; ConcurrentModificationError when its version differs
   */
  async deleteClient(clientId: string, expectedVersion: number): Promise<void> {
    await this.call(
      () =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.tableName,
            Key: { client_id: { S: clientId } },
            ...versionCondition(expectedVersion),
          }),
        ),
      (old, cause) => conflictError(clientId, old, cause),
    );
  }

  /**
   * Reads every client with a consistent, paginated Scan.
   * @returns all records, sorted by client id
   */
  async listClients(): Promise<ClientRecord[]> {
    const records: ClientRecord[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.call(() =>
        this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of out.Items ?? []) {
        // The table also holds revoked-token items (`revoked#<jti>`), which are not clients.
        if (item.client_id?.S !== undefined && isReservedKey(item.client_id.S)) continue;
        records.push(this.fromItem(item));
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey && Object.keys(startKey).length > 0);
    return records.sort(byClientId);
  }

  private fromItem(item: Item): ClientRecord {
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
  private async call<T>(
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

  /**
   * Conditional PutItem of a whole record.
   * @param record the record to write
   * @param condition the condition expression and its names and values
   * @param onConditionFailed error to throw when the condition does not hold
   */
  private async put(
    record: ClientRecord,
    condition: Condition,
    onConditionFailed: ConditionFailureMapper,
  ): Promise<void> {
    await this.call(
      () =>
        this.client.send(
          new PutItemCommand({ TableName: this.tableName, Item: toItem(record), ...condition }),
        ),
      onConditionFailed,
    );
  }
}

function versionCondition(expectedVersion: number): Condition {
  return {
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
    // The old item, if any, tells a deleted client apart from a concurrent change.
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

function conflictError(clientId: string, old: Item | undefined, cause: unknown): Error {
  return old && Object.keys(old).length > 0
    ? new ConcurrentModificationError(clientId, { cause })
    : new ClientNotFoundError(clientId, { cause });
}

/**
 * Maps a record to a DynamoDB item. Lists are `L` of `S`, because a string set (`SS`) cannot be empty.
 * @param record the client record
 * @returns the item
 */
export function toItem(record: ClientRecord): Item {
  const item: Item = {
    client_id: { S: record.client_id },
    name: { S: record.name },
    status: { S: record.status },
    secrets: {
      L: record.secrets.map((s) => {
        const m: Item = { hash: { S: s.hash }, created_at: { S: s.created_at } };
        if (s.expires_at !== undefined) m.expires_at = { S: s.expires_at };
        return { M: m };
      }),
    },
    scopes: { L: record.scopes.map((s) => ({ S: s })) },
    audiences: { L: record.audiences.map((s) => ({ S: s })) },
    created_at: { S: record.created_at },
    updated_at: { S: record.updated_at },
    version: { N: String(record.version) },
  };
  if (record.token_endpoint_auth_method !== undefined) {
    item.token_endpoint_auth_method = { S: record.token_endpoint_auth_method };
  }
  if (record.jwks !== undefined) {
    item.jwks = {
      M: {
        keys: {
          L: record.jwks.keys.map((key) => ({
            M: Object.fromEntries(
              Object.entries(key)
                .filter(([, v]) => v !== undefined)
                .map(([member, v]) => [member, { S: String(v) }]),
            ),
          })),
        },
      },
    };
  }
  if (record.keys_added_at !== undefined) {
    item.keys_added_at = {
      M: Object.fromEntries(
        Object.entries(record.keys_added_at).map(([kid, at]) => [kid, { S: at }]),
      ),
    };
  }
  if (record.token_ttl_seconds !== undefined) {
    item.token_ttl_seconds = { N: String(record.token_ttl_seconds) };
  }
  if (record.tokens_not_before !== undefined) {
    item.tokens_not_before = { N: String(record.tokens_not_before) };
  }
  // last_used_at is the token function's: written back as read, so a change keeps it.
  for (const field of [
    'usage_plan',
    'usage_key',
    'usage_key_id',
    'pending_since',
    'last_used_at',
  ] as const) {
    const v = record[field];
    if (v !== undefined) item[field] = { S: v };
  }
  return item;
}
