// `npm run bench:authorizer`, configuration storage: the bundle's cold load and first decision with today's small map (plain variables, and inline as AUTHORIZER_CONFIG) and with the 1,200-route map in its table item (GetItem served by a local AWS JSON stub), and the warm decision with both maps side by side.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { createAuthorizerHandler } from '../functions/authorizer/create-handler';
import { decodeConfigDocument } from '../functions/authorizer/core/config-document';
import { loadTrustedKeys } from '../functions/authorizer/core/trusted-keys';
import { AUTHORIZER_CONFIG_MAX_JSON_BYTES } from '../functions/shared/limits';
import { encodeConfig, largeRouteMap } from '../test/support/large-route-map';
import { startAwsJsonStub } from './cold-start/aws-json-stub';
import { fmt, median, renderTable } from './stats';

const run = promisify(execFile);

/** What the configuration bench needs from the authorizer bench. */
export interface ConfigBenchSettings {
  /** The unpacked authorizer bundle. */
  dir: string;
  issuer: string;
  audience: string;
  /** The RS256 key pair that signs the tokens (its PEM is the first trusted key). */
  pem: string;
  privateKey: KeyObject;
  /** The small map, today's (`ROUTES` of the authorizer bench). */
  smallRoutes: Record<string, string[]>;
  /** Paired cold runs, interleaved warm rounds and their length. */
  coldRuns: number;
  rounds: number;
  roundMs: number;
  /** The warm handlers' clock and a token valid at it, scope `orders:read` (fixture of the bench). */
  nowMs: number;
  warmToken: string;
}

/** The route every small-map decision is about, and the scope that allows it. */
const SMALL_ROUTE = { method: 'GET', resource: '/orders/{id}', path: '/orders/42' };

/** A REQUEST event of API Gateway for a route, with the token. */
function requestEvent(method: string, resource: string, token: string): unknown {
  const path = resource.replace('{id}', '42');
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123def4/prod/${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers: { Authorization: `Bearer ${token}` },
    multiValueHeaders: { Authorization: [`Bearer ${token}`] },
    requestContext: { resourcePath: resource, httpMethod: method, stage: 'prod' },
  };
}

