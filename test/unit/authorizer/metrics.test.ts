// The authorizer's metrics as CloudWatch receives them: the EMF line of each decision, of each 401 reason, of revocation cache hits and read failures; and the guards (a metric never changes a decision, Powertools loads on first use).
import type { AuthorizerConfig } from '../../../functions/authorizer/config';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import {
  countReadFailures,
  guardedMetrics,
  lazyMetrics,
  type AuthorizerMetrics,
} from '../../../functions/authorizer/metrics';
import { createEmfAuthorizerMetrics } from '../../../functions/authorizer/metrics-emf';
import type { RevocationState } from '../../../functions/shared/revocation';
import { captureEmf, emfLine, type EmfCapture } from '../../support/emf';
import {
  AUDIENCE,
  ISSUER,
  makeKeys,
  makeToken,
  NOW,
  NOW_MS,
  SKEW,
  validClaims,
  validToken,
} from '../../support/jwt-fixtures';

const NAMESPACE = 'Auth';
const SERVICE = 'auth-authorizer';
const keys = makeKeys();
const config: AuthorizerConfig = {
  issuer: ISSUER,
  audience: AUDIENCE,
  keys: keys.trusted,
  routes: parseRouteMap({ 'GET /orders': ['orders:read'], 'POST /orders': ['orders:write'] }),
  clockSkewSeconds: SKEW,
};
const LIVE: RevocationState = {
  client: 'active',
  tokensNotBefore: undefined,
  jtiRevokedUntil: undefined,
};

