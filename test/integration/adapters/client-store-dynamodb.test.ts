// Integration tests of the DynamoDB client store against moto_server: CRUD, conditional conflicts, missing table.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbClientAdminStore } from '../../../tools/dev-adapters/client-admin-store-dynamodb';
import { TableNotFoundError } from '../../../functions/token/adapters/errors';
import {
  ClientExistsError,
  ClientNotFoundError,
  ConcurrentModificationError,
} from '../../../tools/dev-adapters/errors';
import { ServerError } from '../../../functions/token/core/errors';
import type { ClientRecord } from '../../../functions/token/core/types';
import { createClientsTable, startMoto, type Moto } from '../../support/moto';
import { describeWithMoto } from '../../support/tools';

const TABLE = 'clients-it';

function record(id: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    client_id: id,
    name: `client ${id}`,
    status: 'active',
    secrets: [
      {
        hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        created_at: '2025-01-01T00:00:00.000Z',
      },
    ],
    scopes: [],
    audiences: [],
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

describeWithMoto()('DynamoDbClientAdminStore against moto', () => {
  let moto: Moto;
  let client: DynamoDBClient;
  let store: DynamoDbClientAdminStore;

  beforeAll(async () => {
    moto = await startMoto();
    client = new DynamoDBClient({});
    await createClientsTable(client, TABLE);
    store = new DynamoDbClientAdminStore({ tableName: TABLE, client });
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it('creates, reads, updates, lists and deletes a client', async () => {
    // Arrange
    const created = record('crud-1', {
      scopes: ['orders:read', 'orders:write'],
      audiences: ['https://api.example.com'],
      token_ttl_seconds: 900,
      secrets: [
        {
          hash: '$argon2id$v=19$m=19456,t=2,p=1$YQ$Yg',
          created_at: '2025-01-01T00:00:00.000Z',
          expires_at: '2025-01-02T00:00:00.000Z',
        },
        { hash: '$argon2id$v=19$m=19456,t=2,p=1$Yw$ZA', created_at: '2025-01-01T12:00:00.000Z' },
      ],
    });

    // Act
    await store.createClient(created);
    const read = await store.getClient('crud-1');
    const updated = { ...created, status: 'disabled' as const, scopes: [], version: 2 };
    await store.updateClient(updated, 1);
    const readUpdated = await store.getClient('crud-1');
    const listed = await store.listClients();
    await store.deleteClient('crud-1', 2);
    const afterDelete = await store.getClient('crud-1');

    // Assert
    expect(read).toEqual(created);
    expect(readUpdated).toEqual(updated);
    expect(listed.find((c) => c.client_id === 'crud-1')).toEqual(updated);
    expect(afterDelete).toBeUndefined();
  });

  it('stores lists as L (empty lists allowed), secrets as L of M and numbers as N', async () => {
    // Arrange
    await store.createClient(record('shape-1', { token_ttl_seconds: 120 }));

    // Act
    const out = await client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { client_id: { S: 'shape-1' } },
        ConsistentRead: true,
      }),
    );

    // Assert
    expect(out.Item?.scopes).toEqual({ L: [] });
    expect(out.Item?.audiences).toEqual({ L: [] });
    expect(out.Item?.secrets?.L?.[0]?.M?.hash?.S).toMatch(/^\$argon2id\$/);
    expect(out.Item?.version).toEqual({ N: '1' });
    expect(out.Item?.token_ttl_seconds).toEqual({ N: '120' });
  });

  it('returns undefined for an unknown client', async () => {
    // Act / Assert
    await expect(store.getClient('nobody')).resolves.toBeUndefined();
  });

  it('refuses to create a client whose id is taken', async () => {
    // Arrange
    await store.createClient(record('dup-1'));

    // Act / Assert
    await expect(store.createClient(record('dup-1', { name: 'other' }))).rejects.toBeInstanceOf(
      ClientExistsError,
    );
    expect((await store.getClient('dup-1'))?.name).toBe('client dup-1');
  });

  it('lets exactly one of two concurrent writers win; the other gets ConcurrentModificationError', async () => {
    // Arrange
    await store.createClient(record('race-1'));
    const a = { ...record('race-1'), name: 'A', version: 2 };
    const b = { ...record('race-1'), name: 'B', version: 2 };

    // Act
    const results = await Promise.allSettled([store.updateClient(a, 1), store.updateClient(b, 1)]);

    // Assert
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(
      ConcurrentModificationError,
    );
    const winner = results[0]?.status === 'fulfilled' ? 'A' : 'B';
    expect((await store.getClient('race-1'))?.name).toBe(winner);
  });

  it('tells a missing client apart from a stale version on update and delete', async () => {
    // Arrange
    await store.createClient(record('stale-1'));

    // Act / Assert
    await expect(store.updateClient(record('ghost', { version: 2 }), 1)).rejects.toBeInstanceOf(
      ClientNotFoundError,
    );
    await expect(store.deleteClient('ghost', 1)).rejects.toBeInstanceOf(ClientNotFoundError);
    await expect(store.updateClient(record('stale-1', { version: 8 }), 7)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    await expect(store.deleteClient('stale-1', 7)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect(await store.getClient('stale-1')).toEqual(record('stale-1'));
  });

  it('lists every client across pages', async () => {
    // Arrange: items of ~40 KB each, so moto's 1 MB scan pages split the table
    const big = 'x'.repeat(40_000);
    for (let i = 0; i < 40; i++) {
      await store.createClient(record(`page-${String(i).padStart(2, '0')}`, { name: big }));
    }
    const counting = new DynamoDBClient({});
    let scans = 0;
    counting.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ScanCommand') scans += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const pagedStore = new DynamoDbClientAdminStore({ tableName: TABLE, client: counting });

    // Act
    const listed = await pagedStore.listClients();

    // Assert
    const ids = listed.map((c) => c.client_id).filter((id) => id.startsWith('page-'));
    expect(scans).toBeGreaterThan(1);
    expect(ids).toHaveLength(40);
    expect(ids).toEqual([...ids].sort());
    counting.destroy();
  });

  it('fails safely on a malformed item', async () => {
    // Arrange
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          client_id: { S: 'bad-1' },
          name: { S: 'bad' },
          status: { S: 'active' },
          secrets: { S: 'oops' },
        },
      }),
    );

    // Act / Assert
    await expect(store.getClient('bad-1')).rejects.toBeInstanceOf(ServerError);
  });

  it('names the table and region when the table does not exist', async () => {
    // Arrange
    const missing = new DynamoDbClientAdminStore({ tableName: 'no-such-table', client });

    // Act
    const error = await missing.getClient('x').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(TableNotFoundError);
    expect((error as Error).message).toContain('no-such-table');
    expect((error as Error).message).toContain('us-east-1');
    await expect(missing.createClient(record('x'))).rejects.toBeInstanceOf(TableNotFoundError);
    await expect(missing.listClients()).rejects.toBeInstanceOf(TableNotFoundError);
  });

  it('builds its own SDK client from the environment', async () => {
    // Arrange
    const defaultStore = new DynamoDbClientAdminStore({ tableName: TABLE });

    // Act / Assert
    await expect(defaultStore.getClient('nobody')).resolves.toBeUndefined();
  });
});
