// Lambda entry point of the replay watcher: reads the clients table's DynamoDB stream in one Region and reports each `jti` used in two Regions (docs/multi-region.md). It never writes anything.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { addRegionDimensionSets } from '../shared/metrics-region';
import { watchRegion } from './core/config';
import { watchRecords, type WatchLogger, type WatchMetrics, type WatchSummary } from './core/watch';

/** The metric of a detection (docs/metrics.md, "Multi-Region"). */
export const METRIC_NAME = 'JtiUsedInTwoRegions';

/** The function's Region; a bad AWS_REGION fails the cold start, naming it. */
const own = watchRegion(process.env);

let logger: Logger | undefined;
let metrics: Metrics | undefined;

/**
 * The Powertools logger (POWERTOOLS_SERVICE_NAME, LOG_LEVEL), created on the first line: a batch
 * with nothing to report loads neither it nor Metrics (a require() inside a function stays lazy in
 * the esbuild bundle). Every line carries the function's Region.
 */
function powertoolsLogger(): Logger {
  if (logger === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Logger: PowertoolsLogger } = require('@aws-lambda-powertools/logger') as {
      Logger: typeof Logger;
    };
    logger = new PowertoolsLogger({
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'replay-watch',
      persistentKeys: { region: own },
    });
  }
  return logger;
}

/**
 * EMF metrics through Powertools Metrics, only with POWERTOOLS_METRICS_NAMESPACE: one line per
 * detection under `service` + `kind` and `service` + `kind` + `region`.
 */
function powertoolsMetrics(namespace: string): Metrics {
  if (metrics === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Metrics: PowertoolsMetrics } = require('@aws-lambda-powertools/metrics') as {
      Metrics: typeof Metrics;
    };
    const made = new PowertoolsMetrics({
      namespace,
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'replay-watch',
    });
    // Deployed multi-Region only: always also under the set plus `region` (docs/metrics.md).
    metrics = addRegionDimensionSets(made, own);
  }
  return metrics;
}

const lazyLogger: WatchLogger = {
  warn: (message, attributes) => powertoolsLogger().warn(message, attributes),
  error: (message, attributes) => powertoolsLogger().error(message, attributes),
};

const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE;
const watchMetrics: WatchMetrics = {
  jtiUsedInTwoRegions: (kind) => {
    if (namespace === undefined || namespace === '') return;
    powertoolsMetrics(namespace)
      .addDimension('kind', kind)
      .addMetric(METRIC_NAME, 'Count', 1)
      .publishStoredMetrics();
  },
};

/**
 * The Lambda handler (`index.handler` in the bundle), invoked by the event source mapping with a
 * batch of stream records. It returns normally whatever the records hold (see watchRecords), so
 * the mapping moves on; only a runtime failure (a crash, a timeout) makes Lambda retry the batch.
 * @param event the DynamoDB stream event
 * @returns what the batch held
 */
export async function handler(event: unknown): Promise<WatchSummary> {
  return Promise.resolve(watchRecords(event, { logger: lazyLogger, metrics: watchMetrics }));
}
