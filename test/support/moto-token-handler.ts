// The token handler on its production adapters against moto_server: clients and replay cache in a DynamoDB table, tokens signed by a KMS key (integration tests).
import { randomBytes } from 'node:crypto';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { DynamoDbReplayCache } from '../../functions/token/adapters/replay-cache-dynamodb';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { FakeHasher } from './fake-hasher';
import { ISSUER } from './token-fakes';

/**
 * Creates an RSA_2048 signing key in moto's KMS.
 * @param endpoint moto_server's URL
 * @returns the key id
 */
export async function createRsaSigningKey(endpoint: string): Promise<string> {
  const kms = new KMSClient({ endpoint });
  try {
    const key = await kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    );
    return key.KeyMetadata?.KeyId as string;
  } finally {
    kms.destroy();
  }
}

/**
 * A token handler reading clients from `table`, recording used `jti`s there, and signing RS256
 * with `keyId` (the AWS adapters read moto's endpoint from the environment, as startMoto sets it).
 * @param table the clients table
 * @param keyId the KMS signing key
 * @returns the handler and its public-key source (for JWKS checks)
 */
export function motoTokenHandler(
  table: string,
  keyId: string,
): { handler: TokenHandler; publicKeys: KmsPublicKeySource } {
  const publicKeys = new KmsPublicKeySource({ keyIds: [keyId] });
  const handler = createTokenHandler({
    config: {
      issuer: ISSUER,
      defaultAudience: 'https://api',
      tokenTtlSeconds: 900,
      scopesSupported: [],
    },
    clientStore: new DynamoDbClientStore({ tableName: table }),
    replayCache: new DynamoDbReplayCache({ tableName: table }),
    signer: new KmsSigner({ keyId, algorithm: 'RS256' }),
    publicKeys,
    hasher: new FakeHasher(),
    clock: Date.now,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
  return { handler, publicKeys };
}
