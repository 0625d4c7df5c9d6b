// DynamoDB client store, write side: conditional (versioned) writes, each with its audit entry in
// one transaction, and paginated Scans, for the clients CLI, over the AWS SDK. Never bundled into
// the token function, whose role may only read.
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type PutItemCommandInput,
  type ScanCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { byClientId } from '../../functions/token/adapters/client-record';
import { declaredClientIdOf } from '../../functions/token/adapters/declared-client';
import { declaredClientKey, MANAGED_BY_TERRAFORM } from '../../functions/shared/declared-clients';
import { TableNotFoundError } from '../../functions/token/adapters/errors';
import { ServerError, TemporarilyUnavailableError } from '../../functions/token/core/errors';
import type { ClientRecord, RevocationStore, RevokedToken } from '../../functions/token/core/types';
import {
  EXPIRES_AT_ATTRIBUTE,
  isReservedKey,
  revokedJtiKey,
  REVOKED_JTI_PREFIX,
} from '../../functions/shared/revocation';
import { newestFirst, type AuditEntry } from './audit-entry';
import {
  auditedTransaction,
  auditScanFilter,
  cancellationError,
  cancellationOf,
  fromAuditItem,
} from './audit-trail-dynamodb';
import { awsErrorName, isTemporaryFailure } from './aws-sdk-errors';
import type { ClientAdminStore } from './client-admin-store';
import { ClientExistsError, ConcurrentModificationError } from './errors';
import { clientFromStoredItems, runtimeItem, toItem, type Item } from './client-item-dynamodb';
import {
  conflictError,
  disableDeclarationAction,
  noRuntimeRecordCondition,
  versionCondition,
  type ConditionFailureMapper,
} from './client-conditions-dynamodb';
import type { UpdateOptions } from './client-admin-store';

/** The input of a DeleteItem, as a transaction's Delete is shaped. */
type DeleteItemCommandInput = ConstructorParameters<typeof DeleteItemCommand>[0];

/** Options of {@link DynamoDbClientAdminStore}. */
export interface DynamoDbClientAdminStoreOptions {
  /** Table name (partition key `client_id`, type S). */
  tableName: string;
  /** SDK client; default one from the standard AWS environment (`AWS_ENDPOINT_URL` included). */
  client?: DynamoDBClient;
}

