// The Lambda entry point with the module's configuration sources: the inline document, and a table item it cannot read (401, not a failed cold start).
import { AUDIENCE, ISSUER, makeKeys, validClaims, validToken } from '../../support/jwt-fixtures';
import { encodeConfig } from '../../support/large-route-map';

describe('authorizer handler module, configured by the module', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.resetModules();
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

  it('refuses with 401, and logs an error, when AUTHORIZER_CONFIG is not gzip', async () => {
    // Arrange
    Object.assign(process.env, {
      ISSUER,
      AUDIENCE,
      AUTHORIZER_CONFIG: Buffer.from('not gzip').toString('base64'),
      LOG_LEVEL: 'ERROR',
    });
    const lines: string[] = [];
    const capture = (chunk: unknown): boolean => {
      lines.push(String(chunk));
      return true;
    };
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);

    // Act
    const { handler } = await import('../../../functions/authorizer/handler');
    const error = await handler({
      type: 'REQUEST',
      methodArn: 'x',
      httpMethod: 'GET',
      resource: '/',
    } as never).catch((e: unknown) => e);
    out.mockRestore();
    err.mockRestore();

    // Assert
    expect(error).toEqual(new Error('Unauthorized'));
    expect(lines.join('')).toMatch(/"level":"ERROR".*config_decompress_failed/);
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
});
