// The authorizer's metrics in CloudWatch Embedded Metric Format through Powertools Metrics; handler.ts requires this module only on the first invocation, and only with POWERTOOLS_METRICS_NAMESPACE set.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { addRegionDimensionSets } from '../shared/metrics-region';
import type { AuthorizerMetrics } from './metrics';

/** Options of {@link createEmfAuthorizerMetrics}. */
export interface EmfAuthorizerMetricsOptions {
  /** The CloudWatch namespace (POWERTOOLS_METRICS_NAMESPACE). */
  namespace: string;
  /** The `service` dimension; default POWERTOOLS_SERVICE_NAME, as Powertools reads it. */
  serviceName?: string;
  /**
   * Multi-Region only: the function's Region; each metric is then also published under its
   * dimension set plus `region` (functions/shared/metrics-region.ts).
   */
  region?: string;
}

/**
 * Publishes each metric at once, one log line each, with exactly its dimension set of
 * docs/metrics.md: one Metrics object per set (`service`; `service` and `decision`; `service` and
 * `reason`; `service` and `kind`), reused for every line, whose request dimension is cleared by each publish. Reusing
 * them is cheaper than `singleMetric()`, which builds a Metrics object (and a Console) per line,
 * on every invocation.
 * @param options namespace and service
 * @returns the metrics
 */
export function createEmfAuthorizerMetrics(
  options: EmfAuthorizerMetricsOptions,
): AuthorizerMetrics {
  const make = (): Metrics => {
    const metrics = new Metrics({ namespace: options.namespace, serviceName: options.serviceName });
    return options.region === undefined ? metrics : addRegionDimensionSets(metrics, options.region);
  };
  const counts = make();
  const decisions = make();
  const reasons = make();
  const kinds = make();
  return {
    decision: (decision) => {
      decisions
        .addDimension('decision', decision)
        .addMetric('AuthorizerDecisions', 'Count', 1)
        .publishStoredMetrics();
    },
    unauthorized: (reason) => {
      reasons
        .addDimension('reason', reason)
        .addMetric('AuthorizerUnauthorized', 'Count', 1)
        .publishStoredMetrics();
    },
    revocationCacheHit: () => {
      counts.addMetric('RevocationCacheHits', 'Count', 1).publishStoredMetrics();
    },
    revocationReadFailure: () => {
      counts.addMetric('RevocationReadFailures', 'Count', 1).publishStoredMetrics();
    },
    jtiSeenInOtherRegion: () => {
      kinds
        .addDimension('kind', 'dpop_authorizer')
        .addMetric('JtiSeenInOtherRegion', 'Count', 1)
        .publishStoredMetrics();
    },
  };
}
