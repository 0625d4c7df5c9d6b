// The statistics and formatting the token benchmarks share: median, fixed-point numbers, one timed call, a plain-text table.

/**
 * @param xs samples (not modified)
 * @returns the median (the mean of the two middle values for an even count)
 */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * @param n a number
 * @param digits digits after the point
 * @returns the number in fixed-point notation
 */
export const fmt = (n: number, digits = 1): string => n.toFixed(digits);

/**
 * Times one call.
 * @param fn the call
 * @returns its duration in seconds
 */
export async function timeOne(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Milliseconds since a `process.hrtime.bigint()` reading.
 * @param start the reading
 * @returns elapsed milliseconds
 */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/**
 * Renders rows as a plain-text table: columns of numbers (or `-`) right-aligned, others
 * left-aligned, a rule under the header.
 * @param header column titles
 * @param rows cells, as many per row as the header has (a row of one cell is a note, printed as is)
 * @returns the table's lines
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const body = rows.filter((r) => r.length > 1);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...body.map((r) => (r[i] ?? '').length)),
  );
  const numeric = header.map((_, i) => body.every((r) => /^(-|-?\d+(\.\d+)?)?$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd();
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map((r) => (r.length > 1 ? line(r) : (r[0] ?? ''))),
  ];
}