/**
 * Client admin store on a DynamoDB table: every write is conditional on the item's `version`, so
 * no change is silently overwritten. A write given an audit entry is one TransactWriteItems of
 * the change and the entry (audit-trail-dynamodb.ts): both are written or neither.
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
   * Strongly consistent GetItems of the client's record and of its Terraform declaration, read as
   * the token function reads them (functions/token/adapters/declared-client.ts).
   * @param clientId the client id
   * @returns the client, or undefined when no such client exists
   */
  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    if (isReservedKey(clientId)) return undefined;
    const [runtime, declaration] = await Promise.all(
      [clientId, declaredClientKey(clientId)].map((key) =>
        this.call(() =>
          this.client.send(
            new GetItemCommand({
              TableName: this.tableName,
              Key: { client_id: { S: key } },
              ConsistentRead: true,
            }),
          ),
        ),
      ),
    );
    return clientFromStoredItems(clientId, runtime?.Item, declaration?.Item);
  }

  /**
   * Records a revoked token (`revoked#<jti>`, expiring by TTL); idempotent.
   * @param token the revoked token
   * @param audit the revocation's audit entry (`revoke-token`), written with it
   */
  async revokeToken(token: RevokedToken, audit?: AuditEntry): Promise<void> {
    const item: Item = {
      client_id: { S: revokedJtiKey(token.jti) },
      revoked_client_id: { S: token.clientId },
      [EXPIRES_AT_ATTRIBUTE]: { N: String(token.expiresAt) },
    };
    await this.write({ Put: { TableName: this.tableName, Item: item } }, audit);
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
   * @param audit the change's audit entry, written with it
   * @throws ClientExistsError when an item with this id exists
   */
  async createClient(record: ClientRecord, audit?: AuditEntry): Promise<void> {
    await this.write(
      {
        Put: {
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(client_id)',
        },
      },
      audit,
      (_old, cause) => new ClientExistsError(record.client_id, { cause }),
    );
  }

  /**
   * Replaces the item if its stored version is still `expectedVersion`. For a client declared in
   * Terraform (`managed_by`) only its runtime record is written (runtimeItem: secrets,
   * `tokens_not_before`, last use, version, times; never a declared field), created when
   * `expectedVersion` is 0; with `options.disableDeclaration` its declaration's `status` becomes
   * `disabled` in the same transaction (an incident `disable`, which `terraform plan` then shows).
   * @param record the new record (with `version = expectedVersion + 1`)
   * @param expectedVersion the version the caller read
   * @param audit the change's audit entry, written with it
   * @param options `disableDeclaration`: also disable the client's declaration
   * @throws ClientNotFoundError when there is no such item; ConcurrentModificationError when its
   *   version differs, or the declaration to disable no longer exists
   */
  async updateClient(
    record: ClientRecord,
    expectedVersion: number,
    audit?: AuditEntry,
    options: UpdateOptions = {},
  ): Promise<void> {
    if (record.managed_by === MANAGED_BY_TERRAFORM) {
      await this.write(
        {
          Put: {
            TableName: this.tableName,
            Item: runtimeItem(record),
            ...(expectedVersion === 0
              ? noRuntimeRecordCondition()
              : versionCondition(expectedVersion)),
          },
        },
        audit,
        (old, cause) => conflictError(record.client_id, old, cause),
        options.disableDeclaration === true
          ? [disableDeclarationAction(this.tableName, record.client_id)]
          : [],
      );
      return;
    }
    await this.write(
      {
        Put: {
          TableName: this.tableName,
          Item: toItem(record),
          ...versionCondition(expectedVersion),
        },
      },
      audit,
      (old, cause) => conflictError(record.client_id, old, cause),
    );
  }

  /**
   * Deletes the item if its stored version is still `expectedVersion`.
   * @param clientId the client id
   * @param expectedVersion the version the caller read
   * @param audit the change's audit entry, written with it
   * @throws ClientNotFoundError when there is no such item; ConcurrentModificationError when its version differs
   */
  async deleteClient(clientId: string, expectedVersion: number, audit?: AuditEntry): Promise<void> {
    await this.write(
      {
        Delete: {
          TableName: this.tableName,
          Key: { client_id: { S: clientId } },
          ...versionCondition(expectedVersion),
        },
      },
      audit,
      (old, cause) => conflictError(clientId, old, cause),
    );
  }

  /**
   * Reads every client with a consistent, paginated Scan: the CLI's records, and the clients
   * declared in Terraform with their runtime records.
   * @returns all clients, sorted by client id
   */
  async listClients(): Promise<ClientRecord[]> {
    const runtime = new Map<string, Item>();
    const declared = new Map<string, Item>();
    for (const item of await this.scan({})) {
      const key = item.client_id?.S ?? '';
      const declaredId = declaredClientIdOf(key);
      if (declaredId !== undefined) declared.set(declaredId, item);
      // The table also holds other reserved items (`revoked#<jti>`, `jti#…`, `audit#…`), not clients.
      else if (!isReservedKey(key)) runtime.set(key, item);
    }
    const records: ClientRecord[] = [];
    for (const id of new Set([...runtime.keys(), ...declared.keys()])) {
      const record = clientFromStoredItems(id, runtime.get(id), declared.get(id));
      if (record !== undefined) records.push(record);
    }
    return records.sort(byClientId);
  }

  /**
   * Reads the audit trail with a consistent, paginated Scan filtered to `audit#` items (a Scan
   * reads, and is billed for, the whole table; the trail is read rarely).
   * @param clientId one client's entries, or every entry when undefined
   * @returns the entries, newest first
   * @throws ServerError when an entry cannot be read
   */
  async listAuditEntries(clientId?: string): Promise<AuditEntry[]> {
    const items = await this.scan(auditScanFilter(clientId));
    return items.map(fromAuditItem).sort(newestFirst);
  }

  /** A consistent Scan of every page, with an optional filter. */
  private async scan(filter: Partial<ScanCommandInput>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.call(() =>
        this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
            ...filter,
          }),
        ),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && Object.keys(startKey).length > 0);
    return items;
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
      throw await this.failure(err, onConditionFailed);
    }
  }

  /**
   * Maps the failure of one SDK call to the store's error model.
   * @param err what the SDK threw
   * @param onConditionFailed error for a ConditionalCheckFailedException, given the old item if any
   * @returns the error to throw
   */
  private async failure(err: unknown, onConditionFailed?: ConditionFailureMapper): Promise<Error> {
    const name = awsErrorName(err);
    if (name === 'ConditionalCheckFailedException' && onConditionFailed) {
      return onConditionFailed((err as { Item?: Item }).Item, err);
    }
    if (name === 'ResourceNotFoundException') {
      return new TableNotFoundError(this.tableName, await this.region(), { cause: err });
    }
    if (isTemporaryFailure(err)) {
      return new TemporarilyUnavailableError('the client store is busy; retry later', {
        cause: err,
      });
    }
    return new ServerError('the client store failed', { cause: err });
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
   * One conditional write: alone when there is no audit entry (a fixture seeding the table), else
   * in one transaction with the entry and any further actions on other items.
   * @param change the Put or Delete, with its condition
   * @param audit the entry to write with it
   * @param onConditionFailed error to throw when the change's condition does not hold
   * @param further actions on other items, in the same transaction (they need an audit entry)
   */
  private async write(
    change: TransactWriteItem,
    audit: AuditEntry | undefined,
    onConditionFailed?: ConditionFailureMapper,
    further: TransactWriteItem[] = [],
  ): Promise<void> {
    if (audit === undefined) {
      if (further.length > 0) throw new Error('a change of several items needs its audit entry');
      const send = change.Put
        ? () => this.client.send(new PutItemCommand(change.Put as PutItemCommandInput))
        : () => this.client.send(new DeleteItemCommand(change.Delete as DeleteItemCommandInput));
      await this.call(send, onConditionFailed);
      return;
    }
    try {
      await this.client.send(
        new TransactWriteItemsCommand(auditedTransaction(change, this.tableName, audit, further)),
      );
    } catch (err) {
      if (awsErrorName(err) !== 'TransactionCanceledException') throw await this.failure(err);
      const cancellation = cancellationOf(err);
      // The declaration to disable is gone: Terraform removed the client meanwhile. A rerun finds
      // no client (its runtime record alone is none).
      if (cancellation.kind === 'further-condition') {
        throw new ConcurrentModificationError(
          (change.Put?.Item ?? change.Delete?.Key)?.client_id?.S ?? '',
          { cause: err },
        );
      }
      if (cancellation.kind !== 'change-condition' || onConditionFailed === undefined) {
        throw cancellationError(
          cancellation.kind === 'change-condition' ? { kind: 'other' } : cancellation,
          audit,
          err,
        );
      }
      // A versioned change asked for the old item; a response without it (one that lists the
      // reasons only in its message) is completed by reading the item, to tell a deleted client
      // from a concurrent change.
      const action = change.Put ?? change.Delete;
      const key = (change.Put?.Item ?? change.Delete?.Key)?.client_id as AttributeValue;
      const old =
        cancellation.old ??
        (action?.ReturnValuesOnConditionCheckFailure === 'ALL_OLD'
          ? await this.rawItem(key)
          : undefined);
      throw onConditionFailed(old, err);
    }
  }

  /** @returns the stored item with this key, or undefined */
  private async rawItem(key: AttributeValue): Promise<Item | undefined> {
    const out = await this.call(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { client_id: key },
          ConsistentRead: true,
          ProjectionExpression: 'client_id',
        }),
      ),
    );
    return out.Item;
  }
}
