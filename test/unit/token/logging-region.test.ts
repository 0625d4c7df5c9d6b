// Every log line of a token request carries the function's Region, as handler.ts builds its logger: issued, rejected, failed, and a cross-Region replay (which also logs jti_seen_in_other_region, never the jti).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DYNAMODB } from '../../../functions/shared/aws/json-client';
import { addRegionDimensionSets } from '../../../functions/shared/metrics-region';
import { DynamoDbReplayCache } from '../../../functions/token/adapters/replay-cache-dynamodb';
import { CLIENT_ASSERTION_TYPE } from '../../../functions/token/core/client-assertion';
import { ServerError } from '../../../functions/token/core/errors';
import { createTokenHandler } from '../../../functions/token/create-handler';
import { reportJtiSeenInOtherRegion } from '../../../functions/token/metrics';
import { awsErrorReply, fakeAwsClient, fakeTransport } from '../../support/aws-json-fake';
import { basicAuthorization } from '../../support/basic-auth';
import {
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  signAssertion,
} from '../../support/client-assertions';
import { captureEmf } from '../../support/emf';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  SECRET,
  tokenEvent,
} from '../../support/token-fakes';

type Line = Record<string, unknown>;
const REGION = 'eu-west-1';
const NOW = Math.floor(FIXED_NOW_MS / 1000);
const KEY = clientKeyPair('ES256');
const JWT_CLIENT = 'jwt-client-1';

/** Runs the requests with stdout and stderr captured; every log line (not EMF), parsed. */
async function logLines(run: () => Promise<void>): Promise<{ lines: Line[]; emf: Line[] }> {
  const capture = captureEmf();
  try {
    await run();
  } finally {
    capture.restore();
  }
  return { lines: capture.other.map((l) => JSON.parse(l) as Line), emf: capture.lines };
}

/** The token handler with the logger and metrics handler.ts builds in a multi-Region deployment. */
function multiRegionHandler(replayReplies: Parameters<typeof fakeAwsClient>[1]) {
  const logger = new Logger({
    serviceName: 'token',
    logLevel: 'DEBUG',
    persistentKeys: { region: REGION },
  });
  const metrics = addRegionDimensionSets(
    new Metrics({ namespace: 'T', serviceName: 'token' }),
    REGION,
  );
  const { client } = fakeAwsClient(DYNAMODB, replayReplies);
  const signer = new InMemorySigner('ES256');
  const store = new MemoryClientStore([
    clientRecord({ scopes: ['orders:read'] }),
    jwtClientRecord([KEY.jwk], { client_id: JWT_CLIENT }),
  ]);
  const failing = { getClient: () => Promise.reject(new ServerError('store down')) };
  const build = (clientStore = store) =>
    createTokenHandler({
      config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
      clientStore,
      replayCache: new DynamoDbReplayCache({
        tableName: 'clients',
        client,
        region: REGION,
        onSeenInOtherRegion: reportJtiSeenInOtherRegion(logger, metrics),
      }),
      signer,
      publicKeys: signer,
      hasher: new FakeHasher(),
      clock: () => FIXED_NOW_MS,
      randomBytes: countingBytes,
      logger,
      metrics,
    });
  return { handler: build(), failingHandler: build(failing as never) };
}

const basic = (secret: string): APIGatewayProxyEvent =>
  tokenEvent({
    headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', secret) },
    body: 'grant_type=client_credentials',
  });

const withAssertion = (assertion: string): APIGatewayProxyEvent =>
  tokenEvent({
    headers: { 'Content-Type': FORM },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    }).toString(),
  });

describe('token function log lines carry region', () => {
  it('on a token issued, a rejection and a failure: every line', async () => {
    // Arrange
    const { handler, failingHandler } = multiRegionHandler([{ status: 200, body: {} }]);

    // Act
    const statuses: number[] = [];
    const { lines } = await logLines(async () => {
      statuses.push((await handler(basic(SECRET))).statusCode);
      statuses.push((await handler(basic('wrong'))).statusCode);
      statuses.push((await failingHandler(basic(SECRET))).statusCode);
    });

    // Assert
    expect(statuses).toEqual([200, 401, 500]);
    expect(lines.map((l) => l.message)).toEqual(
      expect.arrayContaining(['token issued', 'token request rejected', 'token request failed']),
    );
    for (const line of lines) expect([line.message, line.region]).toEqual([line.message, REGION]);
    expect(lines.filter((l) => l.audit === true).length).toBeGreaterThanOrEqual(3);
  });

  it('on an assertion first used in another Region: refused, jti_seen_in_other_region logged and counted', async () => {
    // Arrange: the jti# item is there, written by us-east-1 (it replicated).
    const { handler } = multiRegionHandler([
      {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          Item: { client_id: { S: 'jti#x' }, region: { S: 'us-east-1' } },
        },
      },
    ]);
    const claims = assertionClaims(JWT_CLIENT, ISSUER, NOW);

    // Act
    let status = 0;
    const { lines, emf } = await logLines(async () => {
      status = (await handler(withAssertion(signAssertion(KEY, claims)))).statusCode;
    });

    // Assert
    expect(status).toBe(401);
    const seen = lines.find((l) => l.message === 'jti_seen_in_other_region');
    expect(seen).toMatchObject({
      level: 'WARN',
      kind: 'assertion',
      firstRegion: 'us-east-1',
      region: REGION,
    });
    for (const line of lines) expect([line.message, line.region]).toEqual([line.message, REGION]);
    expect(JSON.stringify(lines)).not.toContain(claims.jti);
    const counted = emf.find((l) => 'JtiSeenInOtherRegion' in l);
    expect(counted).toMatchObject({ kind: 'assertion', region: REGION, JtiSeenInOtherRegion: 1 });
  });
});

describe('token handler module: the logger handler.ts builds', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.dontMock('../../../functions/shared/aws/http-transport');
  });

  it('writes region on the lines of a refused and of a failed request', async () => {
    // Arrange: the client lookup finds nothing, then is denied.
    const transport = fakeTransport([
      { status: 200, body: { Responses: { clients: [] } } },
      awsErrorReply('AccessDeniedException'),
    ]);
    Object.assign(process.env, {
      ISSUER: 'https://auth.example.com',
      DEFAULT_AUDIENCE: 'api',
      CLIENTS_TABLE: 'clients',
      SIGNING_KEY_ID: 'alias/token',
      AWS_REGION: 'us-east-1',
      SERVICE_REGIONS: 'eu-west-1,us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      LOG_LEVEL: 'INFO',
    });
    let handler: ((e: APIGatewayProxyEvent) => Promise<{ statusCode: number }>) | undefined;
    jest.isolateModules(() => {
      jest.doMock('../../../functions/shared/aws/http-transport', () => ({
        ...jest.requireActual('../../../functions/shared/aws/http-transport'),
        createHttpTransport: () => transport,
      }));
      ({ handler } = jest.requireActual<typeof import('../../../functions/token/handler')>(
        '../../../functions/token/handler',
      ));
    });

    // Act
    const statuses: number[] = [];
    const { lines } = await logLines(async () => {
      statuses.push((await handler?.(basic(SECRET)))?.statusCode ?? 0);
      statuses.push((await handler?.(basic(SECRET)))?.statusCode ?? 0);
    });

    // Assert
    expect(statuses).toEqual([401, 500]);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines)
      expect([line.message, line.region]).toEqual([line.message, 'us-east-1']);
  });
});
