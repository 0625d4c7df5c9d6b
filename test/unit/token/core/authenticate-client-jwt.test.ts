// Unit tests of private_key_jwt authentication and method enforcement: assertions, replay, key rotation, one method per client, the same cost for unknown ids.
import {
  createClientAuthenticator,
  VERIFICATIONS_PER_FAILURE,
} from '../../../../functions/token/core/authenticate-client';
import {
  createAssertionVerifier,
  type AssertionVerifier,
} from '../../../../functions/token/core/client-assertion';
import type {
  AssertionCredentials,
  ClientCredentials,
} from '../../../../functions/token/core/client-auth';
import { InvalidClientError } from '../../../../functions/token/core/errors';
import type { ClientRecord } from '../../../../functions/token/core/types';
import {
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  MemoryReplayCache,
  signAssertion,
} from '../../../support/client-assertions';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { clientRecord, countingBytes, FIXED_NOW_MS, SECRET } from '../../../support/token-fakes';

const ISSUER = 'https://auth.example.com';
const NOW = Math.floor(FIXED_NOW_MS / 1000);
const SKEW = 30;
const key = clientKeyPair('ES256');
const next = clientKeyPair('RS256');

function setup(
  records: ClientRecord[] = [jwtClientRecord([key.jwk]), clientRecord()],
  options: { assertions?: boolean } = {},
) {
  const hasher = new FakeHasher();
  const store = new MemoryClientStore(records);
  const replayCache = new MemoryReplayCache(() => NOW);
  const real = createAssertionVerifier({ audiences: [ISSUER], clockSkewSeconds: SKEW });
  const calls = { verify: 0, withoutKey: 0 };
  const verifier: AssertionVerifier = {
    verify: (...args) => {
      calls.verify += 1;
      return real.verify(...args);
    },
    verifyWithoutKey: (assertion) => {
      calls.withoutKey += 1;
      return real.verifyWithoutKey(assertion);
    },
  };
  const authenticator = createClientAuthenticator({
    clientStore: store,
    hasher,
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    ...(options.assertions === false
      ? {}
      : { assertions: { verifier, replayCache, clockSkewSeconds: SKEW } }),
  });
  return { authenticator, hasher, replayCache, calls, store };
}

const assertionFor = (
  pair = key,
  overrides: Record<string, unknown> = {},
  clientId = 'jwt-client',
): AssertionCredentials => ({
  clientId,
  assertion: signAssertion(pair, assertionClaims(clientId, ISSUER, NOW, overrides)),
  method: 'private_key_jwt',
});

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidClientError);
    expect((err as InvalidClientError).message).toBe('client authentication failed');
    return (err as InvalidClientError).reason;
  }
  throw new Error('expected a rejection');
}

describe('private_key_jwt authentication', () => {
  it('authenticates a valid assertion and records its jti until exp plus the skew', async () => {
    // Arrange
    const { authenticator, replayCache } = setup();
    const credentials = assertionFor();

    // Act
    const client = await authenticator.authenticate(credentials);

    // Assert
    expect(client.client_id).toBe('jwt-client');
    expect([...replayCache.used.values()]).toEqual([
      { clientId: 'jwt-client', jti: expect.any(String), expiresAt: NOW + 60 + SKEW },
    ]);
  });

  it('refuses a replay of the same assertion', async () => {
    // Arrange
    const { authenticator } = setup();
    const credentials = assertionFor();
    await authenticator.authenticate(credentials);

    // Act / Assert
    expect(await reasonOf(authenticator.authenticate(credentials))).toBe('assertion_replayed');
  });

  it('rotation: both keys work while both are registered, the old one no longer once removed', async () => {
    // Arrange
    const both = setup([jwtClientRecord([key.jwk, next.jwk])]);
    const onlyNew = setup([jwtClientRecord([next.jwk])]);

    // Act / Assert
    await expect(both.authenticator.authenticate(assertionFor(key))).resolves.toBeDefined();
    await expect(both.authenticator.authenticate(assertionFor(next))).resolves.toBeDefined();
    expect(await reasonOf(onlyNew.authenticator.authenticate(assertionFor(key)))).toBe(
      'assertion_kid',
    );
    await expect(onlyNew.authenticator.authenticate(assertionFor(next))).resolves.toBeDefined();
  });

  it('does not record the jti of a refused assertion', async () => {
    // Arrange
    const { authenticator, replayCache } = setup();

    // Act
    const reason = await reasonOf(
      authenticator.authenticate(assertionFor(key, { aud: 'https://elsewhere.example' })),
    );

    // Assert
    expect(reason).toBe('assertion_aud');
    expect(replayCache.used.size).toBe(0);
  });

  it('refuses a key registered to another client', async () => {
    // Arrange: other-client holds `next`; jwt-client signs with it under its own id
    const { authenticator } = setup([
      jwtClientRecord([key.jwk]),
      jwtClientRecord([next.jwk], { client_id: 'other-client' }),
    ]);

    // Act / Assert
    expect(await reasonOf(authenticator.authenticate(assertionFor(next)))).toBe('assertion_kid');
  });

  it.each([
    ['an unknown client', [], 'unknown_client'],
    ['a disabled client', [jwtClientRecord([key.jwk], { status: 'disabled' })], 'client_disabled'],
    [
      'a secret client (assertion sent by a secret client)',
      [clientRecord({ client_id: 'jwt-client' })],
      'method_not_registered',
    ],
    [
      'a client registered for client_secret_basic',
      [
        clientRecord({
          client_id: 'jwt-client',
          token_endpoint_auth_method: 'client_secret_basic',
        }),
      ],
      'method_not_registered',
    ],
    ['a private_key_jwt client without keys', [jwtClientRecord([])], 'assertion_signature'],
  ] as const)(
    'refuses %s after one dummy verification, writing nothing',
    async (_name, records, reason) => {
      // Arrange
      const { authenticator, calls, replayCache } = setup([...records]);

      // Act
      const got = await reasonOf(authenticator.authenticate(assertionFor()));

      // Assert
      expect(got).toBe(reason);
      expect(calls.withoutKey).toBe(1);
      expect(replayCache.used.size).toBe(0);
    },
  );

  it('refuses every assertion when no replay cache is wired', async () => {
    // Arrange
    const { authenticator } = setup(undefined, { assertions: false });

    // Act / Assert
    expect(await reasonOf(authenticator.authenticate(assertionFor()))).toBe(
      'assertions_not_supported',
    );
  });

  it('passes store failures of the replay cache through (503/500, not invalid_client)', async () => {
    // Arrange
    const { authenticator, replayCache } = setup();
    const boom = new Error('DynamoDB down');
    replayCache.useOnce = async () => {
      throw boom;
    };

    // Act / Assert
    await expect(authenticator.authenticate(assertionFor())).rejects.toBe(boom);
  });
});

