// `npm run bench:authorizer`: the REQUEST authorizer (verify + per-route decision) against raw crypto.verify, jose, aws-jwt-verify and fast-jwt, DPoP and the verified-token cache (authorizer-dpop.ts, token-cache-memory.ts), the revocation check's warm overhead (cache hit, and miss against moto), bundle cold load (with revocation off and on, against an SDK DynamoDB client), and the configuration storage: cold load and first decision with the small map and the 1,200-route map, warm decision with both (authorizer-config.ts).
import { AwsJsonClient, DYNAMODB } from '../functions/shared/aws/json-client';
import { configurationBench } from './authorizer-config';
import { dpopBench } from './authorizer-dpop';
import { quantile, timeRound, type Contender } from './rounds';
import { tokenCacheMemory } from './token-cache-memory';
import { REVOCATION_READ_BUDGET } from '../functions/shared/limits';
import { spawnSync } from 'node:child_process';
import {
  generateKeyPairSync,
  randomUUID,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { build as esbuild } from 'esbuild';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbRevocationStateSource } from '../functions/authorizer/adapters/revocation-state-dynamodb';
import { startMoto } from '../test/support/moto';
import { findTool } from '../test/support/tools';
import { JwtVerifier } from 'aws-jwt-verify';
import { createVerifier } from 'fast-jwt';
import { createAuthorizerHandler } from '../functions/authorizer/create-handler';
import type { AuthorizerConfig } from '../functions/authorizer/config';
import { loadTrustedKeys } from '../functions/authorizer/core/trusted-keys';
import { parseRouteMap } from '../functions/authorizer/core/route-map';
import type { SigningAlgorithm } from '../functions/shared/types';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';
const NOW_MS = 1_750_000_000_000;
const NOW = NOW_MS / 1000;
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123def4/prod/GET/orders/42';
const ROUTES = {
  'GET /orders/{id}': ['orders:read'],
  'POST /orders': ['orders:write'],
  'GET /health': [],
};
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 100);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 31);
/** Distinct tokens of each first-seen DPoP and Bearer stream (bench/authorizer-dpop.ts). */
const DPOP_POOL = Number(process.env.BENCH_DPOP_POOL ?? 256);
const ROOT = path.resolve(__dirname, '..');

interface Fixture {
  alg: SigningAlgorithm;
  pem: string;
  privateKey: KeyObject;
  token: string;
  contenders: Contender[];
  config: AuthorizerConfig;
  event: Parameters<ReturnType<typeof createAuthorizerHandler>>[0];
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

async function fixture(alg: SigningAlgorithm): Promise<Fixture> {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const keys = loadTrustedKeys([pem]);
  const trusted = [...keys.values()][0]!;
  const header = b64({ alg, typ: 'at+jwt', kid: trusted.kid });
  const payload = b64({
    iss: ISSUER,
    sub: 'client-1234',
    client_id: 'client-1234',
    aud: AUDIENCE,
    iat: NOW - 60,
    nbf: NOW - 60,
    exp: NOW + 3600,
    jti: randomUUID(),
    scope: 'orders:read orders:write',
  });
  const signingInput = `${header}.${payload}`;
  const signature = cryptoSign(
    'sha256',
    Buffer.from(signingInput),
    alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey,
  );
  const token = `${signingInput}.${signature.toString('base64url')}`;

  // Floor: nothing but the signature check, with everything prepared.
  const floorInput = Buffer.from(signingInput);
  const floorKey =
    alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const } : publicKey;
  const floor = (): boolean => cryptoVerify('sha256', floorInput, floorKey, signature);

