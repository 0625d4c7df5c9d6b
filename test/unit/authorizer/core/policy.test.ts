// Policy building: allowed routes to resource ARNs, explicit Deny, cache and methodArn parsing.
// Policies are judged by the API Gateway emulator's independent evaluator, not by the authorizer.
import {
  createPolicyBuilder,
  denyDocument,
  MethodArnError,
  parseMethodArn,
  planPolicy,
} from '../../../../functions/authorizer/core/policy';
import { parseRouteMap } from '../../../../functions/authorizer/core/route-map';
import { isAllowedByPolicy } from '../../../../tools/gateway/policy-evaluation';

const PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/';
const arn = (methodAndPath: string): string => `${PREFIX}${methodAndPath}`;
const claims = (scope: string) => ({ sub: 'client-1', client_id: 'client-1', scope, jti: 'j1' });

const ROUTES = parseRouteMap({
  'GET /orders/*': ['orders:read'],
  'POST /orders': ['orders:write'],
  'GET /health': [],
  'GET /orders/{id}/audit': ['orders:admin'],
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
    'arn:aws:lambda:eu-west-1:123456789012:function:x',
    'arn:aws:execute-api:eu-west-1:12345:abc/prod/GET/x',
    'arn:aws:execute-api:eu-west-1:123456789012:abc/prod',
    `${PREFIX}GET/a*`,
    '',
  ])('rejects %j', (value) => {
    // Act / Assert
    expect(() => parseMethodArn(value)).toThrow(MethodArnError);
  });
});

describe('createPolicyBuilder', () => {
  it('allows every route the scopes permit, with [] routes for any token', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES);
    // Act
    const result = build(claims('orders:read'), arn('GET/orders/7'));
    // Assert
    expect(result.principalId).toBe('client-1');
    expect(result.context).toEqual({ client_id: 'client-1', scope: 'orders:read', jti: 'j1' });
    expect(result.policyDocument.Statement[0]).toEqual({
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: [arn('GET/orders/*'), arn('GET/health')],
    });
    // GET/orders/* would also reach the admin-only audit route: it gets an explicit Deny.
    expect(result.policyDocument.Statement[1]).toEqual({
      Action: 'execute-api:Invoke',
      Effect: 'Deny',
      Resource: [arn('GET/orders/*/audit')],
    });
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/orders/7'))).toBe(true);
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/orders/7/audit'))).toBe(false);
    expect(isAllowedByPolicy(result.policyDocument, arn('POST/orders'))).toBe(false);
  });

  it('denies the method ARN explicitly when nothing is allowed', () => {
    // Arrange
    const build = createPolicyBuilder(parseRouteMap({ 'GET /a': ['a'] }));
    // Act
    const result = build(claims('b'), arn('GET/a'));
    // Assert
    expect(result.policyDocument).toEqual(denyDocument(arn('GET/a')));
    expect(isAllowedByPolicy(result.policyDocument, arn('GET/a'))).toBe(false);
  });

  it('reuses cached documents per scope set and ARN prefix, evicting the least recently used', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES, { cacheSize: 2 });
    const otherStage = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/health';
    // Act
    const a1 = build(claims('orders:read'), arn('GET/orders/1')).policyDocument;
    const b1 = build(claims('orders:write'), arn('POST/orders')).policyDocument;
    const a2 = build(claims('orders:read'), arn('GET/orders/2')).policyDocument; // a is now newest
    build(claims(''), otherStage); // evicts b (least recently used)
    const a3 = build(claims('orders:read'), arn('GET/health')).policyDocument;
    const b2 = build(claims('orders:write'), arn('POST/orders')).policyDocument;
    // Assert
    expect(a2).toBe(a1);
    expect(a3).toBe(a1);
    expect(b2).not.toBe(b1);
    expect(b2).toEqual(b1);
    expect(Object.isFrozen(a1)).toBe(true);
  });

  it('evicts in least-recently-used order when entries are never hit', () => {
    // Arrange
    const build = createPolicyBuilder(ROUTES, { cacheSize: 2 });
    // Act
    const first = build(claims('s1'), arn('GET/health')).policyDocument;
    build(claims('s2'), arn('GET/health'));
    build(claims('s3'), arn('GET/health')); // evicts s1
    const second = build(claims('s2'), arn('GET/health')).policyDocument;
    const again = build(claims('s1'), arn('GET/health')).policyDocument;
    // Assert
    expect(again).not.toBe(first);
    expect(build(claims('s2'), arn('GET/health')).policyDocument).toBe(second); // s3 was evicted instead
  });

  it('throws on a malformed methodArn', () => {
    // Act / Assert
    expect(() => createPolicyBuilder(ROUTES)(claims('x'), 'nope')).toThrow(MethodArnError);
  });
});

describe('planPolicy', () => {
  const plan = (map: Record<string, string[]>, scopes: string[]) =>
    planPolicy(parseRouteMap(map), new Set(scopes));

  it('turns path parameters and greedy segments into *', () => {
    // Act / Assert
    expect(plan({ 'GET /o/{id}/i/{proxy+}': ['s'] }, ['s'])).toEqual({
      allow: ['GET/o/*/i/*'],
      deny: [],
    });
  });

  it('does not deny a less specific route that API Gateway does not pick', () => {
    // Arrange: GET /orders/new (allowed, literal) beats GET /orders/{id} (denied) for /orders/new.
    const result = plan({ 'GET /orders/new': ['w'], 'GET /orders/{id}': ['r'] }, ['w']);
    // Assert
    expect(result).toEqual({ allow: ['GET/orders/new'], deny: [] });
  });

  it('denies a concrete method under an allowed ANY, and not the reverse', () => {
    // Act
    const anyAllowed = plan({ 'ANY /x': ['a'], 'DELETE /x': ['d'] }, ['a']);
    const getAllowed = plan({ 'ANY /x': ['a'], 'GET /x': ['g'] }, ['g']);
    // Assert
    expect(anyAllowed.deny).toEqual(['DELETE/x']);
    expect(anyAllowed.allow).toContain('PATCH/x');
    expect(getAllowed).toEqual({ allow: ['GET/x'], deny: [] });
  });

  it('denies a more specific route under an allowed greedy route', () => {
    // Act
    const result = plan(
      { 'GET /files/{proxy+}': ['f'], 'GET /files/{id}/meta': ['m'], 'GET /other': ['o'] },
      ['f'],
    );
    // Assert
    expect(result).toEqual({ allow: ['GET/files/*'], deny: ['GET/files/*/meta'] });
  });

  it('does not deny a shorter route that no allowed pattern reaches', () => {
    // Arrange: GET/orders/*/audit cannot match a request for /orders/{id}.
    const result = plan({ 'GET /orders/{id}/audit': ['a'], 'GET /orders/{id}': ['r'] }, ['a']);
    // Assert
    expect(result).toEqual({ allow: ['GET/orders/*/audit'], deny: [] });
  });

  it('denies a denied ANY route reached by an allowed pattern', () => {
    // Act
    const result = plan({ 'GET /*': ['all'], 'ANY /admin/x': ['admin'] }, ['all']);
    // Assert
    expect(result.deny).toHaveLength(7);
  });
});
