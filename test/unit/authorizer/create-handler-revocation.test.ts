// The authorizer with revocation checking: a revoked or unreadable state is 401 on every route (never 403), a live one is decided by the route, and the configuration is required.
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import { loadAuthorizerConfig, type AuthorizerConfig } from '../../../functions/authorizer/config';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import type { RevocationState } from '../../../functions/shared/revocation';
import {
  AUDIENCE,
  ISSUER,
  makeKeys,
  NOW,
  NOW_MS,
  SKEW,
  validClaims,
  validToken,
} from '../../support/jwt-fixtures';

const keys = makeKeys();
const config: AuthorizerConfig = {
  issuer: ISSUER,
  audience: AUDIENCE,
  keys: keys.trusted,
  routes: parseRouteMap({ 'GET /orders': ['orders:read'], 'GET /admin': ['admin'] }),
  clockSkewSeconds: SKEW,
  revocation: { tableName: 't', cacheTtlSeconds: 10, staleSeconds: 20 },
};
const LIVE: RevocationState = {
  client: 'active',
  tokensNotBefore: undefined,
  jtiRevokedUntil: undefined,
};

const event = (token: string, resource = '/orders') =>
  ({
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET${resource}`,
    resource,
    path: resource,
    httpMethod: 'GET',
    headers: { Authorization: `Bearer ${token}` },
    multiValueHeaders: { Authorization: [`Bearer ${token}`] },
    requestContext: {},
  }) as never;

function handlerWith(
  read: (clientId: string, jti: string) => Promise<RevocationState>,
  usagePlans = false,
) {
  const warn = jest.fn();
  const handler = createAuthorizerHandler({
    config: { ...config, usagePlans },
    clock: () => NOW_MS,
    logger: { warn },
    revocationSource: { read },
  });
  return { handler, warn };
}

describe('createAuthorizerHandler with revocation', () => {
  const token = validToken(keys.es);

  it('allows a live token and reads its client and jti', async () => {
    // Arrange
    const read = jest.fn(async () => LIVE);
    const { handler } = handlerWith(read);

    // Act
    const result = await handler(event(token));

    // Assert
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(read).toHaveBeenCalledWith('client-1', 'jti-1');
  });

  it.each<[string, RevocationState, string]>([
    ['a disabled or deleted client', { ...LIVE, client: 'inactive' }, 'ClientDisabled'],
    ['a token issued before tokens_not_before', { ...LIVE, tokensNotBefore: NOW }, 'TokenRevoked'],
    ['a revoked jti', { ...LIVE, jtiRevokedUntil: NOW + 3600 }, 'TokenRevoked'],
  ])(
    'answers 401 (Unauthorized, never a Deny) for %s, even on a route it could not call',
    async (_name, state, reason) => {
      // Arrange
      const { handler, warn } = handlerWith(async () => state);

      // Act / Assert
      await expect(handler(event(token))).rejects.toThrow(/^Unauthorized$/);
      await expect(handler(event(token, '/admin'))).rejects.toThrow(/^Unauthorized$/);
      expect(warn).toHaveBeenCalledWith('Token rejected', { reason });
    },
  );

  it('answers 401 when the state cannot be read, and logs the reason only', async () => {
    // Arrange
    const { handler, warn } = handlerWith(async () => {
      throw new Error('DynamoDB down');
    });

    // Act / Assert
    await expect(handler(event(token))).rejects.toThrow(/^Unauthorized$/);
    expect(warn).toHaveBeenCalledWith('Token rejected', { reason: 'RevocationStateUnavailable' });
  });

  it('refuses to start with revocation on and no source', () => {
    expect(() => createAuthorizerHandler({ config })).toThrow(/REVOCATION_CHECK/);
  });
});

describe('createAuthorizerHandler with usage plans', () => {
  const token = validToken(keys.es);
  const KEY = 'a'.repeat(64);

  it('returns the client key read with the revocation state as usageIdentifierKey on an Allow', async () => {
    // Arrange
    const { handler } = handlerWith(async () => ({ ...LIVE, usageKey: KEY }), true);

    // Act
    const result = await handler(event(token));

    // Assert
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(result.usageIdentifierKey).toBe(KEY);
  });

  it('returns no key on a Deny, for a client without one, or with usage plans off', async () => {
    // Arrange
    const plans = handlerWith(async () => ({ ...LIVE, usageKey: KEY }), true).handler;
    const keyless = handlerWith(async () => LIVE, true).handler;
    const off = handlerWith(async () => ({ ...LIVE, usageKey: KEY }), false).handler;

    // Act
    const deny = await plans(event(token, '/admin'));
    const none = await keyless(event(token));
    const unused = await off(event(token));

    // Assert
    expect(deny.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(deny).not.toHaveProperty('usageIdentifierKey');
    expect(none).not.toHaveProperty('usageIdentifierKey');
    expect(unused).not.toHaveProperty('usageIdentifierKey');
  });

  it('never takes the key from the request: an x-api-key header or a claim changes nothing', async () => {
    // Arrange
    const { handler } = handlerWith(async () => ({ ...LIVE, usageKey: KEY }), true);
    const forged = {
      ...(event(token) as object),
      headers: { Authorization: `Bearer ${token}`, 'x-api-key': 'b'.repeat(64) },
    };
    // A validly signed token that also carries key-like private claims.
    const claimed = validToken(keys.es, {
      ...validClaims(),
      usage_key: 'c'.repeat(64),
      usageIdentifierKey: 'c'.repeat(64),
      api_key: 'c'.repeat(64),
    });

    // Act
    const result = await handler(forged as never);
    const fromClaims = await handler(event(claimed));

    // Assert
    expect(result.usageIdentifierKey).toBe(KEY);
    expect(fromClaims.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(fromClaims.usageIdentifierKey).toBe(KEY);
  });

  it('a revoked client gets 401, never a key', async () => {
    // Arrange
    const { handler } = handlerWith(
      async () => ({ ...LIVE, client: 'inactive', usageKey: KEY }),
      true,
    );

    // Act / Assert
    await expect(handler(event(token))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('loadAuthorizerConfig revocation settings', () => {
  const base = {
    ISSUER,
    AUDIENCE,
    PUBLIC_KEYS_PEM: JSON.stringify([keys.es.pem]),
  };

  it('is off by default and reads the table and the cache settings when on', () => {
    // Act
    const off = loadAuthorizerConfig(base);
    const on = loadAuthorizerConfig({
      ...base,
      REVOCATION_CHECK: 'true',
      CLIENTS_TABLE: 'clients',
    });
    const tuned = loadAuthorizerConfig({
      ...base,
      REVOCATION_CHECK: 'true',
      CLIENTS_TABLE: 'clients',
      REVOCATION_CACHE_TTL_SECONDS: '1',
      REVOCATION_STALE_SECONDS: '0',
    });

    // Assert
    expect(off.revocation).toBeUndefined();
    expect(off.usagePlans).toBe(false);
    expect(
      loadAuthorizerConfig({
        ...base,
        REVOCATION_CHECK: 'true',
        CLIENTS_TABLE: 'c',
        USAGE_PLANS: 'true',
      }).usagePlans,
    ).toBe(true);
    expect(on.revocation).toEqual({ tableName: 'clients', cacheTtlSeconds: 10, staleSeconds: 20 });
    expect(tuned.revocation).toEqual({ tableName: 'clients', cacheTtlSeconds: 1, staleSeconds: 0 });
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ REVOCATION_CHECK: 'yes' }, /REVOCATION_CHECK/],
    [{ USAGE_PLANS: 'true' }, /USAGE_PLANS needs REVOCATION_CHECK=true/],
    [{ USAGE_PLANS: '1' }, /USAGE_PLANS/],
    [{ REVOCATION_CHECK: 'true' }, /CLIENTS_TABLE/],
    [
      { REVOCATION_CHECK: 'true', CLIENTS_TABLE: 't', REVOCATION_CACHE_TTL_SECONDS: '61' },
      /REVOCATION_CACHE_TTL_SECONDS/,
    ],
    [
      { REVOCATION_CHECK: 'true', CLIENTS_TABLE: 't', REVOCATION_STALE_SECONDS: '-1' },
      /REVOCATION_STALE_SECONDS/,
    ],
  ])('rejects %j', (env, message) => {
    expect(() => loadAuthorizerConfig({ ...base, ...env })).toThrow(message);
  });
});
