// Unit tests of the Lambda entry point: built once from process.env with the production adapters.

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
