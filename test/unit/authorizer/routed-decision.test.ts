// The issue's cases, each by name, through the API Gateway emulator and the real authorizer: bypass paths, spellings, unlisted routes, admin over-deny, every partition, and the cached-decision bound.
import { AWS_PARTITIONS } from '../../../functions/authorizer/core/policy';
import { NOW_MS, SKEW } from '../../support/jwt-fixtures';
import { routedApi, tokenFor } from '../../support/routed-api';

/** The issue's API: GET /orders/{id} needs orders:read, GET /{proxy+} and GET /orders/new need admin. */
const ISSUE = {
  deployed: [
    'GET /orders/{id}',
    'GET /{proxy+}',
    'GET /orders/new',
    'GET /orders/{id}/audit',
    'GET /reports/{id}',
  ],
  routeScopes: {
    'GET /orders/{id}': ['orders:read'],
    'GET /{proxy+}': ['admin'],
    'GET /orders/new': ['admin'],
    'GET /reports/{id}': ['reports'],
  },
};

const reader = tokenFor('orders:read');
const admin = tokenFor('admin');

describe('the scope bypass (orders:read token, admin-only routes over its route)', () => {
  it.each(['/orders/7/secret', '/orders/7/a/b/c', '/local/orders/7/secret'])(
    'GET %s, routed to the admin-only GET /{proxy+}, is 403',
    async (path) => {
      // Arrange: the cache is warm with an Allow of GET /orders/{id} for this token.
      const api = routedApi(ISSUE);
      expect((await api.call('GET', '/orders/7', reader)).statusCode).toBe(200);
      // Act
      const res = await api.call('GET', path, reader);
      // Assert
      expect(res.statusCode).toBe(403);
    },
  );

  it('GET /orders/7 stays 200 from the cache for the route the token may call', async () => {
    // Arrange
    const api = routedApi(ISSUE);
    // Act
    const first = await api.call('GET', '/orders/7', reader);
    const second = await api.call('GET', '/orders/8', reader);
    // Assert
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(api.invocations()).toBe(1);
  });
});

describe('spellings of the admin-only GET /orders/new', () => {
  it.each([
    ['a trailing slash', '/orders/new/', 400],
    ['a double slash', '/orders//new', 400],
    ['a percent-encoded literal', '/orders/%6Eew', 400],
    ['an upper-case literal', '/orders/NEW', 400],
    ['an upper-case first segment', '/Orders/new', 400],
    ['a dot segment', '/orders/./new', 400],
    ['a dot-dot segment', '/orders/x/../new', 400],
    ['an encoded dot-dot segment', '/orders/x/%2E%2E/new', 400],
    ['the stage prefix', '/local/orders/new', 403],
    ['no stage prefix', '/orders/new', 403],
  ])('never give the orders:read token 200: %s (%s) answers %s', async (_name, path, status) => {
    // Arrange
    const api = routedApi(ISSUE);
    await api.call('GET', '/orders/7', reader); // an Allow is cached for this token
    // Act
    const res = await api.call('GET', path, reader);
    // Assert
    expect(res.statusCode).toBe(status);
  });

  it.each(['/orders/new', '/local/orders/new'])(
    'give the admin token 200 on its own literal route at %s (no over-deny)',
    async (path) => {
      // Arrange
      const api = routedApi(ISSUE);
      // Act
      const res = await api.call('GET', path, admin);
      // Assert
      expect(res.statusCode).toBe(200);
    },
  );

  it('leave the admin token 403 on GET /orders/{id}, which lists orders:read only', async () => {
    // Act
    const res = await routedApi(ISSUE).call('GET', '/orders/7', admin);
    // Assert
    expect(res.statusCode).toBe(403);
  });
});

