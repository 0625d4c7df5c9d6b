// Policy building: one statement for the routed route (Allow or Deny), the exact decision, the
// document cache and methodArn parsing in every AWS partition. Policies are judged by the API
// Gateway emulator's independent evaluator, not by the authorizer.
import fs from 'node:fs';
import {
  AWS_PARTITIONS,
  createPolicyBuilder,
  isRouteAllowed,
  MethodArnError,
  parseMethodArn,
  policyDocument,
  routeResource,
} from '../../../../functions/authorizer/core/policy';
import { parseRouteMap } from '../../../../functions/authorizer/core/route-map';
import { isAllowedByPolicy } from '../../../../tools/gateway/policy-evaluation';

const PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/';
const arn = (methodAndPath: string): string => `${PREFIX}${methodAndPath}`;
const claims = (scope: string) => ({ sub: 'client-1', client_id: 'client-1', scope, jti: 'j1' });
const request = (httpMethod: string, resource: string, path: string) => ({
  methodArn: arn(`${httpMethod}/${path}`),
  httpMethod,
  resource,
});

/** The route map: a param route, and admin-only proxy and literal routes over it. */
const ROUTES = parseRouteMap({
  'GET /orders/{id}': ['orders:read'],
  'GET /{proxy+}': ['admin'],
  'GET /orders/new': ['admin'],
  'POST /orders': ['orders:write'],
  'ANY /files/{proxy+}': ['files'],
  'GET /health': [],
  'GET /': ['root'],
});

describe('parseMethodArn', () => {
  it('splits a method ARN', () => {
    // Act
    const parsed = parseMethodArn(arn('GET/orders/7'));
    // Assert
    expect(parsed).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '123456789012',
      apiId: 'abc123',
      stage: 'prod',
      method: 'GET',
      resourcePath: 'orders/7',
      prefix: PREFIX,
    });
  });

  it.each([
    ['aws', 'us-east-1'],
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws-iso', 'us-iso-east-1'],
    ['aws-iso-b', 'us-isob-east-1'],
    ['aws-iso-e', 'eu-isoe-west-1'],
    ['aws-iso-f', 'us-isof-south-1'],
    ['aws-eusc', 'eusc-de-east-1'],
  ])('accepts the %s partition (%s)', (partition, region) => {
    // Arrange
    const methodArn = `arn:${partition}:execute-api:${region}:123456789012:abc123/prod/GET/x`;
    // Act
    const parsed = parseMethodArn(methodArn);
    // Assert
    expect(parsed.partition).toBe(partition);
    expect(parsed.prefix).toBe(`arn:${partition}:execute-api:${region}:123456789012:abc123/prod/`);
  });

  it('lists exactly the partitions of the installed AWS SDK (partitions.json as oracle)', () => {
    // Arrange
    const file = require
      .resolve('@aws-sdk/core')
      .replace(/dist-cjs\/.*$/, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js');
    // Act
    const ids = [...fs.readFileSync(file, 'utf8').matchAll(/"id": "([a-z-]+)"/g)].map((m) => m[1]);
    // Assert
    expect(ids.length).toBeGreaterThanOrEqual(8);
    expect([...AWS_PARTITIONS].sort()).toEqual([...new Set(ids)].sort());
  });

  it.each([
    'arn:aws:lambda:eu-west-1:123456789012:function:x',
    'arn:aws:execute-api:eu-west-1:12345:abc/prod/GET/x',
    'arn:aws:execute-api:eu-west-1:123456789012:abc/prod',
    'arn:aws-xyz:execute-api:eu-west-1:123456789012:abc/prod/GET/x',
    'arn:aws:execute-api:eu-west-1:123456789012:abc/prod/*/x',
    `${PREFIX}GET/a*`,
    '',
  ])('rejects %j', (value) => {
    // Act / Assert
    expect(() => parseMethodArn(value)).toThrow(MethodArnError);
  });
});

describe('routeResource', () => {
  it.each([
    ['GET', '/orders/{id}', 'GET/orders/*'],
    ['GET', '/{proxy+}', 'GET/*'],
    ['PUT', '/files/{proxy+}', 'PUT/files/*'],
    ['GET', '/a/{b}/c', 'GET/a/*/c'],
    ['GET', '/files/*', 'GET/files/*'],
    ['GET', '/', 'GET/'],
  ])('%s %s is %s: that method on that resource, parameters as *', (method, resource, out) => {
    // Act / Assert
    expect(routeResource(PREFIX, method, resource)).toBe(arn(out));
  });
});

