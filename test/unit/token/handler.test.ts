// Unit tests of the Lambda entry point: built once from process.env with the production adapters, and its metrics wired as docs/metrics.md says.
import { awsErrorReply, fakeTransport } from '../../support/aws-json-fake';
import { captureEmf, emfLine } from '../../support/emf';
import { tokenEvent } from '../../support/token-fakes';

type HandlerModule = typeof import('../../../functions/token/handler');

const ENV = {
  ISSUER: 'https://auth.example.com',
  DEFAULT_AUDIENCE: 'api',
  CLIENTS_TABLE: 'clients',
  SIGNING_KEY_ID: 'alias/token',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_METRICS_NAMESPACE: 'Test',
  LOG_LEVEL: 'SILENT',
};

/**
 * Loads handler.ts in isolation with `env` added to process.env.
 * @param env variables to add
 * @param transport when given, the HTTP transport of every AWS client the module builds
 */
function loadHandler(
  env: Record<string, string>,
  transport?: ReturnType<typeof fakeTransport>,
): HandlerModule {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    let mod: HandlerModule | undefined;
    jest.isolateModules(() => {
      if (transport !== undefined) {
        jest.doMock('../../../functions/shared/aws/http-transport', () => ({
          ...jest.requireActual('../../../functions/shared/aws/http-transport'),
          createHttpTransport: () => transport,
        }));
      }
      mod = jest.requireActual<HandlerModule>('../../../functions/token/handler');
    });
    return mod as HandlerModule;
  } finally {
    process.env = saved;
  }
}

afterEach(() => {
  jest.dontMock('../../../functions/shared/aws/http-transport');
  jest.restoreAllMocks();
});

describe('token handler module', () => {
  it('builds the DynamoDB store and KMS signer with metrics without any network call', () => {
    // Act
    const mod = loadHandler(ENV);

    // Assert
    expect(typeof mod.handler).toBe('function');
  });

  it('fails at load with a message naming a missing variable', () => {
    // Act / Assert
    expect(() => loadHandler({ ISSUER: '', DEFAULT_AUDIENCE: 'x' })).toThrow(/ISSUER/);
  });

  it('publishes in POWERTOOLS_METRICS_NAMESPACE with the POWERTOOLS_SERVICE_NAME service: throttles counted by its DynamoDB client, the read and argon2 timed', async () => {
    // Arrange: the client lookup (BatchGetItem) is throttled once, then finds no such client;
    // no wait between attempts.
    const transport = fakeTransport([
      awsErrorReply('ThrottlingException'),
      { status: 200, body: { Responses: { clients: [] } } },
    ]);
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { handler } = loadHandler(
      {
        ...ENV,
        POWERTOOLS_METRICS_NAMESPACE: 'Auth',
        POWERTOOLS_SERVICE_NAME: 'auth-token',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
      },
      transport,
    );
    const emf = captureEmf();

    try {
      // Act
      const res = await handler(tokenEvent());

      // Assert
      expect(res.statusCode).toBe(401);
      expect(transport.calls.map((c) => c.target)).toEqual([
        'DynamoDB_20120810.BatchGetItem',
        'DynamoDB_20120810.BatchGetItem',
      ]);
      // Latencies are real durations here: any number.
      const ms = expect.any(Number) as number;
      expect(emf.lines).toEqual([
        emfLine('Auth', { service: 'auth-token' }, { AwsThrottles: ['Count', 1] }),
        emfLine(
          'Auth',
          { service: 'auth-token', operation: 'DynamoDB.BatchGetItem' },
          { AwsThrottlesByOperation: ['Count', 1] },
        ),
        emfLine(
          'Auth',
          { service: 'auth-token', error: 'invalid_client' },
          { TokenRequestsRejected: ['Count', 1] },
        ),
        emfLine(
          'Auth',
          { service: 'auth-token' },
          {
            DynamoDbReadLatency: ['Milliseconds', ms],
            Argon2VerifyLatency: ['Milliseconds', [ms, ms]],
          },
        ),
      ]);
    } finally {
      emf.restore();
    }
  });
});
