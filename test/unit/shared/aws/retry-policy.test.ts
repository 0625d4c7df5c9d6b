// Unit tests of the retry policy: its numbers, codes, backoff and quota agree with the installed SDK's standard mode (@smithy/core/retry as the oracle).
import {
  DEFAULT_MAX_ATTEMPTS,
  INITIAL_RETRY_TOKENS,
  isClockSkewError,
  isThrottlingError,
  isTransientError,
  MAXIMUM_RETRY_DELAY,
  NO_RETRY_INCREMENT,
  Retry,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import fc from 'fast-check';
import type { AwsFailureKind } from '../../../../functions/shared/aws/errors';
import {
  backoffMs,
  CLOCK_SKEW_CODES,
  CONNECTION_ERROR_CODES,
  CREDENTIAL_CODES,
  isRetryable,
  kindOfServiceError,
  MAX_CLOCK_SKEW_MS,
  RetryQuota,
  STANDARD_RETRY,
  THROTTLING_CODES,
  TIMEOUT_CODES,
} from '../../../../functions/shared/aws/retry-policy';
import { AWS_CALL_BUDGET } from '../../../../functions/shared/limits';

/** The SDK's retry token and error types, as its strategy declares them. */
type RetryToken = Awaited<ReturnType<StandardRetryStrategy['acquireInitialRetryToken']>>;
type StandardRetryToken = Parameters<StandardRetryStrategy['recordSuccess']>[0];
type RetryErrorType = Parameters<
  StandardRetryStrategy['refreshRetryTokenForRetry']
>[1]['errorType'];

/** Random in [0, 1), as Math.random gives. */
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/**
 * One retry decision of the SDK's standard strategy, its backoff wait run on fake timers.
 * @returns the next token, or undefined when the SDK refuses to retry
 */
async function sdkRetry(
  strategy: StandardRetryStrategy,
  token: RetryToken,
  errorType: RetryErrorType,
): Promise<StandardRetryToken | undefined> {
  const settled = strategy.refreshRetryTokenForRetry(token, { errorType }).then(
    (next) => next as StandardRetryToken,
    () => undefined,
  );
  await jest.advanceTimersByTimeAsync(STANDARD_RETRY.maxBackoffMs);
  return settled;
}

describe('STANDARD_RETRY', () => {
  it('has the numbers of the installed SDK’s standard mode (retries-2026-config)', () => {
    // Assert
    expect(Retry.v2026).toBe(true);
    expect(STANDARD_RETRY).toEqual({
      transientBaseMs: Retry.delay(),
      throttlingBaseMs: Retry.throttlingDelay(),
      maxBackoffMs: MAXIMUM_RETRY_DELAY,
      quotaCapacity: INITIAL_RETRY_TOKENS,
      transientRetryCost: Retry.cost(),
      throttlingRetryCost: Retry.throttlingCost(),
      successRefund: NO_RETRY_INCREMENT,
    });
    expect(Object.isFrozen(STANDARD_RETRY)).toBe(true);
  });

  it('makes as many attempts as the SDK by default', () => {
    // Assert
    expect(AWS_CALL_BUDGET.maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
  });
});

describe('error codes', () => {
  it.each([...THROTTLING_CODES])('%s is throttling for the SDK too', (name) => {
    // Act
    const sdk = isThrottlingError({ name, message: '', $metadata: {} });

    // Assert
    expect(sdk).toBe(true);
    expect(kindOfServiceError(name, 400)).toBe('throttling');
  });

  it('treats HTTP 429 as throttling whatever the code, as the SDK does', () => {
    // Act
    const sdk = isThrottlingError({
      name: 'SomethingElse',
      message: '',
      $metadata: { httpStatusCode: 429 },
    });

    // Assert
    expect(sdk).toBe(true);
    expect(kindOfServiceError('SomethingElse', 429)).toBe('throttling');
    expect(kindOfServiceError('', 429)).toBe('throttling');
  });

  it.each([...CLOCK_SKEW_CODES])('%s is a clock skew error for the SDK too', (name) => {
    // Act
    const sdk = isClockSkewError({ name, message: '', $metadata: {} });

    // Assert
    expect(sdk).toBe(true);
  });

  it.each(['RequestTimeout', 'RequestTimeoutException'])(
    '%s is transient for the SDK and a timeout here',
    (name) => {
      // Act
      const sdk = isTransientError({ name, message: '', $metadata: {} });

      // Assert
      expect(sdk).toBe(true);
      expect(TIMEOUT_CODES.has(name)).toBe(true);
    },
  );

  it.each([...CONNECTION_ERROR_CODES].filter((code) => code.startsWith('E')))(
    'socket error %s is transient for the SDK too',
    (code) => {
      // Act
      const sdk = isTransientError(
        Object.assign(new Error('socket'), { code, $metadata: {} }) as never,
      );

      // Assert
      expect(sdk).toBe(true);
    },
  );

  it('keeps the code sets apart, so each code has one kind', () => {
    // Arrange
    const sets = [THROTTLING_CODES, TIMEOUT_CODES, CREDENTIAL_CODES, CLOCK_SKEW_CODES];

    // Act
    const all = sets.flatMap((s) => [...s]);

    // Assert
    expect(new Set(all).size).toBe(all.length);
  });

  it('tolerates five minutes of skew, as SigV4 does', () => {
    // Assert
    expect(MAX_CLOCK_SKEW_MS).toBe(300_000);
  });
});

describe('kindOfServiceError', () => {
  it.each<[string, number, AwsFailureKind]>([
    ['ThrottlingException', 400, 'throttling'],
    ['ProvisionedThroughputExceededException', 400, 'throttling'],
    ['RequestLimitExceeded', 400, 'throttling'],
    ['TooManyRequestsException', 400, 'throttling'],
    ['ThrottlingException', 503, 'throttling'],
    ['ValidationException', 429, 'throttling'],
    ['DependencyTimeoutException', 500, 'timeout'],
    ['RequestTimeout', 408, 'timeout'],
    ['RequestTimeoutException', 400, 'timeout'],
    ['ExpiredTokenException', 400, 'credentials'],
    ['UnrecognizedClientException', 400, 'credentials'],
    ['MissingAuthenticationTokenException', 403, 'credentials'],
    ['InvalidClientTokenId', 403, 'credentials'],
    ['IncompleteSignatureException', 400, 'credentials'],
    ['ServiceUnavailable', 503, 'unavailable'],
    ['', 503, 'unavailable'],
    ['InternalServerError', 500, 'server'],
    ['KMSInternalException', 500, 'server'],
    ['', 502, 'server'],
    ['', 504, 'server'],
    ['', 599, 'server'],
    ['ValidationException', 400, 'client'],
    ['ConditionalCheckFailedException', 400, 'client'],
    ['ResourceNotFoundException', 400, 'client'],
    ['AccessDeniedException', 400, 'client'],
    ['NotFoundException', 404, 'client'],
    ['', 400, 'client'],
    ['', 499, 'client'],
  ])('classifies %j with HTTP %d as %s', (code, status, kind) => {
    // Act
    const result = kindOfServiceError(code, status);

    // Assert
    expect(result).toBe(kind);
  });
});

describe('isRetryable', () => {
  it.each<[AwsFailureKind, boolean]>([
    ['throttling', true],
    ['timeout', true],
    ['unavailable', true],
    ['server', true],
    ['connection', true],
    ['clock_skew', false],
    ['credentials', false],
    ['configuration', false],
    ['protocol', false],
    ['client', false],
  ])('retries %s: %s', (kind, retryable) => {
    // Act
    const result = isRetryable(kind);

    // Assert
    expect(result).toBe(retryable);
  });
});

describe('backoffMs', () => {
  it('waits base × 2^retry × random, in whole ms: 25 then 50 after transient errors, 500 then 1000 after throttling', () => {
    // Act
    const transient = [0, 1, 2].map((retry) => backoffMs(retry, false, 0.5));
    const throttling = [0, 1, 2].map((retry) => backoffMs(retry, true, 0.5));

    // Assert
    expect(transient).toEqual([25, 50, 100]);
    expect(throttling).toEqual([500, 1000, 2000]);
  });

  it('is a whole number of ms from 0 to below the capped exponential', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.boolean(), unit, (retry, throttling, random) => {
        // Arrange
        const base = throttling ? STANDARD_RETRY.throttlingBaseMs : STANDARD_RETRY.transientBaseMs;
        const cap = Math.min(base * 2 ** retry, STANDARD_RETRY.maxBackoffMs);

        // Act
        const wait = backoffMs(retry, throttling, random);

        // Assert
        return Number.isInteger(wait) && wait >= 0 && wait < cap && wait <= 20_000;
      }),
    );
  });

  it('never waits when random is 0, and the longest wait approaches 20 s', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.boolean(), (retry, throttling) => {
        // Act
        const none = backoffMs(retry, throttling, 0);

        // Assert
        return none === 0;
      }),
    );
    expect(backoffMs(30, true, 0.999_999)).toBe(19_999);
    expect(backoffMs(1000, false, 0.999_999)).toBe(19_999);
  });

  it('grows with random and with the retry number', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.boolean(), unit, unit, (retry, throttling, a, b) => {
        // Arrange
        const [low, high] = a <= b ? [a, b] : [b, a];

        // Act
        const waits = [
          backoffMs(retry, throttling, low),
          backoffMs(retry, throttling, high),
          backoffMs(retry + 1, throttling, high),
        ];

        // Assert
        return waits[0]! <= waits[1]! && waits[1]! <= waits[2]!;
      }),
    );
  });

  describe('against the SDK', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    it('waits as long as the SDK’s standard strategy before each retry', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom<RetryErrorType>('TRANSIENT', 'THROTTLING'), {
            minLength: 1,
            maxLength: 8,
          }),
          unit,
          async (errors, random) => {
            // Arrange
            jest.spyOn(Math, 'random').mockReturnValue(random);
            const sdk = new StandardRetryStrategy(errors.length + 1);
            let token: RetryToken | undefined = await sdk.acquireInitialRetryToken('scope');

            for (const [retry, errorType] of errors.entries()) {
              // Act
              token = await sdkRetry(sdk, token!, errorType);
              const ours = backoffMs(retry, errorType === 'THROTTLING', random);

              // Assert
              const log = (token as unknown as { $retryLog: { acquisitionDelay: number } })
                .$retryLog;
              expect(log.acquisitionDelay).toBe(ours);
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});

describe('RetryQuota', () => {
  it('starts full, and a retry takes 14 tokens after a transient error and 5 after throttling', () => {
    // Arrange
    const quota = new RetryQuota();

    // Act
    const full = quota.available();
    const transient = quota.acquire(false);
    const throttling = quota.acquire(true);

    // Assert
    expect(full).toBe(500);
    expect([transient, throttling]).toEqual([14, 5]);
    expect(quota.available()).toBe(481);
  });

  it('refuses a retry it cannot pay for, and takes nothing then', () => {
    // Arrange
    const quota = new RetryQuota();
    for (let i = 0; i < 35; i++) quota.acquire(false);

    // Act
    const transient = quota.acquire(false);
    const left = quota.available();
    const throttling = [quota.acquire(true), quota.acquire(true), quota.acquire(true)];

    // Assert
    expect(transient).toBe(0);
    expect(left).toBe(10);
    expect(throttling).toEqual([5, 5, 0]);
    expect(quota.available()).toBe(0);
  });

  it('returns a retry’s cost after its success, one token after a first-attempt success, never above 500', () => {
    // Arrange
    const quota = new RetryQuota();
    quota.acquire(false);
    quota.acquire(false);

    // Act
    quota.release(14);
    const afterRetrySuccess = quota.available();
    quota.release(0);
    const afterFirstAttemptSuccess = quota.available();
    quota.release(0);
    quota.release(14);
    const capped = quota.available();

    // Assert
    expect(afterRetrySuccess).toBe(486);
    expect(afterFirstAttemptSuccess).toBe(487);
    expect(capped).toBe(500);
  });

  describe('against the SDK', () => {
    beforeEach(() => {
      jest.useFakeTimers();
      jest.spyOn(Math, 'random').mockReturnValue(0);
    });
    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    it('grants and refuses the same retries and holds the same tokens as the SDK’s capacity', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              { arbitrary: fc.constant('success' as const), weight: 1 },
              { arbitrary: fc.constant<RetryErrorType>('TRANSIENT'), weight: 6 },
              { arbitrary: fc.constant<RetryErrorType>('THROTTLING'), weight: 2 },
            ),
            // Long enough to drain the 500 tokens, and to refill them.
            { minLength: 40, maxLength: 200 },
          ),
          async (events) => {
            // Arrange: every failure is retried while the quota pays (attempts unlimited).
            const sdk = new StandardRetryStrategy(Number.MAX_SAFE_INTEGER);
            const ours = new RetryQuota();
            let token: RetryToken = await sdk.acquireInitialRetryToken('scope');
            let lastRetryCost = 0;

            for (const event of events) {
              // Act
              if (event === 'success') {
                sdk.recordSuccess(token as StandardRetryToken);
                ours.release(lastRetryCost);
                token = await sdk.acquireInitialRetryToken('scope');
                lastRetryCost = 0;
              } else {
                const next = await sdkRetry(sdk, token, event);
                const cost = ours.acquire(event === 'THROTTLING');

                // Assert: both retry, or both give up (then the next event starts a new call).
                expect(cost > 0).toBe(next !== undefined);
                if (next === undefined) {
                  token = await sdk.acquireInitialRetryToken('scope');
                  lastRetryCost = 0;
                } else {
                  expect(cost).toBe(next.getRetryCost());
                  token = next;
                  lastRetryCost = cost;
                }
              }
              expect(ours.available()).toBe(sdk.getCapacity());
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
