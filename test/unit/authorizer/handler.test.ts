// The Lambda entry point builds its handler from process.env at module load.
import { generateKeyPairSync } from 'node:crypto';

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
