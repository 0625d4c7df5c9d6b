// The metric contract, checked from the code's side: every metric both functions write as EMF is a row of docs/metrics.md with that unit, that exact dimension set and a listed value, every row is written, and the code's closed value sets and the dashboard's lists in monitoring.tf equal the rows' values.
import fs from 'node:fs';
import path from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { AuthorizerConfig } from '../../functions/authorizer/config';
import { parseRouteMap } from '../../functions/authorizer/core/route-map';
import { createAuthorizerHandler } from '../../functions/authorizer/create-handler';
import type { AuthorizerDecision } from '../../functions/authorizer/metrics';
import { createEmfAuthorizerMetrics } from '../../functions/authorizer/metrics-emf';
import {
  UNAUTHORIZED_REASONS,
  type UnauthorizedReason,
} from '../../functions/authorizer/rejections';
import { DYNAMODB, KMS } from '../../functions/shared/aws/json-client';
import type { OAuthErrorCode } from '../../functions/token/core/errors';
import type { RevocationOutcome } from '../../functions/token/core/revoke-token';
import type { TokenEndpointAuthMethod } from '../../functions/token/core/types';
import { createTokenHandler } from '../../functions/token/create-handler';
import type { IntrospectionOutcome } from '../../functions/token/endpoints/introspect';
import {
  countAwsFailures,
  storeLatency,
  timeClientStore,
  timePasswordHasher,
  timeSigner,
} from '../../functions/token/metrics';
import { awsErrorReply, fakeAwsClient } from '../support/aws-json-fake';
import { basicAuthorization } from '../support/basic-auth';
import { captureEmf, emittedMetrics, type EmfLine } from '../support/emf';
import { FakeHasher } from '../support/fake-hasher';
import {
  AUDIENCE,
  ISSUER as AUTHORIZER_ISSUER,
  makeKeys,
  NOW_MS as AUTHORIZER_NOW_MS,
  validClaims,
  validToken,
} from '../support/jwt-fixtures';
import { MemoryClientStore } from '../support/memory-client-store';
import {
  MULTI_REGION_SECTIONS,
  readMetricContract,
  type ContractMetric,
} from '../support/metric-contract';
import { addRegionDimensionSets } from '../../functions/shared/metrics-region';
import { REPLAY_KINDS, type ReplayKind } from '../../functions/shared/replay-region';
import { reportJtiSeenInOtherRegion as reportTokenJti } from '../../functions/token/metrics';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  SECRET,
  tokenEvent,
} from '../support/token-fakes';

const ROOT = path.resolve(__dirname, '..', '..');
const NAMESPACE = 'Contract';
const contract = readMetricContract();
/** The metrics a multi-Region deployment publishes: all of the above, and the multi-Region rows. */
const multiRegionContract = [...contract, ...readMetricContract(undefined, MULTI_REGION_SECTIONS)];
const rowOf = (
  fn: ContractMetric['fn'],
  name: string,
  rows: ContractMetric[] = contract,
): ContractMetric | undefined => rows.find((m) => m.fn === fn && m.name === name);
const REGION = 'eu-west-1';
const silent = { warn: () => undefined };

/**
 * The EMF lines the token function writes on its main paths, AWS throttles and timeouts included;
 * with a Region, as a multi-Region deployment writes them (handler.ts), a cross-Region replay of
 * each kind included.
 */
