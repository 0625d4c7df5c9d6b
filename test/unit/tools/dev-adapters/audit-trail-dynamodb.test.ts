// Unit tests of the audit trail in DynamoDB (SDK mocked): the transaction sent, its cancellations mapped, entries read back, and the entry model itself.
import {
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import type { ClientRecord } from '../../../../functions/token/core/types';
import { AUTHORIZER_ATTRIBUTES } from '../../../../functions/authorizer/adapters/revocation-state-dynamodb';
import { isReservedKey } from '../../../../functions/shared/revocation';
import {
  auditKey,
  changedFields,
  clientSnapshot,
  MalformedAuditEntryError,
  newestFirst,
  parseAuditEntry,
  type AuditEntry,
} from '../../../../tools/dev-adapters/audit-entry';
import { fromAuditItem, toAuditItem } from '../../../../tools/dev-adapters/audit-trail-dynamodb';
import { DynamoDbClientAdminStore } from '../../../../tools/dev-adapters/client-admin-store-dynamodb';
import { toItem } from '../../../../tools/dev-adapters/client-item-dynamodb';
import {
  ClientExistsError,
  ClientNotFoundError,
  ConcurrentModificationError,
} from '../../../../tools/dev-adapters/errors';
import { clientKeyPair } from '../../../support/client-assertions';

const KEY = clientKeyPair('ES256', 'k1');
const RECORD: ClientRecord = {
  client_id: 'c1',
  name: 'Orders',
  status: 'active',
  secrets: [
    { hash: '$argon2id$v=19$m=19456,t=2,p=1$YQ$Yg', created_at: '2025-01-01T00:00:00.000Z' },
  ],
  token_endpoint_auth_method: 'client_secret',
  scopes: ['orders:read'],
  audiences: [],
  usage_plan: 'gold',
  usage_key: 'k'.repeat(64),
  usage_key_id: 'key-id-1',
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
  version: 3,
};
const NEXT: ClientRecord = {
  ...RECORD,
  name: 'Orders v2',
  version: 4,
  updated_at: '2025-01-02T00:00:00.000Z',
};
const ENTRY: AuditEntry = {
  key: auditKey('2025-01-02T00:00:00.000Z', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)),
  at: '2025-01-02T00:00:00.000Z',
  actor: 'arn:aws:sts::123456789012:assumed-role/ops/alice',
  command: 'update',
  operation: 'update',
  client_id: 'c1',
  before: clientSnapshot(RECORD),
  after: clientSnapshot(NEXT),
};

/** A cancelled transaction, as the SDK throws it. */
function cancelled(
  reasons: { Code: string; Item?: Record<string, unknown> }[] | undefined,
  message?: string,
) {
  return new TransactionCanceledException({
    message:
      message ?? 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    ...(reasons ? { CancellationReasons: reasons as never } : {}),
  });
}

