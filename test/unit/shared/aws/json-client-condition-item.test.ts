// A failed DynamoDB condition's item (ReturnValuesOnConditionCheckFailure ALL_OLD) reaches the adapter on AwsCallError.item, and never a log line.
import { AwsCallError } from '../../../../functions/shared/aws/errors';
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import { fakeAwsClient } from '../../../support/aws-json-fake';

const conditionFailed = (extra: Record<string, unknown>) => ({
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
    ...extra,
  },
});

const failure = async (reply: ReturnType<typeof conditionFailed>): Promise<AwsCallError> => {
  const { client } = fakeAwsClient(DYNAMODB, [reply]);
  const err: unknown = await client.send('PutItem', {}).catch((e: unknown) => e);
  if (!(err instanceof AwsCallError)) throw new Error('expected an AwsCallError');
  return err;
};

describe('AwsCallError.item', () => {
  it('holds the Item of a ConditionalCheckFailedException, not enumerable', async () => {
    // Arrange
    const item = { client_id: { S: 'jti#x' }, region: { S: 'us-east-1' } };

    // Act
    const err = await failure(conditionFailed({ Item: item }));

    // Assert
    expect(err.code).toBe('ConditionalCheckFailedException');
    expect(err.item).toEqual(item);
    expect(Object.keys(err)).not.toContain('item');
    expect(JSON.stringify(err)).not.toContain('us-east-1');
  });

  it.each([
    ['no Item', {}],
    ['an Item that is not an object', { Item: 'x' }],
    ['a null Item', { Item: null }],
  ])('is undefined for %s', async (_label, extra) => {
    expect((await failure(conditionFailed(extra))).item).toBeUndefined();
  });

  it('is undefined for another error that has an Item member', async () => {
    const reply = {
      status: 400,
      body: { __type: 'ValidationException', message: 'x', Item: { a: { S: 'b' } } },
    };
    expect((await failure(reply)).item).toBeUndefined();
  });
});
