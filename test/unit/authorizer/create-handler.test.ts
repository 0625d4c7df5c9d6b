// Authorizer handler: REQUEST events, Authorization header reading, the exact per-route decision,
// Deny, and "Unauthorized" for every failure.
import {
  authorizationHeader,
  createAuthorizerHandler,
  parseBearer,
} from '../../../functions/authorizer/create-handler';
import type { AuthorizerConfig } from '../../../functions/authorizer/config';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import {
  AUDIENCE,
  ISSUER,
  makeKeys,
  NOW_MS,
  SKEW,
  validClaims,
  validToken,
} from '../../support/jwt-fixtures';

const keys = makeKeys();
const PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/';
const config: AuthorizerConfig = {
  issuer: ISSUER,
  audience: AUDIENCE,
  keys: keys.trusted,
  routes: parseRouteMap({
    'GET /orders/{id}': ['orders:read'],
    'POST /orders': ['orders:write'],
    'GET /health': [],
  }),
  clockSkewSeconds: SKEW,
};

/** A REQUEST authorizer event as API Gateway sends it for `GET /orders/7` (or another route). */
const event = (
  authorization: unknown,
  route: { method?: string; resource?: string; path?: string; methodArn?: string } = {},
) => {
  const method = route.method ?? 'GET';
  const path = route.path ?? '/orders/7';
  return {
    type: 'REQUEST',
    methodArn: route.methodArn ?? `${PREFIX}${method}${path}`,
    resource: route.resource ?? '/orders/{id}',
    path,
    httpMethod: method,
    headers: authorization === undefined ? {} : { Authorization: authorization },
    multiValueHeaders: authorization === undefined ? {} : { Authorization: [authorization] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id: '7' },
    stageVariables: null,
    requestContext: {},
  } as never;
};

