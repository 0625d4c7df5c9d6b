// Lambda entry point of the REQUEST authorizer, built once per cold start from the environment.
import type { ConfigLogger } from './config-loader';
import { policyLoaderFrom } from './config-source';
import { createConfiguredHandler } from './configured-handler';
import type { Logger } from '@aws-lambda-powertools/logger';
import type * as RevocationAdapter from './adapters/revocation-state-dynamodb';
import { loadAuthorizerSettings } from './config';
import { createAuthorizerHandler, type AuthorizerLogger } from './create-handler';
import { lazyMetrics, reportJtiSeenInOtherRegion, type AuthorizerMetrics } from './metrics';
import type * as MetricsEmf from './metrics-emf';
import type * as DpopReplayAdapter from './adapters/dpop-replay-dynamodb';

let logger: Logger | undefined;

/** Every setting but the keys and routes; a bad one fails the cold start. */
const config = loadAuthorizerSettings(process.env);

/** The function's own Region, and whether the service runs in others (SERVICE_REGIONS). */
const regions = config.serviceRegions;
const multiRegion = regions?.multiRegion === true;

/**
 * One JSON Powertools logger per function (POWERTOOLS_SERVICE_NAME, LOG_LEVEL), created on the
 * first rejection: the authorizer logs nothing else, so a cold start that only allows requests
 * does not pay the ~4 ms it takes to load (issue 3's cold-load target is 20 ms). Never logs tokens.
 */
function powertoolsLogger(): Logger {
  if (logger === undefined) {
    // A require() inside a function stays lazy in the esbuild bundle.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Logger: PowertoolsLogger } = require('@aws-lambda-powertools/logger') as {
      Logger: typeof Logger;
    };
    // Every line carries the function's Region.
    logger = new PowertoolsLogger({
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'authorizer',
      ...(regions === undefined ? {} : { persistentKeys: { region: regions.own } }),
    });
  }
  return logger;
}

const lazyLogger: AuthorizerLogger & ConfigLogger = {
  warn: (message: string, attributes: Record<string, unknown>) =>
    powertoolsLogger().warn(message, attributes),
  error: (message: string, attributes: Record<string, unknown>) =>
    powertoolsLogger().error(message, attributes),
};

/**
 * The keys and routes: AUTHORIZER_CONFIG, or the item that AUTHORIZER_CONFIG_TABLE and
 * AUTHORIZER_CONFIG_SHA256 name (read at the first invocation), or plain PUBLIC_KEYS_PEM and
 * ROUTE_SCOPES. A document that cannot be read or used makes every request a 401
 * (docs/authorizer.md, "Where the configuration lives").
 */
const loadPolicy = policyLoaderFrom(process.env, { logger: lazyLogger });

function loadRevocationAdapter(): typeof RevocationAdapter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./adapters/revocation-state-dynamodb') as typeof RevocationAdapter;
}

/**
 * The revocation reader, only when REVOCATION_CHECK is on. Its client reads the region, the
 * endpoint and the credentials from the variables the Lambda runtime defines
 * (functions/shared/aws/environment.ts). Required lazily (it stays lazy in the esbuild bundle), so
 * with REVOCATION_CHECK off not even @smithy/signature-v4 is loaded.
 */
const revocationSource =
  config.revocation === undefined
    ? undefined
    : new (loadRevocationAdapter().DynamoDbRevocationStateSource)({
        tableName: config.revocation.tableName,
      });

/**
 * The DPoP replay cache, only when DPOP_REPLAY_TABLE is set (docs/dpop.md); required lazily like
 * the revocation reader, so an authorizer without DPoP loads no AWS client for it.
 */
function loadDpopReplayAdapter(): typeof DpopReplayAdapter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./adapters/dpop-replay-dynamodb') as typeof DpopReplayAdapter;
}

/**
 * EMF metrics (docs/metrics.md), only when POWERTOOLS_METRICS_NAMESPACE is set. Powertools Metrics
 * is required on the first invocation, not at cold load (issue 3's cold-load target is 20 ms above
 * `node -e 0`; issue 23 measured what loading it costs), in the same lazy way as the logger.
 */
const namespace = config.metricsNamespace;
const metrics: AuthorizerMetrics | undefined =
  namespace === undefined
    ? undefined
    : lazyMetrics(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const emf = require('./metrics-emf') as typeof MetricsEmf;
        return emf.createEmfAuthorizerMetrics({
          namespace,
          serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'authorizer',
          // Multi-Region: each metric also under its dimension set plus `region`.
          ...(multiRegion ? { region: regions.own } : {}),
        });
      });

/**
 * The DPoP replay cache: each `dpopjti#` item names the Region; multi-Region, a proof first used
 * in another Region is reported (docs/multi-region.md).
 */
const dpopReplayCache =
  config.dpop === undefined
    ? undefined
    : new (loadDpopReplayAdapter().DynamoDbDpopReplayCache)({
        tableName: config.dpop.replayTable,
        region: regions?.own,
        onSeenInOtherRegion: multiRegion
          ? reportJtiSeenInOtherRegion(lazyLogger, metrics)
          : undefined,
      });

/** The Lambda handler (`index.handler` in the bundle). A bad configuration fails the cold start. */
export const handler = createConfiguredHandler({
  config,
  loadPolicy,
  build: createAuthorizerHandler,
  logger: lazyLogger,
  revocationSource,
  metrics,
  dpopReplayCache,
});
