// Parses the metric contract of docs/metrics.md (metric, unit, dimensions, their values, which function emits it), which the dashboard, alarm and EMF tests check Terraform and the functions against.
import fs from 'node:fs';
import path from 'node:path';

/** One row of the contract. */
export interface ContractMetric {
  /** The function that emits it (replay-watch: multi-Region only). */
  fn: 'token' | 'authorizer' | 'replay-watch';
  name: string;
  unit: string;
  /** Dimension names, `service` first. */
  dimensions: string[];
  /** The values of the dimension after `service`, as the Values column lists them; none without one. */
  values: string[];
}

const SECTIONS: Record<string, ContractMetric['fn']> = {
  'Token function': 'token',
  Authorizer: 'authorizer',
};

/** The sections of the metrics a multi-Region deployment publishes besides those of SECTIONS. */
export const MULTI_REGION_SECTIONS: Record<string, ContractMetric['fn']> = {
  'Multi-Region only: token function': 'token',
  'Multi-Region only: authorizer': 'authorizer',
  'Multi-Region only: replay watcher': 'replay-watch',
};

/**
 * The metrics of docs/metrics.md: the rows of the tables under "## Token function" and
 * "## Authorizer", whose first four columns are `Metric`, unit, `dimension`s and `value`s.
 * @param file the document (default: docs/metrics.md of this repository)
 * @param sections the headings to read, by prefix (default: the two single-Region tables)
 * @returns the metrics, in document order
 */
export function readMetricContract(
  file = path.resolve(__dirname, '..', '..', 'docs', 'metrics.md'),
  sections: Record<string, ContractMetric['fn']> = SECTIONS,
): ContractMetric[] {
  const metrics: ContractMetric[] = [];
  let fn: ContractMetric['fn'] | undefined;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const heading = /^##\s+(.+)$/.exec(line)?.[1];
    if (heading !== undefined) {
      fn = Object.entries(sections).find(([prefix]) => heading.startsWith(prefix))?.[1];
      continue;
    }
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([A-Za-z0-9]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!fn || !name) continue;
    metrics.push({
      fn,
      name,
      unit: cells[2] ?? '',
      dimensions: [...(cells[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1] as string),
      values: [...(cells[4] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string),
    });
  }
  return metrics;
}
