// The emulator's REQUEST authorizer: event shape, identity sources, 401 without a call, cache key and TTL, and the path rules.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { ApiGatewayEmulator } from '../../../../tools/gateway/emulator';
import { parseIdentitySources } from '../../../../tools/gateway/request-authorizer';
import { readRequestPath } from '../../../../tools/gateway/request-path';
import type {
  ApiDefinition,
  GatewayRequest,
  RequestAuthorizerHandler,
} from '../../../../tools/gateway/types';

const SOURCES = 'method.request.header.Authorization,context.httpMethod,context.resourcePath';

function allow(event: APIGatewayRequestAuthorizerEvent) {
  return {
    principalId: 'client-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: event.methodArn }],
    },
    context: { client_id: 'client-1' },
  };
}

function setup(identitySource = SOURCES, ttl = 300, extra: Partial<ApiDefinition> = {}) {
  let now = 1_700_000_000_000;
  const handler = jest.fn<ReturnType<RequestAuthorizerHandler>, [APIGatewayRequestAuthorizerEvent]>(
    async (event) => {
      if (event.headers?.Authorization === 'Bearer bad') throw new Error('Unauthorized');
      return allow(event);
    },
  );
  const errors: string[] = [];
  const route = (method: string, resourcePath: string) => ({
    method,
    resourcePath,
    authorization: 'CUSTOM' as const,
    authorizerId: 'req',
    integration: { type: 'mock' as const, statusCode: 200 },
  });
  const api: ApiDefinition = {
    restApiId: 'abc123',
    stage: 'dev',
    region: 'eu-west-1',
    accountId: '111122223333',
    stageVariables: { tier: 'gold' },
    routes: [
      route('GET', '/orders/{id}'),
      route('ANY', '/{proxy+}'),
      route('GET', '/orders/new'),
      route('GET', '/'),
    ],
    authorizers: {
      req: {
        type: 'REQUEST',
        name: 'req',
        identitySource,
        resultTtlSeconds: ttl,
        handler: handler as RequestAuthorizerHandler,
      },
    },
    ...extra,
  };
  const emulator = new ApiGatewayEmulator(api, {
    clock: () => now,
    onError: (message) => errors.push(message),
  });
  const call = (url: string, headers: Record<string, string> = {}, method = 'GET') => {
    const request: GatewayRequest = {
      method,
      url,
      rawHeaders: Object.entries(headers).flat(),
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
    };
    return emulator.handle(request);
  };
  return {
    handler,
    call,
    errors,
    emulator,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('REQUEST authorizer in the emulator', () => {
  it('invokes the function with the documented REQUEST event', async () => {
    // Arrange
    const { handler, call } = setup();
    // Act
    const res = await call('/dev/orders/7?x=1&x=2', { Authorization: 'Bearer a', 'X-Trace': 't' });
    // Assert
    expect(res.statusCode).toBe(200);
    const event = handler.mock.calls[0]?.[0] as APIGatewayRequestAuthorizerEvent;
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/GET/orders/7',
      resource: '/orders/{id}',
      path: '/orders/7',
      httpMethod: 'GET',
      headers: { Authorization: 'Bearer a', 'X-Trace': 't' },
      multiValueHeaders: { Authorization: ['Bearer a'], 'X-Trace': ['t'] },
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
      pathParameters: { id: '7' },
      stageVariables: { tier: 'gold' },
      requestContext: {
        httpMethod: 'GET',
        resourcePath: '/orders/{id}',
        resourceId: '/orders/{id}',
        stage: 'dev',
        apiId: 'abc123',
        accountId: '111122223333',
      },
    });
    expect(Object.keys(event).sort()).toEqual(
      [
        'type',
        'methodArn',
        'resource',
        'path',
        'httpMethod',
        'headers',
        'multiValueHeaders',
        'queryStringParameters',
        'multiValueQueryStringParameters',
        'pathParameters',
        'stageVariables',
        'requestContext',
      ].sort(),
    );
  });

  it.each([
    ['execute-api, with the stage', '/dev/orders/7', undefined, '/dev/orders/7'],
    ['a custom domain mapped with (none)', '/orders/7', undefined, '/orders/7'],
    ['a custom domain mapped at a base path', '/shop/v1/orders/7', 'shop/v1', '/shop/v1/orders/7'],
  ])(
    'passes requestContext.path as the client sent it on %s, and the Host as domainName',
    async (_name, url, basePath, expected) => {
      // Arrange
      const { handler, call } = setup(SOURCES, 300, basePath ? { basePath } : {});
      // Act
      const res = await call(`${url}?q=1`, {
        Authorization: 'Bearer a',
        Host: 'api.example.com:8443',
        DPoP: 'proof',
      });
      // Assert
      expect(res.statusCode).toBe(200);
      const event = handler.mock.calls[0]?.[0] as APIGatewayRequestAuthorizerEvent;
      expect(event.resource).toBe('/orders/{id}');
      expect(event.path).toBe('/orders/7');
      expect(event.requestContext).toMatchObject({
        path: expected,
        domainName: 'api.example.com',
        stage: 'dev',
      });
      expect(event.headers).toMatchObject({ Host: 'api.example.com:8443', DPoP: 'proof' });
      expect(event.multiValueHeaders).toMatchObject({ DPoP: ['proof'] });
    },
  );

  it('passes a header sent twice once in headers and twice in multiValueHeaders', async () => {
    // Arrange
    const { handler, emulator } = setup();
    // Act
    await emulator.handle({
      method: 'GET',
      url: '/dev/orders/7',
      rawHeaders: ['Authorization', 'Bearer a', 'DPoP', 'one', 'dpop', 'two'],
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
    });
    // Assert
    const event = handler.mock.calls[0]?.[0] as APIGatewayRequestAuthorizerEvent;
    expect(event.headers).toEqual({ Authorization: 'Bearer a', DPoP: 'two' });
    expect(event.multiValueHeaders).toEqual({ Authorization: ['Bearer a'], DPoP: ['one', 'two'] });
  });

  it.each([
    ['no Authorization header', {}],
    ['an empty Authorization header', { Authorization: '' }],
  ])('answers 401 without invoking the function for %s', async (_name, headers) => {
    // Arrange
    const { handler, call } = setup();
    // Act
    const res = await call('/orders/7', headers);
    // Assert
    expect(res.statusCode).toBe(401);
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 401 without a call when a query string or stage variable source is missing', async () => {
    // Arrange
    const { handler, call } = setup(
      'method.request.header.Authorization,method.request.querystring.key,stageVariables.nope',
    );
    // Act
    const res = await call('/orders/7?key=k', { Authorization: 'Bearer a' });
    // Assert
    expect(res.statusCode).toBe(401);
    expect(handler).not.toHaveBeenCalled();
  });

  it('caches per identity-source values: the same token on another route is a new call', async () => {
    // Arrange
    const { handler, call } = setup();
    const auth = { Authorization: 'Bearer a' };
    // Act
    const first = await call('/orders/7', auth);
    const sameRoute = await call('/orders/8', auth);
    const otherRoute = await call('/orders/7/secret', auth);
    const otherMethod = await call('/orders/7/secret', auth, 'POST');
    // Assert
    expect([first, sameRoute, otherRoute, otherMethod].map((r) => r.statusCode)).toEqual([
      200, 403, 200, 200,
    ]);
    // The cached policy names /orders/7 exactly, so /orders/8 on the same route is judged by it.
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it('keeps a result for the TTL, then calls again; TTL 0 calls every time', async () => {
    // Arrange
    const cached = setup(SOURCES, 60);
    const uncached = setup(SOURCES, 0);
    const auth = { Authorization: 'Bearer a' };
    // Act
    await cached.call('/orders/7', auth);
    cached.advance(59_999);
    await cached.call('/orders/7', auth);
    cached.advance(1);
    await cached.call('/orders/7', auth);
    await uncached.call('/orders/7', auth);
    await uncached.call('/orders/7', auth);
    // Assert
    expect(cached.handler).toHaveBeenCalledTimes(2);
    expect(uncached.handler).toHaveBeenCalledTimes(2);
  });

  it('caches an Unauthorized answer under its key', async () => {
    // Arrange
    const { handler, call } = setup();
    // Act
    const first = await call('/orders/7', { Authorization: 'Bearer bad' });
    const second = await call('/orders/7', { Authorization: 'Bearer bad' });
    // Assert
    expect([first.statusCode, second.statusCode]).toEqual([401, 401]);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('builds method ARNs in the API partition', async () => {
    // Arrange
    const { handler, call } = setup(SOURCES, 300, { partition: 'aws-cn', region: 'cn-north-1' });
    // Act
    await call('/orders/7', { Authorization: 'Bearer a' });
    // Assert
    expect(handler.mock.calls[0]?.[0].methodArn).toBe(
      'arn:aws-cn:execute-api:cn-north-1:111122223333:abc123/dev/GET/orders/7',
    );
  });

  it.each([
    ['an unknown context variable', 'context.requestId', /"context.requestId" is not supported/],
    ['a path parameter', 'method.request.path.id', /is a path parameter/],
    ['a bad header name', 'method.request.header.a b', /names no valid header/],
    ['a bad query name', 'method.request.querystring.a b', /names no valid parameter/],
    ['a bad stage variable', 'stageVariables.a b', /names no valid stage variable/],
    ['another expression', 'method.request.body', /is not a header, query string/],
  ])('refuses %s as identity source when the API is loaded', (_name, source, message) => {
    // Act / Assert
    expect(() => setup(source)).toThrow(message);
  });

  it('refuses caching without identity sources and a TTL out of range', () => {
    // Act / Assert
    expect(() => setup('', 300)).toThrow(/with caching needs identity sources/);
    expect(() => setup(' ', 0)).not.toThrow();
    expect(() => setup(SOURCES, 3601)).toThrow(/resultTtlSeconds must be 0..3600/);
  });

  it('parses a comma-separated list with spaces', () => {
    // Act / Assert
    expect(parseIdentitySources('method.request.header.A, context.stage', 'x')).toEqual([
      { kind: 'header', name: 'A' },
      { kind: 'context', name: 'stage' },
    ]);
  });

  it('answers 500 for a failing function and for output API Gateway rejects', async () => {
    // Arrange
    const { handler, call, errors } = setup();
    handler.mockRejectedValueOnce(new Error('boom'));
    handler.mockResolvedValueOnce({ principalId: '' } as never);
    // Act
    const failed = await call('/orders/7', { Authorization: 'Bearer x' });
    const malformed = await call('/orders/7', { Authorization: 'Bearer y' });
    // Assert
    expect([failed.statusCode, malformed.statusCode]).toEqual([500, 500]);
    expect(errors).toEqual([
      'authorizer req failed',
      'authorizer req returned bad output: principalId is missing',
    ]);
  });
});

describe('request path rules', () => {
  const viaStage = (path: string, requestPath: string, rawQuery = '') => ({
    path,
    rawQuery,
    requestPath,
    via: 'execute-api',
  });
  const viaDomain = (path: string, requestPath: string, rawQuery = '') => ({
    path,
    rawQuery,
    requestPath,
    via: 'custom-domain',
  });

  it.each([
    ['/dev/orders/7?x=1', viaStage('/orders/7', '/dev/orders/7', 'x=1')],
    ['/orders/7', viaDomain('/orders/7', '/orders/7')],
    ['/dev', viaStage('/', '/dev')],
    ['/dev/', viaStage('/', '/dev/')],
    ['/', viaDomain('/', '/')],
    ['/dev/dev/x', viaStage('/dev/x', '/dev/dev/x')],
    ['/files/a%20b/%C3%A9', viaDomain('/files/a%20b/%C3%A9', '/files/a%20b/%C3%A9')],
    ['/orders/v1.0', viaDomain('/orders/v1.0', '/orders/v1.0')],
  ])('routes %s', (target, expected) => {
    // Act / Assert
    expect(readRequestPath(target, 'dev')).toEqual(expected);
  });

  it.each([
    ['/shop/v1/orders/7?x=1', viaDomain('/orders/7', '/shop/v1/orders/7', 'x=1')],
    ['/shop/v1', viaDomain('/', '/shop/v1')],
    ['/dev/orders/7', viaStage('/orders/7', '/dev/orders/7')],
    // Not under the base path: read as the (none) mapping, routed as sent.
    ['/shop/orders/7', viaDomain('/shop/orders/7', '/shop/orders/7')],
    ['/shop/v10/orders', viaDomain('/shop/v10/orders', '/shop/v10/orders')],
  ])('with the base path shop/v1, routes %s', (target, expected) => {
    // Act / Assert
    expect(readRequestPath(target, 'dev', 'shop/v1')).toEqual(expected);
  });

  it.each([
    ['/orders/new/', /empty path segments/],
    ['/orders//new', /empty path segments/],
    ['//orders', /empty path segments/],
    ['/orders/./new', /dot segments/],
    ['/orders/../orders/new', /dot segments/],
    ['/orders/%2e%2E/new', /dot segments/],
    ['/orders/%6Eew', /percent-encoded "n"/],
    ['/orders/a%2Fb', /percent-encoded "\/"/],
    ['/orders/%7Bid%7D', /percent-encoded "\{"/],
    ['/orders/%zz', /malformed percent-encoding/],
    ['/orders/%4', /malformed percent-encoding/],
    ['orders', /not an absolute path/],
  ])('refuses %s', (target, reason) => {
    // Act
    const read = readRequestPath(target, 'dev');
    // Assert
    expect('refused' in read && read.refused).toMatch(reason);
  });

  it('answers a refused path with 400 and says why to the operator', async () => {
    // Arrange
    const { handler, call, errors } = setup();
    // Act
    const res = await call('/orders/new/', { Authorization: 'Bearer a' });
    // Assert
    expect(res.statusCode).toBe(400);
    expect(handler).not.toHaveBeenCalled();
    expect(errors[0]).toMatch(/^refused GET \/orders\/new\/: empty path segments/);
  });

  it.each(['/Orders/new', '/ORDERS/7'])(
    'refuses %s, whose route would depend on case sensitivity',
    async (path) => {
      // Arrange
      const { handler, call, errors } = setup();
      // Act
      const res = await call(path, { Authorization: 'Bearer a' });
      // Assert
      expect(res.statusCode).toBe(400);
      expect(handler).not.toHaveBeenCalled();
      expect(errors[0]).toMatch(/would depend on the case/);
    },
  );
});
