// Integration test of the token handler with the real DynamoDB, KMS and argon2 adapters against moto.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { AwsJsonClient, DYNAMODB, KMS } from '../../functions/shared/aws/json-client';
import type { AwsJsonService } from '../../functions/shared/aws/json-client-options';
import { AWS_CALL_BUDGET } from '../../functions/shared/limits';
import type { SigningAlgorithm } from '../../functions/shared/types';
import type { ClientRecord } from '../../functions/token/core/types';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import { basicAuthorization } from '../support/basic-auth';

/** The algorithms of this file's matrix; PS256 pins RSA keys differently (test/unit/shared/ps256.test.ts). */
type ClassicAlgorithm = Exclude<SigningAlgorithm, 'PS256'>;

const TABLE = 'token-handler-it';
const ISSUER = 'https://auth.example.com';
const SECRET = randomBytes(32).toString('base64url');
const FORM = 'application/x-www-form-urlencoded';

function event(overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    resource: '/oauth2/token',
    path: '/oauth2/token',
    httpMethod: 'POST',
    headers: { 'Content-Type': FORM },
    body: null,
    isBase64Encoded: false,
    ...overrides,
  } as APIGatewayProxyEvent;
}

/** A client whose every call the service answers with `name` (HTTP 400), with no retry. */
function throttled(service: AwsJsonService, name: string): AwsJsonClient {
  return new AwsJsonClient({
    service,
    env: process.env,
    budget: { ...AWS_CALL_BUDGET, maxAttempts: 1 },
    transport: () =>
      Promise.resolve({
        statusCode: 400,
        headers: {},
        body: JSON.stringify({ __type: `com.amazonaws.service#${name}`, message: 'Rate exceeded' }),
      }),
  });
}

