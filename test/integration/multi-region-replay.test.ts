// The cross-Region replay window as executable documentation (docs/multi-region.md, "Single-use state across Regions"): two Regions on one moto_server, each with its own clients table of the same name and no replication between them, the worst case of replication lag. The token function and the authorizer are their Lambda entry points (handler.ts), built per Region from the environment with SERVICE_REGIONS; every AWS call they make goes through a recording proxy that checks it is signed for their own Region.
import { randomUUID } from 'node:crypto';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient, ReplicateKeyCommand } from '@aws-sdk/client-kms';
import type { APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { dpopJtiKey } from '../../functions/authorizer/core/dpop-request';
import { assertionJtiKey } from '../../functions/token/core/replay-keys';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  signAssertion,
} from '../support/client-assertions';
import {
  DPOP_HOST,
  DPOP_ROUTES,
  dpopEvent,
  makeProofKey,
  signProof,
} from '../support/dpop-fixtures';
import { captureEmf, type EmfCapture } from '../support/emf';
import { makeKeys, validClaims, validToken } from '../support/jwt-fixtures';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { startRecordingProxy, type RecordingProxy } from '../support/region-recording-proxy';
import { FORM, ISSUER, tokenEvent } from '../support/token-fakes';
import { describeWithMoto } from '../support/tools';

jest.setTimeout(60_000);

const A = 'eu-west-1';
const B = 'us-east-1';
const REGIONS = [A, B] as const;
type Region = (typeof REGIONS)[number];
const TABLE = 'clients-mr';
const CLIENT = 'jwt-client';
const CLIENT_KEY = clientKeyPair('ES256');
const NAMESPACE = 'MultiRegion';

type TokenHandler = (event: ReturnType<typeof tokenEvent>) => Promise<APIGatewayProxyResult>;
type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<{
  policyDocument: { Statement: { Effect: string }[] };
}>;

/**
 * Loads a Lambda entry point as the runtime would in `region`: its module, fresh, with the
 * environment of that Region's function (AWS_REGION, SERVICE_REGIONS, the endpoint of the Region's
 * recording proxy). The module keeps the environment object it was built with.
 */
function loadEntryPoint<T extends object>(path: string, env: Record<string, string>): T {
  const saved = process.env;
  process.env = { ...saved, ...env };
  try {
    let mod: T | undefined;
    jest.isolateModules(() => {
      mod = jest.requireActual<T>(path);
    });
    return mod as T;
  } finally {
    process.env = saved;
  }
}

const now = (): number => Math.floor(Date.now() / 1000);

