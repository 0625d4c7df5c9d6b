// Unit tests of the API Gateway emulator through handle(): events, authorizer and cache, gateway responses.
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { ApiGatewayEmulator, methodArn, toGatewayResult } from '../../../../tools/gateway/emulator';
import type {
  AccessLogEntry,
  ApiDefinition,
  GatewayRequest,
  TokenAuthorizerHandler,
} from '../../../../tools/gateway/types';

const API = { restApiId: 'abc123', stage: 'dev', region: 'eu-west-1', accountId: '111122223333' };

function policy(effect: 'Allow' | 'Deny', resource: string) {
  return {
    principalId: 'client-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: effect, Action: 'execute-api:Invoke', Resource: resource }],
    },
    context: { client_id: 'client-1', scope: 'demo:read', n: 1 },
  };
}

/** Authorizer: "good" allows GET /*, "deny" gets a Deny, "bad" is Unauthorized, "boom" fails, "junk" is malformed. */
function makeAuthorizer(): jest.MockedFunction<TokenAuthorizerHandler> {
  const impl: TokenAuthorizerHandler = async (event: APIGatewayTokenAuthorizerEvent) => {
    const base = event.methodArn.split('/').slice(0, 2).join('/');
    switch (event.authorizationToken) {
      case 'Bearer good':
        return policy('Allow', `${base}/GET/*`);
      case 'Bearer deny':
        return policy('Deny', `${base}/*`);
      case 'Bearer boom':
        throw new Error('database down');
      case 'Bearer junk':
        return { principalId: 'x' };
      default:
        throw new Error('Unauthorized');
    }
  };
  return jest.fn(impl);
}

function setup(overrides: Partial<ApiDefinition> = {}, ttl = 300) {
  let now = 1_700_000_000_000;
  const authorizer = makeAuthorizer();
  const backend = jest.fn(async (event: APIGatewayProxyEvent) => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
    body: JSON.stringify({ seen: event.requestContext.authorizer }),
  }));
  const logs: AccessLogEntry[] = [];
  const api: ApiDefinition = {
    ...API,
    routes: [
      {
        method: 'GET',
        resourcePath: '/hello',
        authorization: 'CUSTOM',
        authorizerId: 'auth',
        integration: { type: 'lambda-proxy', handler: backend },
      },
      {
        method: 'POST',
        resourcePath: '/hello',
        authorization: 'CUSTOM',
        authorizerId: 'auth',
        integration: { type: 'lambda-proxy', handler: backend },
      },
      {
        method: 'ANY',
        resourcePath: '/echo/{proxy+}',
        authorization: 'NONE',
        integration: {
          type: 'lambda-proxy',
          handler: async (event) => ({ statusCode: 200, body: JSON.stringify(event) }),
        },
      },
      {
        method: 'GET',
        resourcePath: '/health',
        authorization: 'NONE',
        integration: { type: 'mock', statusCode: 204, headers: { 'X-Mock': 'yes' } },
      },
      {
        method: 'GET',
        resourcePath: '/broken',
        authorization: 'NONE',
        integration: {
          type: 'lambda-proxy',
          handler: async () => ({ body: 'no status' }) as never,
        },
      },
      {
        method: 'GET',
        resourcePath: '/throws',
        authorization: 'NONE',
        integration: {
          type: 'lambda-proxy',
          handler: async () => {
            throw new Error('bug');
          },
        },
      },
    ],
    authorizers: { auth: { name: 'auth', handler: authorizer, resultTtlSeconds: ttl } },
    gatewayResponses: {
      UNAUTHORIZED: {
        responseParameters: {
          'gatewayresponse.header.WWW-Authenticate': `'Bearer error="invalid_token"'`,
        },
        responseTemplates: {
          'application/json': '{"error":"invalid_token","message":$context.error.messageString}',
        },
      },
    },
    maxBodyBytes: 1024,
    ...overrides,
  };
  const emulator = new ApiGatewayEmulator(api, {
    clock: () => now,
    onAccessLog: (e) => logs.push(e),
  });
  const request = (
    method: string,
    url: string,
    headers: string[] = [],
    body = '',
  ): Promise<ReturnType<typeof toGatewayResult>> =>
    emulator.handle({
      method,
      url,
      rawHeaders: ['Host', 'localhost:8080', ...headers],
      body: Buffer.from(body),
      sourceIp: '127.0.0.1',
    } satisfies GatewayRequest);
  return { emulator, authorizer, backend, logs, request, advance: (ms: number) => (now += ms) };
}

