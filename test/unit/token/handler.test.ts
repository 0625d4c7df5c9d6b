// Unit tests of the Lambda entry point: built once from process.env with the local adapters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';

type HandlerModule = typeof import('../../../functions/token/handler');

function loadHandler(env: Record<string, string>): HandlerModule {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    let mod: HandlerModule | undefined;
    jest.isolateModules(() => {
      mod = jest.requireActual<HandlerModule>('../../../functions/token/handler');
    });
    return mod as HandlerModule;
  } finally {
    process.env = saved;
  }
}

describe('token handler module', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'token-handler-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the JWKS of the local key and rejects unknown clients (file store, local signer)', async () => {
    // Arrange
    const { handler } = loadHandler({
      ISSUER: 'http://127.0.0.1:8080',
      DEFAULT_AUDIENCE: 'local',
      CLIENT_STORE: 'file',
      SIGNER: 'local',
      DATA_DIR: dataDir,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      LOG_LEVEL: 'SILENT',
    });
    const base = {
      headers: {},
      isBase64Encoded: false,
      body: null,
    } as unknown as APIGatewayProxyEvent;

    // Act
    const jwks = await handler({
      ...base,
      resource: '/.well-known/jwks.json',
      path: '/.well-known/jwks.json',
      httpMethod: 'GET',
    });
    const token = await handler({
      ...base,
      resource: '/oauth2/token',
      path: '/oauth2/token',
      httpMethod: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=ghost&client_secret=x',
    });

    // Assert
    expect(jwks.statusCode).toBe(200);
    expect(JSON.parse(jwks.body).keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig' });
    expect(token.statusCode).toBe(401);
  });

  it('builds the DynamoDB store and KMS signer with metrics without any network call', () => {
    // Act
    const mod = loadHandler({
      ISSUER: 'https://auth.example.com',
      DEFAULT_AUDIENCE: 'api',
      CLIENTS_TABLE: 'clients',
      SIGNING_KEY_ID: 'alias/token',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_METRICS_NAMESPACE: 'Test',
      LOG_LEVEL: 'SILENT',
    });

    // Assert
    expect(typeof mod.handler).toBe('function');
  });

  it('fails at load with a message naming a missing variable', () => {
    // Act / Assert
    expect(() => loadHandler({ ISSUER: '', DEFAULT_AUDIENCE: 'x' })).toThrow(/ISSUER/);
  });
});
