// Unit tests of the bounded AWS calls: client settings, the per-operation deadline, failure classification, and each adapter's deadline (SDK mocked).
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { generateKeyPairSync } from 'node:crypto';
import { AWS_CALL_BUDGET } from '../../../../functions/shared/limits';
import {
  boundedClientConfig,
  OperationBudgetExceededError,
  withBudget,
} from '../../../../functions/token/adapters/aws-client-config';
import {
  isTemporaryFailure,
  isThrottlingError,
  isTimeoutError,
} from '../../../../functions/token/adapters/aws-errors';
import { DynamoDbClientStore } from '../../../../functions/token/adapters/client-store-dynamodb';
import { KmsPublicKeySource } from '../../../../functions/token/adapters/public-keys-kms';
import { KmsSigner } from '../../../../functions/token/adapters/signer-kms';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const sdkError = (name: string, extra: object = {}): Error =>
  Object.assign(new Error(`${name}: internal detail`), { name, $metadata: {}, ...extra });

describe('boundedClientConfig', () => {
  it('turns the budget into standard retries and throwing NodeHttpHandler timeouts', async () => {
    // Act
    const config = boundedClientConfig();
    const client = new KMSClient({ region: 'us-east-1', ...config });

    // Assert
    expect(config).toEqual({
      maxAttempts: AWS_CALL_BUDGET.maxAttempts,
      retryMode: 'standard',
      requestHandler: {
        connectionTimeout: AWS_CALL_BUDGET.connectionTimeoutMs,
        requestTimeout: AWS_CALL_BUDGET.requestTimeoutMs,
        throwOnRequestTimeout: true,
        socketTimeout: AWS_CALL_BUDGET.requestTimeoutMs,
      },
    });
    expect(await client.config.maxAttempts()).toBe(AWS_CALL_BUDGET.maxAttempts);
    expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
    client.destroy();
  });

  it('fits three attempts of the request timeout inside the operation budget', () => {
    // Assert: a hang ends with the SDK's own timeouts, not only with the budget.
    expect(AWS_CALL_BUDGET.maxAttempts * AWS_CALL_BUDGET.requestTimeoutMs).toBeLessThan(
      AWS_CALL_BUDGET.operationBudgetMs,
    );
  });
});

describe('withBudget', () => {
  afterEach(() => jest.useRealTimers());

  it('returns the result and leaves no timer behind', async () => {
    // Arrange
    jest.useFakeTimers();

    // Act
    const result = await withBudget('op', 1000, async () => 42);

    // Assert
    expect(result).toBe(42);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes the call failure through and leaves no timer behind', async () => {
    // Arrange
    jest.useFakeTimers();

    // Act
    const act = withBudget('op', 1000, async () => {
      throw new Error('boom');
    });

    // Assert
    await expect(act).rejects.toThrow('boom');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects at the deadline and aborts the signal, even if the call never settles', async () => {
    // Arrange
    jest.useFakeTimers();
    let signal: AbortSignal | undefined;

    // Act
    const act = withBudget('KMS Sign', 4000, (s) => {
      signal = s;
      return never();
    });
    const settled = expect(act).rejects.toBeInstanceOf(OperationBudgetExceededError);
    jest.advanceTimersByTime(3999);
    const abortedEarly = signal?.aborted;
    jest.advanceTimersByTime(1);

    // Assert
    await settled;
    await expect(act).rejects.toThrow('KMS Sign did not finish within its 4000 ms budget');
    expect(abortedEarly).toBe(false);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(OperationBudgetExceededError);
  });
});

