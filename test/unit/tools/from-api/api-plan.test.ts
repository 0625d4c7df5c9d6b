// Unit tests of planApi: a deployed REST API (GetResources/GetAuthorizers/... output) translated for the emulator.
import type { Method, Resource } from '@aws-sdk/client-api-gateway';
import {
  partitionOf,
  planApi,
  type DeployedApiSnapshot,
} from '../../../../tools/from-api/api-plan';
import { FromApiError } from '../../../../tools/from-api/errors';

const TOKEN_FN = 'arn:aws:lambda:us-east-1:123456789012:function:oauth-demo-token';
const AUTH_FN = 'arn:aws:lambda:us-east-1:123456789012:function:oauth-demo-authorizer';
const uri = (fn: string): string =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn}/invocations`;

const proxy = (httpMethod: string, fn = TOKEN_FN): Method => ({
  httpMethod,
  authorizationType: 'NONE',
  apiKeyRequired: false,
  methodIntegration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: uri(fn) },
});

const helloMethod = (overrides: Partial<Method> = {}): Method => ({
  httpMethod: 'GET',
  authorizationType: 'CUSTOM',
  authorizerId: 'auth1',
  methodIntegration: {
    type: 'MOCK',
    requestTemplates: { 'application/json': '{"statusCode":200}' },
    integrationResponses: {
      '200': {
        statusCode: '200',
        responseTemplates: {
          'application/json': '{"client_id": "$context.authorizer.client_id"}',
        },
        responseParameters: { 'method.response.header.X-Demo': "'yes'" },
      },
    },
  },
  ...overrides,
});

/** The shape examples/complete has after terraform apply. */
function snapshot(hello: Method = helloMethod(), extra: Resource[] = []): DeployedApiSnapshot {
  return {
    region: 'us-east-1',
    restApi: { id: 'abc123', name: 'oauth-demo' },
    resources: [
      { id: 'r0', path: '/' },
      { id: 'r1', path: '/oauth2/token', resourceMethods: { POST: proxy('POST') } },
      { id: 'r2', path: '/.well-known/jwks.json', resourceMethods: { GET: proxy('GET') } },
      { id: 'r3', path: '/hello', resourceMethods: { GET: hello } },
      ...extra,
    ],
    authorizers: [
      {
        id: 'auth1',
        name: 'oauth-demo-authorizer',
        type: 'TOKEN',
        authorizerUri: uri(AUTH_FN),
        identitySource: 'method.request.header.Authorization',
        authorizerResultTtlInSeconds: 120,
      },
    ],
    gatewayResponses: [
      {
        responseType: 'UNAUTHORIZED',
        statusCode: '401',
        responseParameters: {
          'gatewayresponse.header.WWW-Authenticate': '\'Bearer error="invalid_token"\'',
        },
        responseTemplates: { 'application/json': '{"error":"invalid_token"}' },
        defaultResponse: false,
      },
      { responseType: 'DEFAULT_4XX', defaultResponse: true, statusCode: '400' },
      { responseType: 'WAF_FILTERED', statusCode: '403', defaultResponse: false },
    ],
    stage: { stageName: 'v1', variables: { color: 'blue' } },
  };
}

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FromApiError);
    return (err as Error).message;
  }
  throw new Error('expected a FromApiError');
}

describe('planApi', () => {
  it('translates routes, the TOKEN authorizer with its TTL, gateway responses and the stage', () => {
    // Act
    const plan = planApi(snapshot());

    // Assert
    expect(plan).toMatchObject({
      restApiId: 'abc123',
      stage: 'v1',
      region: 'us-east-1',
      accountId: '123456789012',
      stageVariables: { color: 'blue' },
      binaryMediaTypes: [],
    });
    expect(plan.routes.map((r) => `${r.method} ${r.resourcePath} ${r.integration.type}`)).toEqual([
      'GET /.well-known/jwks.json lambda',
      'GET /hello mock',
      'POST /oauth2/token lambda',
    ]);
    expect(plan.routes[1]).toMatchObject({ authorization: 'CUSTOM', authorizerId: 'auth1' });
    expect(plan.authorizers.auth1).toMatchObject({
      name: 'oauth-demo-authorizer',
      resultTtlSeconds: 120,
      function: { functionName: 'oauth-demo-authorizer' },
    });
    expect(plan.functions.map((f) => f.functionName)).toEqual([
      'oauth-demo-token',
      'oauth-demo-authorizer',
    ]);
    expect(plan.gatewayResponses).toEqual({
      UNAUTHORIZED: {
        statusCode: 401,
        responseParameters: {
          'gatewayresponse.header.WWW-Authenticate': '\'Bearer error="invalid_token"\'',
        },
        responseTemplates: { 'application/json': '{"error":"invalid_token"}' },
      },
    });
    expect(plan.notes).toEqual([
      'gateway responses WAF_FILTERED are configured but never produced by the emulator',
    ]);
  });

  it('keeps apiKeyRequired on methods of an API whose key source is the authorizer', () => {
    // Arrange
    const api = snapshot(helloMethod({ apiKeyRequired: true }));
    api.restApi = { ...api.restApi, apiKeySource: 'AUTHORIZER' };

    // Act
    const hello = planApi(api).routes.find((r) => r.resourcePath === '/hello');
    const token = planApi(api).routes.find((r) => r.resourcePath === '/oauth2/token');

    // Assert
    expect(hello?.apiKeyRequired).toBe(true);
    expect(token).not.toHaveProperty('apiKeyRequired');
  });

  it('reads MOCK integration responses: status, static headers and the JSON template', () => {
    // Act
    const hello = planApi(snapshot()).routes.find((r) => r.resourcePath === '/hello');

    // Assert
    expect(hello?.integration).toEqual({
      type: 'mock',
      spec: {
        requestTemplates: { 'application/json': '{"statusCode":200}' },
        responses: [
          {
            statusCode: 200,
            headers: { 'X-Demo': 'yes' },
            template: '{"client_id": "$context.authorizer.client_id"}',
            contentType: 'application/json',
          },
        ],
      },
    });
  });

  it('defaults the authorizer TTL to API Gateway default of 300 seconds', () => {
    // Arrange
    const api = snapshot();
    delete api.authorizers[0]?.authorizerResultTtlInSeconds;

    // Act / Assert
    expect(planApi(api).authorizers.auth1?.resultTtlSeconds).toBe(300);
  });

  it('resolves stage variables in Lambda integration URIs', () => {
    // Arrange
    const api = snapshot(helloMethod(), [
      {
        path: '/v',
        resourceMethods: {
          GET: {
            ...proxy('GET'),
            methodIntegration: {
              type: 'AWS_PROXY',
              uri: uri(
                'arn:aws:lambda:us-east-1:123456789012:function:app-${stageVariables.color}',
              ),
            },
          },
        },
      },
    ]);

    // Act
    const route = planApi(api).routes.find((r) => r.resourcePath === '/v');

    // Assert
    expect(route?.integration).toMatchObject({ function: { functionName: 'app-blue' } });
  });

  it.each<[string, Method, RegExp]>([
    [
      'a cached REQUEST authorizer without identity sources',
      helloMethod({ authorizerId: 'req' }),
      /authorizer req-auth: a REQUEST authorizer with caching has no identity sources/,
    ],
    [
      'a COGNITO_USER_POOLS authorizer',
      helloMethod({ authorizerId: 'pool' }),
      /GET \/hello: authorizer pool-auth is of type COGNITO_USER_POOLS; only TOKEN and REQUEST/,
    ],
    [
      'IAM authorization',
      helloMethod({ authorizationType: 'AWS_IAM' }),
      /GET \/hello: authorization type AWS_IAM is not supported/,
    ],
    [
      'an HTTP integration',
      helloMethod({ methodIntegration: { type: 'HTTP', uri: 'https://example.com' } }),
      /GET \/hello: integration type HTTP is not supported/,
    ],
    [
      'an AWS_PROXY integration to another service',
      helloMethod({
        methodIntegration: {
          type: 'AWS_PROXY',
          uri: 'arn:aws:apigateway:us-east-1:sqs:path/123/queue',
        },
      }),
      /GET \/hello: AWS_PROXY integration .* is not a Lambda function/,
    ],
    [
      'an API key from x-api-key',
      helloMethod({ apiKeyRequired: true }),
      /GET \/hello: API keys from HEADER/,
    ],
    [
      'a request validator',
      helloMethod({ requestValidatorId: 'v1' }),
      /GET \/hello: request validator v1/,
    ],
    [
      'a VTL directive in a MOCK template',
      helloMethod({
        methodIntegration: {
          type: 'MOCK',
          integrationResponses: {
            '200': {
              statusCode: '200',
              responseTemplates: { 'application/json': '#set($x = 1)$x' },
            },
          },
        },
      }),
      /GET \/hello: integration response 200 template application\/json uses VTL directive #set/,
    ],
    [
      'a header mapped from the integration',
      helloMethod({
        methodIntegration: {
          type: 'MOCK',
          integrationResponses: {
            '200': {
              statusCode: '200',
              responseParameters: { 'method.response.header.X': 'integration.response.body.x' },
            },
          },
        },
      }),
      /GET \/hello: integration response 200 maps method.response.header.X = integration.response.body.x/,
    ],
    [
      'a MOCK without integration responses',
      helloMethod({ methodIntegration: { type: 'MOCK' } }),
      /GET \/hello: MOCK integration has no integration response/,
    ],
    [
      'a method without integration',
      helloMethod({ methodIntegration: undefined }),
      /has no integration/,
    ],
    [
      'a missing stage variable',
      helloMethod({
        authorizationType: 'NONE',
        methodIntegration: { type: 'AWS_PROXY', uri: uri('${stageVariables.nope}') },
      }),
      /GET \/hello: integration URI uses stage variable nope/,
    ],
  ])('fails at start on %s, naming the method and resource', (_, method, message) => {
    // Arrange
    const api = snapshot(method);
    api.authorizers.push(
      { id: 'req', name: 'req-auth', type: 'REQUEST', authorizerUri: uri(AUTH_FN) },
      { id: 'pool', name: 'pool-auth', type: 'COGNITO_USER_POOLS' },
    );

    // Act
    const problems = problemsOf(() => planApi(api));

    // Assert
    expect(problems).toMatch(/^REST API abc123 \(oauth-demo\) cannot be served as deployed:/);
    expect(problems).toMatch(message);
  });

  it('translates a REQUEST authorizer with its identity sources, resource ids and partition', () => {
    // Arrange
    const api = snapshot(helloMethod({ authorizerId: 'req' }));
    api.region = 'cn-north-1';
    api.authorizers.push({
      id: 'req',
      name: 'req-auth',
      type: 'REQUEST',
      authorizerUri: uri(AUTH_FN),
      identitySource:
        'method.request.header.Authorization, context.httpMethod, context.resourcePath',
      authorizerResultTtlInSeconds: 60,
    });

    // Act
    const plan = planApi(api);

    // Assert
    expect(plan.authorizers.req).toMatchObject({
      type: 'REQUEST',
      identitySource:
        'method.request.header.Authorization, context.httpMethod, context.resourcePath',
      resultTtlSeconds: 60,
    });
    expect(plan.routes.find((r) => r.resourcePath === '/hello')).toMatchObject({
      resourceId: 'r3',
      authorizerId: 'req',
    });
    expect(plan.partition).toBe('aws-cn');
  });

  it.each([
    ['method.request.path.id', /is a path parameter, which API Gateway does not accept/],
    ['context.requestId', /"context.requestId" is not supported/],
    ['method.request.body.x', /is not a header, query string, stage variable or context/],
  ])('refuses a REQUEST authorizer with the identity source %s', (source, message) => {
    // Arrange
    const api = snapshot(helloMethod({ authorizerId: 'req' }));
    api.authorizers.push({
      id: 'req',
      name: 'req-auth',
      type: 'REQUEST',
      authorizerUri: uri(AUTH_FN),
      identitySource: `method.request.header.Authorization,${source}`,
    });

    // Act / Assert
    expect(problemsOf(() => planApi(api))).toMatch(message);
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('puts the region %s in the %s partition', (region, partition) => {
    // Act / Assert
    expect(partitionOf(region)).toBe(partition);
  });

  it('reports every problem at once', () => {
    // Arrange
    const api = snapshot(helloMethod({ authorizationType: 'COGNITO_USER_POOLS' }), [
      {
        path: '/x',
        resourceMethods: { PUT: { httpMethod: 'PUT', methodIntegration: { type: 'HTTP' } } },
      },
    ]);

    // Act
    const problems = problemsOf(() => planApi(api));

    // Assert
    expect(problems.split('\n')).toEqual([
      expect.any(String),
      '  - GET /hello: authorization type COGNITO_USER_POOLS is not supported (only NONE and CUSTOM)',
      '  - PUT /x: integration type HTTP is not supported (only AWS_PROXY to Lambda and MOCK)',
    ]);
  });

  it('rejects an authorizer identity source other than a header, and non-static gateway headers', () => {
    // Arrange
    const api = snapshot();
    (api.authorizers[0] as { identitySource: string }).identitySource =
      'method.request.querystring.token';
    api.gatewayResponses.push({
      responseType: 'ACCESS_DENIED',
      responseParameters: { 'gatewayresponse.header.X': 'method.request.header.Y' },
    });

    // Act
    const problems = problemsOf(() => planApi(api));

    // Assert
    expect(problems).toContain('identity source method.request.querystring.token is not supported');
    expect(problems).toContain(
      'gateway response ACCESS_DENIED: gatewayresponse.header.X must be a static value',
    );
  });

  it('notes unused authorizers, resource policies and stage method settings', () => {
    // Arrange
    const api = snapshot();
    api.authorizers.push({ id: 'cog', name: 'pool', type: 'COGNITO_USER_POOLS' });
    api.restApi.policy = '{}';
    api.stage.methodSettings = { '*/*': { throttlingRateLimit: 1 } };

    // Act
    const { notes } = planApi(api);

    // Assert
    expect(notes).toEqual(
      expect.arrayContaining([
        'authorizers not used by any method are ignored: pool (COGNITO_USER_POOLS)',
        'the resource policy is not evaluated',
        'stage method settings (throttling, caching, logging) are not applied',
      ]),
    );
  });

  it('refuses an API without methods', () => {
    // Arrange
    const api = snapshot();
    api.resources = [{ id: 'r0', path: '/' }];

    // Act / Assert
    expect(problemsOf(() => planApi(api))).toContain('the API has no methods to serve');
  });
});
