// Unit tests of the DynamoDB replay cache: the conditional PutItem it sends and how it maps DynamoDB's answers (fake transport under the AWS JSON client).
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import { DynamoDbReplayCache } from '../../../../functions/token/adapters/replay-cache-dynamodb';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import { assertionJtiKey } from '../../../../functions/token/core/replay-keys';
import { TableNotFoundError } from '../../../../functions/token/adapters/errors';
import {
  awsErrorReply,
  fakeAwsClient,
  transportFailure,
  type FakeReply,
  type FakeTransport,
} from '../../../support/aws-json-fake';

const USE = { clientId: 'c1', jti: 'j1', expiresAt: 2_000_000_000 };

const newCache = (
  replies: FakeReply[],
): { cache: DynamoDbReplayCache; transport: FakeTransport } => {
  const { client, transport } = fakeAwsClient(DYNAMODB, replies);
  return { cache: new DynamoDbReplayCache({ tableName: 'clients', client }), transport };
};

describe('DynamoDbReplayCache.useOnce', () => {
  it('puts the jti# key of the client and jti with its expiry, only where no live item is', async () => {
    // Arrange
    const { cache, transport } = newCache([{ status: 200, body: {} }]);
    const before = Math.floor(Date.now() / 1000);

    // Act
    const first = await cache.useOnce(USE);

    // Assert
    const after = Math.floor(Date.now() / 1000);
    expect(first).toBe(true);
    expect(transport.calls).toHaveLength(1);
    expect(transport.calls[0]?.operation).toBe('PutItem');
    const input = transport.calls[0]?.input as {
      ExpressionAttributeValues: { ':now': { N: string } };
    };
    expect(input).toEqual({
      TableName: 'clients',
      Item: { client_id: { S: assertionJtiKey('c1', 'j1') }, expires_at: { N: '2000000000' } },
      ConditionExpression: 'attribute_not_exists(client_id) OR #e < :now',
      ExpressionAttributeNames: { '#e': 'expires_at' },
      ExpressionAttributeValues: { ':now': { N: expect.stringMatching(/^\d+$/) as unknown } },
    });
    const now = Number(input.ExpressionAttributeValues[':now'].N);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });

  it('answers false (a replay) when the condition fails, without a retry', async () => {
    // Arrange
    const { cache, transport } = newCache([
      awsErrorReply('ConditionalCheckFailedException', 400, 'The conditional request failed'),
    ]);

    // Act
    const used = await cache.useOnce(USE);

    // Assert
    expect(used).toBe(false);
    expect(transport.calls).toHaveLength(1);
  });

  it('answers false when a retry after a failed attempt finds the item: the safe side', async () => {
    // Arrange: the first write may have landed before its connection was reset
    const { cache, transport } = newCache([
      transportFailure('connection', 'ECONNRESET'),
      awsErrorReply('ConditionalCheckFailedException'),
    ]);

    // Act
    const used = await cache.useOnce(USE);

    // Assert
    expect(used).toBe(false);
    expect(transport.calls).toHaveLength(2);
    expect(transport.calls[1]?.input).toEqual(transport.calls[0]?.input);
  });

  it.each([['ProvisionedThroughputExceededException'], ['ThrottlingException']])(
    'maps %s to TemporarilyUnavailableError',
    async (code) => {
      // Arrange
      const { cache } = newCache([awsErrorReply(code, 400, 'slow down')]);

      // Act
      const error = await cache.useOnce(USE).catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(TemporarilyUnavailableError);
      expect((error as Error).cause).toMatchObject({ code });
    },
  );

  it.each<[string, FakeReply]>([
    ['access denied', awsErrorReply('AccessDeniedException')],
    ['a validation error', awsErrorReply('ValidationException')],
    ['an internal error', awsErrorReply('InternalServerError', 500)],
    ['a body that is not JSON', { status: 200, raw: 'boom' }],
  ])('maps %s to ServerError', async (_label, reply) => {
    // Arrange
    const { cache } = newCache([reply]);

    // Act
    const error = await cache.useOnce(USE).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toBe('the client store failed');
  });

  it('maps a missing table to TableNotFoundError', async () => {
    // Arrange
    const { cache } = newCache([awsErrorReply('ResourceNotFoundException')]);

    // Act / Assert
    await expect(cache.useOnce(USE)).rejects.toBeInstanceOf(TableNotFoundError);
  });
});
