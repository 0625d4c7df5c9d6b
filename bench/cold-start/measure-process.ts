// Cold starts in fresh node processes: the bare require() of an unpacked token bundle against `node -e 0`, and the handler's first token issuance after the load, for each build, in paired runs.
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { median, msSince } from '../stats';
import type { BenchBuild } from './builds';

/** The line a child prints its timings on (the function may log to stdout too). */
const RESULT_MARK = 'BENCH_RESULT ';

/** Warm calls after the first, in each first-invocation process. */
export const WARM_CALLS = 10;

/** Per build: medians over the paired runs, in milliseconds. */
export interface ColdLoadResult {
  /** Median of (node -e require) - (node -e 0), each pair run back to back. */
  aboveNodeMs: number;
  /** Median wall time of `node -e require(index.js)`. */
  wallMs: number;
  /** Median time require() itself took, as the child measured it. */
  requireMs: number;
}

/**
 * Rotates a list, so each run starts with a different command and drifting load hits all alike.
 * @param items the commands
 * @param by how far
 * @returns a rotated copy
 */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * (a) Cold load: per run, `node -e 0` and `node -e "require(index.js)"` for every build, in an order
 * that rotates from run to run; the cost of a build is the median of its per-run difference to
 * `node -e 0`. The child checks that the module exports a handler, and calls nothing.
 * @param builds the builds to load
 * @param runs paired runs
 * @param env the function's environment
 * @returns the results by build label, and the median of `node -e 0`
 */
export function coldLoad(
  builds: readonly BenchBuild[],
  runs: number,
  env: Record<string, string>,
): { baselineMs: number; results: Map<string, ColdLoadResult> } {
  const loadScript = (dir: string): string =>
    `const t=process.hrtime.bigint();const m=require(${JSON.stringify(path.join(dir, 'index.js'))});` +
    `if(typeof m.handler!=='function')process.exit(3);` +
    `process.stdout.write('\\n${RESULT_MARK}'+Number(process.hrtime.bigint()-t)/1e6);`;
  const timeRun = (args: string[]): { wallMs: number; stdout: string } => {
    const start = process.hrtime.bigint();
    const res = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    const wallMs = msSince(start);
    if (res.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${res.stderr}`);
    return { wallMs, stdout: res.stdout };
  };
  const commands = [
    { label: 'node -e 0', args: ['-e', '0'] },
    ...builds.map((b) => ({ label: b.label, args: ['-e', loadScript(b.tokenDir)] })),
  ];
  for (const c of commands) timeRun(c.args); // warm the file system cache
  const wall = new Map<string, number[]>(commands.map((c) => [c.label, []]));
  const diffs = new Map<string, number[]>(builds.map((b) => [b.label, []]));
  const requireMs = new Map<string, number[]>(builds.map((b) => [b.label, []]));
  for (let i = 0; i < runs; i++) {
    const times = new Map<string, number>();
    for (const c of rotate(commands, i)) {
      const run = timeRun(c.args);
      times.set(c.label, run.wallMs);
      wall.get(c.label)!.push(run.wallMs);
      if (c.label !== 'node -e 0') requireMs.get(c.label)!.push(resultOf(run.stdout));
    }
    for (const b of builds) diffs.get(b.label)!.push(times.get(b.label)! - times.get('node -e 0')!);
  }
  const results = new Map<string, ColdLoadResult>();
  for (const b of builds) {
    results.set(b.label, {
      aboveNodeMs: median(diffs.get(b.label)!),
      wallMs: median(wall.get(b.label)!),
      requireMs: median(requireMs.get(b.label)!),
    });
  }
  return { baselineMs: median(wall.get('node -e 0')!), results };
}

/**
 * @param stdout a child's output
 * @returns the value on its result line
 */
function resultOf<T = number>(stdout: string): T {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (line === undefined) throw new Error(`no result line in: ${stdout.slice(0, 500)}`);
  return JSON.parse(line.slice(RESULT_MARK.length)) as T;
}

/** Per build: medians over the paired runs, in milliseconds. */
export interface FirstInvocationResult {
  /** require() of the bundle. */
  loadMs: number;
  /** The first handler call, from require()'s return to its response. */
  firstMs: number;
  /** The median of the {@link WARM_CALLS} calls after the first, in the same process. */
  warmMs: number;
  /** From the process's start (performance.timeOrigin) to the first response. */
  sinceStartMs: number;
}

/**
 * (c) First invocation: in a fresh process per run and build (order alternating), require the
 * bundle, then call the exported handler with a token request that the stub endpoint lets succeed
 * (DynamoDB GetItem, KMS GetPublicKey and Sign, argon2id on this CPU): once cold, then
 * {@link WARM_CALLS} times warm, through the same AWS client. Runs are asynchronous so that the
 * stub, in this process, can answer.
 * @param builds the builds
 * @param runs paired runs
 * @param env the function's environment, AWS_ENDPOINT_URL pointing at the stub
 * @param event the token request (API Gateway proxy event)
 * @returns the results by build label
 */
export async function firstInvocation(
  builds: readonly BenchBuild[],
  runs: number,
  env: Record<string, string>,
  event: unknown,
): Promise<Map<string, FirstInvocationResult>> {
  const script = (dir: string): string => `
    const ms = (a, b) => Number(b - a) / 1e6;
    const t0 = process.hrtime.bigint();
    const { handler } = require(${JSON.stringify(path.join(dir, 'index.js'))});
    const t1 = process.hrtime.bigint();
    const event = ${JSON.stringify(event)};
    const call = async () => {
      const res = await handler(structuredClone(event));
      if (res.statusCode !== 200) {
        process.stderr.write('token request failed: ' + res.statusCode + ' ' + res.body);
        process.exit(4);
      }
    };
    (async () => {
      await call();
      const sinceStartMs = performance.now();
      const t2 = process.hrtime.bigint();
      const warm = [];
      for (let i = 0; i < ${WARM_CALLS}; i++) {
        const t = process.hrtime.bigint();
        await call();
        warm.push(ms(t, process.hrtime.bigint()));
      }
      warm.sort((a, b) => a - b);
      const warmMs = (warm[(warm.length - 1) >> 1] + warm[warm.length >> 1]) / 2;
      process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify({
        loadMs: ms(t0, t1), firstMs: ms(t1, t2), warmMs, sinceStartMs,
      }));
      process.exit(0);
    })().catch((err) => { console.error(err); process.exit(5); });`;
  const run = (dir: string): Promise<FirstInvocationResult> =>
    new Promise((resolve, reject) => {
      execFile(process.execPath, ['-e', script(dir)], { env }, (err, stdout, stderr) => {
        if (err) reject(new Error(`first invocation in ${dir} failed: ${err.message} ${stderr}`));
        else resolve(resultOf<FirstInvocationResult>(stdout));
      });
    });
  const samples = new Map<string, FirstInvocationResult[]>(builds.map((b) => [b.label, []]));
  for (const b of builds) await run(b.tokenDir); // warm the file system cache
  for (let i = 0; i < runs; i++) {
    for (const b of rotate(builds, i)) samples.get(b.label)!.push(await run(b.tokenDir));
  }
  return mediansOf(samples);
}

/**
 * @param samples per label, the runs' results
 * @returns per label, the median of every field
 */
export function mediansOf<T extends object>(samples: Map<string, T[]>): Map<string, T> {
  const out = new Map<string, T>();
  for (const [label, runs] of samples) {
    const keys = Object.keys(runs[0] ?? {}) as (keyof T)[];
    out.set(
      label,
      Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k] as number))])) as T,
    );
  }
  return out;
}
