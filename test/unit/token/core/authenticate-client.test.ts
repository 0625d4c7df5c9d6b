// Unit tests of client authentication: secrets, expiry, disabled/unknown clients and the dummy hash.
import fc from 'fast-check';
import { MAX_CLIENT_ID_BYTES } from '../../../../functions/shared/limits';
import {
  createClientAuthenticator,
  VERIFICATIONS_PER_FAILURE,
} from '../../../../functions/token/core/authenticate-client';
import type { SecretCredentials } from '../../../../functions/token/core/client-auth';
import { InvalidClientError } from '../../../../functions/token/core/errors';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import type { ClientRecord } from '../../../../functions/token/core/types';
import { clientRecord, countingBytes, FIXED_NOW_MS } from '../../../support/token-fakes';

const SECRET = 'correct horse battery staple';
const post = (clientId: string, clientSecret: string): SecretCredentials => ({
  clientId,
  clientSecret,
  method: 'client_secret_post',
});

function setup(records = [clientRecord()]) {
  const hasher = new FakeHasher();
  const store = new MemoryClientStore(records);
  const authenticator = createClientAuthenticator({
    clientStore: store,
    hasher,
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
  });
  return { hasher, store, authenticator };
}

async function failure(promise: Promise<unknown>): Promise<InvalidClientError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidClientError);
    return err as InvalidClientError;
  }
  throw new Error('expected a rejection');
}

