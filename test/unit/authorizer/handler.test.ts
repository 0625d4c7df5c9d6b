// The Lambda entry point builds its handler from process.env at module load.
import { generateKeyPairSync } from 'node:crypto';
import { AUDIENCE, ISSUER, makeKeys, validClaims, validToken } from '../../support/jwt-fixtures';
import { encodeConfig } from '../../support/large-route-map';

describe('authorizer handler module', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.resetModules();
  });

  it('exports a handler built from the environment', async () => {
    // Arrange
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    Object.assign(process.env, {
      ISSUER: 'https://a.example',
      AUDIENCE: 'api',
      PUBLIC_KEYS_PEM: JSON.stringify([pem]),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      LOG_LEVEL: 'SILENT',
    });
    // Act
    const { handler } = await import('../../../functions/authorizer/handler');
    // Assert
    await expect(
      handler({
        type: 'REQUEST',
        methodArn: 'x',
        httpMethod: 'GET',
        resource: '/',
        headers: { Authorization: 'Basic x' },
      } as never),
    ).rejects.toThrow('Unauthorized');
  });

  it('decides from AUTHORIZER_CONFIG, the inline document the module writes', async () => {
    // Arrange
    const keys = makeKeys();
    const { encoded } = encodeConfig([keys.es.pem], { 'GET /orders/{id}': ['orders:read'] });
    Object.assign(process.env, {
      ISSUER,
      AUDIENCE,
      AUTHORIZER_CONFIG: encoded,
      LOG_LEVEL: 'SILENT',
    });
    // The bundle reads the real clock: a token valid now.
    const now = Math.floor(Date.now() / 1000);
    const token = validToken(
      keys.es,
      validClaims({ scope: 'orders:read', iat: now, nbf: now, exp: now + 600 }),
    );
    // Act
    const { handler } = await import('../../../functions/authorizer/handler');
    const result = await handler({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders/7',
      httpMethod: 'GET',
      resource: '/orders/{id}',
      headers: { Authorization: `Bearer ${token}` },
    } as never);
    // Assert
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });

  it('refuses with 401 when the configuration item cannot be read (no region here), without failing the cold start', async () => {
    // Arrange
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    Object.assign(process.env, {
      ISSUER,
      AUDIENCE,
      AUTHORIZER_CONFIG_TABLE: 'orders-authorizer-config',
      AUTHORIZER_CONFIG_SHA256: 'a'.repeat(64),
      LOG_LEVEL: 'SILENT',
    });
    // Act
    const { handler } = await import('../../../functions/authorizer/handler');
    // Assert
    await expect(
      handler({ type: 'REQUEST', methodArn: 'x', httpMethod: 'GET', resource: '/' } as never),
    ).rejects.toThrow(/^Unauthorized$/);
  });

  it('fails at load when the configuration is invalid', async () => {
    // Arrange
    delete process.env.PUBLIC_KEYS_PEM;
    Object.assign(process.env, { ISSUER: 'https://a.example', AUDIENCE: 'api' });
    // Act / Assert
    await expect(import('../../../functions/authorizer/handler')).rejects.toThrow(
      /PUBLIC_KEYS_PEM/,
    );
  });
});
