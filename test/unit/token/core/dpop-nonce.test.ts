// Unit tests of the stateless DPoP server nonces (RFC 9449 §8): HMAC-SHA-256 of the issuer and the window (node:crypto as oracle), current and previous window accepted, everything else refused, one derivation per window, failures forgotten; and the KMS GenerateMac adapter's requests and errors.
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { KMS } from '../../../../functions/shared/aws/json-client';
import { DPOP_NONCE_PERIOD_SECONDS } from '../../../../functions/shared/limits';
import { KmsNonceMac } from '../../../../functions/token/adapters/nonce-mac-kms';
import { createDpopNonces, type NonceMac } from '../../../../functions/token/core/dpop-nonce';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import { awsErrorReply, fakeAwsClient } from '../../../support/aws-json-fake';

const KEY = randomBytes(32);
const ISSUER = 'https://auth.example.com';
const PERIOD_MS = DPOP_NONCE_PERIOD_SECONDS * 1000;
const T0 = 1_700_000_040_000; // the start of a window

/** An HMAC over the key above, counting calls: what KMS GenerateMac computes. */
function hmacMac(): NonceMac & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    mac: async (message) => {
      calls.push(message);
      return createHmac('sha256', KEY).update(message).digest();
    },
  };
}

/** The nonce of a window, computed independently of the code under test. */
const oracle = (window: number, issuer = ISSUER): string =>
  createHmac('sha256', KEY).update(`dpop-nonce:v1:${issuer}:${window}`).digest('base64url');

const windowOf = (ms: number): number => Math.floor(ms / PERIOD_MS);

describe('createDpopNonces', () => {
  it('hands out the HMAC of the issuer and window, base64url (43 NQCHARs)', async () => {
    // Arrange
    const nonces = createDpopNonces({ mac: hmacMac(), issuer: ISSUER });

    // Act
    const { accepted, current } = await nonces.check(undefined, T0);

    // Assert
    expect(accepted).toBe(false);
    expect(current).toBe(oracle(windowOf(T0)));
    expect(current).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts the current and the previous window, refuses two windows back and the next', async () => {
    // Arrange
    const nonces = createDpopNonces({ mac: hmacMac(), issuer: ISSUER });
    const w = windowOf(T0);

    // Act
    const outcomes = await Promise.all(
      [w, w - 1, w - 2, w + 1].map(
        async (window) => (await nonces.check(oracle(window), T0)).accepted,
      ),
    );

    // Assert
    expect(outcomes).toEqual([true, true, false, false]);
  });

  it.each([
    ['a forged nonce of the right syntax', () => randomBytes(32).toString('base64url')],
    ['a nonce of another issuer', () => oracle(windowOf(T0), 'https://other.example.com')],
    ['a nonce from a far window', () => oracle(windowOf(T0) - 1000)],
    ['a number', () => 12345],
    ['an object', () => ({ nonce: oracle(windowOf(T0)) })],
    ['an array holding the nonce', () => [oracle(windowOf(T0))]],
    ['the nonce with a trailing space', () => `${oracle(windowOf(T0))} `],
    ['the nonce cut short', () => oracle(windowOf(T0)).slice(0, 42)],
    ['an empty string', () => ''],
  ])('refuses %s', async (_label, value) => {
    // Arrange
    const nonces = createDpopNonces({ mac: hmacMac(), issuer: ISSUER });

    // Act
    const check = await nonces.check(value(), T0);

    // Assert
    expect(check).toEqual({ accepted: false, current: oracle(windowOf(T0)) });
  });

  it('accepts exactly the two windows for any time and any period (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: -5, max: 5 }),
        async (periodSeconds, nowMs, offset) => {
          // Arrange
          const nonces = createDpopNonces({ mac: hmacMac(), issuer: ISSUER, periodSeconds });
          const w = Math.floor(nowMs / (periodSeconds * 1000));

          // Act
          const { accepted } = await nonces.check(oracle(w + offset), nowMs);

          // Assert
          expect(accepted).toBe(offset === 0 || offset === -1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('derives each window once per container and keeps two windows only', async () => {
    // Arrange
    const mac = hmacMac();
    const nonces = createDpopNonces({ mac, issuer: ISSUER });
    const w = windowOf(T0);

    // Act: many requests in one window, with current, previous and garbage nonces
    for (let i = 0; i < 10; i++) {
      await nonces.check(oracle(w), T0 + i);
      await nonces.check(oracle(w - 1), T0 + i);
      await nonces.check(randomBytes(32).toString('base64url'), T0 + i);
    }
    const inWindow = mac.calls.length;
    // three windows later, a previous-window nonce needs one derivation more
    await nonces.check(oracle(w + 2), T0 + 3 * PERIOD_MS);

    // Assert
    expect(inWindow).toBe(2);
    expect(mac.calls).toEqual([
      `dpop-nonce:v1:${ISSUER}:${w}`,
      `dpop-nonce:v1:${ISSUER}:${w - 1}`,
      `dpop-nonce:v1:${ISSUER}:${w + 3}`,
      `dpop-nonce:v1:${ISSUER}:${w + 2}`,
    ]);
  });

  it('never accepts without a nonce: a failed derivation throws, and is forgotten', async () => {
    // Arrange
    let fail = true;
    const nonces = createDpopNonces({
      issuer: ISSUER,
      mac: {
        mac: async (message) => {
          if (fail) throw new TemporarilyUnavailableError('busy');
          return createHmac('sha256', KEY).update(message).digest();
        },
      },
    });

    // Act
    const first = nonces.check(oracle(windowOf(T0)), T0);
    await expect(first).rejects.toThrow(TemporarilyUnavailableError);
    fail = false;
    const second = await nonces.check(oracle(windowOf(T0)), T0);

    // Assert
    expect(second.accepted).toBe(true);
  });
});

describe('KmsNonceMac', () => {
  it('calls GenerateMac with HMAC_SHA_256 over the base64 message and returns the MAC bytes', async () => {
    // Arrange
    const mac = createHmac('sha256', KEY).update('label').digest();
    const { client, transport } = fakeAwsClient(KMS, [
      { status: 200, body: { Mac: mac.toString('base64'), MacAlgorithm: 'HMAC_SHA_256' } },
    ]);

    // Act
    const out = await new KmsNonceMac({ keyId: 'alias/nonce', client }).mac('label');

    // Assert
    expect(Buffer.from(out)).toEqual(mac);
    expect(transport.calls).toEqual([
      expect.objectContaining({
        target: 'TrentService.GenerateMac',
        input: {
          KeyId: 'alias/nonce',
          Message: Buffer.from('label').toString('base64'),
          MacAlgorithm: 'HMAC_SHA_256',
        },
      }),
    ]);
  });

  it.each([
    ['ThrottlingException', TemporarilyUnavailableError],
    ['AccessDeniedException', ServerError],
    ['DisabledException', ServerError],
  ])('maps %s to %p', async (type, kind) => {
    // Arrange
    const { client } = fakeAwsClient(KMS, [awsErrorReply(type)]);

    // Act / Assert
    await expect(new KmsNonceMac({ keyId: 'k', client }).mac('label')).rejects.toThrow(kind);
  });

  it.each([
    ['no Mac', {}],
    ['a Mac of the wrong length', { Mac: Buffer.alloc(16).toString('base64') }],
  ])('refuses an answer with %s', async (_label, body) => {
    // Arrange
    const { client } = fakeAwsClient(KMS, [{ status: 200, body }]);

    // Act / Assert
    await expect(new KmsNonceMac({ keyId: 'k', client }).mac('label')).rejects.toThrow(ServerError);
  });
});
