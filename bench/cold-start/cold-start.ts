// The token function's cold start, before (AWS SDK) and after (this checkout), side by side in one run: zip sizes, bare load above `node -e 0`, the first token issuance after the load, and the first response of a fresh --from-api worker.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { basicAuthorization } from '../../test/support/basic-auth';
import { toItem } from '../../tools/dev-adapters/client-item-dynamodb';
import { fmt, renderTable } from '../stats';
import { startAwsJsonStub } from './aws-json-stub';
import { beforeCommit, buildAfter, buildBefore, hostArch, type BenchBuild } from './builds';
import { coldLoad, firstInvocation, WARM_CALLS } from './measure-process';
import { fromApiWorker } from './measure-worker';

/** The issue's goal: the after bundle loads at most this many ms above `node -e 0`. */
export const COLD_LOAD_GOAL_MS = 25;

/** One line of the final summary: measure, after, before, after/before, goal; or a note of one cell. */
export type SummaryRow = readonly string[];

/** What the cold-start part needs from the rest of the benchmark. */
export interface ColdStartSettings {
  root: string;
  /** Scratch directory (removed by the caller). */
  tmp: string;
  /** Paired runs of each measurement. */
  runs: number;
  issuer: string;
}

const kib = (bytes: number): string => fmt(bytes / 1024);

/**
 * @param measure what the row shows
 * @param after the after value
 * @param before the before value, undefined when the before build is skipped
 * @param goal the goal and verdict, if any
 * @param show how to print a value (default one decimal)
 * @returns the summary row, with after/before to two decimals
 */
function compareRow(
  measure: string,
  after: number,
  before: number | undefined,
  goal = '',
  show: (n: number) => string = (n) => fmt(n),
): SummaryRow {
  const ratio = before === undefined ? '-' : fmt(after / before, 2);
  return [measure, show(after), before === undefined ? '-' : show(before), ratio, goal];
}

/**
 * A client with a secret, the KMS key behind the stub, the stub itself, and the environments.
 * @param settings scratch directory and issuer
 * @returns the stub, the function's variables, the local AWS settings, and the token request
 */
async function fixture(settings: ColdStartSettings) {
  const secret = randomBytes(32).toString('base64url');
  const now = new Date().toISOString();
  const item = toItem({
    client_id: 'bench-client',
    name: 'bench',
    status: 'active',
    secrets: [{ hash: await new Argon2PasswordHasher().hash(secret), created_at: now }],
    scopes: ['orders:read'],
    audiences: ['https://api.example.com'],
    created_at: now,
    updated_at: now,
    version: 1,
  });
  const keyId = 'alias/bench';
  const stub = await startAwsJsonStub({
    items: new Map([['bench-client', item]]),
    signingKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    keyId,
  });
  // What Terraform sets on the token function (docs/deploy.md lists every variable). With
  // BENCH_TELEMETRY=1, as Terraform deploys it: metrics on (a namespace) and INFO logs (the audit
  // lines), written to the children's stdout, which the bench reads past; by default both are off,
  // so only the function's own work is timed.
  const telemetry = process.env.BENCH_TELEMETRY === '1';
  const functionEnv = {
    ISSUER: settings.issuer,
    DEFAULT_AUDIENCE: 'local',
    CLIENTS_TABLE: 'bench-clients',
    SIGNING_KEY_ID: keyId,
    POWERTOOLS_LOG_LEVEL: telemetry ? 'INFO' : 'SILENT',
    LOG_LEVEL: telemetry ? 'INFO' : 'SILENT',
    ...(telemetry
      ? { POWERTOOLS_METRICS_NAMESPACE: 'bench', POWERTOOLS_SERVICE_NAME: 'token' }
      : {}),
  };
  // This machine's AWS settings: the stub, dummy credentials, and no shared config files or
  // instance metadata to look up (a Lambda sandbox has neither). The SDK's notice that it will
  // need Node.js 22 is turned off: each fresh --from-api worker would print it (this process's
  // stderr); it is one process.emitWarning per cold start.
  const missing = path.join(settings.tmp, 'no-aws-config');
  const awsEnv = {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL: stub.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHSTUB0000000',
    AWS_SECRET_ACCESS_KEY: 'bench-stub-secret-not-checked',
    AWS_CONFIG_FILE: missing,
    AWS_SHARED_CREDENTIALS_FILE: missing,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const event = {
    resource: '/oauth2/token',
    path: '/oauth2/token',
    httpMethod: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: basicAuthorization('bench-client', secret),
    },
    body: 'grant_type=client_credentials&scope=orders:read',
    isBase64Encoded: false,
  };
  return { stub, functionEnv, awsEnv, event };
}

/**
 * Builds both sides, prints each measurement's own table, and returns the summary rows.
 * @param settings root, scratch directory, runs, issuer
 * @returns rows for the final summary
 */
