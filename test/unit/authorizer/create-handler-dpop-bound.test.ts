// Authorizer safety net of issue 25: a DPoP-bound token (with `cnf`) is refused as Bearer on every route, and counted as dpop_bound_as_bearer.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerConfig } from '../../../functions/authorizer/config';
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import { unauthorizedReason } from '../../../functions/authorizer/rejections';
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
const config: AuthorizerConfig = {
  issuer: ISSUER,
  audience: AUDIENCE,
  keys: keys.trusted,
  routes: parseRouteMap({ 'GET /orders/{id}': ['orders:read'], 'GET /health': [] }),
  clockSkewSeconds: SKEW,
};

const event = (authorization: string, method: string, resource: string, path: string) =>
  ({
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers: { Authorization: authorization },
    multiValueHeaders: { Authorization: [authorization] },
    requestContext: {},
  }) as unknown as APIGatewayRequestAuthorizerEvent;

describe('a DPoP-bound token presented as Bearer', () => {
  const key = keys.es;

  it.each([
    ['a scoped route', 'GET', '/orders/{id}', '/orders/7'],
    ['a route that needs no scope', 'GET', '/health', '/health'],
  ])(
    'is refused (401) on %s, counted as dpop_bound_as_bearer',
    async (_l, method, resource, path) => {
      // Arrange
      const logger = { warn: jest.fn() };
      const metrics = {
        decision: jest.fn(),
        unauthorized: jest.fn(),
        revocationCacheHit: jest.fn(),
        revocationReadFailure: jest.fn(),
      };
      const handler = createAuthorizerHandler({
        config,
        clock: () => NOW_MS,
        logger,
        metrics: metrics as never,
      });
      const bound = validToken(key, validClaims({ cnf: { jkt: 'x'.repeat(43) } }));

      // Act / Assert
      await expect(handler(event(`Bearer ${bound}`, method, resource, path))).rejects.toThrow(
        'Unauthorized',
      );
      expect(logger.warn).toHaveBeenCalledWith('Token rejected', {
        reason: 'DpopBoundAsBearerError',
      });
      expect(metrics.unauthorized).toHaveBeenCalledWith('dpop_bound_as_bearer');
    },
  );

  it('the same token without cnf is allowed (the refusal is the binding, nothing else)', async () => {
    // Arrange
    const handler = createAuthorizerHandler({ config, clock: () => NOW_MS });

    // Act
    const result = await handler(
      event(`Bearer ${validToken(key)}`, 'GET', '/orders/{id}', '/orders/7'),
    );

    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
  });

  it('unauthorizedReason maps other errors as before', () => {
    // Act / Assert
    expect(unauthorizedReason(new Error('x'))).toBe('malformed');
  });
});
