// Unit tests of the AWS JSON client's onAttemptFailed observer: every failed attempt reported, retries and the budget included, and an observer that fails never changes a call's outcome.
import type { AwsCallError } from '../../../../functions/shared/aws/errors';
import { DYNAMODB, KMS } from '../../../../functions/shared/aws/json-client';
import type { AwsAttemptFailure } from '../../../../functions/shared/aws/json-client-options';
import { AWS_CALL_BUDGET } from '../../../../functions/shared/limits';
import {
  awsErrorReply,
  fakeAwsClient,
  transportFailure,
  type FakeReply,
} from '../../../support/aws-json-fake';

const OK: FakeReply = { status: 200, body: { ok: true } };

/** An observer that records what it is told. */
const recorder = (): {
  failures: AwsAttemptFailure[];
  onAttemptFailed: (f: AwsAttemptFailure) => void;
} => {
  const failures: AwsAttemptFailure[] = [];
  return { failures, onAttemptFailed: (f) => failures.push(f) };
};

const rejection = (promise: Promise<unknown>): Promise<AwsCallError> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as AwsCallError,
  );

describe('AwsJsonClient onAttemptFailed', () => {
  it('reports each throttled attempt that was retried, and nothing for the success', async () => {
    // Arrange
    const { failures, onAttemptFailed } = recorder();
    const { client } = fakeAwsClient(
      DYNAMODB,
      [awsErrorReply('ThrottlingException'), awsErrorReply('ThrottlingException'), OK],
      { onAttemptFailed },
    );

    // Act
    const output = await client.send('GetItem', {});

    // Assert
    expect(output).toEqual({ ok: true });
    expect(failures).toEqual([
      {
        operation: 'DynamoDB.GetItem',
        kind: 'throttling',
        code: 'ThrottlingException',
        attempt: 1,
      },
      {
        operation: 'DynamoDB.GetItem',
        kind: 'throttling',
        code: 'ThrottlingException',
        attempt: 2,
      },
    ]);
  });

  it('reports every attempt of a call that fails, the last one included', async () => {
    // Arrange
    const { failures, onAttemptFailed } = recorder();
    const { client } = fakeAwsClient(KMS, [awsErrorReply('DependencyTimeoutException', 500)], {
      onAttemptFailed,
    });

    // Act
    const err = await rejection(client.send('Sign', {}));

    // Assert
    expect(err).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(failures).toEqual(
      [1, 2, 3].map((attempt) => ({
        operation: 'KMS.Sign',
        kind: 'timeout',
        code: 'DependencyTimeoutException',
        attempt,
      })),
    );
  });

  it('reports an attempt that timed out on the wire, then a throttle, by kind and code', async () => {
    // Arrange
    const { failures, onAttemptFailed } = recorder();
    const { client } = fakeAwsClient(
      KMS,
      [
        transportFailure('timeout', 'RequestTimeout'),
        awsErrorReply('ThrottlingException', 400),
        OK,
      ],
      { onAttemptFailed },
    );

    // Act
    await client.send('GetPublicKey', {});

    // Assert
    expect(failures).toEqual([
      { operation: 'KMS.GetPublicKey', kind: 'timeout', code: 'RequestTimeout', attempt: 1 },
      {
        operation: 'KMS.GetPublicKey',
        kind: 'throttling',
        code: 'ThrottlingException',
        attempt: 2,
      },
    ]);
  });

  it('reports a failure that is not retried once, whatever its kind', async () => {
    // Arrange
    const { failures, onAttemptFailed } = recorder();
    const { client } = fakeAwsClient(DYNAMODB, [awsErrorReply('ConditionalCheckFailedException')], {
      onAttemptFailed,
    });

    // Act
    await rejection(client.send('PutItem', {}));

    // Assert
    expect(failures).toEqual([
      {
        operation: 'DynamoDB.PutItem',
        kind: 'client',
        code: 'ConditionalCheckFailedException',
        attempt: 1,
      },
    ]);
  });

  describe('on fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('reports a call out of its budget once, as a timeout of the attempt in flight', async () => {
      // Arrange: a 5xx, then an attempt that never answers.
      const { failures, onAttemptFailed } = recorder();
      const { client } = fakeAwsClient(
        DYNAMODB,
        [awsErrorReply('InternalServerError', 500), 'hang'],
        { onAttemptFailed, budget: { ...AWS_CALL_BUDGET, operationBudgetMs: 1000 } },
      );

      // Act
      const settled = rejection(client.send('UpdateItem', {}));
      await jest.advanceTimersByTimeAsync(1000);
      const err = await settled;

      // Assert
      expect(err).toMatchObject({ code: 'OperationBudgetExceeded', attempts: 2 });
      expect(failures).toEqual([
        {
          operation: 'DynamoDB.UpdateItem',
          kind: 'server',
          code: 'InternalServerError',
          attempt: 1,
        },
        {
          operation: 'DynamoDB.UpdateItem',
          kind: 'timeout',
          code: 'OperationBudgetExceeded',
          attempt: 2,
        },
      ]);
    });
  });

  it('keeps the outcome of a call whose observer throws', async () => {
    // Arrange
    const calls: number[] = [];
    const { client } = fakeAwsClient(DYNAMODB, [awsErrorReply('ThrottlingException'), OK], {
      onAttemptFailed: (f) => {
        calls.push(f.attempt);
        throw new Error('metrics are down');
      },
    });
    const { client: failing } = fakeAwsClient(DYNAMODB, [awsErrorReply('ValidationException')], {
      onAttemptFailed: () => {
        throw new Error('metrics are down');
      },
    });

    // Act
    const output = await client.send('GetItem', {});
    const err = await rejection(failing.send('GetItem', {}));

    // Assert
    expect(output).toEqual({ ok: true });
    expect(calls).toEqual([1]);
    expect(err).toMatchObject({ kind: 'client', code: 'ValidationException', attempts: 1 });
  });

  it('drops the rejection of an async observer, leaving no unhandled rejection', async () => {
    // Arrange
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    const { client } = fakeAwsClient(KMS, [awsErrorReply('ThrottlingException'), OK], {
      onAttemptFailed: () => Promise.reject(new Error('async metrics are down')),
    });

    try {
      // Act
      const output = await client.send('Sign', {});
      await new Promise((resolve) => setImmediate(resolve));

      // Assert
      expect(output).toEqual({ ok: true });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