export async function coldStart(settings: ColdStartSettings): Promise<SummaryRow[]> {
  const arch = hostArch();
  const buildSettings = {
    root: settings.root,
    outDir: path.join(settings.tmp, 'cold-start'),
    arch,
    log: (line: string) => console.log(`  ${line}`),
  };
  console.log(`\nCold start of the token function: builds for ${arch}, this machine`);
  const after = await buildAfter(buildSettings);
  const before = await buildBefore(buildSettings);
  if ('skipped' in after) {
    console.log(`after: skipped: ${after.skipped}; no cold-start measurements`);
    return [];
  }
  const builds: BenchBuild[] = [after.build];
  console.log(`after : ${after.build.source}`);
  if ('skipped' in before) {
    console.log(`before: the before row is skipped: ${before.skipped}`);
  } else {
    builds.push(before.build);
    console.log(`before: ${before.build.source}`);
  }
  const beforeBuild = 'build' in before ? before.build : undefined;
  const rows: SummaryRow[] = [];

  // (b) Zip sizes.
  console.log(
    `\nZip sizes (${arch} zips, as \`npm run build -- --arch ${arch}\` writes them; ` +
      'other architectures differ only in the argon2 binary, the same in both builds)',
  );
  const sizeRows: string[][] = [];
  for (const name of after.build.functions.keys()) {
    for (const b of builds) {
      const f = b.functions.get(name);
      if (f) sizeRows.push([name, b.label, String(f.zipBytes), kib(f.zipBytes), kib(f.codeBytes)]);
    }
    const a = after.build.functions.get(name)!;
    const o = beforeBuild?.functions.get(name);
    rows.push(compareRow(`${name}.zip, KiB`, a.zipBytes, o?.zipBytes, '', kib));
  }
  const sizeHeader = ['function', 'build', 'zip bytes', 'zip KiB', 'index.js KiB'];
  console.log(renderTable(sizeHeader, sizeRows).join('\n'));

  const { stub, functionEnv, awsEnv, event } = await fixture(settings);
  try {
    const processEnv = { PATH: process.env.PATH ?? '', ...functionEnv, ...awsEnv };

    // (a) Cold load above node -e 0.
    const load = coldLoad(builds, settings.runs, processEnv);
    console.log(
      `\nCold load: node -e "require(index.js)" of the unpacked token zip against node -e 0, ` +
        `${settings.runs} paired runs (order rotating each run); the module builds its clients, calls nothing`,
    );
    const loadRows = builds.map((b) => {
      const r = load.results.get(b.label)!;
      return [b.label, fmt(load.baselineMs), fmt(r.wallMs), fmt(r.requireMs), fmt(r.aboveNodeMs)];
    });
    const loadHeader = ['build', 'node -e 0 ms', 'require run ms', 'require() ms', 'above node ms'];
    console.log(renderTable(loadHeader, loadRows).join('\n'));
    const aboveAfter = load.results.get('after')!.aboveNodeMs;
    const aboveBefore = load.results.get('before')?.aboveNodeMs;
    const verdict = aboveAfter <= COLD_LOAD_GOAL_MS ? 'OK' : 'ABOVE GOAL';
    console.log(
      `cold load of the after bundle above node -e 0 = ${fmt(aboveAfter)} ms ` +
        `(goal <= ${COLD_LOAD_GOAL_MS} ms): ${verdict}`,
    );
    rows.unshift(
      compareRow(
        `cold load above node -e 0, ms (median of ${settings.runs} pairs)`,
        aboveAfter,
        aboveBefore,
        `<= ${COLD_LOAD_GOAL_MS}: ${verdict}`,
      ),
    );

    // (c) First invocation after the load.
    const first = await firstInvocation(builds, settings.runs, processEnv, event);
    console.log(
      `\nFirst invocation: a fresh process per run loads the bundle, then issues a token ` +
        `(client_secret_basic) once cold and ${WARM_CALLS} times warm; DynamoDB GetItem and KMS GetPublicKey/Sign answered by a stub ` +
        `on ${stub.endpoint} (AWS_ENDPOINT_URL); medians of ${settings.runs} paired runs, ms`,
    );
    const firstRows = builds.map((b) => {
      const r = first.get(b.label)!;
      return [b.label, fmt(r.loadMs), fmt(r.firstMs), fmt(r.warmMs), fmt(r.sinceStartMs)];
    });
    const firstHeader = ['build', 'require()', 'first call', 'warm call', 'start to 1st token'];
    console.log(renderTable(firstHeader, firstRows).join('\n'));
    const served = [...stub.counts].map(([op, n]) => `${op} x${n}`).join(', ');
    console.log(`stub served so far: ${served}`);
    const fa = first.get('after')!;
    const fb = first.get('before');
    const perSecond = (warmMs: number): number => 1000 / warmMs;
    rows.push(
      compareRow('first call after the load, ms', fa.firstMs, fb?.firstMs),
      compareRow('process start to first token, ms', fa.sinceStartMs, fb?.sinceStartMs),
      compareRow(
        'warm tokens/s through the AWS client (stub)',
        perSecond(fa.warmMs),
        fb && perSecond(fb.warmMs),
        'not below before',
      ),
    );

    // (e) A fresh --from-api worker.
    const localEnv = { PATH: process.env.PATH ?? '', ...awsEnv };
    const worker = await fromApiWorker(builds, settings.runs, functionEnv, localEnv, event);
    console.log(
      `\n--from-api worker: a new LambdaWorker (tools/from-api) per run on the unpacked token zip, ` +
        `with the environment --from-api builds, invoked once; medians of ${settings.runs} paired runs, ms`,
    );
    const workerRows = builds.map((b) => {
      const r = worker.get(b.label)!;
      return [b.label, fmt(r.startMs), fmt(r.firstMs), fmt(r.totalMs)];
    });
    const workerHeader = ['build', 'worker start', 'first invoke', 'new worker to 1st token'];
    console.log(renderTable(workerHeader, workerRows).join('\n'));
    const wa = worker.get('after')!;
    const wb = worker.get('before');
    rows.push(
      compareRow('--from-api worker: new worker to first token, ms', wa.totalMs, wb?.totalMs),
    );
  } finally {
    await stub.close();
  }
  if ('skipped' in before) rows.push([`before (${beforeCommit()}) skipped: ${before.skipped}`]);
  fs.rmSync(buildSettings.outDir, { recursive: true, force: true });
  return rows;
}
