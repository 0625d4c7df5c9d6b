// Captures the CloudWatch Embedded Metric Format lines Powertools Metrics writes to stdout, and builds the lines tests expect.

/** One EMF log line, parsed: the `_aws` metadata, then the dimension and metric values as members. */
export interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [member: string]: unknown;
}

/** What a capture saw. */
export interface EmfCapture {
  /** The EMF lines written to stdout, in order. */
  lines: EmfLine[];
  /** Everything else written to stdout and stderr (Powertools' warnings go to stderr). */
  other: string[];
  /** Ends the capture. */
  restore(): void;
}

/**
 * Captures stdout and stderr until `restore()`: lines holding an `_aws` member are EMF, the
 * others are kept as text. Powertools' Console writes through `process.stdout.write`, so the spy
 * sees every metric a Metrics instance publishes, whenever it was built.
 * @returns the capture
 */
export function captureEmf(): EmfCapture {
  const lines: EmfLine[] = [];
  const other: string[] = [];
  const record = (chunk: unknown): boolean => {
    for (const text of String(chunk).split('\n')) {
      if (text === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed === 'object' && parsed !== null && '_aws' in parsed) {
        lines.push(parsed as EmfLine);
      } else {
        other.push(text);
      }
    }
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  return {
    lines,
    other,
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}

/**
 * The EMF line Powertools writes for metrics that share one dimension set: one directive with
 * that exact set (the dimensions' names, in order) and each metric's name and unit, then the
 * dimension values and each metric's value as members. The timestamp is any number.
 * @param namespace the CloudWatch namespace
 * @param dimensions dimension name to value, `service` first
 * @param metrics metric name to `[unit, value]` (an array value for a metric stored twice)
 * @returns the expected line, for `toEqual`
 */
export function emfLine(
  namespace: string,
  dimensions: Record<string, string>,
  metrics: Record<string, [string, number | number[]]>,
): EmfLine {
  return {
    _aws: {
      Timestamp: expect.any(Number) as number,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: Object.entries(metrics).map(([Name, [Unit]]) => ({ Name, Unit })),
        },
      ],
    },
    ...dimensions,
    ...Object.fromEntries(Object.entries(metrics).map(([name, [, value]]) => [name, value])),
  };
}

/** One metric as a line declares it: enough to compare with docs/metrics.md. */
export interface EmittedMetric {
  namespace: string;
  name: string;
  unit: string;
  /** Each dimension set the metric is published under. */
  dimensionSets: string[][];
}

/**
 * Flattens EMF lines into their metrics.
 * @param lines captured lines
 * @returns one entry per metric per line
 */
export function emittedMetrics(lines: readonly EmfLine[]): EmittedMetric[] {
  return lines.flatMap((line) =>
    line._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.map((m) => ({
        namespace: directive.Namespace,
        name: m.Name,
        unit: m.Unit,
        dimensionSets: directive.Dimensions,
      })),
    ),
  );
}
