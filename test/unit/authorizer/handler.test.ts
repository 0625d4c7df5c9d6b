// The Lambda entry point builds its handler from process.env at module load, and loads Powertools Metrics only when it first publishes.
import { generateKeyPairSync } from 'node:crypto';
import { captureEmf, emfLine, type EmfCapture } from '../../support/emf';

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

describe('authorizer handler module metrics', () => {
  const saved = { ...process.env };
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ format: 'pem', type: 'spki' })
    .toString();
  const request = {
    type: 'REQUEST',
    methodArn: 'x',
    httpMethod: 'GET',
    resource: '/',
    headers: { Authorization: 'Basic x' },
  } as never;

  let emf: EmfCapture;
  let emfLoads: number;
  beforeEach(() => {
    Object.assign(process.env, {
      ISSUER: 'https://a.example',
      AUDIENCE: 'api',
      PUBLIC_KEYS_PEM: JSON.stringify([pem]),
      POWERTOOLS_SERVICE_NAME: 'auth-authorizer',
      LOG_LEVEL: 'SILENT',
    });
    emfLoads = 0;
    // Counts when the Powertools Metrics module is required.
    jest.doMock('../../../functions/authorizer/metrics-emf', () => {
      emfLoads += 1;
      return jest.requireActual('../../../functions/authorizer/metrics-emf');
    });
    emf = captureEmf();
  });
  afterEach(() => {
    emf.restore();
    jest.dontMock('../../../functions/authorizer/metrics-emf');
    process.env = { ...saved };
    jest.resetModules();
  });

  it('with POWERTOOLS_METRICS_NAMESPACE, loads Powertools Metrics on the first invocation, not at load, and publishes in that namespace with the POWERTOOLS_SERVICE_NAME service', async () => {
    // Arrange
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'Auth';
    const { handler } = await import('../../../functions/authorizer/handler');
    const atLoad = emfLoads;

    // Act
    await expect(handler(request)).rejects.toThrow('Unauthorized');
    await expect(handler(request)).rejects.toThrow('Unauthorized');

    // Assert
    expect([atLoad, emfLoads]).toEqual([0, 1]);
    const unauthorized = [
      emfLine(
        'Auth',
        { service: 'auth-authorizer', decision: 'unauthorized' },
        { AuthorizerDecisions: ['Count', 1] },
      ),
      emfLine(
        'Auth',
        { service: 'auth-authorizer', reason: 'malformed' },
        { AuthorizerUnauthorized: ['Count', 1] },
      ),
    ];
    expect(emf.lines).toEqual([...unauthorized, ...unauthorized]);
  });

  it('without POWERTOOLS_METRICS_NAMESPACE, never loads Powertools Metrics and publishes nothing', async () => {
    // Arrange
    delete process.env.POWERTOOLS_METRICS_NAMESPACE;
    const { handler } = await import('../../../functions/authorizer/handler');

    // Act
    await expect(handler(request)).rejects.toThrow('Unauthorized');

    // Assert
    expect(emfLoads).toBe(0);
    expect(emf.lines).toEqual([]);
  });
});
