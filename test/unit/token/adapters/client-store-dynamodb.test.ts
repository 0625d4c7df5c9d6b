// Unit tests of the DynamoDB client store: requests it sends, item mapping, and SDK error mapping (SDK mocked).
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbClientAdminStore } from '../../../../tools/dev-adapters/client-admin-store-dynamodb';
import { toItem } from '../../../../tools/dev-adapters/client-item-dynamodb';
import { TableNotFoundError } from '../../../../functions/token/adapters/errors';
import {
  ClientExistsError,
  ClientNotFoundError,
  ConcurrentModificationError,
} from '../../../../tools/dev-adapters/errors';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import type { ClientRecord } from '../../../../functions/token/core/types';

const RECORD: ClientRecord = {
  client_id: 'c1',
  name: 'Orders service',
  status: 'active',
  secrets: [
    {
      hash: '$argon2id$v=19$m=19456,t=2,p=1$YQ$Yg',
      created_at: '2025-01-01T00:00:00.000Z',
      expires_at: '2025-01-02T00:00:00.000Z',
    },
    { hash: '$argon2id$v=19$m=19456,t=2,p=1$Yw$ZA', created_at: '2025-01-01T12:00:00.000Z' },
  ],
  scopes: ['orders:read'],
  audiences: ['https://api.example.com', 'urn:other'],
  token_ttl_seconds: 600,
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T12:00:00.000Z',
  version: 3,
};

const awsError = (name: string, extra: object = {}): Error =>
  Object.assign(new Error(`${name}: internal detail`), { name, $metadata: {}, ...extra });

