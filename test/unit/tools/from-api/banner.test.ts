// The --from-api banner's walk-through names a scope of the first protected GET route, read from the authorizer's deployed environment: ROUTE_SCOPES, or the inline AUTHORIZER_CONFIG document.
import { fromApiBanner } from '../../../../tools/from-api/cli';
import type { FromApiServer } from '../../../../tools/from-api/start-from-api';
import { encodeConfig } from '../../../support/large-route-map';

/** A served API: POST /oauth2/token (token function) and GET /hello behind the authorizer. */
function server(authorizerEnvironment: Record<string, string>): FromApiServer {
  const fn = (name: string, environment: Record<string, string>) => ({
    fn: { name, handler: 'index.handler', architecture: 'x86_64', codeSha256: 'x', environment },
    zip: `/dist/${name}.zip`,
  });
  return {
    url: 'http://127.0.0.1:8080',
    plan: {
      restApiId: 'abc123',
      name: 'demo',
      stage: 'v1',
      routes: [
        {
          method: 'POST',
          resourcePath: '/oauth2/token',
          authorization: 'NONE',
          integration: { type: 'lambda', function: { functionName: 'demo-token' } },
        },
        {
          method: 'GET',
          resourcePath: '/hello',
          authorization: 'CUSTOM',
          authorizerId: 'a1',
          integration: { type: 'mock' },
        },
      ],
      authorizers: {
        a1: { name: 'demo-authorizer', type: 'REQUEST', identitySource: 'x', resultTtlSeconds: 0 },
      },
    },
    functions: [
      fn('demo-token', { CLIENTS_TABLE: 'demo-clients', ISSUER: 'https://issuer' }),
      fn('demo-authorizer', authorizerEnvironment),
    ],
  } as unknown as FromApiServer;
}

describe('fromApiBanner', () => {
  it.each([
    ['ROUTE_SCOPES', { ROUTE_SCOPES: JSON.stringify({ 'GET /hello': ['demo:read'] }) }],
    [
      'the inline AUTHORIZER_CONFIG',
      { AUTHORIZER_CONFIG: encodeConfig(['pem'], { 'GET /hello': ['demo:read'] }).encoded },
    ],
    [
      'an inline route object',
      {
        AUTHORIZER_CONFIG: encodeConfig(['pem'], { 'GET /hello': { scopes: ['demo:read'] } })
          .encoded,
      },
    ],
  ])('suggests the scope of GET /hello from %s', (_name, environment) => {
    // Act
    const banner = fromApiBanner(server(environment));

    // Assert
    expect(banner).toContain('--table demo-clients --name demo --scopes "demo:read"');
  });

  it('falls back to <scope> when the map is in a configuration table', () => {
    // Act
    const banner = fromApiBanner(
      server({ AUTHORIZER_CONFIG_TABLE: 't', AUTHORIZER_CONFIG_SHA256: 'a'.repeat(64) }),
    );

    // Assert
    expect(banner).toContain('--scopes "<scope>"');
  });

  it('shows the DPoP settings of an authorizer and how to call a DPoP route through the runner', () => {
    // Arrange
    const served = server({
      ROUTE_SCOPES: JSON.stringify({
        'GET /hello': ['demo:read'],
        'GET /hello/dpop': { scopes: ['demo:read'], dpop: true },
      }),
    });
    served.dpop = [
      {
        authorizer: 'demo-authorizer',
        gatewayTtlSeconds: 0,
        functionTtlSeconds: 0,
        allowedHosts: ['abc123.execute-api.us-east-1.amazonaws.com'],
      },
    ];

    // Act
    const banner = fromApiBanner(served);

    // Assert
    expect(banner).toContain(
      'cache 0s, DPoP for abc123.execute-api.us-east-1.amazonaws.com (function told TTL 0s)',
    );
    expect(banner).toContain(
      'curl -i -H "Host: abc123.execute-api.us-east-1.amazonaws.com" -H "Authorization: DPoP $TOKEN" -H "DPoP: $PROOF" http://127.0.0.1:8080/v1/hello/dpop',
    );
    expect(banner).toContain('https://abc123.execute-api.us-east-1.amazonaws.com/v1/hello/dpop');
  });
});
