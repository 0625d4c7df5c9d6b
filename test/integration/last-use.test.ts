// Last use per client against moto_server: the token handler with its production adapters sets last_used_at, writes it at most hourly, and answers 200 whatever happens to that write (fault proxy on UpdateItem).
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { DynamoDbLastUseRecorder } from '../../functions/token/adapters/last-use-dynamodb';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { LAST_USE_INTERVAL_MS } from '../../functions/token/core/last-use';
import { LAST_USE_WRITE_BUDGET } from '../../functions/shared/limits';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { basicAuthorization } from '../support/basic-auth';
import {
  awsError,
  DYNAMODB_BATCH_GET_ITEM,
  DYNAMODB_UPDATE_ITEM,
  KMS_SIGN,
  startFaultProxy,
  type FaultProxy,
} from '../support/fault-proxy';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { clientRecord, FORM, ISSUER, tokenEvent } from '../support/token-fakes';
import { describeWithMoto } from '../support/tools';

jest.setTimeout(60_000);

const TABLE = 'last-use-it';
const SECRET = randomBytes(24).toString('base64url');
const T0 = Date.UTC(2026, 2, 1, 9, 0, 0, 0);
const MINUTE = 60_000;
/** Wide margin for a loaded, shared machine: a bound, not a benchmark. */
const MARGIN_MS = 2500;

