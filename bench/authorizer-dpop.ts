// `npm run bench:authorizer`, DPoP on the request path (issue 25, item 7): the handler's cost per DPoP request against its Bearer cost and against the floor (one and two signature verifications of the same key type), for first-seen and repeated tokens, beside fast-jwt with its own cache and aws-jwt-verify on the same token stream; all interleaved in rounds of one run.
import {
  createHash,
  generateKeyPairSync,
  randomUUID,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import { createVerifier } from 'fast-jwt';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createAuthorizerHandler } from '../functions/authorizer/create-handler';
import { loadTrustedKeys } from '../functions/authorizer/core/trusted-keys';
import { parseRouteMap } from '../functions/authorizer/core/route-map';
import { jwkThumbprint } from '../functions/shared/jwk';
import type { SigningAlgorithm } from '../functions/shared/types';
import { quantile, timeRound, type Contender } from './rounds';
import { median, renderTable } from './stats';

/** Rounds, their length and the size of the first-seen streams. */
export interface DpopBenchSettings {
  rounds: number;
  roundMs: number;
  /** Distinct tokens per first-seen stream; the caches in front of them hold a quarter. */
  pool: number;
}

/** The ratios the run ends with, per algorithm. */
export interface DpopBenchSummary {
  alg: SigningAlgorithm;
  /** DPoP / Bearer handler cost, first-seen token (and new client key) and repeated token. */
  dpopToBearer: { firstSeen: number; repeated: number };
  /** DPoP handler cost / one signature verification, same streams. */
  dpopToFloor1: { firstSeen: number; repeated: number };
}

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';
const HOST = 'abc123def4.execute-api.eu-west-1.amazonaws.com';
const ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123def4/prod/GET';
/** Client keys of the "new key" stream, and the proof-key memo in front of them (half). */
const NEW_KEYS = 16;

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

interface Pair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const keyPair = (alg: SigningAlgorithm): Pair =>
  alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });

const signOptions = (alg: SigningAlgorithm, key: KeyObject) =>
  alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;

/** A compact JWS of `header.payload`, and what the floor needs to verify it again. */
function jws(alg: SigningAlgorithm, key: KeyObject, header: unknown, payload: unknown) {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = cryptoSign('sha256', Buffer.from(input), signOptions(alg, key));
  return {
    text: `${input}.${signature.toString('base64url')}`,
    input: Buffer.from(input),
    signature,
  };
}

/** A client's proof key, its public JWK members and thumbprint. */
function proofKey(alg: SigningAlgorithm) {
  const pair = keyPair(alg);
  const full = pair.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const jwk =
    alg === 'ES256'
      ? { kty: 'EC', crv: full.crv, x: full.x, y: full.y }
      : { kty: 'RSA', n: full.n, e: full.e };
  return { pair, jwk, jkt: jwkThumbprint(jwk as { kty: string }) };
}

/** The headers of a GET through CloudFront to execute-api, as in the authorizer bench. */
function requestEvent(
  authorization: string,
  dpop: string | undefined,
  route: 'orders' | 'reports',
) {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: authorization,
    'CloudFront-Forwarded-Proto': 'https',
    Host: HOST,
    'User-Agent': 'orders-client/1.4',
    Via: '2.0 0123456789abcdef.cloudfront.net (CloudFront)',
    'X-Amzn-Trace-Id': 'Root=1-67890abc-0123456789abcdef01234567',
    'X-Forwarded-For': '203.0.113.7, 198.51.100.2',
    'X-Forwarded-Proto': 'https',
    ...(dpop === undefined ? {} : { DPoP: dpop }),
  };
  return {
    type: 'REQUEST',
    methodArn: `${ARN}/${route}/42`,
    resource: `/${route}/{id}`,
    path: `/${route}/42`,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    pathParameters: { id: '42' },
    requestContext: { path: `/prod/${route}/42`, stage: 'prod', httpMethod: 'GET' },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

/** Cycles through a stream, one item per call. */
function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length] as T;
}