  const config: AuthorizerConfig = {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys,
    routes: parseRouteMap(ROUTES),
    clockSkewSeconds: 30,
    // These tables time the whole verification, as the libraries beside it do it: without the
    // verified-token cache, which would answer the repeated token from memory. The cache is timed
    // in authorizer-dpop.ts, with first-seen and repeated tokens.
    verifiedTokenCacheSize: 0,
  };
  const handler = createAuthorizerHandler({ config, clock: () => NOW_MS });
  // A REQUEST event as API Gateway sends it for GET /orders/42, with the headers a client and
  // CloudFront add ("Input to an Amazon API Gateway Lambda authorizer", REQUEST example).
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Encoding': 'gzip, deflate, br',
    Authorization: `Bearer ${token}`,
    'CloudFront-Forwarded-Proto': 'https',
    'CloudFront-Is-Desktop-Viewer': 'true',
    'CloudFront-Viewer-Country': 'DE',
    Host: 'abc123def4.execute-api.eu-west-1.amazonaws.com',
    'User-Agent': 'orders-client/1.4',
    Via: '2.0 0123456789abcdef.cloudfront.net (CloudFront)',
    'X-Amz-Cf-Id': 'cf-id-0123456789',
    'X-Amzn-Trace-Id': 'Root=1-67890abc-0123456789abcdef01234567',
    'X-Forwarded-For': '203.0.113.7, 198.51.100.2',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  const event = {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/orders/{id}',
    path: '/orders/42',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id: '42' },
    stageVariables: null,
    requestContext: {
      resourcePath: '/orders/{id}',
      httpMethod: 'GET',
      stage: 'prod',
      apiId: 'abc123def4',
    },
  } as unknown as Parameters<typeof handler>[0];

  const jose = await import('jose');
  const joseKey = await jose.importSPKI(pem, alg);
  const joseOptions = {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: [alg],
    typ: 'at+jwt',
    clockTolerance: 30,
    currentDate: new Date(NOW_MS),
    requiredClaims: ['exp', 'iat', 'sub', 'jti'],
  };

  const jwk = {
    ...(publicKey as KeyObject).export({ format: 'jwk' }),
    kid: trusted.kid,
    alg,
    use: 'sig',
  };
  const ajv = JwtVerifier.create({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: 'https://auth.example.com/.well-known/jwks.json',
  });
  ajv.cacheJwks({ keys: [jwk] } as Parameters<typeof ajv.cacheJwks>[0]);
  // aws-jwt-verify reads the clock itself; the token is valid for an hour around NOW only, so
  // it gets a token valid now (same size and shape).
  const liveToken = liveTokenFor(alg, privateKey, trusted.kid);

  const fastJwt = createVerifier({
    key: pem,
    algorithms: [alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    clockTimestamp: NOW_MS,
    clockTolerance: 30_000,
    cache: false,
  });

  // Sanity: every contender accepts its token before we time it.
  if (!floor()) throw new Error('floor rejects');
  const decided = await handler(event);
  if (decided.policyDocument.Statement[0].Effect !== 'Allow') throw new Error('handler denies');
  await jose.jwtVerify(token, joseKey, joseOptions);
  ajv.verifySync(liveToken);
  fastJwt(token);

  return {
    alg,
    pem,
    privateKey,
    token,
    config,
    event: event as never,
    contenders: [
      { name: 'floor (crypto.verify)', run: floor, isAsync: false },
      { name: 'this handler', run: () => handler(event), isAsync: true },
      {
        name: 'jose jwtVerify',
        run: () => jose.jwtVerify(token, joseKey, joseOptions),
        isAsync: true,
      },
      { name: 'aws-jwt-verify', run: () => ajv.verifySync(liveToken), isAsync: false },
      { name: 'fast-jwt', run: () => fastJwt(token), isAsync: false },
    ],
  };
}

function liveTokenFor(alg: SigningAlgorithm, privateKey: KeyObject, kid: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg, typ: 'at+jwt', kid });
  const payload = b64({
    iss: ISSUER,
    sub: 'client-1234',
    client_id: 'client-1234',
    aud: AUDIENCE,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 36_000,
    jti: randomUUID(),
    scope: 'orders:read orders:write',
  });
  const input = `${header}.${payload}`;
  const sig = cryptoSign(
    'sha256',
    Buffer.from(input),
    alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey,
  );
  return `${input}.${sig.toString('base64url')}`;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Median ops/s of each contender, the median of its per-round ratios to the floor, and their
 * spread (interquartile range over rounds); for the handler also its per-round lead over the best
 * library peer of that round.
 */
interface Result {
  ops: number;
  ratio: number;
  spread: number;
  lead?: { median: number; min: number };
}

const FLOOR = 'floor (crypto.verify)';
const HANDLER = 'this handler';

