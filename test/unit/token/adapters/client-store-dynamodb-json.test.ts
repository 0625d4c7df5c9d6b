// Unit tests of the token function's DynamoDB stores over the AWS JSON client: the client store's GetItem, item parsing and error mapping, and the revocation store's PutItem and GetItem (fake transport).
import fc from 'fast-check';
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import { AWS_CALL_BUDGET } from '../../../../functions/shared/limits';
import { DynamoDbClientStore } from '../../../../functions/token/adapters/client-store-dynamodb';
import { TableNotFoundError } from '../../../../functions/token/adapters/errors';
import { DynamoDbRevocationStore } from '../../../../functions/token/adapters/revocation-store-dynamodb';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import type { ClientRecord } from '../../../../functions/token/core/types';
import { toItem } from '../../../../tools/dev-adapters/client-item-dynamodb';
import {
  awsErrorReply,
  fakeAwsClient,
  fakeTransport,
  transportFailure,
  type FakeReply,
  type FakeTransport,
} from '../../../support/aws-json-fake';

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

/** RECORD as DynamoDB's JSON carries it: every value under its type key, numbers as strings. */
const ITEM = {
  client_id: { S: 'c1' },
  name: { S: 'Orders service' },
  status: { S: 'active' },
  secrets: {
    L: [
      {
        M: {
          hash: { S: '$argon2id$v=19$m=19456,t=2,p=1$YQ$Yg' },
          created_at: { S: '2025-01-01T00:00:00.000Z' },
          expires_at: { S: '2025-01-02T00:00:00.000Z' },
        },
      },
      {
        M: {
          hash: { S: '$argon2id$v=19$m=19456,t=2,p=1$Yw$ZA' },
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
};

const found = (item: unknown): FakeReply => ({ status: 200, body: { Item: item } });
const notFound: FakeReply = { status: 200, body: {} };

describe('DynamoDbClientStore', () => {
  /** A BatchGetItem answer holding these items of the table (none: no such client). */
  const found = (...items: unknown[]): FakeReply => ({
    status: 200,
    body: { Responses: { clients: items }, UnprocessedKeys: {} },
  });
  const notFound = found();
  const newStore = (
    replies: FakeReply[],
  ): { store: DynamoDbClientStore; transport: FakeTransport } => {
    const { client, transport } = fakeAwsClient(DYNAMODB, replies);
    return { store: new DynamoDbClientStore({ tableName: 'clients', client }), transport };
  };

  describe('getClient', () => {
    it('sends one strongly consistent BatchGetItem of the record, its declaration and its cutoff', async () => {
      // Arrange
      const { store, transport } = newStore([notFound]);

      // Act
      const read = await store.getClient('c1');

      // Assert
      expect(read).toBeUndefined();
      expect(transport.calls).toHaveLength(1);
      expect(transport.calls[0]?.operation).toBe('BatchGetItem');
      expect(transport.calls[0]?.input).toEqual({
        RequestItems: {
          clients: {
            Keys: [
              { client_id: { S: 'c1' } },
              { client_id: { S: 'declared#c1' } },
              { client_id: { S: 'cutoff#c1' } },
            ],
            ConsistentRead: true,
          },
        },
      });
    });

    it('reads any client id without `#` verbatim, and makes no call for one with `#`', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ minLength: 1, unit: 'grapheme' }), async (clientId) => {
          // Arrange
          const { store, transport } = newStore([notFound]);

          // Act
          const read = await store.getClient(clientId);

          // Assert
          expect(read).toBeUndefined();
          if (clientId.includes('#')) {
            expect(transport.calls).toHaveLength(0);
          } else {
            expect(
              (transport.calls[0]?.input as { RequestItems: { clients: { Keys: unknown[] } } })
                .RequestItems.clients.Keys[0],
            ).toEqual({ client_id: { S: clientId } });
          }
        }),
        { numRuns: 200 },
      );
    });

    it.each([['revoked#x'], ['jti#abc'], ['#']])(
      'answers unknown for the reserved key %s without a call',
      async (clientId) => {
        // Arrange
        const { store, transport } = newStore([found(ITEM)]);

        // Act
        const read = await store.getClient(clientId);

        // Assert
        expect(read).toBeUndefined();
        expect(transport.calls).toHaveLength(0);
      },
    );
  });

  describe('item parsing', () => {
    it('parses a record from the JSON protocol', async () => {
      // Arrange
      const { store } = newStore([found(ITEM)]);

      // Act / Assert
      await expect(store.getClient('c1')).resolves.toEqual(RECORD);
    });

    it('reads back what the clients CLI writes, usage plan and jwks included', async () => {
      // Arrange
      const written: ClientRecord = {
        ...RECORD,
        secrets: [],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', kid: 'k1', alg: 'ES256', crv: 'P-256', x: 'x', y: 'y' }] },
        tokens_not_before: 1_700_000_000,
        usage_plan: 'gold',
        usage_key: 'a'.repeat(64),
        usage_key_id: 'key1',
        pending_since: RECORD.created_at,
      };
      const { store } = newStore([found(JSON.parse(JSON.stringify(toItem(written))))]);

      // Act / Assert
      await expect(store.getClient('c1')).resolves.toEqual(written);
    });

    it('tolerates string sets, NULL TTLs and extra attributes written by other tools', async () => {
      // Arrange
      const { store } = newStore([
        found({
          ...ITEM,
          scopes: { SS: ['a', 'b'] },
          token_ttl_seconds: { NULL: true },
          note: { BOOL: true },
        }),
      ]);

      // Act
      const read = await store.getClient('c1');

      // Assert
      expect(read?.scopes).toEqual(['a', 'b']);
      expect(read).not.toHaveProperty('token_ttl_seconds');
      expect(read).not.toHaveProperty('note');
    });

    it.each<[string, unknown]>([
      ['a null item', null],
      ['an item that is a list', [ITEM]],
      ['a secrets string', { ...ITEM, secrets: { S: 'oops' } }],
      ['a missing name', (({ name: _n, ...rest }) => rest)(ITEM)],
      ['an attribute that is not an object', { ...ITEM, name: 'Orders service' }],
      ['an unknown status', { ...ITEM, status: { S: 'deleted' } }],
      ['a non-numeric version', { ...ITEM, version: { N: 'NaN' } }],
      ['a fractional version', { ...ITEM, version: { N: '1.5' } }],
      ['a string version', { ...ITEM, version: { S: '1' } }],
      ['a number that is not a string', { ...ITEM, version: { N: 3 } }],
      ['a negative TTL', { ...ITEM, token_ttl_seconds: { N: '-5' } }],
      ['a numeric usage key', { ...ITEM, usage_key: { N: '1' } }],
      ['an empty usage plan', { ...ITEM, usage_plan: { S: '' } }],
      ['a string TTL', { ...ITEM, token_ttl_seconds: { S: '60' } }],
      ['a scope that is a number', { ...ITEM, scopes: { L: [{ N: '1' }] } }],
      ['scopes as a map', { ...ITEM, scopes: { M: {} } }],
      ['a secret that is a string', { ...ITEM, secrets: { L: [{ S: 'hash' }] } }],
      ['a secret without hash', { ...ITEM, secrets: { L: [{ M: { created_at: { S: 'x' } } }] } }],
      [
        'a secret with a numeric expiry',
        {
          ...ITEM,
          secrets: {
            L: [{ M: { hash: { S: 'h' }, created_at: { S: 'x' }, expires_at: { N: '1' } } }],
          },
        },
      ],
      ['a binary attribute', { ...ITEM, name: { B: 'AQ==' } }],
      ['an empty attribute value', { ...ITEM, name: {} }],
    ])('fails safely with ServerError on an item with %s', async (_label, item) => {
      // Arrange
      const { store } = newStore([found(item)]);

      // Act
      const error = await store.getClient('c1').catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).message).toBe('client store returned a malformed record');
      expect((error as Error).message).not.toContain('argon2');
    });
  });

  describe('error mapping', () => {
    it('maps ResourceNotFoundException to TableNotFoundError naming table and region', async () => {
      // Arrange
      const { store, transport } = newStore([awsErrorReply('ResourceNotFoundException')]);

      // Act
      const error = await store.getClient('c1').catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(TableNotFoundError);
      expect((error as TableNotFoundError).code).toBe('TABLE_NOT_FOUND');
      expect((error as Error).message).toBe(
        'DynamoDB table clients does not exist in region eu-west-1',
      );
      expect((error as Error).cause).toMatchObject({ code: 'ResourceNotFoundException' });
      expect(transport.calls).toHaveLength(1);
    });

    it.each<[string, FakeReply]>([
      [
        'ProvisionedThroughputExceededException',
        awsErrorReply('ProvisionedThroughputExceededException', 400, 'internal detail'),
      ],
      ['ThrottlingException', awsErrorReply('ThrottlingException', 400, 'internal detail')],
      ['RequestLimitExceeded', awsErrorReply('RequestLimitExceeded', 400, 'internal detail')],
      ['HTTP 503', { status: 503, body: { message: 'internal detail' } }],
      ['a request timeout on every attempt', transportFailure('timeout', 'RequestTimeout')],
    ])('maps %s to TemporarilyUnavailableError', async (_label, reply) => {
      // Arrange
      const { store, transport } = newStore([reply]);

      // Act
      const error = await store.getClient('c1').catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(TemporarilyUnavailableError);
      expect((error as Error).message).toBe('the client store is busy; retry later');
      expect(transport.calls).toHaveLength(AWS_CALL_BUDGET.maxAttempts);
    });

    it.each<[string, FakeReply]>([
      ['AccessDeniedException', awsErrorReply('AccessDeniedException', 400, 'internal detail')],
      ['ValidationException', awsErrorReply('ValidationException', 400, 'internal detail')],
      ['InternalServerError', awsErrorReply('InternalServerError', 500, 'internal detail')],
      ['UnrecognizedClientException', awsErrorReply('UnrecognizedClientException')],
      [
        'ConditionalCheckFailedException on a read',
        awsErrorReply('ConditionalCheckFailedException'),
      ],
      ['a reset connection', transportFailure('connection', 'ECONNRESET')],
      ['a 200 that is not JSON', { status: 200, raw: 'internal detail' }],
    ])('maps %s to ServerError without detail', async (_label, reply) => {
      // Arrange
      const { store } = newStore([reply]);

      // Act
      const error = await store.getClient('c1').catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as ServerError).code).toBe('server_error');
      expect((error as Error).message).toBe('the client store failed');
    });

    it('ends a GetItem that never answers with 503 at its budget, and aborts the attempt', async () => {
      // Arrange
      const hanging = fakeTransport(['hang']);
      const signals: AbortSignal[] = [];
      const { client } = fakeAwsClient(DYNAMODB, [], {
        transport: (request, signal) => {
          signals.push(signal);
          return hanging(request, signal);
        },
      });
      const store = new DynamoDbClientStore({ tableName: 't', client, operationBudgetMs: 50 });
      const started = Date.now();

      // Act
      const error = await store.getClient('c1').catch((e: unknown) => e);

      // Assert
      expect(Date.now() - started).toBeLessThan(AWS_CALL_BUDGET.operationBudgetMs);
      expect(error).toBeInstanceOf(TemporarilyUnavailableError);
      const cause = (error as Error).cause;
      expect(cause).toMatchObject({ kind: 'timeout', code: 'OperationBudgetExceeded' });
      expect(hanging.calls).toHaveLength(1);
      expect(signals[0]?.aborted).toBe(true);
      expect(signals[0]?.reason).toBe(cause);
    });
  });

  describe('the cutoff item (cutoff#<id>, written to every Region by the clients CLI)', () => {
    const cutoff = (attributes: object): object => ({
      client_id: { S: 'cutoff#c1' },
      ...attributes,
    });

    it.each<[string, object, object]>([
      [
        'disables a client whose record (a stale replica) still says active',
        { status: { S: 'disabled' }, tokens_not_before: { N: '1700000000' } },
        { status: 'disabled', tokens_not_before: 1_700_000_000 },
      ],
      [
        'sets tokens_not_before when the record has none',
        { status: { S: 'active' }, tokens_not_before: { N: '1700000000' } },
        { status: 'active', tokens_not_before: 1_700_000_000 },
      ],
    ])('%s', async (_name, attributes, expected) => {
      // Arrange
      const { store } = newStore([found(cutoff(attributes), ITEM)]);

      // Act / Assert
      await expect(store.getClient('c1')).resolves.toEqual({ ...RECORD, ...expected });
    });

    it.each<[string, number, number, number]>([
      ['a later cutoff wins over the record', 100, 300, 300],
      ['an earlier cutoff never lowers the record', 500, 300, 500],
    ])('tokens_not_before: %s', async (_name, recordNotBefore, cutoffNotBefore, expected) => {
      // Arrange
      const { store } = newStore([
        found(
          { ...ITEM, tokens_not_before: { N: String(recordNotBefore) } },
          cutoff({ status: { S: 'active' }, tokens_not_before: { N: String(cutoffNotBefore) } }),
        ),
      ]);

      // Act
      const read = await store.getClient('c1');

      // Assert
      expect(read?.tokens_not_before).toBe(expected);
      expect(read?.status).toBe('active');
    });

    it('never revives a disabled record, and a cutoff alone is no client', async () => {
      // Arrange
      const active = cutoff({ status: { S: 'active' }, tokens_not_before: { N: '0' } });
      const { store } = newStore([
        found({ ...ITEM, status: { S: 'disabled' } }, active),
        found(active),
      ]);

      // Act / Assert
      await expect(store.getClient('c1')).resolves.toMatchObject({ status: 'disabled' });
      await expect(store.getClient('c1')).resolves.toBeUndefined();
    });

    it.each<[string, object]>([
      ['no status', { tokens_not_before: { N: '1' } }],
      ['an unknown status', { status: { S: 'paused' }, tokens_not_before: { N: '1' } }],
      ['no tokens_not_before', { status: { S: 'active' } }],
      [
        'an unreadable tokens_not_before',
        { status: { S: 'active' }, tokens_not_before: { N: 'x' } },
      ],
      [
        'a tokens_not_before as a string',
        { status: { S: 'active' }, tokens_not_before: { S: '1' } },
      ],
    ])('fails closed (500, no token) on a malformed cutoff: %s', async (_name, attributes) => {
      // Arrange
      const { store } = newStore([found(ITEM, cutoff(attributes))]);

      // Act / Assert
      await expect(store.getClient('c1')).rejects.toThrow(ServerError);
    });
  });

  describe('a client declared in Terraform', () => {
    const DECLARATION = {
      client_id: { S: 'declared#c1' },
      managed_by: { S: 'terraform' },
      name: { S: 'Declared' },
      status: { S: 'active' },
      scopes: { L: [{ S: 'a' }] },
      audiences: { L: [] },
      token_endpoint_auth_method: { S: 'client_secret' },
    };

    it('reads the declaration beside the record, in any order: declared fields, runtime secrets', async () => {
      // Arrange
      const runtime = { client_id: { S: 'c1' }, secrets: ITEM.secrets, version: { N: '2' } };
      const { store } = newStore([found(DECLARATION, runtime)]);

      // Act
      const read = await store.getClient('c1');

      // Assert
      expect(read).toMatchObject({
        name: 'Declared',
        secrets: RECORD.secrets,
        version: 2,
        managed_by: 'terraform',
      });
    });

    it('answers 503 when DynamoDB leaves a key unprocessed: an unknown state is never "no client"', async () => {
      // Arrange
      const { store } = newStore([
        {
          status: 200,
          body: {
            Responses: { clients: [ITEM] },
            UnprocessedKeys: { clients: { Keys: [{ client_id: { S: 'declared#c1' } }] } },
          },
        },
      ]);

      // Act
      const error = await store.getClient('c1').catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    });

    it('fails with ServerError when the answer has no items for the table', async () => {
      // Arrange
      const { store } = newStore([{ status: 200, body: { Responses: {} } }]);

      // Act
      const error = await store.getClient('c1').catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
    });
  });

  it('builds a default DynamoDB client when none is given', () => {
    // Act / Assert
    expect(() => new DynamoDbClientStore({ tableName: 't' })).not.toThrow();
  });
});

