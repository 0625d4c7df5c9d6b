// Unit tests of functions/token/metrics.ts: the EMF of AWS throttles and timeouts counted per attempt and operation, the latency wrappers of the ports, and publishing only what was stored.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DYNAMODB, KMS } from '../../../functions/shared/aws/json-client';
import type { AwsJsonService } from '../../../functions/shared/aws/json-client-options';
import { AWS_CALL_BUDGET } from '../../../functions/shared/limits';
import type { ClientRecord } from '../../../functions/token/core/types';
import {
  countAwsFailures,
  publishStored,
  storeLatency,
  timeClientStore,
  timePasswordHasher,
  timeSigner,
  type LatencyMetric,
} from '../../../functions/token/metrics';
import {
  awsErrorReply,
  fakeAwsClient,
  transportFailure,
  type FakeReply,
} from '../../support/aws-json-fake';
import { captureEmf, emfLine, type EmfCapture } from '../../support/emf';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import { clientRecord, InMemorySigner, SECRET } from '../../support/token-fakes';

const NAMESPACE = 'Auth';
const SERVICE = 'auth-token';
const OK: FakeReply = { status: 200, body: {} };

const newMetrics = (): Metrics => new Metrics({ namespace: NAMESPACE, serviceName: SERVICE });

/** A clock that moves `step` ms at each reading, from 1000. */
const steppingClock = (step: number): (() => number) => {
  let t = 1000 - step;
  return () => (t += step);
};

let emf: EmfCapture;
beforeEach(() => {
  emf = captureEmf();
});
afterEach(() => emf.restore());

/** The two lines of one counted failure: the total ({service}) and by operation. */
const failureLines = (total: string, byOperation: string, operation: string) => [
  emfLine(NAMESPACE, { service: SERVICE }, { [total]: ['Count', 1] }),
  emfLine(NAMESPACE, { service: SERVICE, operation }, { [byOperation]: ['Count', 1] }),
];

const OPERATIONS: [string, AwsJsonService, string][] = [
  ['DynamoDB.GetItem', DYNAMODB, 'GetItem'],
  ['DynamoDB.PutItem', DYNAMODB, 'PutItem'],
  ['DynamoDB.UpdateItem', DYNAMODB, 'UpdateItem'],
  ['KMS.Sign', KMS, 'Sign'],
  ['KMS.GetPublicKey', KMS, 'GetPublicKey'],
];

describe('countAwsFailures', () => {
  it.each(OPERATIONS)(
    'counts each throttled attempt of %s, the retried ones included',
    async (operation, service, name) => {
      // Arrange: two throttled attempts, then a success.
      const { client } = fakeAwsClient(
        service,
        [awsErrorReply('ThrottlingException'), awsErrorReply('ThrottlingException'), OK],
        { onAttemptFailed: countAwsFailures(newMetrics()) },
      );

      // Act
      await client.send(name, {});

      // Assert
      const once = failureLines('AwsThrottles', 'AwsThrottlesByOperation', operation);
      expect(emf.lines).toEqual([...once, ...once]);
      expect(emf.other).toEqual([]);
    },
  );

  it.each(OPERATIONS)(
    'counts each timed-out attempt of %s, the last one of a failed call included',
    async (operation, service, name) => {
      // Arrange: a socket timeout, then the service's own timeout on every attempt left.
      const { client } = fakeAwsClient(
        service,
        [
          transportFailure('timeout', 'RequestTimeout'),
          awsErrorReply('DependencyTimeoutException', 500),
        ],
        { onAttemptFailed: countAwsFailures(newMetrics()) },
      );

      // Act
      const err = await client.send(name, {}).catch((e: unknown) => e);

      // Assert
      expect(err).toMatchObject({ kind: 'timeout', attempts: 3 });
      const once = failureLines('AwsTimeouts', 'AwsTimeoutsByOperation', operation);
      expect(emf.lines).toEqual([...once, ...once, ...once]);
    },
  );

  it('counts a throttled KMS Sign through the signer adapter, as KMS.Sign', async () => {
    // Arrange
    const { KmsSigner } = await import('../../../functions/token/adapters/signer-kms');
    const { client } = fakeAwsClient(
      KMS,
      [awsErrorReply('ThrottlingException'), { status: 200, body: { Signature: 'c2ln' } }],
      { onAttemptFailed: countAwsFailures(newMetrics()) },
    );
    const signer = new KmsSigner({ keyId: 'alias/token', algorithm: 'RS256', client });

    // Act
    await signer.sign(new Uint8Array([1, 2, 3]));

    // Assert
    expect(emf.lines).toEqual(failureLines('AwsThrottles', 'AwsThrottlesByOperation', 'KMS.Sign'));
  });

  describe('on fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('counts a call that ran out of its budget as one timeout', async () => {
      // Arrange: an attempt that never answers.
      const { client } = fakeAwsClient(DYNAMODB, ['hang'], {
        onAttemptFailed: countAwsFailures(newMetrics()),
        budget: { ...AWS_CALL_BUDGET, operationBudgetMs: 500 },
      });

      // Act
      const settled = client.send('GetItem', {}).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(500);
      await settled;

      // Assert
      expect(emf.lines).toEqual(
        failureLines('AwsTimeouts', 'AwsTimeoutsByOperation', 'DynamoDB.GetItem'),
      );
    });
  });

  it('counts nothing for other failures: server errors, refused requests, dropped connections', async () => {
    // Arrange
    const { client } = fakeAwsClient(
      DYNAMODB,
      [
        awsErrorReply('InternalServerError', 500),
        transportFailure('connection', 'ECONNRESET'),
        awsErrorReply('ValidationException'),
      ],
      { onAttemptFailed: countAwsFailures(newMetrics()) },
    );

    // Act
    await client.send('GetItem', {}).catch(() => undefined);

    // Assert
    expect(emf.lines).toEqual([]);
  });
});

