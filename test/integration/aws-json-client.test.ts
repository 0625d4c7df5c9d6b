// What a hand-written AWS client can get wrong and the SDK handled: clock skew, expired credentials, bodies that are not JSON or cut short, unknown error types; each through the token handler, over the wire, with its status, attempts and log line, and no secret in the log.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { AwsJsonClient, DYNAMODB, KMS } from '../../functions/shared/aws/json-client';
import { AWS_CALL_BUDGET } from '../../functions/shared/limits';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { basicAuthorization } from '../support/basic-auth';
import {
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

const TABLE = 'aws-json-client-it';
const SECRET = randomBytes(24).toString('base64url');
const ACCESS_KEY_ID = 'ASIA' + randomBytes(8).toString('hex').toUpperCase();
const SECRET_ACCESS_KEY = randomBytes(30).toString('base64');
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjE' + randomBytes(48).toString('base64url');
const TWENTY_MINUTES_MS = 20 * 60 * 1000;

describeWithMoto()(
  'AWS JSON client: the cases the SDK handled (token handler, fault proxy, moto)',
  () => {
    let moto: Moto;
    let proxy: FaultProxy;
    let keyId: string;
    const hasher = new Argon2PasswordHasher({ memoryCost: 4096, timeCost: 1 });
    const saved = { ...process.env };

    /** A cold handler whose clients sign with credentials that look real, and an optional clock. */
    const coldHandler = (clock: () => number = Date.now): TokenHandler => {
      const client = (service: typeof DYNAMODB): AwsJsonClient =>
        new AwsJsonClient({ service, env: process.env, clock, budget: AWS_CALL_BUDGET });
      const kms = client(KMS);
      return createTokenHandler({
        config: {
          issuer: ISSUER,
          defaultAudience: 'aud',
          tokenTtlSeconds: 900,
          scopesSupported: [],
        },
        clientStore: new DynamoDbClientStore({ tableName: TABLE, client: client(DYNAMODB) }),
        signer: new KmsSigner({ keyId, algorithm: 'RS256', client: kms }),
        publicKeys: new KmsPublicKeySource({ keyIds: [keyId], client: kms }),
        hasher,
        clock: Date.now,
        randomBytes: (n) => new Uint8Array(randomBytes(n)),
        logger: new Logger({ serviceName: 'token', logLevel: 'INFO' }),
      });
    };
    const request: APIGatewayProxyEvent = tokenEvent({
      headers: { 'Content-Type': FORM, Authorization: basicAuthorization('orders', SECRET) },
    });

    /** Every test's output (the logger's JSON lines), captured from before its logger is made. */
    let lines: string[] = [];
    let spies: jest.SpyInstance[] = [];

    /** Runs the request; returns the response and everything logged so far in this test. */
    const run = async (
      handler: TokenHandler,
    ): Promise<{ status: number; body: Record<string, unknown>; log: string }> => {
      const res = await handler(request);
      return {
        status: res.statusCode,
        body: JSON.parse(res.body) as Record<string, unknown>,
        log: lines.join(''),
      };
    };
    const expectNoSecretIn = (log: string, body: Record<string, unknown>): void => {
      for (const secret of [SECRET, SECRET_ACCESS_KEY, SESSION_TOKEN]) {
        expect(log).not.toContain(secret);
        expect(JSON.stringify(body)).not.toContain(secret);
      }
      if (typeof body.access_token === 'string') expect(log).not.toContain(body.access_token);
    };
    const inject = (fault: Fault, ...targets: string[]): void => {
      for (const target of targets) proxy.inject(target, fault);
    };

    beforeAll(async () => {
      moto = await startMoto();
      const direct = { endpoint: moto.endpoint };
      const dynamo = new DynamoDBClient(direct);
      const kms = new KMSClient(direct);
      await createClientsTable(dynamo, TABLE);
      const key = await kms.send(
        new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
      );
      keyId = key.KeyMetadata?.KeyId as string;
      await new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo }).createClient(
        clientRecord({
          client_id: 'orders',
          secrets: [{ hash: await hasher.hash(SECRET), created_at: new Date().toISOString() }],
        }),
      );
      dynamo.destroy();
      kms.destroy();
      proxy = await startFaultProxy(moto.endpoint);
      // The clients under test find the proxy and credentials as the deployed function does.
      Object.assign(process.env, {
        AWS_ENDPOINT_URL: proxy.url,
        AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN: SESSION_TOKEN,
      });
    }, 90_000);

    afterAll(async () => {
      process.env = saved;
      await proxy?.close();
      await moto?.stop();
    });

    beforeEach(() => {
      proxy.clear();
      proxy.resetCounts();
      lines = [];
      const capture = (chunk: unknown): boolean => {
        lines.push(String(chunk));
        return true;
      };
      // Errors go to stderr, the rest to stdout.
      spies = [
        jest.spyOn(process.stdout, 'write').mockImplementation(capture),
        jest.spyOn(process.stderr, 'write').mockImplementation(capture),
      ];
    });

    afterEach(() => {
      for (const spy of spies) spy.mockRestore();
    });

    it('corrects a clock 20 minutes fast from the service Date header, retries once, and remembers it', async () => {
      // Arrange
      inject({ kind: 'signing-time' }, DYNAMODB_BATCH_GET_ITEM, KMS_GET_PUBLIC_KEY, KMS_SIGN);
      const handler = coldHandler(() => Date.now() + TWENTY_MINUTES_MS);

      // Act
      const first = await run(handler);
      const second = await run(handler);

      // Assert
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      // One refused attempt per client (DynamoDB, KMS), then every request signs with the service's time.
      expect(proxy.attempts(DYNAMODB_BATCH_GET_ITEM)).toBe(3);
      expect(proxy.attempts(KMS_GET_PUBLIC_KEY)).toBe(2);
      expect(proxy.attempts(KMS_SIGN)).toBe(2);
      expectNoSecretIn(first.log + second.log, first.body);
    });

    it('answers 500 and logs the skew when the service refuses the signing time without a Date header', async () => {
      // Arrange
      inject({ kind: 'signing-time', dateHeader: false }, DYNAMODB_BATCH_GET_ITEM);

      // Act
      const { status, body, log } = await run(coldHandler(() => Date.now() - TWENTY_MINUTES_MS));

      // Assert
      expect(status).toBe(500);
      expect(body).toEqual({ error: 'server_error', error_description: 'internal error' });
      expect(proxy.attempts(DYNAMODB_BATCH_GET_ITEM)).toBe(1);
      expect(log).toContain(
        'DynamoDB.BatchGetItem failed after 1 attempt: InvalidSignatureException (HTTP 400): Signature expired',
      );
      // The service quoted the canonical request, session token included: the log has it redacted.
      expect(log).toContain('x-amz-security-token:[redacted]');
      expectNoSecretIn(log, body);
    });

    it('answers 500 without retrying when the session token has expired', async () => {
      // Arrange
      inject(
        {
          kind: 'raw',
          status: 400,
          body: JSON.stringify({
            __type: 'com.amazon.coral.service#ExpiredTokenException',
            message: 'The security token included in the request is expired',
          }),
        },
        DYNAMODB_BATCH_GET_ITEM,
      );

      // Act
      const { status, body, log } = await run(coldHandler());

      // Assert
      expect(status).toBe(500);
      expect(body.error).toBe('server_error');
      expect(proxy.attempts(DYNAMODB_BATCH_GET_ITEM)).toBe(1);
      expect(log).toContain(
        'ExpiredTokenException (HTTP 400): The security token included in the request is expired',
      );
      expectNoSecretIn(log, body);
    });

    it.each([
      {
        name: 'a 502 whose body is HTML, not JSON',
        fault: { kind: 'raw', status: 502, body: '<html><body>Bad Gateway</body></html>' } as Fault,
        status: 500,
        attempts: AWS_CALL_BUDGET.maxAttempts,
        logged:
          'KMS.Sign failed after 3 attempts: HTTP502 (HTTP 502): the 502 response body is not JSON (37 bytes)',
      },
      {
        name: 'a 200 whose body is not JSON',
        fault: { kind: 'raw', status: 200, body: '{"Signature":"AAAA' } as Fault,
        status: 500,
        attempts: 1,
        logged:
          'KMS.Sign failed after 1 attempt: InvalidResponse (HTTP 200): the 200 response body is not a JSON object (18 bytes)',
      },
      {
        name: 'a 200 whose body is cut short in transit',
        fault: { kind: 'truncate', bytes: 20 } as Fault,
        status: 500,
        attempts: AWS_CALL_BUDGET.maxAttempts,
        logged: 'KMS.Sign failed after 3 attempts: ECONNRESET',
      },
      {
        name: 'an unknown __type with HTTP 400',
        fault: {
          kind: 'raw',
          status: 400,
          body: JSON.stringify({ __type: 'com.amazonaws.kms#BrandNewException', message: 'new' }),
        } as Fault,
        status: 500,
        attempts: 1,
        logged: 'KMS.Sign failed after 1 attempt: BrandNewException (HTTP 400): new',
      },
      {
        name: 'an unknown __type with HTTP 500',
        fault: {
          kind: 'raw',
          status: 500,
          body: JSON.stringify({ __type: 'BrandNewFault:http://internal.example/', message: 'x' }),
        } as Fault,
        status: 500,
        attempts: AWS_CALL_BUDGET.maxAttempts,
        logged: 'KMS.Sign failed after 3 attempts: BrandNewFault (HTTP 500): x',
      },
    ])('$name on KMS Sign: $status after $attempts attempt(s), one clear log line', async (c) => {
      // Arrange
      inject(c.fault, KMS_SIGN);

      // Act
      const { status, body, log } = await run(coldHandler());

      // Assert
      expect(status).toBe(c.status);
      expect(body.error).toBe('server_error');
      expect(proxy.attempts(KMS_SIGN)).toBe(c.attempts);
      expect(log).toContain(c.logged);
      expectNoSecretIn(log, body);
    });

    it('answers 200 again as soon as the fault clears', async () => {
      // Arrange
      const handler = coldHandler();
      inject({ kind: 'truncate', bytes: 10 }, DYNAMODB_BATCH_GET_ITEM);
      await run(handler);
      proxy.clear();

      // Act
      const { status } = await run(handler);

      // Assert
      expect(status).toBe(200);
    });
  },
);
