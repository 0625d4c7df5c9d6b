// The authorizer's DPoP replay write over the AWS JSON client: one conditional PutItem of a dpopjti# item; a failed condition is a replay, any other failure is thrown (the handler fails closed).
import { DynamoDbDpopReplayCache } from '../../../../functions/authorizer/adapters/dpop-replay-dynamodb';
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import { awsErrorReply, fakeAwsClient, type FakeReply } from '../../../support/aws-json-fake';

const USE = { key: 'dpopjti#abc', expiresAt: 1_750_000_100 };
const NOW_MS = 1_750_000_000_000;

const cache = (replies: FakeReply[]) => {
  const { client, transport } = fakeAwsClient(DYNAMODB, replies);
  return {
    cache: new DynamoDbDpopReplayCache({ tableName: 'clients', client, clock: () => NOW_MS }),
    transport,
  };
};

describe('DynamoDbDpopReplayCache', () => {
  it('sends one conditional PutItem of the dpopjti# key and answers true on the first use', async () => {
    // Arrange
    const { cache: c, transport } = cache([{ status: 200, body: {} }]);

    // Act
    const first = await c.useOnce(USE);

    // Assert
    expect(first).toBe(true);
    expect(transport.calls).toHaveLength(1);
    expect(transport.calls[0]).toMatchObject({
      operation: 'PutItem',
      input: {
        TableName: 'clients',
        Item: { client_id: { S: 'dpopjti#abc' }, expires_at: { N: '1750000100' } },
        ConditionExpression: 'attribute_not_exists(client_id) OR #e < :now',
        ExpressionAttributeValues: { ':now': { N: '1750000000' } },
      },
    });
  });

  it('answers false when the condition fails (a replay)', async () => {
    // Arrange
    const { cache: c } = cache([awsErrorReply('ConditionalCheckFailedException')]);

    // Act / Assert
    await expect(c.useOnce(USE)).resolves.toBe(false);
  });

  it('throws on any other failure, so the request is refused', async () => {
    // Arrange
    const { cache: c } = cache([
      awsErrorReply('AccessDeniedException'),
      awsErrorReply('AccessDeniedException'),
    ]);

    // Act / Assert
    await expect(c.useOnce(USE)).rejects.toThrow(/AccessDenied/);
  });
});
