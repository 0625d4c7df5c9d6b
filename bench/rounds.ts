// Timing in interleaved rounds for the authorizer benchmarks: one contender run for a fixed time, as operations per second.

/** One contender: a (possibly async) operation, repeated for the length of a round. */
export interface Contender {
  name: string;
  run: () => unknown;
  isAsync: boolean;
}

/**
 * Runs a contender for about `ms`, in batches of 64 calls.
 * @param contender the operation
 * @param ms the round's length
 * @returns operations per second
 */
export async function timeRound(contender: Contender, ms: number): Promise<number> {
  const budget = BigInt(ms) * 1_000_000n;
  const start = process.hrtime.bigint();
  let ops = 0;
  let elapsed = 0n;
  const batch = 64;
  do {
    if (contender.isAsync) {
      for (let i = 0; i < batch; i++) await contender.run();
    } else {
      for (let i = 0; i < batch; i++) contender.run();
    }
    ops += batch;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  return (ops * 1e9) / Number(elapsed);
}

/**
 * @param values samples (not modified)
 * @param q the quantile, 0 to 1
 * @returns the sample at that rank
 */
export const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
