// Fault injection: the token handler with its production DynamoDB and KMS adapters behind a fault proxy in front of moto; status, body, attempts, latency bound and recovery per fault.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { AWS_CALL_BUDGET } from '../../functions/shared/limits';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { basicAuthorization } from '../support/basic-auth';
import {
  awsError,
  DYNAMODB_BATCH_GET_ITEM,
  KMS_GET_PUBLIC_KEY,
  KMS_SIGN,
  startFaultProxy,
  type Fault,
  type FaultProxy,
} from '../support/fault-proxy';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { clientRecord, FORM, ISSUER, tokenEvent } from '../support/token-fakes';
import { describeWithMoto } from '../support/tools';

jest.setTimeout(60_000);

const TABLE = 'token-faults-it';
const SECRET = randomBytes(24).toString('base64url');
const { maxAttempts, operationBudgetMs, requestTimeoutMs } = AWS_CALL_BUDGET;
/** Wide margin over the budget for a loaded, shared machine: a bound, not a benchmark. */
const MARGIN_MS = 2500;

const UNAVAILABLE = {
  error: 'temporarily_unavailable',
  error_description: 'the service is temporarily unavailable; retry later',
};
const SERVER_ERROR = { error: 'server_error', error_description: 'internal error' };

interface Case {
  name: string;
  target: string;
  fault: Fault;
  status: 503 | 500;
  /** Attempts the proxy must see: exactly one number, or an inclusive range. */
  attempts: number | [number, number];
}

const slow: Fault = { kind: 'delay', ms: requestTimeoutMs + 500 };
const MATRIX: Case[] = [
  ...['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'].map(
    (type): Case => ({
      name: `${type} (400)`,
      target: DYNAMODB_BATCH_GET_ITEM,
      fault: awsError(type),
      status: 503,
      attempts: maxAttempts,
    }),
  ),
  ...[DYNAMODB_BATCH_GET_ITEM, KMS_SIGN].flatMap((target): Case[] => [
    {
      name: 'InternalServerError (500)',
      target,
      fault: awsError(target === KMS_SIGN ? 'KMSInternalException' : 'InternalServerError', 500),
      status: 500,
      attempts: maxAttempts,
    },
    {
      name: 'ServiceUnavailable (503)',
      target,
      fault: awsError('ServiceUnavailable', 503),
      status: 503,
      attempts: maxAttempts,
    },
    {
      name: 'connection reset',
      target,
      fault: { kind: 'reset' },
      status: 500,
      attempts: maxAttempts,
    },
    {
      name: 'response slower than the timeout',
      target,
      fault: slow,
      status: 503,
      attempts: maxAttempts,
    },
    { name: 'hang', target, fault: { kind: 'hang' }, status: 503, attempts: maxAttempts },
  ]),
  {
    name: 'ThrottlingException (400)',
    target: KMS_SIGN,
    fault: awsError('ThrottlingException'),
    status: 503,
    attempts: maxAttempts,
  },
  {
    // Each throttle answered just under the request timeout: the jittered backoff pushes the
    // third attempt past the operation budget in some runs, so the budget, not the SDK, ends it.
    name: 'slow throttling (budget)',
    target: KMS_SIGN,
    fault: { kind: 'delay', ms: requestTimeoutMs - 100, then: awsError('ThrottlingException') },
    status: 503,
    attempts: [2, maxAttempts],
  },
  {
    name: 'hang (not memoised)',
    target: KMS_GET_PUBLIC_KEY,
    fault: { kind: 'hang' },
    status: 503,
    attempts: maxAttempts,
  },
];

const label = (target: string): string =>
  ({ [DYNAMODB_BATCH_GET_ITEM]: 'DynamoDB BatchGetItem', [KMS_SIGN]: 'KMS Sign' })[target] ??
  'KMS GetPublicKey';

