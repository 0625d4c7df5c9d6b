// The first response of a fresh `npm start -- --from-api` worker: the tool's own LambdaWorker on the unpacked token zip, with the environment the tool builds, against the stub endpoint (no Terraform, no deployed API).
import type { Context } from 'aws-lambda';
import { checkNativeAddons } from '../../tools/from-api/artifacts';
import { functionEnvironment, type DeployedFunction } from '../../tools/from-api/deployed-function';
import { LambdaWorker } from '../../tools/from-api/lambda-worker';
import { msSince } from '../stats';
import type { BenchBuild } from './builds';
import { mediansOf, rotate } from './measure-process';

/** Per build: medians over the paired runs, in milliseconds. */
export interface WorkerColdResult {
  /** LambdaWorker.start(): the worker thread and the bundle's load (the tool's cold start). */
  startMs: number;
  /** The first invoke after the start, to its response. */
  firstMs: number;
  /** From `new LambdaWorker` to the first response. */
  totalMs: number;
}

/**
 * (e) Per run and build (order alternating), a new LambdaWorker on the build's unpacked token zip,
 * started and invoked once with the token request, then stopped. The worker's environment is
 * functionEnvironment's: the Lambda runtime's variables, the function's variables, then the local
 * AWS settings (the stub's endpoint and dummy credentials), as `--from-api` passes them.
 * @param builds the builds
 * @param runs paired runs
 * @param functionEnv the function's own variables (what Terraform would deploy)
 * @param localEnv this machine's settings passed through (AWS_*, PATH)
 * @param event the token request
 * @returns the results by build label
 */
export async function fromApiWorker(
  builds: readonly BenchBuild[],
  runs: number,
  functionEnv: Record<string, string>,
  localEnv: Record<string, string>,
  event: unknown,
): Promise<Map<string, WorkerColdResult>> {
  const deployed = (b: BenchBuild): DeployedFunction => ({
    arn: `arn:aws:lambda:us-east-1:123456789012:function:bench-token-${b.label}`,
    name: `bench-token-${b.label}`,
    handler: 'index.handler',
    runtime: 'nodejs20.x',
    codeSha256: '',
    architecture: process.arch === 'arm64' ? 'arm64' : 'x86_64',
    environment: functionEnv,
    timeoutSeconds: 10,
    memoryMb: 512,
    region: 'us-east-1',
  });
  const once = async (b: BenchBuild, i: number): Promise<WorkerColdResult> => {
    const fn = deployed(b);
    const worker = new LambdaWorker({
      name: fn.name,
      arn: fn.arn,
      dir: b.tokenDir,
      handler: fn.handler,
      env: functionEnvironment(fn, b.tokenDir, localEnv),
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
    });
    try {
      const t0 = process.hrtime.bigint();
      await worker.start();
      const startMs = msSince(t0);
      const t1 = process.hrtime.bigint();
      const res = (await worker.invoke(event, { awsRequestId: `bench-${i}` } as Context)) as {
        statusCode: number;
        body: string;
      };
      const firstMs = msSince(t1);
      if (res.statusCode !== 200) {
        throw new Error(`from-api worker (${b.label}): ${res.statusCode} ${res.body}`);
      }
      return { startMs, firstMs, totalMs: msSince(t0) };
    } finally {
      await worker.stop();
    }
  };
  for (const b of builds) checkNativeAddons(deployed(b), b.tokenDir);
  const samples = new Map<string, WorkerColdResult[]>(builds.map((b) => [b.label, []]));
  for (const b of builds) await once(b, -1); // warm the file system cache
  for (let i = 0; i < runs; i++) {
    for (const b of rotate(builds, i)) samples.get(b.label)!.push(await once(b, i));
  }
  return mediansOf(samples);
}
