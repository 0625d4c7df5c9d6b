// Token function Lambda entry point: builds config, adapters, logger and metrics once per cold start.
import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDbClientStore } from '../adapters/client-store-dynamodb';
import { FileClientStore } from '../adapters/client-store-file';
import { Argon2PasswordHasher } from '../adapters/password-hasher-argon2';
import { KmsPublicKeySource } from '../adapters/public-keys-kms';
import { KmsSigner } from '../adapters/signer-kms';
import { LocalSigner } from '../adapters/signer-local';
import { loadTokenConfig, type TokenConfig } from '../config';
import type { ClientStore, PublicKeySource, Signer } from '../core/types';
import { createTokenHandler, type TokenHandler } from './create-handler';

/**
 * Builds the client store and signer that the configuration names.
 * @param config validated token configuration
 * @returns the adapters
 */
function buildAdapters(config: TokenConfig): {
  clientStore: ClientStore;
  signer: Signer;
  publicKeys: PublicKeySource;
} {
  const clientStore =
    config.clientStore.kind === 'dynamodb'
      ? new DynamoDbClientStore({ tableName: config.clientStore.tableName })
      : new FileClientStore({ dataDir: config.clientStore.dataDir });
  if (config.signer.kind === 'local') {
    const local = new LocalSigner({ dataDir: config.signer.dataDir });
    return { clientStore, signer: local, publicKeys: local };
  }
  return {
    clientStore,
    signer: new KmsSigner({ keyId: config.signer.keyId, algorithm: config.signer.algorithm }),
    publicKeys: new KmsPublicKeySource({ keyIds: config.signer.jwksKeyIds }),
  };
}

const config = loadTokenConfig(process.env);

/** One JSON logger per function (service name and level from the POWERTOOLS_* variables). */
const logger = new Logger();

/** Metrics only when a namespace is configured (not in local mode). */
const metrics = config.metricsNamespace
  ? new Metrics({ namespace: config.metricsNamespace })
  : undefined;

/** The Lambda handler (`index.handler` in the bundle). */
export const handler: TokenHandler = createTokenHandler({
  config,
  ...buildAdapters(config),
  hasher: new Argon2PasswordHasher(),
  clock: Date.now,
  randomBytes: (size) => new Uint8Array(randomBytes(size)),
  logger,
  metrics,
});