/** The contenders of one algorithm: floors, handler streams and library peers. */
async function contenders(alg: SigningAlgorithm, pool: number): Promise<Contender[]> {
  const nowMs = Date.now();
  const now = Math.floor(nowMs / 1000);
  const issuerKey = keyPair(alg);
  const pem = issuerKey.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const keys = loadTrustedKeys([pem]);
  const kid = [...keys.keys()][0] as string;
  // Valid for ten hours around now: aws-jwt-verify reads the real clock.
  const token = (extra: Record<string, unknown> = {}) =>
    jws(
      alg,
      issuerKey.privateKey,
      { alg, typ: 'at+jwt', kid },
      {
        iss: ISSUER,
        sub: 'client-1234',
        client_id: 'client-1234',
        aud: AUDIENCE,
        iat: now - 60,
        nbf: now - 60,
        exp: now + 36_000,
        jti: randomUUID(),
        scope: 'orders:read orders:write',
        ...extra,
      },
    );
  const proof = (client: ReturnType<typeof proofKey>, accessToken: string, route = 'orders') =>
    jws(
      alg,
      client.pair.privateKey,
      { typ: 'dpop+jwt', alg, jwk: client.jwk },
      {
        jti: randomUUID(),
        htm: 'GET',
        htu: `https://${HOST}/prod/${route}/42`,
        iat: now,
        ath: createHash('sha256').update(accessToken).digest('base64url'),
      },
    );

  const known = proofKey(alg);
  const newKeys = Array.from({ length: NEW_KEYS }, () => proofKey(alg));
  const dpopRequest = (client: ReturnType<typeof proofKey>) => {
    const t = token({ cnf: { jkt: client.jkt } }).text;
    return { token: t, event: requestEvent(`DPoP ${t}`, proof(client, t).text, 'orders') };
  };
  const bearerFresh = Array.from({ length: pool }, () =>
    requestEvent(`Bearer ${token().text}`, undefined, 'reports'),
  );
  const bearerRepeated = requestEvent(`Bearer ${token().text}`, undefined, 'reports');
  const dpopKnownKey = Array.from({ length: pool }, () => dpopRequest(known));
  const dpopNewKey = Array.from({ length: pool }, (_, i) => dpopRequest(newKeys[i % NEW_KEYS]!));
  const repeated = token({ cnf: { jkt: known.jkt } });
  const dpopRepeated = Array.from({ length: 64 }, () =>
    requestEvent(`DPoP ${repeated.text}`, proof(known, repeated.text).text, 'orders'),
  );

  const handler = (tokenCache: number, keyMemo?: number) =>
    createAuthorizerHandler({
      config: {
        issuer: ISSUER,
        audience: AUDIENCE,
        keys,
        clockSkewSeconds: 30,
        resultTtlSeconds: 0,
        routes: parseRouteMap({
          'GET /orders/{id}': { scopes: ['orders:read'], dpop: true },
          'GET /reports/{id}': ['orders:read'],
        }),
        dpop: { replayTable: 'clients', allowedHosts: [HOST] },
        verifiedTokenCacheSize: tokenCache,
      },
      clock: () => nowMs,
      // The replay write is one DynamoDB PutItem in production: I/O, not the function's CPU.
      dpopReplayCache: { useOnce: async () => true },
      proofKeyMemoSize: keyMemo,
    });
  const small = pool / 4;
  const streams: Array<[string, ReturnType<typeof handler>, APIGatewayRequestAuthorizerEvent[]]> = [
    ['handler Bearer, first-seen token', handler(small), bearerFresh],
    ['handler Bearer, repeated token', handler(1000), [bearerRepeated]],
    [
      'handler DPoP, first-seen token and key',
      handler(small, NEW_KEYS / 2),
      dpopNewKey.map((r) => r.event),
    ],
    ['handler DPoP, first-seen token', handler(small), dpopKnownKey.map((r) => r.event)],
    ['handler DPoP, repeated token', handler(1000), dpopRepeated],
  ];

  // The floors: the signatures a request cannot avoid, with prepared keys and buffers.
  const verifyKey = (pair: Pair) =>
    signOptions(alg, pair.publicKey) as Parameters<typeof cryptoVerify>[2];
  const floorToken = repeated;
  const floorProof = proof(known, repeated.text);
  const issuerVerifyKey = verifyKey(issuerKey);
  const clientVerifyKey = verifyKey(known.pair);
  const floor1 = () =>
    cryptoVerify('sha256', floorToken.input, issuerVerifyKey, floorToken.signature);
  const floor2 = () =>
    floor1() && cryptoVerify('sha256', floorProof.input, clientVerifyKey, floorProof.signature);

  // The peers, on the DPoP stream's access tokens (they verify tokens, not proofs).
  const fastJwt = (cache: number | boolean) =>
    createVerifier({
      key: pem,
      algorithms: [alg],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      clockTimestamp: nowMs,
      clockTolerance: 30_000,
      cache,
    });
  const ajv = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks` });
  const jwk = { ...issuerKey.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  ajv.cacheJwks({ keys: [jwk] } as Parameters<typeof ajv.cacheJwks>[0]);
  const freshTokens = dpopKnownKey.map((r) => r.token);
  const fastFresh = fastJwt(small);
  const fastRepeated = fastJwt(true);
  const nextFastFresh = cycle(freshTokens);
  const nextAjvFresh = cycle(freshTokens);

  // Sanity: every stream is allowed and every peer accepts, before anything is timed.
  for (const [name, decide, events] of streams) {
    for (const event of events.slice(0, 2)) {
      const result = await decide(event);
      if (result.policyDocument.Statement[0].Effect !== 'Allow') throw new Error(`${name} denies`);
    }
  }
  if (!floor2()) throw new Error('floor rejects');
  fastFresh(freshTokens[0]!);
  fastRepeated(repeated.text);
  ajv.verifySync(repeated.text);

  return [
    { name: 'floor: 1 signature verification', run: floor1, isAsync: false },
    { name: 'floor: 2 signature verifications', run: floor2, isAsync: false },
    ...streams.map(([name, decide, events]) => {
      const next = cycle(events);
      return { name, run: () => decide(next()), isAsync: true };
    }),
    {
      name: 'fast-jwt (its cache), first-seen token',
      run: () => fastFresh(nextFastFresh()),
      isAsync: false,
    },
    {
      name: 'fast-jwt (its cache), repeated token',
      run: () => fastRepeated(repeated.text),
      isAsync: false,
    },
    {
      name: 'aws-jwt-verify, first-seen token',
      run: () => ajv.verifySync(nextAjvFresh()),
      isAsync: false,
    },
    {
      name: 'aws-jwt-verify, repeated token',
      run: () => ajv.verifySync(repeated.text),
      isAsync: false,
    },
  ];
}

/** Per-round cost ratios of every contender to the two floors, medians over the rounds. */
async function measure(all: Contender[], settings: DpopBenchSettings) {
  for (const c of all) await timeRound(c, settings.roundMs);
  const perRound: Array<Map<string, number>> = [];
  for (let round = 0; round < settings.rounds; round++) {
    const order = all.map((_, i) => all[(i + round) % all.length]!);
    const ops = new Map<string, number>();
    for (const c of order) ops.set(c.name, await timeRound(c, settings.roundMs));
    perRound.push(ops);
  }
  // Cost ratio of a to b in one round: (1 / ops a) / (1 / ops b).
  const ratio = (a: string, b: string) => perRound.map((ops) => ops.get(b)! / ops.get(a)!);
  const stat = (values: number[]) => ({
    median: median(values),
    iqr: quantile(values, 0.75) - quantile(values, 0.25),
  });
  return {
    micros: (name: string) => median(perRound.map((ops) => 1e6 / ops.get(name)!)),
    ratio: (a: string, b: string) => stat(ratio(a, b)),
  };
}

/**
 * Runs the DPoP bench for RS256 (the default access-token key) and ES256, each with proofs of the
 * same key type, and prints one table per algorithm.
 * @param settings rounds, their length and the first-seen pool size
 * @returns the DPoP ratios, per algorithm
 */
export async function dpopBench(settings: DpopBenchSettings): Promise<DpopBenchSummary[]> {
  const summaries: DpopBenchSummary[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const all = await contenders(alg, settings.pool);
    const m = await measure(all, settings);
    const [floor1, floor2] = [
      'floor: 1 signature verification',
      'floor: 2 signature verifications',
    ];
    const bearerOf: Record<string, string> = {
      'handler DPoP, first-seen token and key': 'handler Bearer, first-seen token',
      'handler DPoP, first-seen token': 'handler Bearer, first-seen token',
      'handler DPoP, repeated token': 'handler Bearer, repeated token',
    };
    console.log(
      `\nDPoP on the request path, ${alg} access tokens and ${alg} proofs (${settings.rounds} interleaved rounds of ${settings.roundMs} ms; ` +
        `cost ratios are medians of per-round ratios; first-seen: ${settings.pool} distinct tokens through caches of ${settings.pool / 4}; ` +
        `"and key": each from one of ${NEW_KEYS} client keys through a key memo of ${NEW_KEYS / 2})`,
    );
    const fmtRatio = (r: { median: number; iqr: number }) => `${r.median.toFixed(2)}`;
    const rows = all.map((c) => {
      const bearer = bearerOf[c.name];
      return [
        c.name,
        m.micros(c.name).toFixed(1),
        fmtRatio(m.ratio(c.name, floor1)),
        fmtRatio(m.ratio(c.name, floor2)),
        m.ratio(c.name, floor1).iqr.toFixed(2),
        bearer === undefined ? '-' : fmtRatio(m.ratio(c.name, bearer)),
      ];
    });
    for (const line of renderTable(
      ['request', 'µs', 'x floor 1', 'x floor 2', 'IQR (x floor 1)', 'DPoP / Bearer'],
      rows,
    )) {
      console.log(line);
    }
    summaries.push({
      alg,
      dpopToBearer: {
        firstSeen: m.ratio(
          'handler DPoP, first-seen token and key',
          'handler Bearer, first-seen token',
        ).median,
        repeated: m.ratio('handler DPoP, repeated token', 'handler Bearer, repeated token').median,
      },
      dpopToFloor1: {
        firstSeen: m.ratio('handler DPoP, first-seen token and key', floor1).median,
        repeated: m.ratio('handler DPoP, repeated token', floor1).median,
      },
    });
  }
  return summaries;
}