async function tokenLines(region?: string): Promise<EmfLine[]> {
  const emf = captureEmf();
  try {
    const plain = new Metrics({ namespace: NAMESPACE, serviceName: 'x-token' });
    const metrics = region === undefined ? plain : addRegionDimensionSets(plain, region);
    const record = storeLatency(metrics);
    const store = new MemoryClientStore([
      clientRecord({ scopes: ['orders:read', 'token:introspect'] }),
    ]);
    const signer = new InMemorySigner('ES256');
    let fanOuts = 0;
    const handler = createTokenHandler({
      config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
      clientStore: timeClientStore(store, { record }),
      signer: timeSigner(signer, { record }),
      publicKeys: signer,
      hasher: timePasswordHasher(new FakeHasher(), { record }),
      clock: () => FIXED_NOW_MS,
      randomBytes: countingBytes,
      metrics,
      revocations: store,
      // Multi-Region: the first revocation reaches the other Region, the second does not
      // (RevocationFanOutFailures).
      revocationFanOut: {
        ownRegion: 'eu-west-1',
        revokeToken: async () => [
          { region: 'us-east-1', result: fanOuts++ === 0 ? 'ok' : 'connection' },
        ],
      },
    });
    const post = (resource: string, body: string, secret = SECRET) =>
      handler(
        tokenEvent({
          resource,
          headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', secret) },
          body,
        }),
      );
    const issued = await post('/oauth2/token', 'grant_type=client_credentials');
    const token = (JSON.parse(issued.body) as { access_token: string }).access_token;
    await post('/oauth2/token', 'grant_type=client_credentials', 'wrong');
    await post('/oauth2/introspect', `token=${token}`);
    await post('/oauth2/revoke', `token=${token}`);
    await post('/oauth2/revoke', `token=${token}`);
    const { client } = fakeAwsClient(
      KMS,
      [awsErrorReply('ThrottlingException'), awsErrorReply('DependencyTimeoutException', 500)],
      { onAttemptFailed: countAwsFailures(metrics) },
    );
    await client.send('Sign', {}).catch(() => undefined);
    if (region !== undefined) {
      const report = reportTokenJti(silent, metrics);
      report({ kind: 'assertion', region, firstRegion: 'us-east-1', clientId: 'client-1' });
      report({ kind: 'dpop_token', region, firstRegion: 'us-east-1' });
    }
    return [...emf.lines];
  } finally {
    emf.restore();
  }
}

/**
 * The EMF lines the authorizer writes: allow, a 401, a cache hit, a failed revocation read; with a
 * Region, as a multi-Region deployment writes them, a cross-Region proof replay included.
 */
async function authorizerLines(region?: string): Promise<EmfLine[]> {
  const emf = captureEmf();
  try {
    const keys = makeKeys();
    const config: AuthorizerConfig = {
      issuer: AUTHORIZER_ISSUER,
      audience: AUDIENCE,
      keys: keys.trusted,
      routes: parseRouteMap({ 'GET /orders': ['orders:read'] }),
      clockSkewSeconds: 30,
      revocation: { tableName: 't', cacheTtlSeconds: 60, staleSeconds: 0 },
    };
    const metrics = createEmfAuthorizerMetrics({
      namespace: NAMESPACE,
      serviceName: 'x-authorizer',
      ...(region === undefined ? {} : { region }),
    });
    const handler = createAuthorizerHandler({
      config,
      clock: () => AUTHORIZER_NOW_MS,
      metrics,
      revocationSource: {
        read: async (_clientId, jti) => {
          if (jti === 'unreadable') throw new Error('DynamoDB down');
          return { client: 'active', tokensNotBefore: undefined, jtiRevokedUntil: undefined };
        },
      },
    });
    const call = (token: string) =>
      handler({
        type: 'REQUEST',
        methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders',
        resource: '/orders',
        httpMethod: 'GET',
        headers: { Authorization: `Bearer ${token}` },
      } as never).catch(() => undefined);
    const live = validToken(keys.es);
    await call(live);
    await call(live);
    await call(validToken(keys.es, validClaims({ jti: 'unreadable' })));
    if (region !== undefined) metrics.jtiSeenInOtherRegion?.();
    return [...emf.lines];
  } finally {
    emf.restore();
  }
}

describe('the EMF the functions write, against docs/metrics.md', () => {
  it.each<[ContractMetric['fn'], () => Promise<EmfLine[]>]>([
    ['token', () => tokenLines()],
    ['authorizer', () => authorizerLines()],
  ])(
    '%s: each metric is a row of its section, with its unit, exactly its dimension set and a listed value; every row is written',
    async (fn, run) => {
      // Arrange
      const rows = contract.filter((m) => m.fn === fn);

      // Act
      const lines = await run();

      // Assert
      for (const line of lines) {
        for (const metric of emittedMetrics([line])) {
          const row = rowOf(fn, metric.name);
          expect([metric.name, metric.namespace, metric.unit, metric.dimensionSets]).toEqual([
            metric.name,
            NAMESPACE,
            row?.unit,
            [row?.dimensions],
          ]);
          const dimension = row?.dimensions[1];
          if (dimension !== undefined) {
            expect([metric.name, row?.values]).toEqual([
              metric.name,
              expect.arrayContaining([line[dimension]]),
            ]);
          }
        }
      }
      const written = new Set(emittedMetrics(lines).map((m) => m.name));
      expect(rows.map((r) => r.name).filter((name) => !written.has(name))).toEqual([]);
    },
  );
});

