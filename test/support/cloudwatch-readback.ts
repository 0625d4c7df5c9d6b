// Reads alarms and dashboards back from CloudWatch (moto_server in tests) and puts every alarm, whatever its kind, into one comparable shape.
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';

/** One metric an alarm or a graph reads. */
export interface ReadMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** The statistic (alarms only). */
  stat?: string;
  /** The period in seconds (alarms only). */
  period?: number;
}

/** An alarm as CloudWatch describes it, one shape for single-metric, metric math and anomaly alarms. */
export interface AlarmShape {
  name: string;
  description: string;
  actions: string[];
  okActions: string[];
  comparison: string;
  /** Static threshold; undefined for an anomaly detection alarm. */
  threshold?: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  treatMissingData?: string;
  /** Every metric the alarm reads. */
  metrics: ReadMetric[];
  /** The metric math the alarm watches, if any (not the anomaly band). */
  expression?: string;
  /** The ANOMALY_DETECTION_BAND expression the alarm compares with, if any. */
  band?: string;
}

/** A dashboard body's widgets, as the Dashboard Body Structure defines them. */
export interface DashboardBody {
  widgets: Array<{
    type: string;
    x: number;
    y: number;
    width: number;
    height: number;
    properties: Record<string, unknown>;
  }>;
}

/**
 * A CloudWatch client for the emulator.
 * @param endpoint moto_server's URL
 * @param region the Region
 * @returns the client
 */
export function cloudWatchClient(endpoint: string, region: string): CloudWatchClient {
  return new CloudWatchClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/**
 * Metrics in a stable order (the provider sends an alarm's metric queries as a set).
 * @param metrics metrics
 * @returns a sorted copy
 */
export function sortMetrics<T extends ReadMetric>(metrics: T[]): T[] {
  const key = (m: ReadMetric): string =>
    JSON.stringify([m.namespace, m.name, Object.entries(m.dimensions).sort()]);
  return [...metrics].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The comparable shape of a described alarm.
 * @param alarm one MetricAlarm of DescribeAlarms
 * @returns its shape
 */
export function alarmShape(alarm: MetricAlarm): AlarmShape {
  const dims = (list: { Name?: string; Value?: string }[] | undefined): Record<string, string> =>
    Object.fromEntries((list ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
  const queries = alarm.Metrics ?? [];
  const metrics: ReadMetric[] = alarm.MetricName
    ? [
        {
          namespace: alarm.Namespace ?? '',
          name: alarm.MetricName,
          dimensions: dims(alarm.Dimensions),
          stat: alarm.Statistic ?? alarm.ExtendedStatistic,
          period: alarm.Period,
        },
      ]
    : queries
        .filter((q) => q.MetricStat)
        .map((q) => ({
          namespace: q.MetricStat?.Metric?.Namespace ?? '',
          name: q.MetricStat?.Metric?.MetricName ?? '',
          dimensions: dims(q.MetricStat?.Metric?.Dimensions),
          stat: q.MetricStat?.Stat,
          period: q.MetricStat?.Period,
        }));
  const band = queries.find((q) => q.Id === alarm.ThresholdMetricId)?.Expression;
  const expression = queries.find(
    (q) => q.Expression && q.Id !== alarm.ThresholdMetricId && q.ReturnData,
  )?.Expression;
  return {
    name: alarm.AlarmName ?? '',
    description: alarm.AlarmDescription ?? '',
    actions: alarm.AlarmActions ?? [],
    okActions: alarm.OKActions ?? [],
    comparison: alarm.ComparisonOperator ?? '',
    threshold: alarm.ThresholdMetricId ? undefined : alarm.Threshold,
    evaluationPeriods: alarm.EvaluationPeriods ?? 0,
    datapointsToAlarm: alarm.DatapointsToAlarm,
    treatMissingData: alarm.TreatMissingData,
    metrics: sortMetrics(metrics),
    ...(expression ? { expression } : {}),
    ...(band ? { band } : {}),
  };
}

/**
 * Describes alarms by name.
 * @param client CloudWatch client
 * @param names alarm names (at most 100)
 * @returns their shapes, in the order CloudWatch lists them
 */
export async function readAlarms(client: CloudWatchClient, names: string[]): Promise<AlarmShape[]> {
  if (names.length === 0) return [];
  const out = await client.send(new DescribeAlarmsCommand({ AlarmNames: names, MaxRecords: 100 }));
  return (out.MetricAlarms ?? []).map(alarmShape);
}

/**
 * Reads a dashboard's body.
 * @param client CloudWatch client
 * @param name dashboard name
 * @returns the parsed body
 */
export async function readDashboard(
  client: CloudWatchClient,
  name: string,
): Promise<DashboardBody> {
  const out = await client.send(new GetDashboardCommand({ DashboardName: name }));
  return JSON.parse(out.DashboardBody ?? '{}') as DashboardBody;
}

/**
 * Every metric the graphs of a dashboard show: each entry of a metric widget's metrics array is
 * [namespace, name, dimension name, value, ..., options?].
 * @param body the dashboard body
 * @returns the metrics, with the widget title
 */
export function dashboardMetrics(body: DashboardBody): Array<ReadMetric & { widget: string }> {
  return body.widgets
    .filter((w) => w.type === 'metric')
    .flatMap((w) =>
      ((w.properties.metrics ?? []) as unknown[]).map((line) => {
        // A malformed entry is a broken graph in CloudWatch, whatever moto accepts.
        if (!Array.isArray(line) || typeof line[0] !== 'string' || typeof line[1] !== 'string') {
          throw new Error(
            `widget "${String(w.properties.title)}": ${JSON.stringify(line)} is not [namespace, name, ...]`,
          );
        }
        const parts = line.filter((p): p is string => typeof p === 'string');
        const [namespace = '', name = '', ...pairs] = parts;
        const dimensions: Record<string, string> = {};
        for (let i = 0; i + 1 < pairs.length; i += 2)
          dimensions[pairs[i] as string] = pairs[i + 1] as string;
        return { widget: String(w.properties.title), namespace, name, dimensions };
      }),
    );
}

/**
 * The name of an alarm from its ARN (arn:aws:cloudwatch:<region>:<account>:alarm:<name>).
 * @param arn alarm ARN
 * @returns the name
 */
export function alarmNameOf(arn: string): string {
  return arn.slice(arn.indexOf(':alarm:') + ':alarm:'.length);
}