describe('latency wrappers', () => {
  const recorder = () => {
    const seen: [LatencyMetric, number][] = [];
    return { seen, record: (metric: LatencyMetric, ms: number) => void seen.push([metric, ms]) };
  };

  it('times each getClient, found, missing or failed, as DynamoDbReadLatency', async () => {
    // Arrange
    const { seen, record } = recorder();
    const failing = { getClient: () => Promise.reject(new Error('store down')) };
    const store = timeClientStore(new MemoryClientStore([clientRecord()]), {
      record,
      now: steppingClock(7),
    });
    const broken = timeClientStore(failing, { record, now: steppingClock(30) });

    // Act
    const found = await store.getClient('client-1');
    const missing = await store.getClient('nobody');
    const err = await broken.getClient('client-1').catch((e: unknown) => e);

    // Assert
    expect((found as ClientRecord).client_id).toBe('client-1');
    expect(missing).toBeUndefined();
    expect(err).toEqual(new Error('store down'));
    expect(seen).toEqual([
      ['DynamoDbReadLatency', 7],
      ['DynamoDbReadLatency', 7],
      ['DynamoDbReadLatency', 30],
    ]);
  });

  it('times each verify as Argon2VerifyLatency, and passes hash and dummyHash through untimed', async () => {
    // Arrange
    const { seen, record } = recorder();
    const inner = new FakeHasher();
    const hasher = timePasswordHasher(inner, { record, now: steppingClock(40.0004) });
    const withDummy = timePasswordHasher(
      {
        hash: (s) => inner.hash(s),
        verify: (h, s) => inner.verify(h, s),
        dummyHash: () => '$dummy$',
      },
      { record },
    );
    const withoutDummy = timePasswordHasher(
      { hash: (s) => inner.hash(s), verify: (h, s) => inner.verify(h, s) },
      { record },
    );

    // Act
    const hash = await hasher.hash(SECRET);
    const matched = await hasher.verify(hash, SECRET);
    const mismatched = await hasher.verify(hash, 'wrong');

    // Assert
    expect(hash).toBe(FakeHasher.hashOf(SECRET));
    expect(inner.hashCalls).toBe(1);
    expect([matched, mismatched]).toEqual([true, false]);
    // Rounded to the microsecond.
    expect(seen).toEqual([
      ['Argon2VerifyLatency', 40],
      ['Argon2VerifyLatency', 40],
    ]);
    expect([hasher.dummyHash?.(), withDummy.dummyHash?.(), withoutDummy.dummyHash?.()]).toEqual([
      undefined,
      '$dummy$',
      undefined,
    ]);
  });

  it('times each sign as KmsSignLatency, and passes keyInfo through untimed', async () => {
    // Arrange
    const { seen, record } = recorder();
    const inner = new InMemorySigner('ES256');
    const signer = timeSigner(inner, { record, now: steppingClock(12.5) });

    // Act
    const info = await signer.keyInfo();
    const signature = await signer.sign(new TextEncoder().encode('header.payload'));

    // Assert
    expect(info).toEqual(inner.info);
    expect(signature.byteLength).toBe(64);
    expect(seen).toEqual([['KmsSignLatency', 12.5]]);
  });

  it('reads performance.now when no clock is given', async () => {
    // Arrange
    const { seen, record } = recorder();
    const now = jest.spyOn(performance, 'now').mockReturnValueOnce(100).mockReturnValueOnce(103.25);
    const store = timeClientStore(new MemoryClientStore([]), { record });

    // Act
    await store.getClient('x');

    // Assert
    expect(now).toHaveBeenCalledTimes(2);
    expect(seen).toEqual([['DynamoDbReadLatency', 3.25]]);
    now.mockRestore();
  });

  it('stores latencies in Milliseconds on one {service} line, published by publishStored', async () => {
    // Arrange
    const metrics = newMetrics();
    const record = storeLatency(metrics);
    const store = timeClientStore(new MemoryClientStore([clientRecord()]), {
      record,
      now: steppingClock(4),
    });
    const hasher = timePasswordHasher(new FakeHasher(), { record, now: steppingClock(45) });
    const signer = timeSigner(new InMemorySigner('ES256'), { record, now: steppingClock(9) });

    // Act
    await store.getClient('client-1');
    await hasher.verify('$fake$x', SECRET);
    await hasher.verify('$fake$y', SECRET);
    await signer.sign(new Uint8Array([46]));
    const beforePublish = emf.lines.length;
    publishStored(metrics);

    // Assert
    expect(beforePublish).toBe(0);
    expect(emf.lines).toEqual([
      emfLine(
        NAMESPACE,
        { service: SERVICE },
        {
          DynamoDbReadLatency: ['Milliseconds', 4],
          Argon2VerifyLatency: ['Milliseconds', [45, 45]],
          KmsSignLatency: ['Milliseconds', 9],
        },
      ),
    ]);
  });
});

describe('publishStored', () => {
  it('publishes nothing, and lets Powertools warn of nothing, when nothing was stored', () => {
    // Arrange
    const metrics = newMetrics();

    // Act
    publishStored(metrics);
    publishStored(undefined);

    // Assert
    expect(emf.lines).toEqual([]);
    expect(emf.other).toEqual([]);
  });
});
