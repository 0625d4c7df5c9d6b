// Authorizer handler: Bearer parsing, output shape, Deny, and "Unauthorized" for every failure.
import { createAuthorizerHandler, parseBearer } from '../../../functions/authorizer/create-handler';
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
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders/7';
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
const event = (authorizationToken: unknown, methodArn = METHOD_ARN) =>
  ({ type: 'TOKEN', authorizationToken, methodArn }) as never;

describe('createAuthorizerHandler', () => {
  const logger = { warn: jest.fn() };
  const handler = createAuthorizerHandler({ config, clock: () => NOW_MS, logger });

  beforeEach(() => logger.warn.mockClear());

  it.each([
    ['Bearer', keys.es],
    ['bearer', keys.rs],
    ['BEARER', keys.es],
  ])('returns principal, policy and string context for "%s <jwt>"', async (scheme, key) => {
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
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: [
              'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders/*',
              'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/health',
            ],
          },
        ],
      },
      context: { client_id: 'client-1', scope: 'orders:read', jti: 'jti-1' },
    });
    expect(Object.values(result.context).every((v) => typeof v === 'string')).toBe(true);
  });

  it('returns an explicit Deny on the methodArn when no route is allowed', async () => {
    // Arrange
    const bare = createAuthorizerHandler({
      config: { ...config, routes: parseRouteMap({ 'POST /orders': ['orders:write'] }) },
      clock: () => NOW_MS,
    });
    // Act
    const result = await bare(event(`Bearer ${validToken(keys.es)}`));
    // Assert
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [METHOD_ARN] },
    ]);
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

  it('throws Unauthorized for a malformed methodArn or a missing event', async () => {
    // Act / Assert
    await expect(handler(event(`Bearer ${token}`, 'arn:bad'))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(undefined as never)).rejects.toThrow(/^Unauthorized$/);
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