describe('unlisted routes', () => {
  it('GET /orders/{id}/audit, deployed but not in the route map, is 403 for every token', async () => {
    // Arrange
    const api = routedApi(ISSUE);
    const everything = tokenFor('orders:read admin reports');
    // Act
    const statuses = await Promise.all(
      [reader, admin, everything].map(
        async (token) => (await api.call('GET', '/orders/7/audit', token)).statusCode,
      ),
    );
    // Assert
    expect(statuses).toEqual([403, 403, 403]);
  });

  it('a route the map lists under another method is 403', async () => {
    // Arrange
    const api = routedApi({
      deployed: ['ANY /orders/{id}'],
      routeScopes: { 'GET /orders/{id}': ['orders:read'] },
    });
    // Act
    const get = await api.call('GET', '/orders/7', reader);
    const del = await api.call('DELETE', '/orders/7', reader);
    // Assert
    expect([get.statusCode, del.statusCode]).toEqual([200, 403]);
  });
});

describe('every partition', () => {
  it.each([
    ['aws', 'us-east-1'],
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws-iso', 'us-iso-east-1'],
    ['aws-iso-b', 'us-isob-east-1'],
    ['aws-iso-e', 'eu-isoe-west-1'],
    ['aws-iso-f', 'us-isof-south-1'],
    ['aws-eusc', 'eusc-de-east-1'],
  ])('%s (%s): the allowed route is 200, another is 403', async (partition, region) => {
    // Arrange
    const api = routedApi({ ...ISSUE, partition, region });
    // Act
    const ok = await api.call('GET', '/orders/7', reader);
    const denied = await api.call('GET', '/orders/new', reader);
    // Assert
    expect([ok.statusCode, denied.statusCode]).toEqual([200, 403]);
  });

  it('tests every partition the authorizer knows', () => {
    // Assert
    expect(AWS_PARTITIONS).toHaveLength(8);
  });
});

describe('the cached-decision bound: 2xx only before exp + clock skew + TTL', () => {
  const TTL = 300;
  const exp = Math.floor(NOW_MS / 1000) + 60; // a 60 s client token
  const token = tokenFor('orders:read', { exp });

  it('is reached: a decision made at the last accepted second is served until its TTL ends', async () => {
    // Arrange: the authorizer still accepts the token while now < exp + skew.
    const api = routedApi({ ...ISSUE, ttlSeconds: TTL });
    const lastAccepted = (exp + SKEW) * 1000 - 1;
    api.setNow(lastAccepted);
    // Act
    const decided = await api.call('GET', '/orders/7', token);
    api.setNow(lastAccepted + TTL * 1000 - 1);
    const cached = await api.call('GET', '/orders/7', token);
    api.setNow(lastAccepted + TTL * 1000);
    const expired = await api.call('GET', '/orders/7', token);
    // Assert
    expect([decided.statusCode, cached.statusCode, expired.statusCode]).toEqual([200, 200, 401]);
    expect(lastAccepted + TTL * 1000).toBeLessThan((exp + SKEW + TTL) * 1000);
  });

  it('holds: no 2xx at or after exp + skew + TTL, whenever the decision was cached', async () => {
    // Arrange
    const bound = (exp + SKEW + TTL) * 1000;
    const results: { at: number; status: number }[] = [];
    // Act: decisions cached at several instants, each replayed at the bound.
    for (const decidedAt of [NOW_MS, exp * 1000, (exp + SKEW) * 1000 - 1]) {
      const api = routedApi({ ...ISSUE, ttlSeconds: TTL });
      api.setNow(decidedAt);
      results.push({
        at: decidedAt,
        status: (await api.call('GET', '/orders/7', token)).statusCode,
      });
      api.setNow(bound);
      results.push({ at: bound, status: (await api.call('GET', '/orders/7', token)).statusCode });
    }
    // Assert
    expect(results.filter((r) => r.at >= bound).map((r) => r.status)).toEqual([401, 401, 401]);
    expect(results.filter((r) => r.at < bound).map((r) => r.status)).toEqual([200, 200, 200]);
  });
});