describe('isRouteAllowed', () => {
  it.each([
    ['orders:read', 'GET', '/orders/{id}', true],
    ['orders:read', 'GET', '/{proxy+}', false],
    ['orders:read', 'GET', '/orders/new', false],
    ['admin', 'GET', '/orders/new', true],
    ['admin', 'GET', '/{proxy+}', true],
    ['admin', 'GET', '/orders/{id}', false],
    ['a files b', 'DELETE', '/files/{proxy+}', true],
    ['', 'GET', '/health', true],
    ['', 'GET', '/', false],
    ['root', 'GET', '/', true],
    ['orders:read admin', 'GET', '/orders/{id}/audit', false],
    ['orders:write', 'PUT', '/orders', false],
  ])('scope %j on %s %s: %s', (scope, method, resource, allowed) => {
    // Act / Assert
    expect(isRouteAllowed(ROUTES, scope, method, resource)).toBe(allowed);
  });
});

describe('createPolicyBuilder', () => {
  it('allows the routed route only, in one statement', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES);
    // Act
    const result = build(claims('orders:read'), request('GET', '/orders/{id}', 'orders/7'));
    // Assert
    expect(result.principalId).toBe('client-1');
    expect(result.context).toEqual({ client_id: 'client-1', scope: 'orders:read', jti: 'j1' });
    expect(result.policyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [arn('GET/orders/*')] },
      ],
    });
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/orders/7'))).toBe(true);
    expect(isAllowedByPolicy(result.policyDocument, arn('POST/orders'))).toBe(false);
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/health'))).toBe(false);
  });

  it.each([
    ['/orders/7/secret', 'orders/7/secret'],
    ['/orders/7/a/b/c', 'orders/7/a/b/c'],
  ])(
    'denies an orders:read token on %s, which API Gateway routes to the admin-only GET /{proxy+}',
    (_path, path) => {
      // Arrange
      const build = createPolicyBuilder(ROUTES);
      // Act
      const result = build(claims('orders:read'), request('GET', '/{proxy+}', path));
      // Assert
      expect(result.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [arn('GET/*')] },
      ]);
      expect(isAllowedByPolicy(result.policyDocument, arn(`GET/${path}`))).toBe(false);
    },
  );

  it('allows an admin token on its own literal GET /orders/new (no over-deny)', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES);
    // Act
    const result = build(claims('admin'), request('GET', '/orders/new', 'orders/new'));
    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/orders/new'))).toBe(true);
  });

  it('denies a route missing from the map, even under a listed {param} route', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES);
    // Act
    const result = build(
      claims('orders:read'),
      request('GET', '/orders/{id}/audit', 'orders/7/audit'),
    );
    // Assert
    expect(result.policyDocument).toEqual(policyDocument('Deny', arn('GET/orders/*/audit')));
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/orders/7/audit'))).toBe(false);
  });

  it('uses the ANY route for a method without its own, allowing only the request method', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES);
    // Act
    const result = build(claims('files'), request('DELETE', '/files/{proxy+}', 'files/a/b'));
    // Assert
    expect(result.policyDocument.Statement[0].Resource).toEqual([arn('DELETE/files/*')]);
    expect(isAllowedByPolicy(result.policyDocument, arn('DELETE/files/a/b'))).toBe(true);
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/files/a/b'))).toBe(false);
  });

  it('covers the root resource exactly', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES);
    // Act
    const result = build(claims('root'), request('GET', '/', ''));
    // Assert
    expect(result.policyDocument.Statement[0]).toEqual({
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: [arn('GET/')],
    });
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/'))).toBe(true);
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/health'))).toBe(false);
  });

  it('rejects a methodArn that names another method than httpMethod, also after a hit', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES);
    const good = request('GET', '/health', 'health');
    build(claims(''), good);
    // Act / Assert
    expect(() => build(claims(''), { ...good, httpMethod: 'POST' })).toThrow(MethodArnError);
    expect(() =>
      build(claims(''), { ...good, methodArn: 'arn:aws:execute-api:x:1:a/b/GET/health' }),
    ).toThrow(MethodArnError);
    expect(build(claims(''), good).policyDocument.Statement[0].Effect).toBe('Allow');
  });

  it('reuses frozen documents per scope, route and stage, clearing the cache when full', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES, { cacheSize: 2 });
    const a = request('GET', '/orders/{id}', 'orders/1');
    const otherStage = {
      ...a,
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/orders/1',
    };
    // Act
    const a1 = build(claims('orders:read'), a).policyDocument;
    const a2 = build(claims('orders:read'), {
      ...a,
      methodArn: arn('GET/orders/2'),
    }).policyDocument;
    const dev = build(claims('orders:read'), otherStage).policyDocument;
    build(claims('admin'), a); // a third key: the full cache is cleared
    const a3 = build(claims('orders:read'), a).policyDocument;
    // Assert
    expect(a2).toBe(a1);
    expect(Object.isFrozen(a1)).toBe(true);
    expect(Object.isFrozen(a1.Statement[0])).toBe(true);
    expect(dev.Statement[0].Resource).toEqual([
      'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/orders/*',
    ]);
    expect(a3).not.toBe(a1);
    expect(a3).toEqual(a1);
  });
});
