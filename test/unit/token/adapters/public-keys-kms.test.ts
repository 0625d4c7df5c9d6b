// Unit tests of the KMS public key source: one GetPublicKey per key per cold start, thumbprint kids, error mapping.
import { generateKeyPairSync } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { calculateJwkThumbprint } from 'jose';
import { KmsPublicKeySource } from '../../../../functions/token/adapters/public-keys-kms';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';

describe('KmsPublicKeySource', () => {
  const kmsMock = mockClient(KMSClient);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const spki = (key: typeof ec): Uint8Array => key.export({ format: 'der', type: 'spki' });

  beforeEach(() => {
    kmsMock.reset();
    kmsMock
      .on(GetPublicKeyCommand, { KeyId: 'ec' })
      .resolves({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(ec) })
      .on(GetPublicKeyCommand, { KeyId: 'alias/ec' })
      .resolves({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(ec) })
      .on(GetPublicKeyCommand, { KeyId: 'rsa' })
      .resolves({ KeySpec: 'RSA_4096', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(rsa) });
  });
  afterAll(() => kmsMock.restore());

  it('publishes each key once, with alg from the key spec and the thumbprint as kid', async () => {
    // Arrange
    const source = new KmsPublicKeySource({
      keyIds: ['ec', 'rsa', 'alias/ec'],
      client: new KMSClient({}),
    });

    // Act
    const keys = await source.publicKeys();

    // Assert
    expect(keys.map((k) => [k.kty, k.alg])).toEqual([
      ['EC', 'ES256'],
      ['RSA', 'RS256'],
    ]);
    expect(keys[0]?.kid).toBe(await calculateJwkThumbprint(ec.export({ format: 'jwk' })));
    expect(keys[1]?.kid).toBe(await calculateJwkThumbprint(rsa.export({ format: 'jwk' })));
  });

  it('calls GetPublicKey once per key per cold start, and hands out copies', async () => {
    // Arrange
    const source = new KmsPublicKeySource({ keyIds: ['ec', 'rsa'], client: new KMSClient({}) });

    // Act
    const first = await source.publicKeys();
    (first[0] as { kid: string }).kid = 'tampered';
    const second = await source.publicKeys();

    // Assert
    expect(kmsMock.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
    expect(second[0]?.kid).not.toBe('tampered');
  });

  it('retries after a failure instead of caching it', async () => {
    // Arrange
    kmsMock
      .on(GetPublicKeyCommand, { KeyId: 'rsa' })
      .rejectsOnce(Object.assign(new Error('slow'), { name: 'ThrottlingException' }))
      .resolves({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(rsa) });
    const source = new KmsPublicKeySource({ keyIds: ['ec', 'rsa'], client: new KMSClient({}) });

    // Act
    const first = await source.publicKeys().catch((e: unknown) => e);
    const second = await source.publicKeys();

    // Assert
    expect(first).toBeInstanceOf(TemporarilyUnavailableError);
    expect(second).toHaveLength(2);
  });

  it('refuses a key the service cannot use', async () => {
    // Arrange
    kmsMock
      .on(GetPublicKeyCommand, { KeyId: 'hmac' })
      .resolves({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const source = new KmsPublicKeySource({ keyIds: ['hmac'], client: new KMSClient({}) });

    // Act / Assert
    await expect(source.publicKeys()).rejects.toBeInstanceOf(ServerError);
  });

  it('publishes nothing for no key ids', async () => {
    // Act / Assert
    await expect(new KmsPublicKeySource({ keyIds: [] }).publicKeys()).resolves.toEqual([]);
  });
});