describe('failure classification', () => {
  it.each([
    ['ThrottlingException', sdkError('ThrottlingException'), true, false],
    [
      'ProvisionedThroughputExceededException',
      sdkError('ProvisionedThroughputExceededException'),
      true,
      false,
    ],
    ['RequestLimitExceeded', sdkError('RequestLimitExceeded'), true, false],
    ['HTTP 429', sdkError('SlowDown', { $metadata: { httpStatusCode: 429 } }), true, false],
    ['$retryable.throttling', sdkError('X', { $retryable: { throttling: true } }), true, false],
  ])('%s is throttling', (_label, err, throttling, timeout) => {
    // Act / Assert
    expect([isThrottlingError(err), isTimeoutError(err), isTemporaryFailure(err)]).toEqual([
      throttling,
      timeout,
      true,
    ]);
  });

  it.each([
    ['the operation budget', new OperationBudgetExceededError('op', 1)],
    ['a request timeout', sdkError('TimeoutError', { code: 'ETIMEDOUT' })],
    ['a connection timeout', sdkError('TimeoutError')],
    ['an aborted request', sdkError('AbortError')],
    ['a service RequestTimeoutException', sdkError('RequestTimeoutException')],
  ])('%s is a timeout', (_label, err) => {
    // Act / Assert
    expect([isThrottlingError(err), isTimeoutError(err), isTemporaryFailure(err)]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('HTTP 503 from the service is temporary', () => {
    // Act / Assert
    expect(
      isTemporaryFailure(sdkError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } })),
    ).toBe(true);
  });

  it.each([
    ['a reset connection', sdkError('TimeoutError', { code: 'ECONNRESET' })],
    ['a broken pipe', sdkError('TimeoutError', { code: 'EPIPE' })],
    ['HTTP 500', sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } })],
    ['access denied', sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 400 } })],
    ['a disabled key', sdkError('DisabledException')],
    ['null', null],
    ['a string', 'boom'],
  ])('%s is not temporary', (_label, err) => {
    // Act / Assert
    expect([isThrottlingError(err), isTimeoutError(err), isTemporaryFailure(err)]).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('adapter deadlines', () => {
  const ddbMock = mockClient(DynamoDBClient);
  const kmsMock = mockClient(KMSClient);
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    format: 'der',
    type: 'spki',
  });

  beforeEach(() => {
    ddbMock.reset();
    kmsMock.reset();
  });
  afterAll(() => {
    ddbMock.restore();
    kmsMock.restore();
  });

  it('ends a GetItem that never answers with 503 at its budget, and aborts the send', async () => {
    // Arrange
    ddbMock.on(GetItemCommand).callsFake(never);
    const store = new DynamoDbClientStore({
      tableName: 't',
      client: new DynamoDBClient({ region: 'us-east-1' }),
      operationBudgetMs: 30,
    });

    // Act
    const error = await store.getClient('c1').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(OperationBudgetExceededError);
    // The mock types `send` with one argument; the SDK passes the options as the second.
    const args = ddbMock.send.getCall(0).args as unknown[];
    const options = args[1] as { abortSignal?: AbortSignal };
    expect(options.abortSignal?.aborted).toBe(true);
  });

  it('ends a Sign that never answers with 503 at its budget', async () => {
    // Arrange
    kmsMock.on(SignCommand).callsFake(never);
    const signer = new KmsSigner({
      keyId: 'k',
      algorithm: 'ES256',
      client: new KMSClient({ region: 'us-east-1' }),
      operationBudgetMs: 30,
    });

    // Act
    const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    expect((error as Error).message).toBe('the signing service is busy; retry later');
  });

  it('does not memoise a hung GetPublicKey: the next keyInfo asks KMS again and succeeds', async () => {
    // Arrange
    kmsMock
      .on(GetPublicKeyCommand)
      .callsFakeOnce(never)
      .resolves({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki });
    const signer = new KmsSigner({
      keyId: 'k',
      algorithm: 'ES256',
      client: new KMSClient({ region: 'us-east-1' }),
      operationBudgetMs: 30,
    });

    // Act
    const first = await signer.keyInfo().catch((e: unknown) => e);
    const second = await signer.keyInfo();

    // Assert
    expect(first).toBeInstanceOf(TemporarilyUnavailableError);
    expect(second.alg).toBe('ES256');
    expect(kmsMock.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
  });

  it('does not memoise a hung JWKS fetch either', async () => {
    // Arrange
    kmsMock
      .on(GetPublicKeyCommand)
      .callsFakeOnce(never)
      .resolves({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki });
    const source = new KmsPublicKeySource({
      keyIds: ['k'],
      client: new KMSClient({ region: 'us-east-1' }),
      operationBudgetMs: 30,
    });

    // Act
    const first = await source.publicKeys().catch((e: unknown) => e);
    const second = await source.publicKeys();

    // Assert
    expect(first).toBeInstanceOf(TemporarilyUnavailableError);
    expect(second).toHaveLength(1);
  });

  it('maps a reset connection on Sign to 500, not 503', async () => {
    // Arrange
    kmsMock.on(SignCommand).rejects(sdkError('TimeoutError', { code: 'ECONNRESET' }));
    const signer = new KmsSigner({
      keyId: 'k',
      algorithm: 'RS256',
      client: new KMSClient({ region: 'us-east-1' }),
    });

    // Act / Assert
    await expect(signer.sign(new Uint8Array([1]))).rejects.toBeInstanceOf(ServerError);
  });

  it('builds default clients with the bounded settings', async () => {
    // Act
    const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256' });
    const client = (signer as unknown as { client: KMSClient }).client;

    // Assert
    expect(await client.config.maxAttempts()).toBe(AWS_CALL_BUDGET.maxAttempts);
  });
});