const json = (body: Buffer): Record<string, unknown> => JSON.parse(body.toString('utf8'));

describe('ApiGatewayEmulator', () => {
  it('builds the TOKEN authorizer event and passes its context to the proxy event', async () => {
    // Arrange
    const { request, authorizer } = setup();

    // Act
    const res = await request('GET', '/dev/hello?x=1', ['Authorization', 'Bearer good']);

    // Assert
    expect(res.statusCode).toBe(200);
    expect(authorizer.mock.calls[0]?.[0]).toEqual({
      type: 'TOKEN',
      authorizationToken: 'Bearer good',
      methodArn: 'arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/GET/hello',
    });
    expect(json(res.body).seen).toEqual({
      client_id: 'client-1',
      scope: 'demo:read',
      n: '1',
      principalId: 'client-1',
      integrationLatency: 0,
    });
    expect(res.headers['Set-Cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-amzn-RequestId']).toHaveLength(1);
  });

  it('caches the authorizer result per token for the TTL', async () => {
    // Arrange
    const { request, authorizer, logs, advance } = setup({}, 60);
    const auth = ['Authorization', 'Bearer good'];

    // Act
    await request('GET', '/hello', auth);
    await request('POST', '/hello', auth);
    advance(59_000);
    await request('GET', '/hello', auth);
    advance(2_000);
    await request('GET', '/hello', auth);

    // Assert
    expect(authorizer).toHaveBeenCalledTimes(2);
    expect(logs.map((l) => [l.authorizerCache, l.statusCode])).toEqual([
      ['miss', 200],
      ['hit', 403],
      ['hit', 200],
      ['miss', 200],
    ]);
  });

  it('does not cache with TTL 0', async () => {
    // Arrange
    const { request, authorizer, logs } = setup({}, 0);

    // Act
    await request('GET', '/hello', ['Authorization', 'Bearer good']);
    await request('GET', '/hello', ['Authorization', 'Bearer good']);

    // Assert
    expect(authorizer).toHaveBeenCalledTimes(2);
    expect(logs.map((l) => l.authorizerCache)).toEqual(['none', 'none']);
  });

  it.each([
    ['no Authorization header', [], 401, 'UNAUTHORIZED', 0],
    ['Unauthorized from the authorizer', ['Authorization', 'Bearer nope'], 401, 'UNAUTHORIZED', 1],
    ['an explicit Deny', ['Authorization', 'Bearer deny'], 403, 'ACCESS_DENIED', 1],
    ['an authorizer failure', ['Authorization', 'Bearer boom'], 500, 'AUTHORIZER_FAILURE', 1],
    [
      'malformed authorizer output',
      ['Authorization', 'Bearer junk'],
      500,
      'AUTHORIZER_CONFIGURATION_ERROR',
      1,
    ],
  ])('answers %s with a gateway response', async (_name, headers, status, type, calls) => {
    // Arrange
    const { request, authorizer, backend, logs } = setup();

    // Act
    const res = await request('GET', '/hello', headers);

    // Assert
    expect(res.statusCode).toBe(status);
    expect(logs[0]?.gatewayResponse).toBe(type);
    expect(authorizer).toHaveBeenCalledTimes(calls);
    expect(backend).not.toHaveBeenCalled();
    expect(res.headers['Content-Type']).toEqual(['application/json']);
    expect(() => json(res.body)).not.toThrow();
    expect(res.body.toString()).not.toContain('database down');
  });

  it('renders configured gateway responses with headers and templates', async () => {
    // Arrange
    const { request } = setup();

    // Act
    const res = await request('GET', '/hello');

    // Assert
    expect(res.headers['WWW-Authenticate']).toEqual(['Bearer error="invalid_token"']);
    expect(json(res.body)).toEqual({ error: 'invalid_token', message: 'Unauthorized' });
  });

  it.each([
    ['GET', '/unknown'],
    ['DELETE', '/hello'],
  ])('answers %s %s with 403 Missing Authentication Token', async (method, path) => {
    // Arrange
    const { request } = setup();

    // Act
    const res = await request(method, path);

    // Assert
    expect(res.statusCode).toBe(403);
    expect(json(res.body)).toEqual({ message: 'Missing Authentication Token' });
  });

  it('builds a REST proxy event', async () => {
    // Arrange
    const { request } = setup();

    // Act
    const res = await request(
      'POST',
      '/echo/a/b%20c?x=1&x=2&y=',
      ['X-Multi', '1', 'x-multi', '2', 'Content-Type', 'application/json', 'User-Agent', 'test'],
      '{"a":1}',
    );
    const event = json(res.body) as unknown as APIGatewayProxyEvent;

    // Assert
    expect(event).toMatchObject({
      resource: '/echo/{proxy+}',
      path: '/echo/a/b%20c',
      httpMethod: 'POST',
      headers: { 'X-Multi': '2', 'Content-Type': 'application/json' },
      multiValueHeaders: { 'X-Multi': ['1', '2'] },
      queryStringParameters: { x: '2', y: '' },
      multiValueQueryStringParameters: { x: ['1', '2'], y: [''] },
      pathParameters: { proxy: 'a/b c' },
      stageVariables: null,
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: {
        resourcePath: '/echo/{proxy+}',
        httpMethod: 'POST',
        stage: 'dev',
        // Sent without the stage: a custom domain's (none) mapping, so the path as sent.
        path: '/echo/a/b%20c',
        accountId: '111122223333',
        apiId: 'abc123',
        authorizer: null,
        identity: { sourceIp: '127.0.0.1', userAgent: 'test' },
      },
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('base64-encodes binary bodies', async () => {
    // Arrange
    const { request } = setup();

    // Act
    const res = await request(
      'PUT',
      '/echo/x',
      ['Content-Type', 'application/octet-stream'],
      '\x00\x01',
    );
    const event = json(res.body) as unknown as APIGatewayProxyEvent;

    // Assert
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from('\x00\x01').toString('base64'));
  });

  it('follows binaryMediaTypes when the API declares them', async () => {
    // Arrange
    const { request } = setup({ binaryMediaTypes: ['*/*'] });

    // Act
    const res = await request(
      'POST',
      '/echo/x',
      ['Content-Type', 'application/x-www-form-urlencoded'],
      'a=1',
    );

    // Assert
    expect((json(res.body) as unknown as APIGatewayProxyEvent).body).toBe(
      Buffer.from('a=1').toString('base64'),
    );
  });

  it('answers MOCK integrations', async () => {
    // Arrange
    const { request } = setup();

    // Act
    const res = await request('GET', '/health');

    // Assert
    expect(res.statusCode).toBe(204);
    expect(res.headers['X-Mock']).toEqual(['yes']);
  });

  it.each(['/broken', '/throws'])('answers 502 when %s fails', async (path) => {
    // Arrange
    const { request } = setup();

    // Act
    const res = await request('GET', path);

    // Assert
    expect(res.statusCode).toBe(502);
    expect(json(res.body)).toEqual({ message: 'Internal server error' });
  });

  it('rejects bodies over the limit with 413', async () => {
    // Arrange
    const { request, backend } = setup();

    // Act
    const res = await request('POST', '/echo/x', [], 'x'.repeat(1025));

    // Assert
    expect(res.statusCode).toBe(413);
    expect(backend).not.toHaveBeenCalled();
  });

  it('rejects definitions it cannot serve faithfully', () => {
    expect(() => setup({ authorizers: {} })).toThrow(/authorizer auth is not defined/);
    expect(() =>
      setup({
        gatewayResponses: {
          UNAUTHORIZED: {
            responseParameters: { 'gatewayresponse.header.X': 'method.request.header.Y' },
          },
        },
      }),
    ).toThrow(/static value/);
    expect(() =>
      setup({ authorizers: { auth: { name: 'a', handler: jest.fn(), resultTtlSeconds: 7200 } } }),
    ).toThrow(/0..3600/);
    for (const basePath of ['/shop', 'shop/', 'a//b', '', 'a b']) {
      expect(() => setup({ basePath })).toThrow(/basePath .* must be path segments/);
    }
  });

  it('builds method ARNs like API Gateway', () => {
    expect(methodArn(API, 'GET', '/')).toBe(
      'arn:aws:execute-api:eu-west-1:111122223333:abc123/dev/GET/',
    );
  });

  it('merges headers and multiValueHeaders, multiValueHeaders first, and decodes base64 bodies', () => {
    // Act
    const res = toGatewayResult({
      statusCode: 200,
      headers: { a: '1', B: '2' },
      multiValueHeaders: { A: ['x', 'y'] },
      body: Buffer.from('hi').toString('base64'),
      isBase64Encoded: true,
    });

    // Assert
    expect(res.headers).toEqual({ A: ['x', 'y'], B: ['2'] });
    expect(res.body.toString()).toBe('hi');
  });
});