/**
 * Interleaved rounds: each round runs every contender once, in rotating order, after a warm-up.
 * Ratios are taken within a round (against the floor measured moments before or after), then
 * the median over rounds, so load from other tenants of this shared machine cancels out.
 */
async function measure(fx: Fixture): Promise<Map<string, Result>> {
  for (const c of fx.contenders) await timeRound(c, ROUND_MS);
  const samples = new Map<string, number[]>(fx.contenders.map((c) => [c.name, []]));
  const ratios = new Map<string, number[]>(fx.contenders.map((c) => [c.name, []]));
  const leads: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = fx.contenders.map((_, i) => fx.contenders[(i + round) % fx.contenders.length]!);
    const thisRound = new Map<string, number>();
    for (const c of order) thisRound.set(c.name, await timeRound(c, ROUND_MS));
    const floor = thisRound.get(FLOOR)!;
    for (const [name, ops] of thisRound) {
      samples.get(name)!.push(ops);
      ratios.get(name)!.push(ops / floor);
    }
    const peers = [...thisRound].filter(([name]) => name !== FLOOR && name !== HANDLER);
    leads.push((thisRound.get(HANDLER)! - Math.max(...peers.map(([, ops]) => ops))) / floor);
  }
  return new Map(
    [...samples].map(([name, values]) => {
      const r = ratios.get(name)!;
      return [
        name,
        {
          ops: median(values),
          ratio: median(r),
          spread: quantile(r, 0.75) - quantile(r, 0.25),
          ...(name === HANDLER ? { lead: { median: median(leads), min: Math.min(...leads) } } : {}),
        },
      ];
    }),
  );
}

function printTable(alg: string, results: Map<string, Result>): number {
  console.log(
    `\n${alg} (${ROUNDS} interleaved rounds of ${ROUND_MS} ms; ops/s median, ratio = median of per-round ratios)`,
  );
  console.log(
    `${'verifier'.padEnd(24)}${'ops/s'.padStart(12)}${'ratio'.padStart(9)}${'IQR'.padStart(7)}`,
  );
  for (const [name, { ops, ratio, spread }] of results) {
    console.log(
      `${name.padEnd(24)}${Math.round(ops).toString().padStart(12)}${ratio.toFixed(2).padStart(9)}${spread.toFixed(2).padStart(7)}`,
    );
  }
  const handler = results.get(HANDLER)!;
  console.log(
    `lead of the handler over the best peer, per round (fraction of the floor): median ${handler.lead!.median.toFixed(2)}, min ${handler.lead!.min.toFixed(2)}`,
  );
  return handler.ratio;
}

