// Unit tests of the KMS public key source: one GetPublicKey per key per cold start, thumbprint kids, error mapping and deadlines (fake transport).
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { KMS } from '../../../../functions/shared/aws/json-client';
import { AWS_CALL_BUDGET } from '../../../../functions/shared/limits';
import { KmsPublicKeySource } from '../../../../functions/token/adapters/public-keys-kms';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import {
  awsErrorReply,
  fakeAwsClient,
  type FakeCall,
  type FakeReply,
} from '../../../support/aws-json-fake';

describe('KmsPublicKeySource', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  /** GetPublicKey's PublicKey is the base64 of the SPKI DER in the JSON protocol. */
  const spki = (key: typeof ec): string =>
    key.export({ format: 'der', type: 'spki' }).toString('base64');
  const ecKey: FakeReply = {
    status: 200,
    body: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(ec) },
  };
  const rsaKey: FakeReply = {
    status: 200,
    body: { KeySpec: 'RSA_4096', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(rsa) },
  };
  /** KMS as the tests see it: each key id answers with its key, any other with NotFoundException. */
  const kms =
    (overrides: Record<string, () => FakeReply> = {}) =>
    (call: FakeCall): FakeReply => {
      const keyId = String(call.input.KeyId);
      const override = overrides[keyId];
      if (override) return override();
      if (keyId === 'ec' || keyId === 'alias/ec') return ecKey;
      if (keyId === 'rsa') return rsaKey;
      return awsErrorReply('NotFoundException');
    };
  const keyIdsAsked = (calls: FakeCall[]): string[] =>
    calls.map((call) => String(call.input.KeyId)).sort();

  it('publishes each key once, with alg from the key spec and the thumbprint as kid', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(KMS, kms());
    const source = new KmsPublicKeySource({ keyIds: ['ec', 'rsa', 'alias/ec'], client });

    // Act
    const keys = await source.publicKeys();

    // Assert
    expect(keys.map((k) => [k.kty, k.alg])).toEqual([
      ['EC', 'ES256'],
      ['RSA', 'RS256'],
    ]);
    expect(keys[0]?.kid).toBe(await calculateJwkThumbprint(ec.export({ format: 'jwk' })));
    expect(keys[1]?.kid).toBe(await calculateJwkThumbprint(rsa.export({ format: 'jwk' })));
    expect(transport.calls.map((call) => call.operation)).toEqual([
      'GetPublicKey',
      'GetPublicKey',
      'GetPublicKey',
    ]);
    expect(transport.calls.map((call) => call.input)).toEqual(
      expect.arrayContaining([{ KeyId: 'ec' }, { KeyId: 'rsa' }, { KeyId: 'alias/ec' }]),
    );
  });

  it('calls GetPublicKey once per key per cold start, and hands out copies', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(KMS, kms());
    const source = new KmsPublicKeySource({ keyIds: ['ec', 'rsa'], client });

    // Act
    const first = await source.publicKeys();
    (first[0] as { kid: string }).kid = 'tampered';
    const second = await source.publicKeys();

    // Assert
    expect(keyIdsAsked(transport.calls)).toEqual(['ec', 'rsa']);
    expect(second[0]?.kid).not.toBe('tampered');
  });

  it('retries after a failure instead of caching it', async () => {
    // Arrange: the rsa key is throttled on every attempt of the first call
    let throttled = AWS_CALL_BUDGET.maxAttempts;
    const { client, transport } = fakeAwsClient(
      KMS,
      kms({ rsa: () => (throttled-- > 0 ? awsErrorReply('ThrottlingException') : rsaKey) }),
    );
    const source = new KmsPublicKeySource({ keyIds: ['ec', 'rsa'], client });

    // Act
    const first = await source.publicKeys().catch((e: unknown) => e);
    const second = await source.publicKeys();

    // Assert
    expect(first).toBeInstanceOf(TemporarilyUnavailableError);
    expect(second.map((k) => k.alg)).toEqual(['ES256', 'RS256']);
    expect(keyIdsAsked(transport.calls).filter((id) => id === 'rsa')).toHaveLength(
      AWS_CALL_BUDGET.maxAttempts + 1,
    );
  });

  it('refuses a key the service cannot use', async () => {
    // Arrange
    const { client } = fakeAwsClient(
      KMS,
      kms({
        hmac: () => ({
          status: 200,
          body: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
        }),
      }),
    );
    const source = new KmsPublicKeySource({ keyIds: ['hmac'], client });

    // Act
    const error = await source.publicKeys().catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toBe('the signing key is not usable');
  });

  it('maps a missing key to ServerError', async () => {
    // Arrange
    const { client } = fakeAwsClient(KMS, kms());
    const source = new KmsPublicKeySource({ keyIds: ['ec', 'gone'], client });

    // Act
    const error = await source.publicKeys().catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toBe('the signing service failed');
    expect((error as Error).cause).toMatchObject({ code: 'NotFoundException' });
  });

  it('does not memoise a hung JWKS fetch either', async () => {
    // Arrange
    let asked = 0;
    const { client, transport } = fakeAwsClient(
      KMS,
      kms({ ec: () => (asked++ === 0 ? 'hang' : ecKey) }),
    );
    const source = new KmsPublicKeySource({ keyIds: ['ec'], client, operationBudgetMs: 50 });

    // Act
    const first = await source.publicKeys().catch((e: unknown) => e);
    const second = await source.publicKeys();

    // Assert
    expect(first).toBeInstanceOf(TemporarilyUnavailableError);
    expect((first as Error).cause).toMatchObject({
      kind: 'timeout',
      code: 'OperationBudgetExceeded',
    });
    expect(second).toHaveLength(1);
    expect(transport.calls).toHaveLength(2);
  });

  it('publishes nothing for no key ids, with the default client', async () => {
    // Act / Assert
    await expect(new KmsPublicKeySource({ keyIds: [] }).publicKeys()).resolves.toEqual([]);
  });
});
