// Unpacks the built token.zip, authorizer.zip and replay-watch.zip into empty folders and runs them (the first two
// against moto): the bundles, including the native argon2 binary, load and work on their own.
import { execFile } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { runBuild, unpackZip } from '../support/lambda-zip';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import { basicAuthorization } from '../support/basic-auth';

jest.setTimeout(120_000);

const TABLE = 'bundle-it';
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';
const CLIENT_ID = 'bundle-client';
const SECRET = randomBytes(32).toString('base64url');
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/hello';

/** A REQUEST authorizer event for GET /hello, as API Gateway sends it. */
const requestEvent = (authorization: string) => ({
  type: 'REQUEST',
  methodArn: METHOD_ARN,
  resource: '/hello',
  path: '/hello',
  httpMethod: 'GET',
  headers: { Authorization: authorization },
  multiValueHeaders: { Authorization: [authorization] },
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  requestContext: { httpMethod: 'GET', resourcePath: '/hello', stage: 'prod' },
});

/**
 * Runs in the child, in the unpacked folder: loads index.js exactly as Lambda does (`index.handler`),
 * invokes it with each event and writes the results to a file (stdout belongs to the logger).
 */
const RUNNER = `
const fs = require('fs');
const [eventsFile, resultFile] = process.argv.slice(1);
(async () => {
  const { handler } = require(process.cwd() + '/index.js');
  const results = [];
  for (const event of JSON.parse(fs.readFileSync(eventsFile, 'utf8'))) {
    try { results.push({ value: await handler(event, {}) }); }
    catch (err) { results.push({ error: err.message }); }
  }
  const loaded = Object.keys(require.cache).filter((f) => f.includes('argon2'));
  fs.writeFileSync(resultFile, JSON.stringify({ results, loaded }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

interface RunOutput {
  results: { value?: unknown; error?: string }[];
  loaded: string[];
}

function proxyEvent(overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    resource: '/oauth2/token',
    path: '/oauth2/token',
    httpMethod: 'POST',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

describeWithMoto()('built Lambda bundles, unpacked into empty folders', () => {
  let moto: Moto;
  let tmp: string;
  let dist: string;
  let keyId: string;
  let publicKeyPem: string;

  /** Runs a bundle's handler in a child process with only the Lambda-like environment. */
  async function invoke(
    dir: string,
    env: Record<string, string>,
    events: unknown[],
  ): Promise<RunOutput> {
    const eventsFile = path.join(tmp, `events-${randomBytes(4).toString('hex')}.json`);
    const resultFile = `${eventsFile}.out`;
    fs.writeFileSync(eventsFile, JSON.stringify(events));
    await promisify(execFile)(process.execPath, ['-e', RUNNER, eventsFile, resultFile], {
      cwd: dir,
      // No NODE_PATH and nothing from the repository: the bundle must bring what it needs.
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'WARN', ...moto.env, ...env },
    });
    return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as RunOutput;
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-it-'));
    dist = path.join(tmp, 'dist');
    const [started] = await Promise.all([
      startMoto(),
      runBuild(['--arch', 'x86_64', '--out-dir', dist]),
    ]);
    moto = started;
    const dynamo = new DynamoDBClient({});
    const kms = new KMSClient({});
    await createClientsTable(dynamo, TABLE);
    const key = await kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    );
    keyId = key.KeyMetadata?.KeyId as string;
    const publicKey = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    publicKeyPem = createPublicKey({
      key: Buffer.from(publicKey.PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const now = new Date().toISOString();
    await new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo }).createClient({
      client_id: CLIENT_ID,
      name: 'Bundle test',
      status: 'active',
      secrets: [{ hash: await new Argon2PasswordHasher().hash(SECRET), created_at: now }],
      scopes: ['demo:read'],
      audiences: [],
      created_at: now,
      updated_at: now,
      version: 1,
    });
    dynamo.destroy();
    kms.destroy();
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  let accessToken: string;

  it('token.zip issues a token that verifies against its JWKS, with argon2 loaded from the zip', async () => {
    // Arrange
    const dir = path.join(tmp, 'token');
    const files = unpackZip(path.join(dist, 'token.zip'), dir);

    // Act
    const out = await invoke(
      dir,
      {
        ISSUER,
        DEFAULT_AUDIENCE: AUDIENCE,
        CLIENTS_TABLE: TABLE,
        SIGNING_KEY_ID: keyId,
      },
      [
        proxyEvent({
          headers: {
            Authorization: basicAuthorization(CLIENT_ID, SECRET),
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        }),
        proxyEvent({
          resource: '/.well-known/jwks.json',
          path: '/.well-known/jwks.json',
          httpMethod: 'GET',
        }),
      ],
    );

    // Assert
    expect(files).toContain('index.js');
    expect(out.loaded.length).toBeGreaterThan(0);
    for (const file of out.loaded) expect(file.startsWith(dir + path.sep)).toBe(true);
    expect(out.loaded.some((f) => f.endsWith('.node'))).toBe(true);
    const [token, jwks] = out.results.map((r) => r.value as { statusCode: number; body: string });
    expect(token?.statusCode).toBe(200);
    const body = JSON.parse(token?.body as string) as {
      access_token: string;
      token_type: string;
      scope: string;
    };
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'demo:read' });
    const { payload, protectedHeader } = await jwtVerify(
      body.access_token,
      createLocalJWKSet(JSON.parse(jwks?.body as string) as JSONWebKeySet),
      { issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt', algorithms: ['RS256'] },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: CLIENT_ID, client_id: CLIENT_ID, scope: 'demo:read' });
    accessToken = body.access_token;
  });

  it('token.zip rejects a wrong secret with 401 invalid_client', async () => {
    // Arrange
    const dir = path.join(tmp, 'token');

    // Act
    const out = await invoke(
      dir,
      { ISSUER, DEFAULT_AUDIENCE: AUDIENCE, CLIENTS_TABLE: TABLE, SIGNING_KEY_ID: keyId },
      [
        proxyEvent({
          headers: {
            Authorization: basicAuthorization(CLIENT_ID, 'wrong'),
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        }),
      ],
    );

    // Assert
    const res = out.results[0]?.value as { statusCode: number; body: string };
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_client' });
  });

  it('authorizer.zip allows the token and rejects a forged one', async () => {
    // Arrange
    const dir = path.join(tmp, 'authorizer');
    const files = unpackZip(path.join(dist, 'authorizer.zip'), dir);
    const [header, payload] = accessToken.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`;

    // Act
    const out = await invoke(
      dir,
      {
        ISSUER,
        AUDIENCE,
        PUBLIC_KEYS_PEM: JSON.stringify([publicKeyPem]),
        ROUTE_SCOPES: JSON.stringify({
          'GET /hello': ['demo:read'],
          'POST /hello': ['demo:write'],
        }),
      },
      [requestEvent(`Bearer ${accessToken}`), requestEvent(`Bearer ${forged}`)],
    );

    // Assert
    expect(files).toEqual(['index.js']);
    const allowed = out.results[0]?.value as {
      principalId: string;
      policyDocument: { Statement: { Effect: string; Resource: string | string[] }[] };
      context: Record<string, string>;
    };
    expect(allowed.principalId).toBe(CLIENT_ID);
    expect(allowed.context).toMatchObject({ client_id: CLIENT_ID, scope: 'demo:read' });
    expect(allowed.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [METHOD_ARN] },
    ]);
    expect(out.results[1]).toEqual({ error: 'Unauthorized' });
  });

  it('replay-watch.zip reports a jti# item replaced by another Region’s use and loads no native module', async () => {
    // Arrange: a MODIFY as Lambda delivers it from the clients table's stream.
    const dir = path.join(tmp, 'replay-watch');
    const files = unpackZip(path.join(dist, 'replay-watch.zip'), dir);
    const item = (region: string, usedAt: number) => ({
      client_id: { S: 'jti#digest' },
      region: { S: region },
      used_at: { N: String(usedAt) },
      expires_at: { N: String(usedAt + 60) },
      kind: { S: 'assertion' },
    });
    const event = {
      Records: [
        {
          eventID: '1',
          eventName: 'MODIFY',
          eventSource: 'aws:dynamodb',
          awsRegion: 'eu-west-1',
          dynamodb: {
            Keys: { client_id: { S: 'jti#digest' } },
            OldImage: item('eu-west-1', 2_000_000_000),
            NewImage: item('us-east-1', 2_000_000_005),
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
        },
      ],
    };

    // Act
    const out = await invoke(
      dir,
      { AWS_REGION: 'eu-west-1', POWERTOOLS_METRICS_NAMESPACE: 'BundleIT' },
      [event],
    );

    // Assert
    expect(files).toEqual(['index.js']);
    expect(out.loaded).toEqual([]);
    expect(out.results[0]?.value).toMatchObject({
      records: 1,
      malformed: 0,
      doubleUses: [{ kind: 'assertion', firstRegion: 'eu-west-1', secondRegion: 'us-east-1' }],
    });
  });
});