/** Finds or builds dist/authorizer.zip; returns its path or undefined when it cannot. */
function findBundle(): { zip: string; cleanup: () => void } | undefined {
  const dist = path.join(ROOT, 'dist', 'authorizer.zip');
  if (fs.existsSync(dist)) return { zip: dist, cleanup: () => undefined };
  const build = path.join(ROOT, 'scripts', 'build.ts');
  if (!fs.existsSync(build)) return undefined;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'authorizer-build-'));
  const result = spawnSync(
    'npx',
    ['tsx', build, '--arch', 'x86_64', '--out-dir', out, '--function', 'authorizer'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const zip = path.join(out, 'authorizer.zip');
  if (result.status !== 0 || !fs.existsSync(zip)) {
    console.log(
      `build failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`,
    );
    fs.rmSync(out, { recursive: true, force: true });
    return undefined;
  }
  return { zip, cleanup: () => fs.rmSync(out, { recursive: true, force: true }) };
}

function timeNode(args: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return ms;
}

/** Median of paired (node -e 0, node -e script) differences in `dir`, and both medians. */
function pairedCold(
  dir: string,
  script: string,
  env: NodeJS.ProcessEnv,
): { base: number; loaded: number; diff: number } {
  const empty: number[] = [];
  const load: number[] = [];
  const diffs: number[] = [];
  timeNode(['-e', '0'], dir, env);
  timeNode(['-e', script], dir, env);
  for (let i = 0; i < COLD_RUNS; i++) {
    // Pairs alternate which goes first; the difference is taken within each pair.
    const first = i % 2 === 0;
    const a = first ? timeNode(['-e', '0'], dir, env) : 0;
    const b = timeNode(['-e', script], dir, env);
    const c = first ? a : timeNode(['-e', '0'], dir, env);
    empty.push(c);
    load.push(b);
    diffs.push(b - c);
  }
  return { base: median(empty), loaded: median(load), diff: median(diffs) };
}

/**
 * The alternative the revocation adapter was measured against: a bundle (same esbuild settings as
 * scripts/build.ts: CJS, minified, node20) that loads @aws-sdk/client-dynamodb and builds a client.
 */
async function sdkClientBundle(dir: string): Promise<string> {
  const entry = path.join(dir, 'sdk-entry.js');
  fs.writeFileSync(
    entry,
    "const { DynamoDBClient, BatchGetItemCommand } = require('@aws-sdk/client-dynamodb');\n" +
      "module.exports = { client: new DynamoDBClient({ region: 'us-east-1' }), BatchGetItemCommand };\n",
  );
  const outfile = path.join(dir, 'sdk.js');
  await esbuild({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    outfile,
    nodePaths: [path.join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  return outfile;
}

async function coldLoad(fx: Fixture): Promise<void> {
  const { pem } = fx;
  console.log('\nCold load of the authorizer bundle');
  const bundle = findBundle();
  if (bundle === undefined) {
    console.log('skipped: dist/authorizer.zip is missing and scripts/build.ts could not build it');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authorizer-cold-'));
  try {
    const files = unzipSync(fs.readFileSync(bundle.zip));
    for (const [name, data] of Object.entries(files)) {
      if (name.endsWith('/')) continue;
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), data);
    }
    const env = {
      PATH: process.env.PATH,
      ISSUER,
      AUDIENCE,
      PUBLIC_KEYS_PEM: JSON.stringify([pem]),
      ROUTE_SCOPES: JSON.stringify(ROUTES),
      POWERTOOLS_SERVICE_NAME: 'authorizer',
    };
    const size = fs.statSync(bundle.zip).size;
    console.log(`zip ${bundle.zip} (${(size / 1024).toFixed(1)} KiB)`);
    const off = pairedCold(dir, "require('./index.js')", env);
    console.log(
      `revocation off: node -e 0: ${off.base.toFixed(1)} ms; require('./index.js'): ${off.loaded.toFixed(1)} ms; ` +
        `difference ${off.diff.toFixed(1)} ms (median of ${COLD_RUNS} paired runs; target < 20 ms)`,
    );
    const onEnv = {
      ...env,
      REVOCATION_CHECK: 'true',
      CLIENTS_TABLE: 'clients',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
    };
    const on = pairedCold(dir, "require('./index.js')", onEnv);
    console.log(
      `revocation on (the functions' own AWS client): difference ${on.diff.toFixed(1)} ms above node -e 0 (target < 60 ms)`,
    );
    const sdk = pairedCold(dir, `require(${JSON.stringify(await sdkClientBundle(dir))})`, env);
    console.log(
      `for comparison, a bundle of @aws-sdk/client-dynamodb with one client: ${sdk.diff.toFixed(1)} ms above node -e 0`,
    );
    console.log(
      `cold-load ratio, revocation on / SDK client alone: ${(on.diff / sdk.diff).toFixed(2)}`,
    );
    await configurationBench({
      dir,
      issuer: ISSUER,
      audience: AUDIENCE,
      pem,
      privateKey: fx.privateKey,
      smallRoutes: ROUTES,
      coldRuns: COLD_RUNS,
      rounds: ROUNDS,
      roundMs: ROUND_MS,
      nowMs: NOW_MS,
      warmToken: fx.token,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    bundle.cleanup();
  }
}

/**
 * Warm per-request cost of the revocation check, in interleaved rounds against the handler without
 * it: a cache hit (in-process), and a cache miss (C = 0: one BatchGetItem to moto on loopback).
 */
async function revocationOverhead(fx: Fixture): Promise<void> {
  console.log('\nRevocation check, warm (ES256, GET /orders/{id})');
  const config = fx.config;
  const event = fx.event;
  const hitHandler = createAuthorizerHandler({
    config: { ...config, revocation: { tableName: 't', cacheTtlSeconds: 3600, staleSeconds: 0 } },
    clock: () => NOW_MS,
    revocationSource: {
      read: async () => ({
        client: 'active',
        tokensNotBefore: undefined,
        jtiRevokedUntil: undefined,
      }),
    },
  });
  const plain = createAuthorizerHandler({ config, clock: () => NOW_MS });
  const contenders: Contender[] = [
    { name: 'no revocation check', run: () => plain(event), isAsync: true },
    { name: 'revocation, cache hit', run: () => hitHandler(event), isAsync: true },
  ];
  let stop = async (): Promise<void> => undefined;
  if (findTool('moto_server', 'MOTO_SERVER') !== undefined) {
    const moto = await startMoto({ setProcessEnv: false });
    stop = moto.stop;
    const dynamo = new DynamoDBClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'clients',
        AttributeDefinitions: [{ AttributeName: 'client_id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'client_id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await dynamo.send(
      new PutItemCommand({
        TableName: 'clients',
        Item: { client_id: { S: 'client-1234' }, status: { S: 'active' } },
      }),
    );
    dynamo.destroy();
    const missHandler = createAuthorizerHandler({
      config: {
        ...config,
        revocation: { tableName: 'clients', cacheTtlSeconds: 0, staleSeconds: 0 },
      },
      clock: () => NOW_MS,
      revocationSource: new DynamoDbRevocationStateSource({
        tableName: 'clients',
        client: new AwsJsonClient({
          service: DYNAMODB,
          region: 'us-east-1',
          endpoint: moto.endpoint,
          credentials: () => ({ accessKeyId: 'x', secretAccessKey: 'x' }),
          budget: { ...REVOCATION_READ_BUDGET, operationBudgetMs: 5000 },
        }),
      }),
    });
    contenders.push({
      name: 'revocation, cache miss (moto)',
      run: () => missHandler(event),
      isAsync: true,
    });
  } else {
    console.log('cache miss skipped: moto_server not found');
  }
  try {
    const ratios = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    const ops = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (const c of contenders) await timeRound(c, 50);
    for (let round = 0; round < ROUNDS; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      const perRound = new Map<string, number>();
      for (const c of order) perRound.set(c.name, await timeRound(c, ROUND_MS));
      const base = perRound.get(contenders[0]!.name)!;
      for (const [name, value] of perRound) {
        ops.get(name)!.push(value);
        ratios.get(name)!.push(base / value);
      }
    }
    for (const c of contenders) {
      const r = median(ratios.get(c.name)!);
      const perCallUs = 1e6 / median(ops.get(c.name)!);
      console.log(
        `${c.name.padEnd(32)} ${perCallUs.toFixed(1).padStart(8)} µs/call  time ratio ${r.toFixed(3)}` +
          (c.name === 'revocation, cache hit'
            ? `  (overhead ${((r - 1) * 100).toFixed(1)}%; target < 5%)`
            : ''),
      );
    }
  } finally {
    await stop();
  }
}

async function main(): Promise<void> {
  const es = await fixture('ES256');
  const rs = await fixture('RS256');
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}; token ${rs.token.length} chars (RS256, the default), ${es.token.length} (ES256)`,
  );
  console.log('aws-jwt-verify verifies a same-shape token valid now (it reads the clock itself).');
  // RS256 first: it is the default (KMS RSA_2048); ES256 is the option.
  const rsRatio = printTable('RS256', await measure(rs));
  const esRatio = printTable('ES256', await measure(es));
  const dpop = await dpopBench({ rounds: ROUNDS, roundMs: ROUND_MS, pool: DPOP_POOL });
  tokenCacheMemory(1000);
  await revocationOverhead(rs);
  await coldLoad(rs);
  for (const d of dpop) {
    console.log(
      `dpop ${d.alg}: DPoP/Bearer first-seen=${d.dpopToBearer.firstSeen.toFixed(2)} repeated=${d.dpopToBearer.repeated.toFixed(2)}; ` +
        `DPoP/floor1 first-seen=${d.dpopToFloor1.firstSeen.toFixed(2)} repeated=${d.dpopToFloor1.repeated.toFixed(2)}`,
    );
  }
  console.log(`ratio-to-floor RS256=${rsRatio.toFixed(2)} ES256=${esRatio.toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
