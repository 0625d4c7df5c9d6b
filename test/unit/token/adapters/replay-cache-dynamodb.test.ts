// Unit tests of the DynamoDB replay cache: the conditional PutItem it sends and how it maps the SDK's answers (SDK mocked at the adapter boundary).
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbReplayCache } from '../../../../functions/token/adapters/replay-cache-dynamodb';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import { assertionJtiKey } from '../../../../functions/token/core/client-assertion';

const client = new DynamoDBClient({ region: 'us-east-1' });
const ddb = mockClient(client);
const cache = new DynamoDbReplayCache({ tableName: 'clients', client });
const USE = { clientId: 'c1', jti: 'j1', expiresAt: 2_000_000_000 };

beforeEach(() => ddb.reset());

describe('DynamoDbReplayCache.useOnce', () => {
  it('puts the jti# key of the client and jti with its expiry, only where no live item is', async () => {
    // Arrange
    ddb.on(PutItemCommand).resolves({});

    // Act
    const first = await cache.useOnce(USE);

    // Assert
    expect(first).toBe(true);
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'clients',
      Item: { client_id: { S: assertionJtiKey('c1', 'j1') }, expires_at: { N: '2000000000' } },
      ConditionExpression: 'attribute_not_exists(client_id) OR #e < :now',
      ExpressionAttributeNames: { '#e': 'expires_at' },
    });
    expect(Number(input?.ExpressionAttributeValues?.[':now']?.N)).toBeCloseTo(
      Date.now() / 1000,
      -1,
    );
  });

  it('answers false (a replay) when the condition fails', async () => {
    // Arrange
    ddb.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
      }),
    );

    // Act / Assert
    expect(await cache.useOnce(USE)).toBe(false);
  });

  it('maps throttling to TemporarilyUnavailableError and other failures to ServerError', async () => {
    // Arrange
    ddb
      .on(PutItemCommand)
      .rejectsOnce(
        new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
      )
      .rejectsOnce(new Error('boom'));

    // Act / Assert
    await expect(cache.useOnce(USE)).rejects.toBeInstanceOf(TemporarilyUnavailableError);
    await expect(cache.useOnce(USE)).rejects.toBeInstanceOf(ServerError);
  });
});
