// Multi-Region metrics (docs/metrics.md, "Multi-Region"): each EMF line also publishes its metrics under every dimension set plus `region`, the function's own Region.

/**
 * The part of a Powertools Metrics object this module changes (functions/shared imports no
 * Powertools: the functions pass their own objects in).
 */
export interface SerializingMetrics {
  /** The EMF line of what is stored; every line Powertools writes goes through it. */
  serializeMetrics(): unknown;
  /** A metrics object for one line, published at once. */
  singleMetric(): SerializingMetrics;
}

/** The dimension added in a multi-Region deployment. */
export const REGION_DIMENSION = 'region';

/** The part of an EMF line this module reads and changes. */
interface EmfLine {
  _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] };
  [key: string]: unknown;
}

/**
 * The same EMF line with, after each of its dimension sets, that set plus `region`, and the
 * `region` member the added sets name. A MetricDirective's `Dimensions` is an array of
 * DimensionSets, each an array of dimension keys whose values are members of the root node, and
 * the metrics are published under each set (Amazon CloudWatch User Guide, "Specification:
 * Embedded metric format", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html;
 * a set holds at most 30 keys, and the sets here have two or three).
 * @param line an EMF line as Powertools serializes it
 * @param region the function's own Region
 * @returns the line with the Region sets
 */
export function withRegionDimensionSets<T>(line: T, region: string): T {
  const emf = line as unknown as EmfLine;
  return {
    ...emf,
    _aws: {
      ...emf._aws,
      CloudWatchMetrics: emf._aws.CloudWatchMetrics.map((directive) => ({
        ...directive,
        Dimensions: [
          ...directive.Dimensions,
          ...directive.Dimensions.map((set) => [...set, REGION_DIMENSION]),
        ],
      })),
    },
    [REGION_DIMENSION]: region,
  } as unknown as T;
}

/**
 * Makes a Powertools Metrics object (and every `singleMetric()` it makes) publish each metric
 * under its dimension set and under that set plus `region`. Only a multi-Region deployment uses
 * it: a single-Region one keeps the exact sets of docs/metrics.md, which the alarms read. Every
 * line Powertools writes goes through `serializeMetrics()` (publishStoredMetrics and a single
 * metric's immediate publish alike), so that is the one method replaced.
 * @param metrics a Powertools Metrics object
 * @param region the function's own Region
 * @returns the same object, changed
 */
export function addRegionDimensionSets<M extends SerializingMetrics>(
  metrics: M,
  region: string,
): M {
  const target: SerializingMetrics = metrics;
  const serialize = target.serializeMetrics.bind(target);
  const single = target.singleMetric.bind(target);
  target.serializeMetrics = () => withRegionDimensionSets(serialize(), region);
  target.singleMetric = () => addRegionDimensionSets(single(), region);
  return metrics;
}
