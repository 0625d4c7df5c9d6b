// The statistics and formatting the token benchmarks share: median, fixed-point numbers, one timed call.

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
