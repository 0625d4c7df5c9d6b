// Integration tests of the KMS signer and public key source against moto_server, verified with jose.
import { createPublicKey } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { KmsPublicKeySource } from '../../../functions/token/adapters/public-keys-kms';
import { KmsSigner } from '../../../functions/token/adapters/signer-kms';
import { ServerError } from '../../../functions/token/core/errors';
import type { SigningAlgorithm } from '../../../functions/shared/types';
import { startMoto, type Moto } from '../../support/moto';
import { describeWithMoto } from '../../support/tools';

const b64url = (s: string): string => Buffer.from(s).toString('base64url');

/** Signs a JWS with the signer, as the token endpoint does, and returns the compact form. */
async function signJws(
  signer: KmsSigner,
  alg: SigningAlgorithm,
  kid: string,
  claims: object,
): Promise<string> {
  const input = `${b64url(JSON.stringify({ alg, typ: 'at+jwt', kid }))}.${b64url(JSON.stringify(claims))}`;
  const signature = await signer.sign(new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

describeWithMoto()('KMS adapters against moto', () => {
  let moto: Moto;
  let kms: KMSClient;
  let ecKeyId: string;
  let rsaKeyId: string;

  const createKey = async (spec: 'ECC_NIST_P256' | 'RSA_2048'): Promise<string> => {
    const out = await kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' }));
    return out.KeyMetadata?.KeyId as string;
  };

  const spkiThumbprint = async (keyId: string): Promise<string> => {
    const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const key = createPublicKey({
      key: Buffer.from(out.PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    return calculateJwkThumbprint(key.export({ format: 'jwk' }));
  };

  beforeAll(async () => {
    moto = await startMoto();
    kms = new KMSClient({});
    ecKeyId = await createKey('ECC_NIST_P256');
    rsaKeyId = await createKey('RSA_2048');
  }, 60_000);

  afterAll(async () => {
    kms?.destroy();
    await moto?.stop();
  });

  it.each([['ES256'], ['RS256']] as const)(
    'signs %s tokens that jose verifies with the KMS public key',
    async (alg) => {
      // Arrange
      const keyId = alg === 'ES256' ? ecKeyId : rsaKeyId;
      const signer = new KmsSigner({ keyId, algorithm: alg });
      const info = await signer.keyInfo();

      // Act
      const jws = await signJws(signer, alg, info.kid, { sub: 'client-1', scope: 'a b' });

      // Assert
      const key = await importJWK(info.publicJwk, alg);
      const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: [alg] });
      expect(protectedHeader).toMatchObject({ alg, kid: info.kid, typ: 'at+jwt' });
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
        sub: 'client-1',
        scope: 'a b',
      });
      expect(info.alg).toBe(alg);
      expect(info.kid).toBe(await spkiThumbprint(keyId));
      if (alg === 'ES256')
        expect(Buffer.from(jws.split('.')[2] as string, 'base64url')).toHaveLength(64);
    },
  );

  it('signs many ES256 inputs correctly (DER to JOSE across R/S with leading zeros)', async () => {
    // Arrange
    const signer = new KmsSigner({ keyId: ecKeyId, algorithm: 'ES256' });
    const info = await signer.keyInfo();
    const key = await importJWK(info.publicJwk, 'ES256');

    // Act / Assert: about 1 in 128 signatures has an R or S under 32 bytes
    for (let i = 0; i < 150; i++) {
      const jws = await signJws(signer, 'ES256', info.kid, { i });
      await expect(compactVerify(jws, key, { algorithms: ['ES256'] })).resolves.toBeDefined();
    }
  }, 60_000);

  it('accepts an alias as key id', async () => {
    // Arrange
    await kms.send(
      new CreateAliasCommand({ AliasName: 'alias/token-signing-it', TargetKeyId: ecKeyId }),
    );
    const signer = new KmsSigner({
      keyId: 'alias/token-signing-it',
      algorithm: 'ES256',
    });

    // Act
    const info = await signer.keyInfo();
    const jws = await signJws(signer, 'ES256', info.kid, { via: 'alias' });

    // Assert
    expect(info.kid).toBe(await spkiThumbprint(ecKeyId));
    await expect(
      compactVerify(jws, await importJWK(info.publicJwk, 'ES256')),
    ).resolves.toBeDefined();
  });

  it('refuses a key whose spec does not match the algorithm', async () => {
    // Arrange
    const signer = new KmsSigner({ keyId: rsaKeyId, algorithm: 'ES256' });

    // Act / Assert
    await expect(signer.keyInfo()).rejects.toBeInstanceOf(ServerError);
  });

  it('maps a missing key to ServerError', async () => {
    // Arrange (moto does not refuse Sign with a disabled key; the unit tests cover DisabledException)
    const missing = new KmsSigner({
      keyId: '11111111-2222-3333-4444-555555555555',
      algorithm: 'ES256',
    });

    // Act / Assert
    await expect(missing.keyInfo()).rejects.toBeInstanceOf(ServerError);
    await expect(missing.sign(new Uint8Array([1]))).rejects.toBeInstanceOf(ServerError);
  });

  it('publishes both keys with thumbprint kids and algorithms from the key spec', async () => {
    // Arrange
    const source = new KmsPublicKeySource({ keyIds: [ecKeyId, rsaKeyId, ecKeyId] });

    // Act
    const keys = await source.publicKeys();

    // Assert
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: await spkiThumbprint(ecKeyId),
    });
    expect(keys[1]).toMatchObject({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
      kid: await spkiThumbprint(rsaKeyId),
    });
    for (const jwk of keys) expect(jwk.kid).toBe(await calculateJwkThumbprint(jwk));
  });

  it('builds its own clients from the environment', async () => {
    // Arrange
    const signer = new KmsSigner({ keyId: ecKeyId, algorithm: 'ES256' });
    const source = new KmsPublicKeySource({ keyIds: [ecKeyId] });

    // Act
    const [info, keys] = await Promise.all([signer.keyInfo(), source.publicKeys()]);

    // Assert
    expect(keys).toEqual([info.publicJwk]);
  });
});
