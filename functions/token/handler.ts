// Token function Lambda entry point: production adapters only (DynamoDB read, replay cache and last use, KMS
// signer and JWKS, argon2id), built once per cold start. The local server wires dev adapters in tools/local-server.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDbClientStore } from './adapters/client-store-dynamodb';
import { DynamoDbRevocationStore } from './adapters/revocation-store-dynamodb';
import { DynamoDbReplayCache } from './adapters/replay-cache-dynamodb';
import { DynamoDbLastUseRecorder } from './adapters/last-use-dynamodb';
import { Argon2PasswordHasher } from './adapters/password-hasher-argon2';
import { createPooledRandomBytes } from './adapters/random-bytes-pooled';
import { KmsPublicKeySource } from './adapters/public-keys-kms';
import { KmsSigner } from './adapters/signer-kms';
import { loadTokenConfig } from './config';
import { createTokenHandler, type TokenHandler } from './create-handler';

const config = loadTokenConfig(process.env);

/** One JSON logger per function (service name and level from the POWERTOOLS_* variables). */
const logger = new Logger();

/** Metrics only when a namespace is configured. */
const metrics = config.metricsNamespace
  ? new Metrics({ namespace: config.metricsNamespace })
  : undefined;

/** The Lambda handler (`index.handler` in the bundle). */
export const handler: TokenHandler = createTokenHandler({
  config,
  clientStore: new DynamoDbClientStore({ tableName: config.clientsTable }),
  signer: new KmsSigner({ keyId: config.signer.keyId, algorithm: config.signer.algorithm }),
  publicKeys: new KmsPublicKeySource({ keyIds: config.signer.jwksKeyIds }),
  hasher: new Argon2PasswordHasher(),
  clock: Date.now,
  randomBytes: createPooledRandomBytes(),
  logger,
  metrics,
  revocations: config.revocation
    ? new DynamoDbRevocationStore({ tableName: config.clientsTable })
    : undefined,
  // private_key_jwt: used assertion `jti`s, in the clients table (docs/private-key-jwt.md).
  replayCache: new DynamoDbReplayCache({ tableName: config.clientsTable }),
  // last_used_at, at most hourly per client, beside the Sign (docs/clients.md).
  lastUse: new DynamoDbLastUseRecorder({ tableName: config.clientsTable }),
});