describe('DynamoDbClientAdminStore', () => {
  const ddbMock = mockClient(DynamoDBClient);
  const newStore = (): DynamoDbClientAdminStore =>
    new DynamoDbClientAdminStore({
      tableName: 'clients',
      client: new DynamoDBClient({ region: 'eu-west-1' }),
    });

  /** Answers the record's GetItem with `item`, and its declaration's (`declared#`) with none. */
  const answerGetItem = (item: Record<string, AttributeValue>): void => {
    ddbMock
      .on(GetItemCommand)
      .callsFake((input: { Key: { client_id: { S: string } } }) =>
        input.Key.client_id.S.startsWith('declared#') ? {} : { Item: item },
      );
  };

  beforeEach(() => ddbMock.reset());
  afterAll(() => ddbMock.restore());

  describe('item mapping', () => {
    it('maps lists to L of S, secrets to L of M and numbers to N', () => {
      // Act
      const item = toItem(RECORD);

      // Assert
      expect(item).toEqual({
        client_id: { S: 'c1' },
        name: { S: 'Orders service' },
        status: { S: 'active' },
        secrets: {
          L: [
            {
              M: {
                hash: { S: RECORD.secrets[0]?.hash },
                created_at: { S: '2025-01-01T00:00:00.000Z' },
                expires_at: { S: '2025-01-02T00:00:00.000Z' },
              },
            },
            {
              M: {
                hash: { S: RECORD.secrets[1]?.hash },
                created_at: { S: '2025-01-01T12:00:00.000Z' },
              },
            },
          ],
        },
        scopes: { L: [{ S: 'orders:read' }] },
        audiences: { L: [{ S: 'https://api.example.com' }, { S: 'urn:other' }] },
        token_ttl_seconds: { N: '600' },
        created_at: { S: '2025-01-01T00:00:00.000Z' },
        updated_at: { S: '2025-01-01T12:00:00.000Z' },
        version: { N: '3' },
      });
    });

    it('writes empty lists as empty L and omits an unset TTL', () => {
      // Arrange
      const { token_ttl_seconds: _ttl, ...rest } = RECORD;

      // Act
      const item = toItem({ ...rest, scopes: [], audiences: [] });

      // Assert
      expect(item.scopes).toEqual({ L: [] });
      expect(item.audiences).toEqual({ L: [] });
      expect(item).not.toHaveProperty('token_ttl_seconds');
    });

    it('reads back exactly what it wrote', async () => {
      // Arrange
      answerGetItem(toItem(RECORD));

      // Act
      const read = await newStore().getClient('c1');

      // Assert
      expect(read).toEqual(RECORD);
    });

    it("keeps the token function's last_used_at through a CLI write, and reads it back", async () => {
      // Arrange
      const used = { ...RECORD, last_used_at: '2026-01-02T03:04:05.678Z' };
      answerGetItem(toItem(used));

      // Act
      const item = toItem(used);
      const read = await newStore().getClient('c1');

      // Assert
      expect(item.last_used_at).toEqual({ S: '2026-01-02T03:04:05.678Z' });
      expect(read).toEqual(used);
      expect(toItem(RECORD)).not.toHaveProperty('last_used_at');
    });

    it('reads back the usage plan fields it wrote (docs/usage-plans.md)', async () => {
      // Arrange
      const planned = {
        ...RECORD,
        usage_plan: 'gold',
        usage_key: 'a'.repeat(64),
        usage_key_id: 'key1',
        pending_since: RECORD.created_at,
      };
      answerGetItem(toItem(planned));

      // Act
      const read = await newStore().getClient('c1');

      // Assert
      expect(read).toEqual(planned);
    });

    it('tolerates string sets, NULL TTLs and extra attributes written by other tools', async () => {
      // Arrange
      const item: Record<string, AttributeValue> = {
        ...toItem(RECORD),
        scopes: { SS: ['a', 'b'] },
        token_ttl_seconds: { NULL: true },
        note: { BOOL: true },
      };
      answerGetItem(item);

      // Act
      const read = await newStore().getClient('c1');

      // Assert
      expect(read?.scopes).toEqual(['a', 'b']);
      expect(read).not.toHaveProperty('token_ttl_seconds');
      expect(read).not.toHaveProperty('note');
    });
  });

  describe('getClient', () => {
    it('sends a strongly consistent GetItem on the partition key', async () => {
      // Arrange
      ddbMock.on(GetItemCommand).resolves({});

      // Act
      const read = await newStore().getClient('c1');

      // Assert
      expect(read).toBeUndefined();
      expect(ddbMock.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({
        TableName: 'clients',
        Key: { client_id: { S: 'c1' } },
        ConsistentRead: true,
      });
    });

    it.each<[string, Record<string, AttributeValue>]>([
      ['a secrets string', { ...toItem(RECORD), secrets: { S: 'oops' } }],
      ['a missing name', (({ name: _n, ...rest }) => rest)(toItem(RECORD))],
      ['an unknown status', { ...toItem(RECORD), status: { S: 'deleted' } }],
      ['a non-numeric version', { ...toItem(RECORD), version: { N: 'NaN' } }],
      ['a fractional version', { ...toItem(RECORD), version: { N: '1.5' } }],
      ['a string version', { ...toItem(RECORD), version: { S: '1' } }],
      ['a negative TTL', { ...toItem(RECORD), token_ttl_seconds: { N: '-5' } }],
      ['a numeric usage key', { ...toItem(RECORD), usage_key: { N: '1' } }],
      ['an empty usage plan', { ...toItem(RECORD), usage_plan: { S: '' } }],
      ['a string TTL', { ...toItem(RECORD), token_ttl_seconds: { S: '60' } }],
      ['a scope that is a number', { ...toItem(RECORD), scopes: { L: [{ N: '1' }] } }],
      ['scopes as a map', { ...toItem(RECORD), scopes: { M: {} } }],
      ['a secret that is a string', { ...toItem(RECORD), secrets: { L: [{ S: 'hash' }] } }],
      [
        'a secret without hash',
        { ...toItem(RECORD), secrets: { L: [{ M: { created_at: { S: 'x' } } }] } },
      ],
      [
        'a secret with a numeric expiry',
        {
          ...toItem(RECORD),
          secrets: {
            L: [{ M: { hash: { S: 'h' }, created_at: { S: 'x' }, expires_at: { N: '1' } } }],
          },
        },
      ],
      ['a binary attribute', { ...toItem(RECORD), name: { B: new Uint8Array([1]) } }],
    ])('fails safely with ServerError on an item with %s', async (_label, item) => {
      // Arrange
      answerGetItem(item);

      // Act
      const error = await newStore()
        .getClient('c1')
        .catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).message).toBe('client store returned a malformed record');
      expect((error as Error).message).not.toContain('argon2');
    });
  });

  describe('error mapping', () => {
    it.each([
      ['ProvisionedThroughputExceededException'],
      ['ThrottlingException'],
      ['RequestLimitExceeded'],
    ])('maps %s to TemporarilyUnavailableError', async (name) => {
      // Arrange
      ddbMock.on(GetItemCommand).rejects(awsError(name));

      // Act
      const error = await newStore()
        .getClient('c1')
        .catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(TemporarilyUnavailableError);
      expect((error as Error).message).not.toContain('internal detail');
      expect((error as Error).cause).toMatchObject({ name });
    });

    it('maps ResourceNotFoundException to TableNotFoundError naming table and region', async () => {
      // Arrange
      ddbMock.on(GetItemCommand).rejects(awsError('ResourceNotFoundException'));

      // Act
      const error = await newStore()
        .getClient('c1')
        .catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(TableNotFoundError);
      expect((error as TableNotFoundError).code).toBe('TABLE_NOT_FOUND');
      expect((error as Error).message).toBe(
        'DynamoDB table clients does not exist in region eu-west-1',
      );
    });

    it('names an unknown region when the client cannot resolve one', async () => {
      // Arrange
      ddbMock.on(ScanCommand).rejects(awsError('ResourceNotFoundException'));
      const client = new DynamoDBClient({
        region: (): Promise<string> => Promise.reject(new Error('no region')),
      });
      const store = new DynamoDbClientAdminStore({ tableName: 't', client });

      // Act
      const error = await store.listClients().catch((e: unknown) => e);

      // Assert
      expect((error as Error).message).toContain('region unknown');
    });

    it.each([['AccessDeniedException'], ['ValidationException'], ['InternalServerError'], ['']])(
      'maps %p to ServerError without detail',
      async (name) => {
        // Arrange
        ddbMock.on(GetItemCommand).rejects(awsError(name));

        // Act
        const error = await newStore()
          .getClient('c1')
          .catch((e: unknown) => e);

        // Assert
        expect(error).toBeInstanceOf(ServerError);
        expect((error as ServerError).code).toBe('server_error');
        expect((error as Error).message).toBe('the client store failed');
      },
    );

    it('maps a non-Error rejection to ServerError', async () => {
      // Arrange
      ddbMock.on(GetItemCommand).callsFake(() => Promise.reject(null));

      // Act / Assert
      await expect(newStore().getClient('c1')).rejects.toBeInstanceOf(ServerError);
    });

    it('maps a ConditionalCheckFailedException on a read to ServerError', async () => {
      // Arrange
      ddbMock.on(ScanCommand).rejects(awsError('ConditionalCheckFailedException'));

      // Act / Assert
      await expect(newStore().listClients()).rejects.toBeInstanceOf(ServerError);
    });
  });

  describe('createClient', () => {
    it('puts the item only if the id is free', async () => {
      // Arrange
      ddbMock.on(PutItemCommand).resolves({});

      // Act
      await newStore().createClient(RECORD);

      // Assert
      expect(ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
        TableName: 'clients',
        Item: toItem(RECORD),
        ConditionExpression: 'attribute_not_exists(client_id)',
      });
    });

    it('maps a failed condition to ClientExistsError', async () => {
      // Arrange
      ddbMock
        .on(PutItemCommand)
        .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

      // Act
      const error = await newStore()
        .createClient(RECORD)
        .catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ClientExistsError);
      expect((error as ClientExistsError).code).toBe('CLIENT_EXISTS');
    });
  });

  describe.each([
    [
      'updateClient',
      PutItemCommand,
      (s: DynamoDbClientAdminStore) => s.updateClient({ ...RECORD, version: 4 }, 3),
    ],
    ['deleteClient', DeleteItemCommand, (s: DynamoDbClientAdminStore) => s.deleteClient('c1', 3)],
  ] as const)('%s', (_name, command, act) => {
    it('is conditional on the expected version and asks for the old item on failure', async () => {
      // Arrange
      ddbMock.on(command as typeof PutItemCommand).resolves({});

      // Act
      await act(newStore());

      // Assert
      expect(
        ddbMock.commandCalls(command as typeof PutItemCommand)[0]?.args[0].input,
      ).toMatchObject({
        TableName: 'clients',
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': { N: '3' } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    });

    it('reports ConcurrentModificationError when the item exists with another version', async () => {
      // Arrange
      ddbMock.on(command as typeof PutItemCommand).rejects(
        new ConditionalCheckFailedException({
          message: 'failed',
          $metadata: {},
          Item: toItem({ ...RECORD, version: 5 }),
        }),
      );

      // Act
      const error = await act(newStore()).catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ConcurrentModificationError);
      expect((error as Error).message).toContain('retry');
    });

    it.each([[undefined], [{}]])(
      'reports ClientNotFoundError when no old item comes back (%p)',
      async (Item) => {
        // Arrange
        ddbMock
          .on(command as typeof PutItemCommand)
          .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {}, Item }));

        // Act / Assert
        await expect(act(newStore())).rejects.toBeInstanceOf(ClientNotFoundError);
      },
    );

    it('maps throttling to TemporarilyUnavailableError', async () => {
      // Arrange
      ddbMock.on(command as typeof PutItemCommand).rejects(awsError('ThrottlingException'));

      // Act / Assert
      await expect(act(newStore())).rejects.toBeInstanceOf(TemporarilyUnavailableError);
    });
  });

  describe('listClients', () => {
    it('follows LastEvaluatedKey with consistent scans and sorts by id', async () => {
      // Arrange
      ddbMock
        .on(ScanCommand)
        .resolvesOnce({
          Items: [toItem({ ...RECORD, client_id: 'b' })],
          LastEvaluatedKey: { client_id: { S: 'b' } },
        })
        .resolvesOnce({ Items: [], LastEvaluatedKey: { client_id: { S: 'b2' } } })
        .resolvesOnce({
          Items: [toItem({ ...RECORD, client_id: 'a' }), toItem({ ...RECORD, client_id: 'c' })],
          LastEvaluatedKey: {},
        });

      // Act
      const listed = await newStore().listClients();

      // Assert
      expect(listed.map((c) => c.client_id)).toEqual(['a', 'b', 'c']);
      const inputs = ddbMock.commandCalls(ScanCommand).map((call) => call.args[0].input);
      expect(inputs).toEqual([
        { TableName: 'clients', ConsistentRead: true, ExclusiveStartKey: undefined },
        {
          TableName: 'clients',
          ConsistentRead: true,
          ExclusiveStartKey: { client_id: { S: 'b' } },
        },
        {
          TableName: 'clients',
          ConsistentRead: true,
          ExclusiveStartKey: { client_id: { S: 'b2' } },
        },
      ]);
    });

    it('returns an empty list for an empty table', async () => {
      // Arrange
      ddbMock.on(ScanCommand).resolves({});

      // Act / Assert
      await expect(newStore().listClients()).resolves.toEqual([]);
    });
  });

  it('builds a default DynamoDB client when none is given', () => {
    // Act / Assert
    expect(() => new DynamoDbClientAdminStore({ tableName: 't' })).not.toThrow();
  });
});