describe('createAuthorizerHandler', () => {
  const logger = { warn: jest.fn() };
  const handler = createAuthorizerHandler({ config, clock: () => NOW_MS, logger });

  beforeEach(() => logger.warn.mockClear());

  it.each([
    ['Bearer', keys.es],
    ['bearer', keys.rs],
    ['BEARER', keys.es],
  ])(
    'returns principal, a one-route policy and string context for "%s <jwt>"',
    async (scheme, key) => {
      // Arrange
      const token = validToken(key);
      // Act
      const result = await handler(event(`${scheme} ${token}`));
      // Assert
      expect(result).toEqual({
        principalId: 'client-1',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}GET/orders/*`] },
          ],
        },
        context: { client_id: 'client-1', scope: 'orders:read', jti: 'jti-1' },
      });
      expect(Object.values(result.context).every((v) => typeof v === 'string')).toBe(true);
    },
  );

  it.each([
    ['a route the scopes do not list', { method: 'POST', resource: '/orders', path: '/orders' }],
    ['a route missing from the map', { resource: '/orders/{id}/audit', path: '/orders/7/audit' }],
  ])('returns a Deny of that route for %s', async (_name, route) => {
    // Act
    const result = await handler(event(`Bearer ${validToken(keys.es)}`, route));
    // Assert
    expect(result.policyDocument.Statement).toHaveLength(1);
    expect(result.policyDocument.Statement[0].Effect).toBe('Deny');
  });

  it('allows a [] route for a token with an empty scope', async () => {
    // Arrange
    const token = validToken(keys.es, validClaims({ scope: '' }));
    // Act
    const result = await handler(
      event(`Bearer ${token}`, { resource: '/health', path: '/health' }),
    );
    // Assert
    expect(result.policyDocument.Statement[0]).toEqual({
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: [`${PREFIX}GET/health`],
    });
  });

  it('reads the header in any spelling of its name', async () => {
    // Arrange
    const token = validToken(keys.es);
    const lower = {
      ...(event(undefined) as object),
      headers: { authorization: `Bearer ${token}` },
    };
    // Act
    const result = await handler(lower as never);
    // Assert
    expect(result.principalId).toBe('client-1');
  });

  const token = validToken(keys.es);
  it.each([
    ['a Basic scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a bare scheme', 'Bearer'],
    ['no space after the scheme', `Bearer${token}`],
    ['two spaces', `Bearer  ${token}`],
    ['a tab', `Bearer\t${token}`],
    ['a duplicated header, comma-joined', `Bearer ${token}, Bearer ${token}`],
    ['a duplicated header, no space', `Bearer ${token},Bearer ${token}`],
    ['two tokens', `Bearer ${token} ${token}`],
    ['a trailing space', `Bearer ${token} `],
    ['a non-string header', 42],
    ['an expired token', `Bearer ${validToken(keys.es, validClaims({ exp: 1 }))}`],
  ])('throws exactly Error("Unauthorized") for %s', async (_name, header) => {
    // Act
    const error = await handler(event(header)).catch((e: unknown) => e);
    // Assert
    expect(error).toEqual(new Error('Unauthorized'));
    expect((error as Error).constructor).toBe(Error);
    expect(logger.warn).toHaveBeenCalledWith('Token rejected', { reason: expect.any(String) });
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(token.split('.')[1]);
  });

  it('throws Unauthorized for a malformed methodArn or event, or a missing event', async () => {
    // Arrange
    const good = event(`Bearer ${token}`) as Record<string, unknown>;
    // Act / Assert
    await expect(handler(event(`Bearer ${token}`, { methodArn: 'arn:bad' }))).rejects.toThrow(
      /^Unauthorized$/,
    );
    await expect(
      handler(event(`Bearer ${token}`, { methodArn: `${PREFIX}POST/orders/7` })),
    ).rejects.toThrow(/^Unauthorized$/);
    for (const field of ['methodArn', 'httpMethod', 'resource']) {
      await expect(handler({ ...good, [field]: undefined } as never)).rejects.toThrow(
        /^Unauthorized$/,
      );
    }
    await expect(handler({ ...good, headers: null } as never)).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(undefined as never)).rejects.toThrow(/^Unauthorized$/);
  });

  it.each([
    ['two spellings of the header name', { Authorization: 'Bearer a.b.c', authorization: 'x' }, {}],
    ['two values of the header', { Authorization: 'Bearer a.b.c' }, { Authorization: ['x', 'y'] }],
    [
      'values under two spellings in multiValueHeaders only',
      { Authorization: 'Bearer a.b.c' },
      { Authorization: ['Bearer a.b.c'], AUTHORIZATION: ['Bearer d.e.f'] },
    ],
    [
      'a second value under another spelling in multiValueHeaders',
      { Authorization: 'Bearer a.b.c' },
      { authorization: ['Bearer a.b.c', 'Bearer d.e.f'] },
    ],
  ])('refuses %s (ambiguous credential)', async (_name, headers, multiValueHeaders) => {
    // Arrange
    const ambiguous = { ...(event(undefined) as object), headers, multiValueHeaders };
    // Act / Assert
    expect(authorizationHeader(ambiguous as never)).toBeUndefined();
    await expect(handler(ambiguous as never)).rejects.toThrow(/^Unauthorized$/);
  });

  it('works without a logger and with the default clock', async () => {
    // Arrange
    const live = createAuthorizerHandler({ config });
    const now = Math.floor(Date.now() / 1000);
    const fresh = validToken(keys.rs, validClaims({ iat: now, nbf: now, exp: now + 60 }));
    // Act / Assert
    await expect(live(event(`Bearer ${fresh}`))).resolves.toHaveProperty('principalId', 'client-1');
    await expect(live(event('Basic x'))).rejects.toThrow('Unauthorized');
  });
});

describe('parseBearer', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bEaReR a.b.c', 'a.b.c'],
    ['Bearer ', undefined],
    ['Token abc', undefined],
    [null, undefined],
  ])('%j -> %j', (header, expected) => {
    // Act / Assert
    expect(parseBearer(header)).toBe(expected);
  });
});