describeWithMoto()('token handler under injected AWS faults (moto behind a fault proxy)', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let keyId: string;
  const hasher = new Argon2PasswordHasher({ memoryCost: 4096, timeCost: 1 });
  const measured: string[] = [];

  /** A fresh handler as at a cold start: production adapters with their default clients. */
  const coldHandler = (): TokenHandler =>
    createTokenHandler({
      config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 900, scopesSupported: [] },
      clientStore: new DynamoDbClientStore({ tableName: TABLE }),
      signer: new KmsSigner({ keyId, algorithm: 'RS256' }),
      publicKeys: new KmsPublicKeySource({ keyIds: [keyId] }),
      hasher,
      clock: Date.now,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
  const request: APIGatewayProxyEvent = tokenEvent({
    headers: { 'Content-Type': FORM, Authorization: basicAuthorization('orders', SECRET) },
  });
  const timed = async (
    call: () => Promise<APIGatewayProxyResult>,
  ): Promise<{ res: APIGatewayProxyResult; ms: number }> => {
    const started = performance.now();
    const res = await call();
    return { res, ms: performance.now() - started };
  };

  beforeAll(async () => {
    moto = await startMoto();
    // Setup talks to moto directly; the adapters under test find the proxy through the standard
    // AWS_ENDPOINT_URL variable, as the deployed function finds AWS.
    const direct = { endpoint: moto.endpoint };
    const dynamo = new DynamoDBClient(direct);
    const kms = new KMSClient(direct);
    await createClientsTable(dynamo, TABLE);
    const key = await kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    );
    keyId = key.KeyMetadata?.KeyId as string;
    const hash = await hasher.hash(SECRET);
    await new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo }).createClient(
      clientRecord({
        client_id: 'orders',
        secrets: [{ hash, created_at: new Date().toISOString() }],
      }),
    );
    dynamo.destroy();
    kms.destroy();
    proxy = await startFaultProxy(moto.endpoint);
    process.env.AWS_ENDPOINT_URL = proxy.url;
  }, 90_000);

  afterAll(async () => {
    if (process.env.PRINT_FAULT_MATRIX) console.log(measured.join('\n'));
    await proxy?.close();
    await moto?.stop();
  });

  beforeEach(() => {
    proxy.clear();
    proxy.resetCounts();
  });

  it('issues a token through the proxy when no fault is set', async () => {
    // Act
    const { res } = await timed(() => coldHandler()(request));

    // Assert
    expect(res.statusCode).toBe(200);
    expect(proxy.attempts(DYNAMODB_BATCH_GET_ITEM)).toBe(1);
    expect(proxy.attempts(KMS_SIGN)).toBe(1);
  });

  it.each(MATRIX)(
    '$name on $target: $status, bounded attempts and latency, then recovers',
    async ({ name, target, fault, status, attempts }) => {
      // Arrange
      const handler = coldHandler();
      proxy.inject(target, fault);

      // Act
      const failed = await timed(() => handler(request));
      const seen = proxy.attempts(target);
      proxy.clear();
      const recovered = await timed(() => handler(request));

      // Assert: the status by kind, a body without detail, and Retry-After on 503.
      measured.push(
        `| ${label(target)} | ${name} | ${failed.res.statusCode} | ${seen} | ${Math.round(failed.ms)} ms | ${recovered.res.statusCode} in ${Math.round(recovered.ms)} ms |`,
      );
      expect(failed.res.statusCode).toBe(status);
      expect(JSON.parse(failed.res.body)).toEqual(status === 503 ? UNAVAILABLE : SERVER_ERROR);
      expect(failed.res.headers?.['Retry-After']).toBe(status === 503 ? '1' : undefined);
      // The attempts the proxy counted for the faulted operation.
      if (typeof attempts === 'number') expect(seen).toBe(attempts);
      else expect([seen >= attempts[0], seen <= attempts[1]]).toEqual([true, true]);
      // Bounded: within one operation budget (the other calls are fast), with a wide margin.
      expect(failed.ms).toBeLessThan(operationBudgetMs + MARGIN_MS);
      // Recovery: the first request after the fault clears succeeds, without waiting on the
      // earlier failure (a failed GetPublicKey is not memoised).
      expect(recovered.res.statusCode).toBe(200);
      expect(recovered.ms).toBeLessThan(MARGIN_MS);
    },
  );

  it('serves the JWKS again once a hung GetPublicKey clears', async () => {
    // Arrange
    const handler = coldHandler();
    const jwks = tokenEvent({
      resource: '/.well-known/jwks.json',
      path: '/.well-known/jwks.json',
      httpMethod: 'GET',
    });
    proxy.inject(KMS_GET_PUBLIC_KEY, { kind: 'hang' });

    // Act
    const failed = await timed(() => handler(jwks));
    proxy.clear();
    const recovered = await timed(() => handler(jwks));

    // Assert
    expect(failed.res.statusCode).toBe(503);
    expect(JSON.parse(failed.res.body)).toEqual(UNAVAILABLE);
    expect(failed.ms).toBeLessThan(operationBudgetMs + MARGIN_MS);
    expect(recovered.res.statusCode).toBe(200);
    expect(proxy.attempts(KMS_GET_PUBLIC_KEY)).toBe(maxAttempts + 1);
  });
});