describe('DynamoDbRevocationStore', () => {
  const newStore = (
    replies: FakeReply[],
  ): { store: DynamoDbRevocationStore; transport: FakeTransport } => {
    const { client, transport } = fakeAwsClient(DYNAMODB, replies);
    return { store: new DynamoDbRevocationStore({ tableName: 'clients', client }), transport };
  };

  describe('revokeToken', () => {
    it('puts the revoked# item with its client and expiry, unconditionally', async () => {
      // Arrange
      const { store, transport } = newStore([{ status: 200, body: {} }]);

      // Act
      await store.revokeToken({ jti: 'j1', clientId: 'c1', expiresAt: 1_800_000_000 });

      // Assert
      expect(transport.calls).toHaveLength(1);
      expect(transport.calls[0]?.operation).toBe('PutItem');
      expect(transport.calls[0]?.input).toEqual({
        TableName: 'clients',
        Item: {
          client_id: { S: 'revoked#j1' },
          revoked_client_id: { S: 'c1' },
          expires_at: { N: '1800000000' },
        },
      });
    });

    it('maps throttling to TemporarilyUnavailableError and access denied to ServerError', async () => {
      // Arrange
      const throttled = newStore([awsErrorReply('ThrottlingException')]).store;
      const denied = newStore([awsErrorReply('AccessDeniedException')]).store;
      const token = { jti: 'j1', clientId: 'c1', expiresAt: 1_800_000_000 };

      // Act / Assert
      await expect(throttled.revokeToken(token)).rejects.toBeInstanceOf(
        TemporarilyUnavailableError,
      );
      await expect(denied.revokeToken(token)).rejects.toBeInstanceOf(ServerError);
    });
  });

  describe('revokedUntil', () => {
    it('reads the expiry of the revoked# item, strongly consistent', async () => {
      // Arrange
      const { store, transport } = newStore([found({ expires_at: { N: '1800000000' } })]);

      // Act
      const until = await store.revokedUntil('j1');

      // Assert
      expect(until).toBe(1_800_000_000);
      expect(transport.calls[0]?.operation).toBe('GetItem');
      expect(transport.calls[0]?.input).toEqual({
        TableName: 'clients',
        Key: { client_id: { S: 'revoked#j1' } },
        ConsistentRead: true,
        ProjectionExpression: '#e',
        ExpressionAttributeNames: { '#e': 'expires_at' },
      });
    });

    it('answers undefined when the jti is not revoked', async () => {
      // Arrange
      const { store } = newStore([notFound]);

      // Act / Assert
      await expect(store.revokedUntil('j1')).resolves.toBeUndefined();
    });

    it.each<[string, unknown]>([
      ['no expiry', {}],
      ['an expiry that is not a number', { expires_at: { N: 'soon' } }],
      ['an expiry stored as a string', { expires_at: { S: '1800000000' } }],
      ['an infinite expiry', { expires_at: { N: '1e400' } }],
      ['an empty expiry (Number("") is 0)', { expires_at: { N: ' ' } }],
    ])('fails closed on an item with %s: revoked for ever', async (_label, item) => {
      // Arrange
      const { store } = newStore([found(item)]);

      // Act / Assert
      await expect(store.revokedUntil('j1')).resolves.toBe(Number.MAX_SAFE_INTEGER);
    });

    it('maps a missing table to TableNotFoundError', async () => {
      // Arrange
      const { store } = newStore([awsErrorReply('ResourceNotFoundException')]);

      // Act / Assert
      await expect(store.revokedUntil('j1')).rejects.toBeInstanceOf(TableNotFoundError);
    });
  });
});