describeWithMoto()('last use per client (moto_server behind a fault proxy)', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let dynamo: DynamoDBClient;
  let keyId: string;
  let now = T0;
  const hasher = new Argon2PasswordHasher({ memoryCost: 4096, timeCost: 1 });
  const warnings: Record<string, unknown>[] = [];

  /** A handler as at a cold start: production adapters with their default clients, a set clock. */
  const coldHandler = (): TokenHandler => {
    const logger = new Logger({ serviceName: 'token', logLevel: 'WARN' });
    jest.spyOn(logger, 'warn').mockImplementation((message: unknown, ...extra: unknown[]) => {
      warnings.push({ message, ...(extra[0] as object) });
    });
    return createTokenHandler({
      config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 900, scopesSupported: [] },
      clientStore: new DynamoDbClientStore({ tableName: TABLE }),
      signer: new KmsSigner({ keyId, algorithm: 'RS256' }),
      publicKeys: new KmsPublicKeySource({ keyIds: [keyId] }),
      hasher,
      clock: () => now,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      logger,
      lastUse: new DynamoDbLastUseRecorder({ tableName: TABLE }),
    });
  };
  const request = (clientId: string) =>
    tokenEvent({
      headers: { 'Content-Type': FORM, Authorization: basicAuthorization(clientId, SECRET) },
    });
  const storedLastUse = async (clientId: string): Promise<string | undefined> => {
    const out = await dynamo.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { client_id: { S: clientId } },
        ConsistentRead: true,
      }),
    );
    return out.Item?.last_used_at?.S;
  };
  const iso = (ms: number): string => new Date(ms).toISOString();

  beforeAll(async () => {
    moto = await startMoto();
    // Setup talks to moto directly; the adapters under test reach it through the proxy, by the
    // standard AWS_ENDPOINT_URL, as the deployed function reaches AWS.
    dynamo = new DynamoDBClient({ endpoint: moto.endpoint });
    const kms = new KMSClient({ endpoint: moto.endpoint });
    await createClientsTable(dynamo, TABLE);
    const key = await kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    );
    keyId = key.KeyMetadata?.KeyId as string;
    kms.destroy();
    const hash = await hasher.hash(SECRET);
    const admin = new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo });
    for (const clientId of ['hourly', 'faulty', 'hanging', 'racing']) {
      await admin.createClient(
        clientRecord({ client_id: clientId, secrets: [{ hash, created_at: iso(T0) }] }),
      );
    }
    proxy = await startFaultProxy(moto.endpoint);
    process.env.AWS_ENDPOINT_URL = proxy.url;
  }, 90_000);

  afterAll(async () => {
    dynamo?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  beforeEach(() => {
    proxy.clear();
    proxy.resetCounts();
    warnings.length = 0;
  });

  it('sets last_used_at on the first token, keeps it within the hour, and moves it after', async () => {
    // Arrange
    const handler = coldHandler();
    now = T0;

    // Act: the first token
    const first = await handler(request('hourly'));

    // Assert
    expect(first.statusCode).toBe(200);
    expect(await storedLastUse('hourly')).toBe(iso(T0));
    expect(proxy.attempts(DYNAMODB_UPDATE_ITEM)).toBe(1);

    // Act: a second token 30 minutes later, and one just under the hour, from a new container too
    now = T0 + 30 * MINUTE;
    const second = await handler(request('hourly'));
    now = T0 + LAST_USE_INTERVAL_MS - 1;
    const third = await coldHandler()(request('hourly'));

    // Assert: no write at all (the record read says it is recent)
    expect([second.statusCode, third.statusCode]).toEqual([200, 200]);
    expect(await storedLastUse('hourly')).toBe(iso(T0));
    expect(proxy.attempts(DYNAMODB_UPDATE_ITEM)).toBe(1);

    // Act: an hour after the recorded use
    now = T0 + LAST_USE_INTERVAL_MS + MINUTE;
    const later = await handler(request('hourly'));

    // Assert
    expect(later.statusCode).toBe(200);
    expect(await storedLastUse('hourly')).toBe(iso(now));
    expect(proxy.attempts(DYNAMODB_UPDATE_ITEM)).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('lets one of two containers that read the same old value write; the other finds it recent', async () => {
    // Arrange: both containers' reads are behind them; the second writes with the same "stale"
    // bound after the first one has written
    const recorder = new DynamoDbLastUseRecorder({ tableName: TABLE });
    const use = {
      clientId: 'racing',
      usedAt: iso(T0),
      staleBefore: iso(T0 - LAST_USE_INTERVAL_MS),
    };

    // Act
    const first = await recorder.recordUse(use);
    const second = await recorder.recordUse({ ...use, usedAt: iso(T0 + MINUTE) });
    const deleted = await recorder.recordUse({ ...use, clientId: 'no-such-client' });

    // Assert: the condition refused the second write and created no item for an unknown client
    expect([first, second, deleted]).toEqual([true, false, false]);
    expect(await storedLastUse('racing')).toBe(iso(T0));
    expect(await storedLastUse('no-such-client')).toBeUndefined();
  });

  it('answers 200 when UpdateItem fails, logs a warning with the AwsCallError message, and writes on the next request', async () => {
    // Arrange
    const handler = coldHandler();
    now = T0;
    proxy.inject(DYNAMODB_UPDATE_ITEM, awsError('InternalServerError', 500));

    // Act
    const failed = await handler(request('faulty'));

    // Assert
    expect(failed.statusCode).toBe(200);
    expect(JSON.parse(failed.body)).toMatchObject({ token_type: 'Bearer' });
    expect(proxy.attempts(DYNAMODB_UPDATE_ITEM)).toBe(LAST_USE_WRITE_BUDGET.maxAttempts);
    expect(proxy.attempts(KMS_SIGN)).toBe(1);
    expect(proxy.attempts(DYNAMODB_BATCH_GET_ITEM)).toBe(1);
    expect(await storedLastUse('faulty')).toBeUndefined();
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'could not record the last use of the client',
        clientId: 'faulty',
        errorType: 'AwsCallError',
        errorMessage: expect.stringMatching(
          /^DynamoDB\.UpdateItem failed after 2 attempts: InternalServerError \(HTTP 500\)/,
        ) as unknown,
      }),
    ]);

    // Act: the fault clears; the next request finds no last use and writes it
    proxy.clear();
    const recovered = await handler(request('faulty'));

    // Assert
    expect(recovered.statusCode).toBe(200);
    expect(await storedLastUse('faulty')).toBe(iso(T0));
  });

  it('answers 200 within the write budget when UpdateItem hangs', async () => {
    // Arrange
    const handler = coldHandler();
    now = T0;
    await handler(request('hanging')); // warm: GetPublicKey is memoised, the first use recorded
    now = T0 + 2 * LAST_USE_INTERVAL_MS;
    proxy.resetCounts();
    proxy.inject(DYNAMODB_UPDATE_ITEM, { kind: 'hang' });

    // Act
    const started = performance.now();
    const res = await handler(request('hanging'));
    const ms = performance.now() - started;

    // Assert
    expect(res.statusCode).toBe(200);
    expect(ms).toBeLessThan(LAST_USE_WRITE_BUDGET.operationBudgetMs + MARGIN_MS);
    expect(await storedLastUse('hanging')).toBe(iso(T0));
    expect(warnings).toEqual([
      expect.objectContaining({
        clientId: 'hanging',
        errorMessage: expect.stringContaining('OperationBudgetExceeded') as unknown,
      }),
    ]);
  });
});