describe('multi-Region: the EMF the functions write, against docs/metrics.md', () => {
  it.each<[ContractMetric['fn'], (region: string) => Promise<EmfLine[]>]>([
    ['token', tokenLines],
    ['authorizer', authorizerLines],
  ])(
    '%s: each metric is a row (multi-Region rows included), under its set and its set plus region; every row is written',
    async (fn, run) => {
      // Arrange
      const rows = multiRegionContract.filter((m) => m.fn === fn);

      // Act
      const lines = await run(REGION);

      // Assert
      for (const line of lines) {
        expect(line.region).toBe(REGION);
        for (const metric of emittedMetrics([line])) {
          const row = rowOf(fn, metric.name, multiRegionContract);
          expect([metric.name, metric.namespace, metric.unit, metric.dimensionSets]).toEqual([
            metric.name,
            NAMESPACE,
            row?.unit,
            [row?.dimensions, [...(row?.dimensions ?? []), 'region']],
          ]);
          const dimension = row?.dimensions[1];
          if (dimension !== undefined) {
            expect([metric.name, row?.values]).toEqual([
              metric.name,
              expect.arrayContaining([line[dimension]]),
            ]);
          }
        }
      }
      const written = new Set(emittedMetrics(lines).map((m) => m.name));
      expect(rows.map((r) => r.name).filter((name) => !written.has(name))).toEqual([]);
    },
  );

  it('JtiSeenInOtherRegion: the kinds the code can write are the rows’ values, per function', () => {
    // Arrange: the token function writes the first two kinds, the authorizer the third.
    const all = membersOf<ReplayKind>({ assertion: true, dpop_token: true, dpop_authorizer: true });
    const values = (fn: ContractMetric['fn']) =>
      rowOf(fn, 'JtiSeenInOtherRegion', multiRegionContract)?.values ?? [];

    // Act / Assert
    expect([...REPLAY_KINDS].sort()).toEqual(all);
    expect([...values('token'), ...values('authorizer')].sort()).toEqual(all);
    expect(values('authorizer')).toEqual(['dpop_authorizer']);
  });

  it('single-Region contract sets hold no region and no multi-Region-only metric', () => {
    expect(contract.some((m) => m.dimensions.includes('region'))).toBe(false);
    expect(contract.some((m) => m.name === 'JtiSeenInOtherRegion')).toBe(false);
  });
});

/**
 * Every member of a string-literal union, as an object's keys: the compiler refuses a missing or
 * an extra member, so a new value in the code fails this test until docs/metrics.md lists it.
 */
const membersOf = <T extends string>(all: Record<T, true>): string[] => Object.keys(all).sort();

