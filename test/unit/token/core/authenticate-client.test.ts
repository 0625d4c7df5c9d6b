// Unit tests of client authentication: secrets, expiry, disabled/unknown clients and the dummy hash.
import { createClientAuthenticator } from '../../../../functions/token/core/authenticate-client';
import type { ClientCredentials } from '../../../../functions/token/core/client-auth';
import { InvalidClientError } from '../../../../functions/token/core/errors';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { clientRecord, countingBytes, FIXED_NOW_MS } from '../../../support/token-fakes';

const SECRET = 'correct horse battery staple';
const post = (clientId: string, clientSecret: string): ClientCredentials => ({
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
    expect(hasher.verified).toHaveLength(2);
    expect(hasher.verified[0]?.hash).toBe(hasher.verified[1]?.hash);
    expect(hasher.verified[0]?.hash).toMatch(/^\$fake\$/);
  });

  it('verifies a disabled client against the dummy hash even with the right secret', async () => {
    // Arrange
    const { authenticator, hasher } = setup([clientRecord({ status: 'disabled' })]);

    // Act
    await failure(authenticator.authenticate(post('client-1', SECRET)));

    // Assert
    expect(hasher.verified).toHaveLength(1);
    expect(hasher.verified[0]?.hash).not.toBe(FakeHasher.hashOf(SECRET));
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
    expect(hasher.verified).toHaveLength(1);
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

  it('passes client store errors through', async () => {
    // Arrange
    const { authenticator, store } = setup();
    jest.spyOn(store, 'getClient').mockRejectedValue(new Error('throttled'));

    // Act / Assert
    await expect(authenticator.authenticate(post('client-1', SECRET))).rejects.toThrow('throttled');
  });
});
