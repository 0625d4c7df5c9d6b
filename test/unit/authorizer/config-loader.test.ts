// The configuration loader's state machine: one read for concurrent callers, a loaded policy kept, final and transient failures, the retry interval, and what each failure logs.
import { createPolicyLoader } from '../../../functions/authorizer/config-loader';
import {
  ConfigDocumentError,
  type AuthorizerPolicy,
} from '../../../functions/authorizer/core/config-document';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import { makeKeys } from '../../support/jwt-fixtures';

const POLICY: AuthorizerPolicy = { keys: makeKeys().trusted, routes: parseRouteMap({}) };

/** A transient read failure, as adapters/config-item-dynamodb.ts throws it. */
const transient = (code: string) => Object.assign(new Error(code), { code, transient: true });

describe('createPolicyLoader', () => {
  it('reads once and keeps the policy', async () => {
    // Arrange
    const read = jest.fn(() => Promise.resolve(POLICY));
    const load = createPolicyLoader({ read, source: 'table' });

    // Act
    const results = [await load(), await load()];

    // Assert
    expect(results).toEqual([POLICY, POLICY]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('shares one read among concurrent callers, also when the read fails', async () => {
    // Arrange
    let fail!: (error: unknown) => void;
    const read = jest.fn(
      () => new Promise<AuthorizerPolicy>((_resolve, reject) => (fail = reject)),
    );
    const load = createPolicyLoader({ read, source: 'table', clock: () => 0 });

    // Act
    const pending = [load(), load(), load()];
    fail(transient('ThrottlingException'));

    // Assert
    expect(await Promise.all(pending)).toEqual([undefined, undefined, undefined]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('treats a read that throws synchronously like one that rejects', async () => {
    // Arrange
    let now = 0;
    const read = jest
      .fn<AuthorizerPolicy, []>()
      .mockImplementationOnce(() => {
        throw transient('ECONNRESET');
      })
      .mockImplementation(() => POLICY);
    const load = createPolicyLoader({ read, source: 'inline', clock: () => now });

    // Act
    const first = await load();
    now = 1000;
    const second = await load();

    // Assert
    expect([first, second]).toEqual([undefined, POLICY]);
  });

  it.each([
    [new ConfigDocumentError('config_invalid', 'routes'), 'config_invalid:routes'],
    [new ConfigDocumentError('config_digest_mismatch'), 'config_digest_mismatch'],
    [
      Object.assign(new Error('x'), { code: 'ConfigItemMalformed', transient: false }),
      'ConfigItemMalformed',
    ],
    [Object.assign(new Error('x'), { code: 'Odd' }), 'Odd'],
    [new TypeError('a bug'), 'config_load_failed'],
    [undefined, 'config_load_failed'],
  ])('logs %p as final (%s) and never reads again', async (error, reason) => {
    // Arrange
    let now = 0;
    const logger = { warn: jest.fn(), error: jest.fn() };
    const read = jest.fn(() => Promise.reject(error));
    const load = createPolicyLoader({
      read,
      source: 'table',
      sha256: 'f'.repeat(64),
      logger,
      clock: () => now,
    });

    // Act
    await load();
    now = 3_600_000;
    const later = await load();

    // Assert
    expect(later).toBeUndefined();
    expect(read).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'Authorizer configuration unusable; every request is refused',
      { config_source: 'table', config_sha256: 'ffffffffffff', reason },
    );
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('retries a transient failure no sooner than retryIntervalMs, with Date.now by default', async () => {
    // Arrange
    jest.useFakeTimers({ now: 1_000_000 });
    const read = jest.fn(() => Promise.reject(transient('ProvisionedThroughputExceededException')));
    const load = createPolicyLoader({ read, source: 'table', retryIntervalMs: 500 });

    try {
      // Act
      await load();
      jest.setSystemTime(1_000_499);
      await load();
      jest.setSystemTime(1_000_500);
      await load();

      // Assert
      expect(read).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