describe('closed value sets: the code, docs/metrics.md and the dashboard agree', () => {
  const values = (fn: ContractMetric['fn'], name: string): string[] =>
    [...(rowOf(fn, name)?.values ?? [])].sort();

  it.each<[ContractMetric['fn'], string, string[]]>([
    [
      'token',
      'TokensIssuedByAuthMethod',
      membersOf<TokenEndpointAuthMethod>({
        client_secret_basic: true,
        client_secret_post: true,
        private_key_jwt: true,
      }),
    ],
    [
      'token',
      'TokenRequestsRejected',
      membersOf<OAuthErrorCode>({
        invalid_request: true,
        invalid_client: true,
        invalid_grant: true,
        unauthorized_client: true,
        unsupported_grant_type: true,
        invalid_scope: true,
        invalid_target: true,
        invalid_dpop_proof: true,
        use_dpop_nonce: true,
        server_error: true,
        temporarily_unavailable: true,
      }),
    ],
    [
      'token',
      'Revocations',
      membersOf<RevocationOutcome>({
        revoked: true,
        'not-a-token': true,
        'foreign-token': true,
        expired: true,
      }),
    ],
    [
      'token',
      'Introspections',
      membersOf<IntrospectionOutcome>({ active: true, inactive: true, rejected: true }),
    ],
    [
      'authorizer',
      'AuthorizerDecisions',
      membersOf<AuthorizerDecision>({ allow: true, deny: true, unauthorized: true }),
    ],
    [
      'authorizer',
      'AuthorizerUnauthorized',
      membersOf<UnauthorizedReason>({
        expired: true,
        bad_signature: true,
        unknown_kid: true,
        wrong_audience: true,
        wrong_issuer: true,
        revoked: true,
        disabled_client: true,
        revocation_unavailable: true,
        configuration_unavailable: true,
        dpop_bound_as_bearer: true,
        dpop_required: true,
        dpop_invalid: true,
        dpop_replayed: true,
        dpop_replay_unavailable: true,
        dpop_not_accepted: true,
        malformed: true,
      }),
    ],
  ])('%s %s: the values the code can write are the row’s', (fn, name, members) => {
    expect(values(fn, name)).toEqual(members);
  });

  it('AuthorizerUnauthorized: UNAUTHORIZED_REASONS is the row, in its order', () => {
    expect(UNAUTHORIZED_REASONS).toEqual(rowOf('authorizer', 'AuthorizerUnauthorized')?.values);
  });

  it('AwsThrottlesByOperation and AwsTimeoutsByOperation: every operation the token adapters call is listed', () => {
    // Arrange: `.call('Op'` and `.send<…>('Op'` in the adapters; the file names the service.
    const dir = path.join(ROOT, 'functions', 'token', 'adapters');
    const called = new Set<string>();
    for (const file of fs.readdirSync(dir)) {
      const service = file.includes('dynamodb') ? DYNAMODB : file.includes('kms') ? KMS : undefined;
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/\.(?:call|send)(?:<[^>]*>)?\(\s*'([A-Za-z]+)'/g)) {
        called.add(`${service?.label ?? file}.${m[1] as string}`);
      }
    }

    // Act / Assert
    expect([...called].sort()).toEqual([
      'DynamoDB.GetItem',
      'DynamoDB.PutItem',
      'DynamoDB.UpdateItem',
      'KMS.GenerateMac',
      'KMS.GetPublicKey',
      'KMS.Sign',
    ]);
    for (const name of ['AwsThrottlesByOperation', 'AwsTimeoutsByOperation']) {
      expect([name, values('token', name)]).toEqual([name, expect.arrayContaining([...called])]);
    }
    expect(values('token', 'AwsTimeoutsByOperation')).toEqual(
      values('token', 'AwsThrottlesByOperation'),
    );
  });

  it('monitoring.tf graphs each dimension value of the rows, and no other', () => {
    // Arrange: the dashboard's lists of values, `name = ["a", "b"]` in its locals.
    const tf = fs.readFileSync(path.join(ROOT, 'monitoring.tf'), 'utf8');
    const list = (local: string): string[] => {
      const body = new RegExp(`^\\s*${local}\\s*=\\s*\\[([^\\]]*)\\]`, 'm').exec(tf)?.[1] ?? '';
      return [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string).sort();
    };

    // Act / Assert
    for (const [local, fn, name] of [
      ['auth_methods', 'token', 'TokensIssuedByAuthMethod'],
      ['token_error_codes', 'token', 'TokenRequestsRejected'],
      ['aws_operations', 'token', 'AwsThrottlesByOperation'],
      ['aws_operations', 'token', 'AwsTimeoutsByOperation'],
      ['revocation_results', 'token', 'Revocations'],
      ['introspections', 'token', 'Introspections'],
      ['decisions', 'authorizer', 'AuthorizerDecisions'],
      ['unauthorized', 'authorizer', 'AuthorizerUnauthorized'],
    ] as const) {
      expect([local, list(local)]).toEqual([local, values(fn, name)]);
    }
  });
});