describeWithMoto()('token handler against moto (DynamoDB, KMS, argon2id)', () => {
  let moto: Moto;
  let dynamo: DynamoDBClient;
  let kms: KMSClient;
  let keyIds: Record<ClassicAlgorithm, string>;
  const hasher = new Argon2PasswordHasher();

  const handlerFor = (
    alg: ClassicAlgorithm,
    clients: { dynamo?: AwsJsonClient; kms?: AwsJsonClient } = {},
  ): TokenHandler =>
    createTokenHandler({
      config: {
        issuer: ISSUER,
        defaultAudience: 'https://default.example.com',
        tokenTtlSeconds: 900,
        scopesSupported: ['orders:read', 'orders:write'],
      },
      clientStore: new DynamoDbClientStore({ tableName: TABLE, client: clients.dynamo }),
      signer: new KmsSigner({ keyId: keyIds[alg], algorithm: alg, client: clients.kms }),
      publicKeys: new KmsPublicKeySource({ keyIds: [keyIds.ES256, keyIds.RS256] }),
      hasher,
      clock: Date.now,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });

  const jwksOf = async (handler: TokenHandler): Promise<JSONWebKeySet> => {
    const res = await handler(
      event({
        resource: '/.well-known/jwks.json',
        path: '/.well-known/jwks.json',
        httpMethod: 'GET',
      }),
    );
    expect(res.statusCode).toBe(200);
    return JSON.parse(res.body) as JSONWebKeySet;
  };
  const json = (res: APIGatewayProxyResult): Record<string, unknown> =>
    JSON.parse(res.body) as Record<string, unknown>;

  beforeAll(async () => {
    moto = await startMoto();
    dynamo = new DynamoDBClient({});
    kms = new KMSClient({});
    await createClientsTable(dynamo, TABLE);
    const createKey = async (spec: 'ECC_NIST_P256' | 'RSA_2048'): Promise<string> => {
      const out = await kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' }));
      return out.KeyMetadata?.KeyId as string;
    };
    keyIds = { ES256: await createKey('ECC_NIST_P256'), RS256: await createKey('RSA_2048') };

    const store = new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo });
    const now = new Date().toISOString();
    const base: ClientRecord = {
      client_id: 'orders-service',
      name: 'Orders service',
      status: 'active',
      secrets: [{ hash: await hasher.hash(SECRET), created_at: now }],
      token_endpoint_auth_method: 'client_secret_basic',
      scopes: ['orders:read', 'orders:write'],
      audiences: ['https://orders.example.com'],
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await store.createClient(base);
    await store.createClient({ ...base, client_id: 'disabled-service', status: 'disabled' });
    await store.createClient({
      ...base,
      client_id: 'post-service',
      token_endpoint_auth_method: 'client_secret_post',
    });
    // A legacy record (written before every client had one method): no method, both secret ones.
    const { token_endpoint_auth_method: _method, ...legacy } = base;
    await store.createClient({ ...legacy, client_id: 'legacy-service' });
  }, 90_000);

  afterAll(async () => {
    dynamo?.destroy();
    kms?.destroy();
    await moto?.stop();
  });

  it.each(['ES256', 'RS256'] as const)(
    'issues %s tokens (Basic) that verify against the JWKS the handler serves',
    async (alg) => {
      // Arrange
      const handler = handlerFor(alg);

      // Act
      const res = await handler(
        event({
          headers: {
            'Content-Type': FORM,
            Authorization: basicAuthorization('orders-service', SECRET),
          },
          body: 'grant_type=client_credentials&scope=orders:read',
        }),
      );

      // Assert
      expect(res.statusCode).toBe(200);
      expect(res.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
      const body = json(res);
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'orders:read' });
      const jwks = await jwksOf(handler);
      expect(jwks.keys.map((k) => k.alg)).toEqual(['ES256', 'RS256']);
      const { payload, protectedHeader } = await jwtVerify(
        body.access_token as string,
        createLocalJWKSet(jwks),
        {
          issuer: ISSUER,
          audience: 'https://orders.example.com',
          typ: 'at+jwt',
          algorithms: [alg],
        },
      );
      expect(protectedHeader.alg).toBe(alg);
      expect(jwks.keys.find((k) => k.kid === protectedHeader.kid)?.alg).toBe(alg);
      expect(payload).toMatchObject({
        sub: 'orders-service',
        client_id: 'orders-service',
        scope: 'orders:read',
      });
      expect((payload.exp as number) - (payload.iat as number)).toBe(900);
      expect(payload.nbf).toBe(payload.iat);
      expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    },
    30_000,
  );

  /** A client_secret_post request in a JSON body. */
  const postEvent = (clientId: string): APIGatewayProxyEvent =>
    event({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: SECRET,
      }),
    });
  /** A client_secret_basic request. */
  const basicEvent = (clientId: string): APIGatewayProxyEvent =>
    event({
      headers: { 'Content-Type': FORM, Authorization: basicAuthorization(clientId, SECRET) },
      body: 'grant_type=client_credentials',
    });

  it('issues with client_secret_post in a JSON body', async () => {
    // Arrange
    const handler = handlerFor('ES256');

    // Act
    const res = await handler(postEvent('post-service'));

    // Assert
    expect(res.statusCode).toBe(200);
    expect(decodeProtectedHeader(json(res).access_token as string).typ).toBe('at+jwt');
    expect(json(res).scope).toBe('orders:read orders:write');
  });

  it.each([
    ['a client_secret_basic client by client_secret_post', () => postEvent('orders-service')],
    ['a client_secret_post client by client_secret_basic', () => basicEvent('post-service')],
  ])('refuses %s, with the right secret: 401 invalid_client', async (_label, request) => {
    // Arrange
    const handler = handlerFor('ES256');

    // Act
    const res = await handler(request());

    // Assert
    expect(res.statusCode).toBe(401);
    expect(json(res).error).toBe('invalid_client');
  });

  it('lets a legacy record without a method (read back from DynamoDB) use both secret methods', async () => {
    // Arrange
    const handler = handlerFor('ES256');

    // Act
    const byBasic = await handler(basicEvent('legacy-service'));
    const byPost = await handler(postEvent('legacy-service'));

    // Assert
    expect([byBasic.statusCode, byPost.statusCode]).toEqual([200, 200]);
  });

  it.each([
    ['a wrong secret', basicAuthorization('orders-service', `${SECRET}x`)],
    ['an unknown client', basicAuthorization('nobody', SECRET)],
    ['a disabled client', basicAuthorization('disabled-service', SECRET)],
  ])('answers %s with 401 invalid_client', async (_label, authorization) => {
    // Arrange
    const handler = handlerFor('ES256');

    // Act
    const res = await handler(
      event({
        headers: { 'Content-Type': FORM, Authorization: authorization },
        body: 'grant_type=client_credentials',
      }),
    );

    // Assert
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['WWW-Authenticate']).toBe(`Basic realm="${ISSUER}"`);
    expect(json(res).error).toBe('invalid_client');
  });

  it.each([
    ['DynamoDB', 'ProvisionedThroughputExceededException'],
    ['KMS', 'ThrottlingException'],
  ])('answers %s throttling with 503 temporarily_unavailable', async (service, name) => {
    // Arrange
    const handler =
      service === 'DynamoDB'
        ? handlerFor('ES256', { dynamo: throttled(DYNAMODB, name) })
        : handlerFor('ES256', { kms: throttled(KMS, name) });

    // Act
    const res = await handler(
      event({
        headers: {
          'Content-Type': FORM,
          Authorization: basicAuthorization('orders-service', SECRET),
        },
        body: 'grant_type=client_credentials',
      }),
    );

    // Assert
    expect(res.statusCode).toBe(503);
    expect(json(res)).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
    });
  });

  it('serves RFC 8414 metadata', async () => {
    // Act
    const res = await handlerFor('ES256')(
      event({
        resource: '/.well-known/oauth-authorization-server',
        path: '/.well-known/oauth-authorization-server',
        httpMethod: 'GET',
      }),
    );

    // Assert
    expect(json(res)).toMatchObject({ issuer: ISSUER, token_endpoint: `${ISSUER}/oauth2/token` });
  });
});
