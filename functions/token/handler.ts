// Token function Lambda entry point: production adapters only (DynamoDB read, replay cache and last use, KMS
// signer and JWKS, argon2id), built once per cold start. The local server wires dev adapters in tools/local-server.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { AwsJsonClient, DYNAMODB, KMS } from '../shared/aws/json-client';
import { LAST_USE_WRITE_BUDGET } from '../shared/limits';
import { DynamoDbClientStore } from './adapters/client-store-dynamodb';
import { DynamoDbRevocationStore } from './adapters/revocation-store-dynamodb';
import { DynamoDbRevocationFanOut } from './adapters/revocation-fanout-dynamodb';
import { DynamoDbReplayCache } from './adapters/replay-cache-dynamodb';
import { DynamoDbLastUseRecorder } from './adapters/last-use-dynamodb';
import { Argon2PasswordHasher } from './adapters/password-hasher-argon2';
import { createPooledRandomBytes } from './adapters/random-bytes-pooled';
import { KmsPublicKeySource } from './adapters/public-keys-kms';
import { KmsSigner } from './adapters/signer-kms';
import { KmsNonceMac } from './adapters/nonce-mac-kms';
import { addRegionDimensionSets } from '../shared/metrics-region';
import { loadTokenConfig } from './config';
import { createTokenHandler, type TokenHandler } from './create-handler';
import {
  countAwsFailures,
  reportJtiSeenInOtherRegion,
  storeLatency,
  timeClientStore,
  timePasswordHasher,
  timeSigner,
} from './metrics';

const config = loadTokenConfig(process.env);

/** The function's own Region, and whether the service runs in others (SERVICE_REGIONS). */
const regions = config.serviceRegions;
const multiRegion = regions?.multiRegion === true;

/**
 * One JSON logger per function (service name and level from the POWERTOOLS_* variables); every
 * line, audit lines included, carries the function's `region` as a persistent key.
 */
const logger = new Logger(regions === undefined ? {} : { persistentKeys: { region: regions.own } });

/**
 * Metrics only when a namespace is configured (docs/metrics.md); in a multi-Region deployment each
 * metric is also published under its dimension set plus `region`.
 */
const metrics = config.metricsNamespace
  ? multiRegion
    ? addRegionDimensionSets(new Metrics({ namespace: config.metricsNamespace }), regions.own)
    : new Metrics({ namespace: config.metricsNamespace })
  : undefined;

/**
 * One client per service, shared by the adapters (one socket pool, retry quota and clock offset
 * each); with metrics, they count throttled and timed-out attempts as they happen.
 */
const onAttemptFailed = metrics === undefined ? undefined : countAwsFailures(metrics);
const dynamodb = new AwsJsonClient({ service: DYNAMODB, env: process.env, onAttemptFailed });
const kms = new AwsJsonClient({ service: KMS, env: process.env, onAttemptFailed });

/** With metrics, the three ports whose latency is published are timed (functions/token/metrics.ts). */
const timing = metrics === undefined ? undefined : { record: storeLatency(metrics) };
const clientStore = new DynamoDbClientStore({ tableName: config.clientsTable, client: dynamodb });
const signer = new KmsSigner({
  keyId: config.signer.keyId,
  algorithm: config.signer.algorithm,
  client: kms,
});
const hasher = new Argon2PasswordHasher();

/** The Lambda handler (`index.handler` in the bundle). */
export const handler: TokenHandler = createTokenHandler({
  config,
  clientStore: timing === undefined ? clientStore : timeClientStore(clientStore, timing),
  signer: timing === undefined ? signer : timeSigner(signer, timing),
  publicKeys: new KmsPublicKeySource({
    keyIds: config.signer.jwksKeyIds,
    client: kms,
    // Every key of the JWKS is published with the algorithm the deployment signs with.
    rsaAlgorithm: config.signer.algorithm === 'PS256' ? 'PS256' : 'RS256',
  }),
  hasher: timing === undefined ? hasher : timePasswordHasher(hasher, timing),
  clock: Date.now,
  randomBytes: createPooledRandomBytes(),
  logger,
  metrics,
  revocations: config.revocation
    ? new DynamoDbRevocationStore({ tableName: config.clientsTable, client: dynamodb })
    : undefined,
  // Multi-Region: RFC 7009 revocations are also written to every other Region's table, each
  // within REVOCATION_FANOUT_BUDGET (docs/multi-region.md); nothing else leaves the Region.
  revocationFanOut:
    config.revocation && regions?.multiRegion === true
      ? new DynamoDbRevocationFanOut({
          tableName: config.clientsTable,
          ownRegion: regions.own,
          regions: regions.all,
          env: process.env,
        })
      : undefined,
  // DPoP server nonces (RFC 9449 §8), when the deployment turns them on (docs/dpop.md).
  nonceMac:
    config.dpopNonceKeyId === undefined
      ? undefined
      : new KmsNonceMac({ keyId: config.dpopNonceKeyId, client: kms }),
  // private_key_jwt: used assertion `jti`s, in the clients table (docs/private-key-jwt.md).
  // Each item names its Region; multi-Region, a use first recorded in another Region is reported.
  replayCache: new DynamoDbReplayCache({
    tableName: config.clientsTable,
    client: dynamodb,
    region: regions?.own,
    onSeenInOtherRegion: multiRegion ? reportJtiSeenInOtherRegion(logger, metrics) : undefined,
  }),
  // last_used_at, at most hourly per client, beside the Sign (docs/clients.md): its own small
  // budget, so its own client, observed like the others.
  lastUse: new DynamoDbLastUseRecorder({
    tableName: config.clientsTable,
    client: new AwsJsonClient({
      service: DYNAMODB,
      env: process.env,
      budget: LAST_USE_WRITE_BUDGET,
      onAttemptFailed,
    }),
  }),
});
