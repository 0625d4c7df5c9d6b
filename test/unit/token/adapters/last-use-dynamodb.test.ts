// Unit tests of the DynamoDB last-use recorder: the exact conditional UpdateItem it sends over the AWS JSON client (fake transport), and how it treats DynamoDB's answers.
import { AwsCallError } from '../../../../functions/shared/aws/errors';
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import { LAST_USE_WRITE_BUDGET } from '../../../../functions/shared/limits';
import {
  DynamoDbLastUseRecorder,
  LAST_USE_ATTRIBUTES,
} from '../../../../functions/token/adapters/last-use-dynamodb';
import {
  awsErrorReply,
  fakeAwsClient,
  transportFailure,
  type FakeReply,
  type FakeTransport,
} from '../../../support/aws-json-fake';

const USE = {
  clientId: 'c0ffee00c0ffee00',
  usedAt: '2026-01-02T03:04:05.678Z',
  staleBefore: '2026-01-02T02:04:05.678Z',
};

const newRecorder = (
  replies: FakeReply[],
): { recorder: DynamoDbLastUseRecorder; transport: FakeTransport; sleeps: number[] } => {
  const { client, transport, sleeps } = fakeAwsClient(DYNAMODB, replies, {
    budget: LAST_USE_WRITE_BUDGET,
  });
  return {
    recorder: new DynamoDbLastUseRecorder({ tableName: 'clients', client }),
    transport,
    sleeps,
  };
};

describe('DynamoDbLastUseRecorder.recordUse', () => {
  it('sends one UpdateItem that sets last_used_at on an existing client whose last use is absent or older', async () => {
    // Arrange
    const { recorder, transport } = newRecorder([{ status: 200, body: {} }]);

    // Act
    const written = await recorder.recordUse(USE);

    // Assert
    expect(written).toBe(true);
    expect(transport.calls).toHaveLength(1);
    expect(transport.calls[0]?.target).toBe('DynamoDB_20120810.UpdateItem');
    expect(transport.calls[0]?.input).toEqual({
      TableName: 'clients',
      Key: { client_id: { S: 'c0ffee00c0ffee00' } },
      UpdateExpression: 'SET #used = :used',
      ConditionExpression:
        'attribute_exists(client_id) AND (attribute_not_exists(#used) OR #used < :stale)',
      ExpressionAttributeNames: { '#used': 'last_used_at' },
      ExpressionAttributeValues: {
        ':used': { S: '2026-01-02T03:04:05.678Z' },
        ':stale': { S: '2026-01-02T02:04:05.678Z' },
      },
      ReturnValues: 'NONE',
    });
  });

  it('for a client declared in Terraform, may create its runtime record with last_used_at alone', async () => {
    // Arrange
    const { recorder, transport } = newRecorder([{ status: 200, body: {} }]);

    // Act
    const written = await recorder.recordUse({ ...USE, declared: true });

    // Assert: no attribute_exists(client_id); the same key, update and attributes
    expect(written).toBe(true);
    expect(transport.calls[0]?.input).toMatchObject({
      Key: { client_id: { S: 'c0ffee00c0ffee00' } },
      UpdateExpression: 'SET #used = :used',
      ConditionExpression: 'attribute_not_exists(#used) OR #used < :stale',
      ExpressionAttributeNames: { '#used': 'last_used_at' },
      ReturnValues: 'NONE',
    });
  });

  it.each([false, true])(
    'names only the attributes its IAM policy allows (declared: %s)',
    async (declared) => {
      // Arrange
      const { recorder, transport } = newRecorder([{ status: 200, body: {} }]);

      // Act
      await recorder.recordUse({ ...USE, declared });

      // Assert: every attribute in the key, the update and the condition
      const input = transport.calls[0]?.input as {
        Key: Record<string, unknown>;
        ExpressionAttributeNames: Record<string, string>;
        ConditionExpression: string;
      };
      const named = new Set([
        ...Object.keys(input.Key),
        ...Object.values(input.ExpressionAttributeNames),
        ...[...input.ConditionExpression.matchAll(/attribute_\w+\((\w+)\)/g)].map((m) => m[1]),
      ]);
      expect([...named].sort()).toEqual([...LAST_USE_ATTRIBUTES].sort());
    },
  );

  it('answers false, without a retry, when the condition keeps the stored value (normal)', async () => {
    // Arrange
    const { recorder, transport } = newRecorder([
      awsErrorReply('ConditionalCheckFailedException', 400, 'The conditional request failed'),
    ]);

    // Act / Assert
    await expect(recorder.recordUse(USE)).resolves.toBe(false);
    expect(transport.calls).toHaveLength(1);
  });

  it('throws the AwsCallError of any other failure, after its two attempts', async () => {
    // Arrange
    const { recorder, transport } = newRecorder([
      transportFailure('connection', 'ECONNRESET'),
      awsErrorReply('InternalServerError', 500, 'Internal server error'),
    ]);

    // Act
    const err = await recorder.recordUse(USE).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assert
    expect(err).toBeInstanceOf(AwsCallError);
    expect((err as AwsCallError).message).toBe(
      'DynamoDB.UpdateItem failed after 2 attempts: InternalServerError (HTTP 500): Internal server error',
    );
    expect(transport.calls).toHaveLength(LAST_USE_WRITE_BUDGET.maxAttempts);
  });

  it('throws access denied as is: no mapping to an OAuth error, which no client should see', async () => {
    // Arrange
    const { recorder } = newRecorder([awsErrorReply('AccessDeniedException', 400, 'not allowed')]);

    // Act / Assert
    await expect(recorder.recordUse(USE)).rejects.toMatchObject({
      name: 'AwsCallError',
      code: 'AccessDeniedException',
    });
  });

  it('gives up within its own small budget when DynamoDB does not answer', async () => {
    // Arrange
    jest.useFakeTimers();
    const { recorder } = newRecorder(['hang']);

    try {
      // Act
      const settled = recorder.recordUse(USE).then(
        () => 'resolved',
        (e: unknown) => (e as AwsCallError).code,
      );
      await jest.advanceTimersByTimeAsync(LAST_USE_WRITE_BUDGET.operationBudgetMs);

      // Assert
      await expect(settled).resolves.toBe('OperationBudgetExceeded');
    } finally {
      jest.useRealTimers();
    }
  });
});