describeWithMoto()('two Regions on one moto_server: the cross-Region replay window', () => {
  let moto: Moto;
  const dynamo = {} as Record<Region, DynamoDBClient>;
  const proxy = {} as Record<Region, RecordingProxy>;
  const token = {} as Record<Region, TokenHandler>;
  const authorizer = {} as Record<Region, Authorizer>;
  const accessKeys = makeKeys();
  let capture: EmfCapture | undefined;

  beforeAll(async () => {
    moto = await startMoto();
    // One multi-Region signing key, replicated: the same key id in both Regions.
    const kmsA = new KMSClient({ endpoint: moto.endpoint, region: A });
    const key = await kmsA.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', MultiRegion: true }),
    );
    const keyId = key.KeyMetadata?.KeyId as string;
    await kmsA.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: B }));
    kmsA.destroy();
    for (const region of REGIONS) {
      dynamo[region] = new DynamoDBClient({ endpoint: moto.endpoint, region });
      await createClientsTable(dynamo[region], TABLE);
      // The client, written to both tables (as the control Region's write replicates).
      await new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo[region] }).createClient(
        jwtClientRecord([CLIENT_KEY.jwk], { client_id: CLIENT }),
      );
      proxy[region] = await startRecordingProxy(moto.endpoint);
      const common = {
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ENDPOINT_URL: proxy[region].url,
        SERVICE_REGIONS: REGIONS.join(','),
        ISSUER,
        POWERTOOLS_METRICS_NAMESPACE: NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'WARN',
        LOG_LEVEL: 'WARN',
      };
      token[region] = loadEntryPoint<{ handler: TokenHandler }>('../../functions/token/handler', {
        ...common,
        POWERTOOLS_SERVICE_NAME: `mr-token-${region}`,
        DEFAULT_AUDIENCE: 'https://api.example.com',
        CLIENTS_TABLE: TABLE,
        SIGNING_KEY_ID: keyId,
      }).handler;
      authorizer[region] = loadEntryPoint<{ handler: Authorizer }>(
        '../../functions/authorizer/handler',
        {
          ...common,
          POWERTOOLS_SERVICE_NAME: `mr-authorizer-${region}`,
          ISSUER: 'https://auth.example.com',
          AUDIENCE: 'https://api.example.com',
          PUBLIC_KEYS_PEM: JSON.stringify([accessKeys.es.pem]),
          ROUTE_SCOPES: JSON.stringify(DPOP_ROUTES),
          AUTHORIZER_RESULT_TTL_SECONDS: '0',
          DPOP_REPLAY_TABLE: TABLE,
          DPOP_ALLOWED_HOSTS: JSON.stringify([DPOP_HOST]),
        },
      ).handler;
    }
  }, 60_000);

  beforeEach(() => {
    capture = captureEmf();
  });

  afterEach(() => {
    capture?.restore();
  });

  afterAll(async () => {
    for (const region of REGIONS) {
      dynamo[region]?.destroy();
      await proxy[region]?.close();
    }
    await moto?.stop();
  });

  /** Copies one item from A's table into B's, as a global table's replication would (last writer wins). */
  async function replicate(key: string, from: Region, to: Region): Promise<void> {
    const got = await dynamo[from].send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { client_id: { S: key } },
        ConsistentRead: true,
      }),
    );
    expect(got.Item?.region).toEqual({ S: from });
    await dynamo[to].send(
      new PutItemCommand({ TableName: TABLE, Item: got.Item as Record<string, AttributeValue> }),
    );
  }

  const assertionRequest = (assertion: string) =>
    tokenEvent({ headers: { 'Content-Type': FORM }, body: assertionBody(assertion) });

  /** The JtiSeenInOtherRegion lines and the jti_seen_in_other_region log lines captured so far. */
  const seenInOtherRegion = () => ({
    metrics: (capture?.lines ?? []).filter((l) => 'JtiSeenInOtherRegion' in l),
    logs: (capture?.other ?? [])
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.message === 'jti_seen_in_other_region'),
  });

  it('a client assertion is accepted once per Region while its first use has not replicated (the window), and refused again in its own Region', async () => {
    // Arrange
    const assertion = signAssertion(CLIENT_KEY, assertionClaims(CLIENT, ISSUER, now()));

    // Act
    const inA = await token[A](assertionRequest(assertion));
    const inB = await token[B](assertionRequest(assertion));
    const againInA = await token[A](assertionRequest(assertion));

    // Assert: the replay in B succeeds (nothing replicated); each Region refuses its own replay,
    // which is no cross-Region sighting.
    expect([inA.statusCode, inB.statusCode, againInA.statusCode]).toEqual([200, 200, 401]);
    expect(JSON.parse(againInA.body).error).toBe('invalid_client');
    expect(seenInOtherRegion()).toEqual({ metrics: [], logs: [] });
  });

  it('once the first use has replicated, the other Region refuses the assertion and reports JtiSeenInOtherRegion', async () => {
    // Arrange: used in A, then A's jti# item arrives in B.
    const claims = assertionClaims(CLIENT, ISSUER, now());
    const assertion = signAssertion(CLIENT_KEY, claims);
    expect((await token[A](assertionRequest(assertion))).statusCode).toBe(200);
    await replicate(assertionJtiKey(CLIENT, claims.jti as string), A, B);

    // Act
    const inB = await token[B](assertionRequest(assertion));

    // Assert
    expect(inB.statusCode).toBe(401);
    expect(JSON.parse(inB.body).error).toBe('invalid_client');
    const seen = seenInOtherRegion();
    expect(seen.logs).toEqual([
      // The client id as the token function logs an id that lacks the issued shape.
      expect.objectContaining({
        kind: 'assertion',
        firstRegion: A,
        region: B,
        clientIdFingerprint: expect.stringMatching(/^sha256:/) as unknown,
      }),
    ]);
    expect(seen.metrics).toEqual([
      expect.objectContaining({
        service: `mr-token-${B}`,
        kind: 'assertion',
        region: B,
        JtiSeenInOtherRegion: 1,
      }),
    ]);
    expect(seen.metrics[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'kind'],
      ['service', 'kind', 'region'],
    ]);
    expect(JSON.stringify(capture?.other)).not.toContain(claims.jti as string);
  });

  it('refuses, in a multi-Region deployment, an assertion that lives longer than 60 s', async () => {
    // Arrange: exp − iat = 90 s, within the single-Region limit (300 s) and within 60 s + skew of
    // now; and the same with exp − iat = 60 s.
    const t = now();
    const sign = (lifetime: number) =>
      signAssertion(CLIENT_KEY, assertionClaims(CLIENT, ISSUER, t, { iat: t, exp: t + lifetime }));

    // Act
    const tooLong = await token[A](assertionRequest(sign(90)));
    const atTheCap = await token[A](assertionRequest(sign(60)));

    // Assert
    expect([tooLong.statusCode, atTheCap.statusCode]).toEqual([401, 200]);
    expect(JSON.parse(tooLong.body).error).toBe('invalid_client');
  });

  it('a DPoP proof is accepted by both Regions’ authorizers until its first use replicates, then refused with JtiSeenInOtherRegion', async () => {
    // Arrange: a DPoP-bound token and two proofs of its key, valid now.
    const proofKey = makeProofKey();
    const t = now();
    const accessToken = validToken(
      accessKeys.es,
      validClaims({ iat: t - 5, exp: t + 600, cnf: { jkt: proofKey.jkt } }),
    );
    const request = (proof: string) =>
      dpopEvent({ authorization: `DPoP ${accessToken}`, dpop: proof });
    const effect = async (region: Region, proof: string): Promise<string> =>
      authorizer[region](request(proof)).then(
        (answer) => answer.policyDocument.Statement[0]?.Effect ?? 'none',
        (err: Error) => err.message,
      );
    const windowProof = signProof(proofKey, accessToken, { iat: t, jti: randomUUID() });
    const jti = randomUUID();
    const replicatedProof = signProof(proofKey, accessToken, { iat: t, jti });

    // Act: the window, then a use that replicates before the replay.
    const window = [await effect(A, windowProof), await effect(B, windowProof)];
    const ownReplay = await effect(A, windowProof);
    const first = await effect(A, replicatedProof);
    await replicate(dpopJtiKey(proofKey.jkt, jti), A, B);
    const afterReplication = await effect(B, replicatedProof);

    // Assert
    expect(window).toEqual(['Allow', 'Allow']);
    expect([ownReplay, first, afterReplication]).toEqual(['Unauthorized', 'Allow', 'Unauthorized']);
    const seen = seenInOtherRegion();
    expect(seen.logs).toEqual([
      expect.objectContaining({ kind: 'dpop_authorizer', firstRegion: A, region: B }),
    ]);
    expect(seen.metrics).toEqual([
      expect.objectContaining({
        kind: 'dpop_authorizer',
        region: B,
        JtiSeenInOtherRegion: 1,
      }),
    ]);
  });

  it('each function’s request-path AWS calls are signed for its own Region only', () => {
    // The tests above (run before this one, in file order) ran both functions of both Regions:
    // every call each Region's functions made went through that Region's proxy.
    for (const region of REGIONS) {
      const calls = proxy[region].calls;
      expect(calls.map((c) => c.target)).toEqual(
        expect.arrayContaining([
          'DynamoDB_20120810.BatchGetItem',
          'DynamoDB_20120810.PutItem',
          'TrentService.Sign',
        ]),
      );
      expect([region, [...new Set(calls.map((c) => c.region))]]).toEqual([region, [region]]);
    }
  });
});