describe('audit entries', () => {
  it('keep the non-secret fields only: secret times, kid and thumbprint, the API key id', () => {
    // Act
    const snapshot = clientSnapshot({
      ...RECORD,
      token_endpoint_auth_method: 'private_key_jwt',
      secrets: [],
      jwks: { keys: [KEY.jwk] },
    });

    // Assert
    expect(snapshot.keys).toEqual([
      { kid: 'k1', thumbprint: expect.stringMatching(/^[\w-]{43}$/) },
    ]);
    expect(snapshot.usage_key_id).toBe('key-id-1');
    expect(JSON.stringify(snapshot)).not.toMatch(/usage_key"|hash|"x"|"y"/);
    expect(clientSnapshot(RECORD).secrets).toEqual([{ created_at: '2025-01-01T00:00:00.000Z' }]);
  });

  it('name the fields a change made, the version and time aside', () => {
    // Act / Assert
    expect(changedFields(ENTRY.before, ENTRY.after)).toEqual(['name']);
    expect(changedFields(undefined, ENTRY.after)).toContain('client_id');
    expect(changedFields(ENTRY.before, ENTRY.before)).toEqual([]);
  });

  it('have reserved keys, sorted by time', () => {
    // Act
    const key = auditKey('2025-01-02T00:00:00.000Z', Uint8Array.of(255, 0, 0, 0, 0, 0, 0, 1));

    // Assert
    expect(key).toBe('audit#2025-01-02T00:00:00.000Z#ff00000000000001');
    expect(isReservedKey(key)).toBe(true);
    const older = {
      ...ENTRY,
      key: auditKey('2025-01-01T00:00:00.000Z', new Uint8Array(8)),
      at: '2025-01-01T00:00:00.000Z',
    };
    expect([older, ENTRY].sort(newestFirst)).toEqual([ENTRY, older]);
    // One command's two writes in one millisecond: the later version first.
    const create = {
      ...ENTRY,
      key: `${ENTRY.key}0`,
      operation: 'create' as const,
      before: undefined,
      after: clientSnapshot(RECORD),
    };
    const deleted = {
      ...ENTRY,
      key: 'audit#0',
      operation: 'delete' as const,
      before: clientSnapshot(NEXT),
      after: undefined,
    };
    expect([create, deleted, ENTRY].sort(newestFirst)).toEqual([deleted, ENTRY, create]);
  });

  it.each([
    ['the key', 'revoked#x', {}, 'key'],
    ['an entry that is no object', ENTRY.key, 'text', 'entry'],
    ['an unknown command', ENTRY.key, { ...ENTRY, command: 'rm -rf' }, 'command'],
    ['an unknown operation', ENTRY.key, { ...ENTRY, operation: 'merge' }, 'operation'],
    ['an empty actor', ENTRY.key, { ...ENTRY, actor: '' }, 'actor'],
    ['a jti that is no string', ENTRY.key, { ...ENTRY, jti: 7 }, 'jti'],
    ['a snapshot without a version', ENTRY.key, { ...ENTRY, after: { client_id: 'c1' } }, 'after'],
  ])('refuse to read back %s', (_name, key, raw, field) => {
    // Act / Assert
    expect(() => parseAuditEntry(key, raw)).toThrow(new MalformedAuditEntryError(key, field));
  });
});

describe('audit items in the clients table', () => {
  it('round-trip, with attributes the authorizer never reads and no TTL attribute', () => {
    // Act
    const item = toAuditItem(ENTRY);
    const revocation = toAuditItem({
      ...ENTRY,
      command: 'revoke-token',
      operation: 'revoke-token',
      client_id: undefined,
      jti: 'j1',
      before: undefined,
      after: undefined,
    });

    // Assert
    expect(fromAuditItem(item)).toEqual(ENTRY);
    expect(fromAuditItem(revocation)).toMatchObject({ jti: 'j1', operation: 'revoke-token' });
    expect(fromAuditItem(revocation)).not.toHaveProperty('client_id');
    expect(item.client_id).toEqual({ S: ENTRY.key });
    const shared = Object.keys(item).filter((a) =>
      (AUTHORIZER_ATTRIBUTES as readonly string[]).includes(a),
    );
    expect(shared).toEqual(['client_id']);
    expect(Object.keys(item).every((a) => a === 'client_id' || a.startsWith('audit_'))).toBe(true);
  });

  it('that cannot be read are reported as ServerError naming the entry', () => {
    // Arrange
    const bad = { ...toAuditItem(ENTRY), audit_after: { S: '{not json' } };
    const noActor = { ...toAuditItem(ENTRY), audit_actor: { N: '1' } };

    // Act / Assert
    expect(() => fromAuditItem(bad)).toThrow(`audit entry ${ENTRY.key} is malformed (JSON)`);
    expect(() => fromAuditItem(noActor)).toThrow(`audit entry ${ENTRY.key} is malformed (actor)`);
  });
});

describe('DynamoDbClientAdminStore with audit entries', () => {
  const ddbMock = mockClient(DynamoDBClient);
  const store = (): DynamoDbClientAdminStore =>
    new DynamoDbClientAdminStore({
      tableName: 'clients',
      client: new DynamoDBClient({ region: 'eu-west-1' }),
    });

  beforeEach(() => ddbMock.reset());
  afterAll(() => ddbMock.restore());

  it('writes the change and its entry in one transaction, idempotent by the entry key', async () => {
    // Arrange
    ddbMock.on(TransactWriteItemsCommand).resolves({});

    // Act
    await store().updateClient(NEXT, 3, ENTRY);

    // Assert
    const input = ddbMock.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input;
    expect(input?.ClientRequestToken).toBe('0102030405060708');
    expect(input?.TransactItems).toEqual([
      {
        Put: {
          TableName: 'clients',
          Item: toItem(NEXT),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': { N: '3' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: 'clients',
          Item: toAuditItem(ENTRY),
          ConditionExpression: 'attribute_not_exists(client_id)',
        },
      },
    ]);
  });

  it.each([
    [
      'ConcurrentModificationError, from the old item returned',
      [{ Code: 'ConditionalCheckFailed', Item: toItem(RECORD) }, { Code: 'None' }],
      ConcurrentModificationError,
    ],
    [
      'ClientNotFoundError, when no old item exists',
      [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      ClientNotFoundError,
    ],
    [
      'ServerError, when the entry key exists',
      [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      ServerError,
    ],
    [
      'TemporarilyUnavailableError, for a conflicting transaction',
      [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      TemporarilyUnavailableError,
    ],
    [
      'ServerError, for a validation error',
      [{ Code: 'ValidationError' }, { Code: 'None' }],
      ServerError,
    ],
  ])('maps a cancelled transaction to %s', async (_name, reasons, expected) => {
    // Arrange
    ddbMock.on(TransactWriteItemsCommand).rejects(cancelled(reasons));
    ddbMock.on(GetItemCommand).resolves({});

    // Act
    const error = await store()
      .deleteClient('c1', 3, ENTRY)
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(expected);
  });

  it('reads the reasons from the message when the response has none, and then reads the item', async () => {
    // Arrange
    ddbMock
      .on(TransactWriteItemsCommand)
      .rejects(
        cancelled(
          undefined,
          'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
        ),
      );
    ddbMock.on(GetItemCommand).resolves({ Item: { client_id: { S: 'c1' } } });

    // Act
    const error = await store()
      .updateClient(NEXT, 3, ENTRY)
      .catch((e: unknown) => e);

    // Assert: the item exists, so someone else changed it
    expect(error).toBeInstanceOf(ConcurrentModificationError);
    expect(ddbMock.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({
      Key: { client_id: { S: 'c1' } },
      ConsistentRead: true,
    });
  });

  it('maps a taken id in an audited create to ClientExistsError, and other failures as before', async () => {
    // Arrange
    ddbMock
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled([{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }]));

    // Act
    const exists = await store()
      .createClient(RECORD, { ...ENTRY, operation: 'create', before: undefined })
      .catch((e: unknown) => e);
    ddbMock
      .on(TransactWriteItemsCommand)
      .rejects(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }));
    const noTable = await store()
      .revokeToken(
        { jti: 'j', clientId: '', expiresAt: 1 },
        { ...ENTRY, command: 'revoke-token', operation: 'revoke-token' },
      )
      .catch((e: unknown) => e);

    // Assert
    expect(exists).toBeInstanceOf(ClientExistsError);
    expect((noTable as Error).name).toBe('TableNotFoundError');
  });

  it("reads the trail with a consistent Scan of audit# items, one client's or all, newest first", async () => {
    // Arrange
    const older = {
      ...ENTRY,
      key: auditKey('2025-01-01T00:00:00.000Z', new Uint8Array(8)),
      at: '2025-01-01T00:00:00.000Z',
    };
    ddbMock
      .on(ScanCommand)
      .resolvesOnce({
        Items: [toAuditItem(older)],
        LastEvaluatedKey: { client_id: { S: older.key } },
      })
      .resolvesOnce({ Items: [toAuditItem(ENTRY)] });

    // Act
    const entries = await store().listAuditEntries('c1');

    // Assert
    expect(entries).toEqual([ENTRY, older]);
    const calls = ddbMock.commandCalls(ScanCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      TableName: 'clients',
      ConsistentRead: true,
      FilterExpression: 'begins_with(#k, :prefix) AND #c = :client',
      ExpressionAttributeNames: { '#k': 'client_id', '#c': 'audit_client_id' },
      ExpressionAttributeValues: { ':prefix': { S: 'audit#' }, ':client': { S: 'c1' } },
    });
    expect(calls[1]?.ExclusiveStartKey).toEqual({ client_id: { S: older.key } });
  });
});