describe('createClientAuthenticator', () => {
  it('returns the client when the secret matches', async () => {
    // Arrange
    const { authenticator, hasher } = setup();

    // Act
    const client = await authenticator.authenticate(post('client-1', SECRET));

    // Assert
    expect(client.client_id).toBe('client-1');
    expect(hasher.verified).toHaveLength(1);
  });

  it('rejects a wrong secret as invalid_client', async () => {
    // Arrange
    const { authenticator } = setup();

    // Act
    const error = await failure(
      authenticator.authenticate({ ...post('client-1', 'wrong'), method: 'client_secret_basic' }),
    );

    // Assert
    expect(error.message).toBe('client authentication failed');
  });

  it('verifies an unknown client against a dummy hash made once with the same hasher', async () => {
    // Arrange
    const { authenticator, hasher } = setup();

    // Act
    const first = await failure(authenticator.authenticate(post('nobody', SECRET)));
    await failure(authenticator.authenticate(post('nobody-else', SECRET)));

    // Assert
    expect(first.message).toBe('client authentication failed');
    expect(hasher.hashCalls).toBe(1);
    // Two requests, each padded to two verifications of the one dummy hash.
    expect(hasher.verified).toHaveLength(4);
    expect(new Set(hasher.verified.map((v) => v.hash)).size).toBe(1);
    expect(hasher.verified[0]?.hash).toMatch(/^\$fake\$/);
  });

  it('verifies a disabled client against the dummy hash even with the right secret', async () => {
    // Arrange
    const { authenticator, hasher } = setup([clientRecord({ status: 'disabled' })]);

    // Act
    await failure(authenticator.authenticate(post('client-1', SECRET)));

    // Assert
    expect(hasher.verified).toHaveLength(VERIFICATIONS_PER_FAILURE);
    expect(hasher.verified.map((v) => v.hash)).not.toContain(FakeHasher.hashOf(SECRET));
  });

  it('skips expired secrets and accepts an unexpired one', async () => {
    // Arrange
    const record = clientRecord({
      secrets: [
        {
          hash: FakeHasher.hashOf('old'),
          created_at: 'x',
          expires_at: new Date(FIXED_NOW_MS).toISOString(),
        },
        { hash: FakeHasher.hashOf('new'), created_at: 'x', expires_at: '2026-01-02T03:04:06.000Z' },
      ],
    });
    const { authenticator, hasher } = setup([record]);

    // Act
    const error = await failure(authenticator.authenticate(post('client-1', 'old')));
    const client = await authenticator.authenticate(post('client-1', 'new'));

    // Assert
    expect(error.code).toBe('invalid_client');
    expect(client).toEqual(record);
    // "old" was checked only against "new" (its own secret expired exactly now).
    expect(hasher.verified.filter((v) => v.hash === FakeHasher.hashOf('old'))).toHaveLength(0);
  });

  it('tries each unexpired secret during a rotation', async () => {
    // Arrange
    const record = clientRecord({
      secrets: [
        { hash: FakeHasher.hashOf('first'), created_at: 'x', expires_at: '2030-01-01T00:00:00Z' },
        { hash: FakeHasher.hashOf('second'), created_at: 'x' },
      ],
    });
    const { authenticator, hasher } = setup([record]);

    // Act
    await authenticator.authenticate(post('client-1', 'second'));

    // Assert
    expect(hasher.verified.map((v) => v.hash)).toEqual([
      FakeHasher.hashOf('first'),
      FakeHasher.hashOf('second'),
    ]);
  });

  it('treats every secret expired, or an unparseable expiry, like an unknown client', async () => {
    // Arrange
    const record = clientRecord({
      secrets: [
        { hash: FakeHasher.hashOf(SECRET), created_at: 'x', expires_at: 'not a date' },
        { hash: FakeHasher.hashOf(SECRET), created_at: 'x', expires_at: '2020-01-01T00:00:00Z' },
      ],
    });
    const { authenticator, hasher } = setup([record]);

    // Act
    await failure(authenticator.authenticate(post('client-1', SECRET)));

    // Assert
    expect(hasher.verified).toHaveLength(VERIFICATIONS_PER_FAILURE);
    expect(hasher.verified.map((v) => v.hash)).not.toContain(FakeHasher.hashOf(SECRET));
    expect(hasher.hashCalls).toBe(1);
  });

  it('prepare() makes the dummy hash ahead of time, once', async () => {
    // Arrange
    const { authenticator, hasher } = setup();

    // Act
    await authenticator.prepare();
    await authenticator.prepare();
    await failure(authenticator.authenticate(post('nobody', SECRET)));

    // Assert
    expect(hasher.hashCalls).toBe(1);
  });

  it("uses the hasher's ready dummy hash, hashing nothing, and pads failures with it", async () => {
    // Arrange
    const { authenticator, hasher } = setup();
    const ready = FakeHasher.hashOf('a secret nobody holds');
    const dummyHash = jest.spyOn(hasher, 'dummyHash').mockReturnValue(ready);

    // Act
    await authenticator.prepare();
    await failure(authenticator.authenticate(post('nobody', SECRET)));
    await failure(authenticator.authenticate(post('nobody', SECRET)));

    // Assert
    expect(hasher.hashCalls).toBe(0);
    expect(dummyHash).toHaveBeenCalledTimes(1);
    expect(hasher.verified.map((v) => v.hash)).toEqual(
      Array.from({ length: 2 * VERIFICATIONS_PER_FAILURE }, () => ready),
    );
  });

  it('retries the dummy hash after a failure', async () => {
    // Arrange
    const { authenticator, hasher } = setup();
    const hash = jest
      .spyOn(hasher, 'hash')
      .mockRejectedValueOnce(new Error('out of memory'))
      .mockResolvedValue('$fake$dummy');

    // Act
    await expect(authenticator.prepare()).rejects.toThrow('out of memory');
    await failure(authenticator.authenticate(post('nobody', SECRET)));

    // Assert
    expect(hash).toHaveBeenCalledTimes(2);
  });

  it('pads a wrong secret for a one-secret client with the dummy hash, after the real one', async () => {
    // Arrange
    const { authenticator, hasher } = setup();

    // Act
    await failure(authenticator.authenticate(post('client-1', 'wrong')));

    // Assert
    const hashes = hasher.verified.map((v) => v.hash);
    expect(hashes).toHaveLength(VERIFICATIONS_PER_FAILURE);
    expect(hashes[0]).toBe(FakeHasher.hashOf(SECRET));
    expect(hashes[1]).not.toBe(FakeHasher.hashOf(SECRET));
  });

  it('costs a rotating client with a wrong secret its two real verifications and no dummy', async () => {
    // Arrange
    const record = clientRecord({
      secrets: [
        { hash: FakeHasher.hashOf('first'), created_at: 'x', expires_at: '2030-01-01T00:00:00Z' },
        { hash: FakeHasher.hashOf('second'), created_at: 'x' },
      ],
    });
    const { authenticator, hasher } = setup([record]);

    // Act
    await failure(authenticator.authenticate(post('client-1', 'wrong')));

    // Assert
    expect(hasher.verified.map((v) => v.hash)).toEqual([
      FakeHasher.hashOf('first'),
      FakeHasher.hashOf('second'),
    ]);
  });

  it('costs every failure exactly the same number of verifications, whatever the record', async () => {
    // Arrange: any store content (absent, disabled, 0-2 secrets, expired or not) and any secret.
    const secretArb = fc.record({
      plain: fc.constantFrom('a', 'b', SECRET),
      expired: fc.boolean(),
    });
    const recordArb = fc.option(
      fc.record({
        status: fc.constantFrom('active' as const, 'disabled' as const),
        secrets: fc.array(secretArb, { maxLength: 2 }),
      }),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(
        recordArb,
        fc.constantFrom('a', 'b', 'c', SECRET),
        async (shape, presented) => {
          const records: ClientRecord[] = shape
            ? [
                clientRecord({
                  status: shape.status,
                  secrets: shape.secrets.map((s) => ({
                    hash: FakeHasher.hashOf(s.plain),
                    created_at: 'x',
                    expires_at: s.expired ? '2020-01-01T00:00:00Z' : '2030-01-01T00:00:00Z',
                  })),
                }),
              ]
            : [];
          const { authenticator, hasher } = setup(records);

          // Act
          let ok = true;
          try {
            await authenticator.authenticate(post('client-1', presented));
          } catch (err) {
            expect(err).toBeInstanceOf(InvalidClientError);
            ok = false;
          }

          // Assert
          const live = shape?.status === 'active' ? shape.secrets.filter((s) => !s.expired) : [];
          expect(ok).toBe(live.some((s) => s.plain === presented));
          if (!ok) expect(hasher.verified).toHaveLength(VERIFICATIONS_PER_FAILURE);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never authenticates on the dummy hash, even with a hasher that matches everything', async () => {
    // Arrange
    const { authenticator, hasher } = setup();
    jest.spyOn(hasher, 'verify').mockResolvedValue(true);

    // Act
    const error = await failure(authenticator.authenticate(post('nobody', 'anything')));

    // Assert
    expect(error.code).toBe('invalid_client');
  });

  it('verifies every live secret of a record that holds more than two', async () => {
    // Arrange
    const record = clientRecord({
      secrets: ['one', 'two', 'three'].map((p) => ({
        hash: FakeHasher.hashOf(p),
        created_at: 'x',
      })),
    });
    const { authenticator, hasher } = setup([record]);

    // Act
    const client = await authenticator.authenticate(post('client-1', 'three'));

    // Assert
    expect(client.client_id).toBe('client-1');
    expect(hasher.verified).toHaveLength(3);
  });

  it.each([
    ['ASCII', 'a'.repeat(MAX_CLIENT_ID_BYTES + 1)],
    // 683 euro signs: 683 UTF-16 units but 2049 UTF-8 bytes.
    ['3-byte UTF-8', '\u20ac'.repeat(Math.ceil((MAX_CLIENT_ID_BYTES + 1) / 3))],
  ])(
    'rejects an over-long %s client_id after the dummy verifications, without a lookup',
    async (_label, clientId) => {
      // Arrange
      const { authenticator, hasher, store } = setup();
      const getClient = jest.spyOn(store, 'getClient');

      // Act
      const error = await failure(authenticator.authenticate(post(clientId, SECRET)));

      // Assert
      expect(Buffer.byteLength(clientId, 'utf8')).toBeGreaterThan(MAX_CLIENT_ID_BYTES);
      expect(error.code).toBe('invalid_client');
      expect(getClient).not.toHaveBeenCalled();
      expect(hasher.verified).toHaveLength(VERIFICATIONS_PER_FAILURE);
    },
  );

  it.each([
    ['a lone surrogate', 'client-\ud800'],
    ['a control character', 'client-\u0000'],
    ['non-ASCII', 'client-\u20ac'],
  ])('rejects a client_id with %s (not RFC 6749 VSCHAR) without a lookup', async (_l, clientId) => {
    // Arrange
    const { authenticator, hasher, store } = setup([clientRecord({ client_id: clientId })]);
    const getClient = jest.spyOn(store, 'getClient');

    // Act
    const error = await failure(authenticator.authenticate(post(clientId, SECRET)));

    // Assert
    expect(error.code).toBe('invalid_client');
    expect(getClient).not.toHaveBeenCalled();
    expect(hasher.verified).toHaveLength(VERIFICATIONS_PER_FAILURE);
  });

  it('looks up a client_id of exactly the byte cap', async () => {
    // Arrange
    const clientId = `${'a'.repeat(MAX_CLIENT_ID_BYTES - 2)} b`; // VSCHAR, 2048 bytes
    const { authenticator, store } = setup([clientRecord({ client_id: clientId })]);
    const getClient = jest.spyOn(store, 'getClient');

    // Act
    const client = await authenticator.authenticate(post(clientId, SECRET));

    // Assert
    expect(Buffer.byteLength(clientId, 'utf8')).toBe(MAX_CLIENT_ID_BYTES);
    expect(getClient).toHaveBeenCalledWith(clientId);
    expect(client.client_id).toBe(clientId);
  });

  it('passes client store errors through', async () => {
    // Arrange
    const { authenticator, store } = setup();
    jest.spyOn(store, 'getClient').mockRejectedValue(new Error('throttled'));

    // Act / Assert
    await expect(authenticator.authenticate(post('client-1', SECRET))).rejects.toThrow('throttled');
  });
});