const event = (authorization: string, method = 'GET') =>
  ({
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/${method}/orders`,
    resource: '/orders',
    path: '/orders',
    httpMethod: method,
    headers: { Authorization: authorization },
    multiValueHeaders: { Authorization: [authorization] },
    requestContext: {},
  }) as never;

const bearer = (token: string): string => `Bearer ${token}`;

/** The handler with real EMF metrics, and revocation over `read` when given. */
function setup(read?: (clientId: string, jti: string) => Promise<RevocationState>) {
  const metrics = createEmfAuthorizerMetrics({ namespace: NAMESPACE, serviceName: SERVICE });
  return createAuthorizerHandler({
    config:
      read === undefined
        ? config
        : { ...config, revocation: { tableName: 't', cacheTtlSeconds: 10, staleSeconds: 0 } },
    clock: () => NOW_MS,
    metrics,
    revocationSource: read === undefined ? undefined : { read },
  });
}

const decisionLine = (decision: string) =>
  emfLine(NAMESPACE, { service: SERVICE, decision }, { AuthorizerDecisions: ['Count', 1] });
const reasonLine = (reason: string) =>
  emfLine(NAMESPACE, { service: SERVICE, reason }, { AuthorizerUnauthorized: ['Count', 1] });
const countLine = (metric: string) =>
  emfLine(NAMESPACE, { service: SERVICE }, { [metric]: ['Count', 1] });

let emf: EmfCapture;
beforeEach(() => {
  emf = captureEmf();
});
afterEach(() => emf.restore());

/** Runs one invocation, whatever it answers, and returns the lines it wrote. */
async function linesOf(handler: ReturnType<typeof setup>, authorization: string, method = 'GET') {
  emf.lines.length = 0;
  await handler(event(authorization, method)).catch(() => undefined);
  return emf.lines.splice(0);
}

describe('authorizer metrics (EMF)', () => {
  it('allow: one AuthorizerDecisions line with {service, decision}', async () => {
    // Act
    const lines = await linesOf(setup(), bearer(validToken(keys.es)));

    // Assert
    expect(lines).toEqual([decisionLine('allow')]);
    expect(emf.other).toEqual([]);
  });

  it('deny (403): a valid token without a scope of the route', async () => {
    // Act
    const lines = await linesOf(setup(), bearer(validToken(keys.es)), 'POST');

    // Assert
    expect(lines).toEqual([decisionLine('deny')]);
  });

  const header = (overrides: Record<string, unknown> = {}) => ({
    alg: 'ES256',
    typ: 'at+jwt',
    kid: keys.es.kid,
    ...overrides,
  });
  it.each<[string, () => string, string]>([
    [
      'an expired token',
      () => bearer(validToken(keys.es, validClaims({ exp: NOW - 60 }))),
      'expired',
    ],
    [
      'a token not yet valid',
      () => bearer(validToken(keys.es, validClaims({ nbf: NOW + 600 }))),
      'expired',
    ],
    [
      'a signature by another key',
      () => bearer(makeToken(header(), validClaims(), { key: keys.untrustedEs })),
      'bad_signature',
    ],
    [
      'alg none',
      () => bearer(makeToken(header({ alg: 'none' }), validClaims(), { none: true })),
      'bad_signature',
    ],
    ['an unknown kid', () => bearer(validToken(keys.untrustedEs)), 'unknown_kid'],
    [
      'another audience',
      () => bearer(validToken(keys.es, validClaims({ aud: 'https://other.example.com' }))),
      'wrong_audience',
    ],
    [
      'another issuer',
      () => bearer(validToken(keys.es, validClaims({ iss: 'https://evil.example.com' }))),
      'wrong_issuer',
    ],
    ['no Bearer token', () => 'Basic Y2xpZW50OnNlY3JldA==', 'malformed'],
    ['not a JWS', () => bearer('not.a.jws'), 'malformed'],
    [
      'a claim missing',
      () => bearer(validToken(keys.es, validClaims({ sub: undefined }))),
      'malformed',
    ],
  ])(
    'unauthorized (401) for %s: AuthorizerDecisions, then AuthorizerUnauthorized with {service, reason}',
    async (_name, authorization, reason) => {
      // Act
      const lines = await linesOf(setup(), authorization());

      // Assert
      expect(lines).toEqual([decisionLine('unauthorized'), reasonLine(reason)]);
    },
  );

  it.each<[string, RevocationState, string]>([
    ['a revoked jti', { ...LIVE, jtiRevokedUntil: NOW + 3600 }, 'revoked'],
    ['a token issued before tokens_not_before', { ...LIVE, tokensNotBefore: NOW }, 'revoked'],
    ['a disabled client', { ...LIVE, client: 'inactive' }, 'disabled_client'],
  ])('unauthorized for %s, by its reason', async (_name, state, reason) => {
    // Act
    const lines = await linesOf(
      setup(async () => state),
      bearer(validToken(keys.es)),
    );

    // Assert
    expect(lines).toEqual([decisionLine('unauthorized'), reasonLine(reason)]);
  });

  it('a failed revocation read: RevocationReadFailures, then the 401 as revocation_unavailable', async () => {
    // Arrange
    const handler = setup(() => Promise.reject(new Error('DynamoDB down')));

    // Act
    const lines = await linesOf(handler, bearer(validToken(keys.es)));

    // Assert
    expect(lines).toEqual([
      countLine('RevocationReadFailures'),
      decisionLine('unauthorized'),
      reasonLine('revocation_unavailable'),
    ]);
  });

  it('a revocation state from the cache: RevocationCacheHits, then the decision', async () => {
    // Arrange
    const read = jest.fn(async () => LIVE);
    const handler = setup(read);
    const token = bearer(validToken(keys.es));

    // Act
    const first = await linesOf(handler, token);
    const second = await linesOf(handler, token);

    // Assert
    expect(read).toHaveBeenCalledTimes(1);
    expect(first).toEqual([decisionLine('allow')]);
    expect(second).toEqual([countLine('RevocationCacheHits'), decisionLine('allow')]);
  });

  it('a cached revoked state is a cache hit and a 401', async () => {
    // Arrange
    const handler = setup(async () => ({ ...LIVE, jtiRevokedUntil: NOW + 3600 }));
    const token = bearer(validToken(keys.es));
    await linesOf(handler, token);

    // Act
    const lines = await linesOf(handler, token);

    // Assert
    expect(lines).toEqual([
      countLine('RevocationCacheHits'),
      decisionLine('unauthorized'),
      reasonLine('revoked'),
    ]);
  });
});

describe('authorizer metric guards', () => {
  const throwing: AuthorizerMetrics = {
    decision: () => {
      throw new Error('metrics down');
    },
    unauthorized: () => {
      throw new Error('metrics down');
    },
    revocationCacheHit: () => {
      throw new Error('metrics down');
    },
    revocationReadFailure: () => {
      throw new Error('metrics down');
    },
  };

  it('a metric that throws never changes a decision', async () => {
    // Arrange
    const reads: string[] = [];
    const handler = createAuthorizerHandler({
      config: { ...config, revocation: { tableName: 't', cacheTtlSeconds: 10, staleSeconds: 0 } },
      clock: () => NOW_MS,
      metrics: throwing,
      revocationSource: {
        read: async (_c, jti) => {
          reads.push(jti);
          if (jti === 'unreadable') throw new Error('DynamoDB down');
          return LIVE;
        },
      },
    });
    const live = event(bearer(validToken(keys.es)));

    // Act
    const allowed = await handler(live);
    const cachedAllow = await handler(live);
    const denied = await handler(event(bearer(validToken(keys.es)), 'POST'));
    const unreadable = handler(
      event(bearer(validToken(keys.es, validClaims({ jti: 'unreadable' })))),
    );

    // Assert
    expect(allowed.policyDocument.Statement[0].Effect).toBe('Allow');
    expect(cachedAllow.policyDocument.Statement[0].Effect).toBe('Allow');
    expect(denied.policyDocument.Statement[0].Effect).toBe('Deny');
    await expect(unreadable).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(event('Basic x'))).rejects.toThrow(/^Unauthorized$/);
    expect(reads).toEqual(['jti-1', 'unreadable']);
  });

  it('guardedMetrics passes each call through', () => {
    // Arrange
    const calls: string[] = [];
    const inner: AuthorizerMetrics = {
      decision: (d) => void calls.push(`decision:${d}`),
      unauthorized: (r) => void calls.push(`unauthorized:${r}`),
      revocationCacheHit: () => void calls.push('hit'),
      revocationReadFailure: () => void calls.push('failure'),
    };
    const guarded = guardedMetrics(inner);

    // Act
    guarded.decision('deny');
    guarded.unauthorized('expired');
    guarded.revocationCacheHit();
    guarded.revocationReadFailure();

    // Assert
    expect(calls).toEqual(['decision:deny', 'unauthorized:expired', 'hit', 'failure']);
  });

  it('lazyMetrics builds the metrics once, on the first call, and again after a failed build', () => {
    // Arrange
    const calls: string[] = [];
    let builds = 0;
    const lazy = lazyMetrics(() => {
      builds += 1;
      if (builds === 1) throw new Error('cannot load');
      return {
        decision: (d) => void calls.push(d),
        unauthorized: (r) => void calls.push(r),
        revocationCacheHit: () => void calls.push('hit'),
        revocationReadFailure: () => void calls.push('failure'),
      };
    });

    // Act
    const before = builds;
    const failed = (() => {
      try {
        lazy.decision('allow');
        return false;
      } catch {
        return true;
      }
    })();
    lazy.decision('allow');
    lazy.unauthorized('malformed');
    lazy.revocationCacheHit();
    lazy.revocationReadFailure();

    // Assert
    expect([before, failed, builds]).toEqual([0, true, 2]);
    expect(calls).toEqual(['allow', 'malformed', 'hit', 'failure']);
  });

  it('countReadFailures counts a rejected read and passes a resolved one through', async () => {
    // Arrange
    let failures = 0;
    const source = countReadFailures(
      { read: async (c) => (c === 'down' ? Promise.reject(new Error('down')) : LIVE) },
      { revocationReadFailure: () => void (failures += 1) },
    );

    // Act
    const state = await source.read('c1', 'j1');
    const err = await source.read('down', 'j1').catch((e: unknown) => e);

    // Assert
    expect(state).toBe(LIVE);
    expect(err).toEqual(new Error('down'));
    expect(failures).toBe(1);
  });
});