/** An RS256 access token valid now (the bundle reads the real clock). */
function liveToken(s: ConfigBenchSettings, kid: string, scope: string): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'RS256', typ: 'at+jwt', kid })}.${b64({
    iss: s.issuer,
    sub: 'client-1234',
    client_id: 'client-1234',
    aud: s.audience,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 36_000,
    jti: randomUUID(),
    scope,
  })}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), s.privateKey).toString('base64url')}`;
}

/** One way to configure the bundle. */
interface Variant {
  name: string;
  /** Encoded size of its configuration (base64 of gzip), when it has a document. */
  encodedBytes?: number;
  env: Record<string, string>;
}

/** Child scripts: the bare load, and the load plus one decision (it must be an Allow). */
const LOAD = "require('./index.js')";
const FIRST =
  "const m=require('./index.js');m.handler(JSON.parse(process.env.BENCH_EVENT)).then(" +
  "(r)=>{if(r.policyDocument.Statement[0].Effect!=='Allow'){console.error('not allowed');process.exit(2)}process.exit(0)}," +
  '(e)=>{console.error(e.message);process.exit(3)})';

/**
 * Runs `node -e script` in the bundle's directory (asynchronously, so the stub in this process
 * answers the child's GetItem).
 * @returns wall time in ms
 */
async function timeNode(dir: string, script: string, env: Record<string, string>): Promise<number> {
  const start = process.hrtime.bigint();
  try {
    await run(process.execPath, ['-e', script], { cwd: dir, env });
  } catch (err) {
    throw new Error(`node -e failed: ${(err as { stderr?: string }).stderr ?? err}`);
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Cold load and first decision of each variant, as medians of per-run differences to `node -e 0`
 * (each run: `node -e 0`, then each variant's load and load-plus-decision, in rotating order).
 */
async function coldRows(s: ConfigBenchSettings, variants: Variant[]): Promise<string[][]> {
  const base = { PATH: process.env.PATH ?? '' };
  const loads = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const firsts = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (const v of variants) await timeNode(s.dir, FIRST, { ...base, ...v.env }); // warm the disk cache
  for (let i = 0; i < s.coldRuns; i++) {
    const empty = await timeNode(s.dir, '0', base);
    const order = variants.map((_, k) => variants[(k + i) % variants.length] as Variant);
    for (const v of order) {
      const env = { ...base, ...v.env };
      loads.get(v.name)?.push((await timeNode(s.dir, LOAD, env)) - empty);
      firsts.get(v.name)?.push((await timeNode(s.dir, FIRST, env)) - empty);
    }
  }
  return variants.map((v) => {
    const load = median(loads.get(v.name) ?? []);
    const first = median(firsts.get(v.name) ?? []);
    return [
      v.name,
      v.encodedBytes === undefined ? '-' : String(v.encodedBytes),
      fmt(load),
      fmt(first - load),
      fmt(first),
    ];
  });
}

/** Operations per second of an async call, for about `ms`. */
async function opsPerSecond(call: () => Promise<unknown>, ms: number): Promise<number> {
  const budget = BigInt(ms) * 1_000_000n;
  const start = process.hrtime.bigint();
  let ops = 0;
  let elapsed = 0n;
  do {
    for (let i = 0; i < 64; i++) await call();
    ops += 64;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  return (ops * 1e9) / Number(elapsed);
}

/**
 * Prints the configuration storage's cold costs and the warm decision with both maps.
 * @param s the bundle, keys, tokens and run counts
 */
export async function configurationBench(s: ConfigBenchSettings): Promise<void> {
  console.log('\nConfiguration storage (docs/authorizer.md, "Where the configuration lives")');
  const secondPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ format: 'pem', type: 'spki' })
    .toString();
  const kid = [...loadTrustedKeys([s.pem]).keys()][0] as string;
  const large = largeRouteMap();
  const middle = (large.routes[600] as string).split(' ') as [string, string];
  const largeRoutes = { ...large.routeScopes, ...s.smallRoutes };
  const small = encodeConfig([s.pem], s.smallRoutes);
  const big = encodeConfig([s.pem, secondPem], largeRoutes);
  const stub = await startAwsJsonStub({
    items: new Map<string, Record<string, unknown>>([
      [`config#sha256:${big.sha256}`, { config: { B: big.encoded } }],
    ]),
    // The stub's KMS side, which the authorizer never calls.
    signingKey: s.privateKey,
    keyId: 'alias/unused',
  });
  try {
    const common = {
      ISSUER: s.issuer,
      AUDIENCE: s.audience,
      POWERTOOLS_SERVICE_NAME: 'authorizer',
    };
    const smallEvent = JSON.stringify(
      requestEvent(SMALL_ROUTE.method, SMALL_ROUTE.resource, liveToken(s, kid, 'orders:read')),
    );
    const largeScope = (large.routeScopes[large.routes[600] as string] as string[])[0] as string;
    const largeEvent = JSON.stringify(
      requestEvent(middle[0], middle[1], liveToken(s, kid, largeScope)),
    );
    const variants: Variant[] = [
      {
        name: "today's small map, PUBLIC_KEYS_PEM and ROUTE_SCOPES",
        env: {
          ...common,
          PUBLIC_KEYS_PEM: JSON.stringify([s.pem]),
          ROUTE_SCOPES: JSON.stringify(s.smallRoutes),
          BENCH_EVENT: smallEvent,
        },
      },
      {
        name: 'small map inline, AUTHORIZER_CONFIG (tier a)',
        encodedBytes: small.encoded.length,
        env: { ...common, AUTHORIZER_CONFIG: small.encoded, BENCH_EVENT: smallEvent },
      },
      {
        name: '1,200-route map, 2 keys, table item (tier b)',
        encodedBytes: big.encoded.length,
        env: {
          ...common,
          AUTHORIZER_CONFIG_TABLE: 'bench-authorizer-config',
          AUTHORIZER_CONFIG_SHA256: big.sha256,
          AWS_ENDPOINT_URL: stub.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'x',
          BENCH_EVENT: largeEvent,
        },
      },
    ];
    const rows = await coldRows(s, variants);
    console.log(
      `cold load and first decision of the bundle, ms above node -e 0 (medians of ${s.coldRuns} paired runs; the first decision of tier b includes its GetItem from a loopback stub: ${stub.counts.get('DynamoDB_20120810.GetItem') ?? 0} reads answered)`,
    );
    for (const line of renderTable(
      ['configuration', 'encoded bytes', 'cold load', 'first decision', 'load + first'],
      rows,
    )) {
      console.log(line);
    }
  } finally {
    await stub.close();
  }

  // Warm: the same request decided with the small map and with the 1,200-route map.
  const limits = { maxJsonBytes: AUTHORIZER_CONFIG_MAX_JSON_BYTES };
  const settings = { issuer: s.issuer, audience: s.audience, clockSkewSeconds: 30 };
  const contenders = [
    { name: `small map (${Object.keys(s.smallRoutes).length} routes)`, document: small },
    { name: `large map (${Object.keys(largeRoutes).length} routes)`, document: big },
  ].map(({ name, document }) => {
    const handler = createAuthorizerHandler({
      config: {
        ...settings,
        ...decodeConfigDocument(Buffer.from(document.encoded, 'base64'), limits),
      },
      clock: () => s.nowMs,
    });
    const event = requestEvent(SMALL_ROUTE.method, SMALL_ROUTE.resource, s.warmToken) as never;
    return { name, call: () => handler(event) };
  });
  for (const c of contenders) await opsPerSecond(c.call, 50);
  const ops = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const ratios: number[] = [];
  for (let round = 0; round < s.rounds; round++) {
    const order = contenders.map((_, k) => contenders[(k + round) % contenders.length]!);
    const perRound = new Map<string, number>();
    for (const c of order) perRound.set(c.name, await opsPerSecond(c.call, s.roundMs));
    for (const [name, value] of perRound) ops.get(name)?.push(value);
    const [a, b] = contenders.map((c) => perRound.get(c.name) as number) as [number, number];
    ratios.push(a / b);
  }
  const [smallUs, largeUs] = contenders.map((c) => 1e6 / median(ops.get(c.name) ?? [])) as [
    number,
    number,
  ];
  console.log(
    `warm decision (RS256, GET /orders/{id}, Allow; ${s.rounds} interleaved rounds of ${s.roundMs} ms): ` +
      `${contenders[0]?.name} ${fmt(smallUs, 2)} µs/call, ${contenders[1]?.name} ${fmt(largeUs, 2)} µs/call, ` +
      `time ratio large/small ${fmt(median(ratios), 3)} (exact lookup: must not grow)`,
  );
}