describe('one method per client', () => {
  const secret = (
    method: 'client_secret_basic' | 'client_secret_post',
    clientId: string,
  ): ClientCredentials => ({
    clientId,
    clientSecret: SECRET,
    method,
  });

  it('refuses a secret sent by a private_key_jwt client, at the cost of the dummy verifications', async () => {
    // Arrange: even a record that (wrongly) also holds a matching hash
    const record = jwtClientRecord([key.jwk], { secrets: clientRecord().secrets });
    const { authenticator, hasher } = setup([record]);

    // Act
    const reason = await reasonOf(
      authenticator.authenticate(secret('client_secret_basic', 'jwt-client')),
    );

    // Assert
    expect(reason).toBe('method_not_registered');
    expect(hasher.verified.length).toBe(2);
  });

  it.each([
    ['client_secret_post', 'client_secret_basic'],
    ['client_secret_basic', 'client_secret_post'],
  ] as const)(
    'holds a %s client to that method: %s is invalid_client (method_not_registered)',
    async (registered, other) => {
      // Arrange
      const { authenticator, hasher } = setup([
        clientRecord({ token_endpoint_auth_method: registered }),
      ]);

      // Act
      const accepted = await authenticator.authenticate(secret(registered, 'client-1'));
      const refused = await authenticator
        .authenticate(secret(other, 'client-1'))
        .catch((err: unknown) => err);

      // Assert: the right secret by the other method is refused, at the cost of a wrong one
      expect(accepted.client_id).toBe('client-1');
      expect(refused).toMatchObject({ code: 'invalid_client', reason: 'method_not_registered' });
      expect(hasher.verified.length).toBe(1 + VERIFICATIONS_PER_FAILURE);
    },
  );

  it('lets a legacy record without a method (written before every client had one) use either secret method', async () => {
    // Arrange
    const { authenticator } = setup([clientRecord()]);

    // Act / Assert
    await expect(
      authenticator.authenticate(secret('client_secret_basic', 'client-1')),
    ).resolves.toBeDefined();
    await expect(
      authenticator.authenticate(secret('client_secret_post', 'client-1')),
    ).resolves.toBeDefined();
  });

  it('names a wrong secret, an unknown and a disabled client apart in the log reason only', async () => {
    // Arrange
    const { authenticator } = setup([
      clientRecord(),
      clientRecord({ client_id: 'off', status: 'disabled' }),
    ]);
    const wrong = { ...secret('client_secret_basic', 'client-1'), clientSecret: 'nope' };

    // Act / Assert
    expect(await reasonOf(authenticator.authenticate(wrong))).toBe('wrong_secret');
    expect(
      await reasonOf(authenticator.authenticate(secret('client_secret_basic', 'nobody'))),
    ).toBe('unknown_client');
    expect(await reasonOf(authenticator.authenticate(secret('client_secret_basic', 'off')))).toBe(
      'client_disabled',
    );
  });
});
