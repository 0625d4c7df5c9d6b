// DPoP against moto over the wire (issue 25): a DPoP-bound token issued with the real replay cache and KMS signer, its proof refused when replayed, and the authorizer refusing the bound token as Bearer.
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { calculateJwkThumbprint, decodeJwt, SignJWT, type JWK } from 'jose';
import { createAuthorizerHandler } from '../../functions/authorizer/create-handler';
import { loadTrustedKeys } from '../../functions/authorizer/core/trusted-keys';
import { parseRouteMap } from '../../functions/authorizer/core/route-map';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { DynamoDbReplayCache } from '../../functions/token/adapters/replay-cache-dynamodb';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { dpopProofJtiKey } from '../../functions/token/core/client-assertion';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { basicAuthorization } from '../support/basic-auth';
import { FakeHasher } from '../support/fake-hasher';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { clientRecord, FORM, ISSUER, SECRET, tokenEvent } from '../support/token-fakes';
import { describeWithMoto } from '../support/tools';

jest.setTimeout(120_000);

const TABLE = 'dpop-it';
const dpopKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = dpopKey.publicKey.export({ format: 'jwk' }) as JWK;

const proof = (jti: string): Promise<string> =>
  new SignJWT({
    jti,
    htm: 'POST',
    htu: `${ISSUER}/oauth2/token`,
    iat: Math.floor(Date.now() / 1000),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
    .sign(dpopKey.privateKey);

describeWithMoto()('DPoP-bound tokens against moto', () => {
  let moto: Moto;
  let dynamo: DynamoDBClient;
  let handler: TokenHandler;
  let publicKeys: KmsPublicKeySource;

  beforeAll(async () => {
    moto = await startMoto();
    dynamo = new DynamoDBClient({ endpoint: moto.endpoint });
    await createClientsTable(dynamo, TABLE);
    await new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo }).createClient(
      clientRecord({ client_id: 'bound', scopes: ['orders:read'], dpop_bound_access_tokens: true }),
    );
    const kms = new KMSClient({ endpoint: moto.endpoint });
    const key = await kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    );
    kms.destroy();
    const keyId = key.KeyMetadata?.KeyId as string;
    publicKeys = new KmsPublicKeySource({ keyIds: [keyId] });
    handler = createTokenHandler({
      config: {
        issuer: ISSUER,
        defaultAudience: 'https://api',
        tokenTtlSeconds: 900,
        scopesSupported: [],
      },
      clientStore: new DynamoDbClientStore({ tableName: TABLE }),
      replayCache: new DynamoDbReplayCache({ tableName: TABLE }),
      signer: new KmsSigner({ keyId, algorithm: 'RS256' }),
      publicKeys,
      hasher: new FakeHasher(),
      clock: Date.now,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
  }, 90_000);

  afterAll(async () => {
    dynamo?.destroy();
    await moto?.stop();
  });

  const request = (dpop?: string) =>
    tokenEvent({
      headers: {
        'Content-Type': FORM,
        Authorization: basicAuthorization('bound', SECRET),
        ...(dpop === undefined ? {} : { DPoP: dpop }),
      },
    });

  it('issues a bound token, refuses the replayed proof and a request without one, and the authorizer refuses the token as Bearer', async () => {
    // Arrange
    const jti = `p-${randomBytes(6).toString('hex')}`;
    const header = await proof(jti);
    const jkt = await calculateJwkThumbprint(publicJwk);

    // Act
    const issued = await handler(request(header));
    const replayed = await handler(request(header));
    const withoutProof = await handler(request());

    // Assert: the token and the proof's item under its own jti# key.
    expect(issued.statusCode).toBe(200);
    const body = JSON.parse(issued.body);
    expect(body.token_type).toBe('DPoP');
    expect(decodeJwt(body.access_token).cnf).toEqual({ jkt });
    const item = await dynamo.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { client_id: { S: dpopProofJtiKey(jkt, jti) } },
      }),
    );
    expect(item.Item?.expires_at?.N).toBeDefined();
    expect(replayed.statusCode).toBe(400);
    expect(JSON.parse(replayed.body).error).toBe('invalid_dpop_proof');
    expect(withoutProof.statusCode).toBe(400);
    expect(JSON.parse(withoutProof.body).error).toBe('invalid_dpop_proof');

    // Act: the gateway's authorizer, trusting the KMS key, sees the bound token as Bearer.
    const pems = (await publicKeys.publicKeys()).map((jwk) =>
      createPublicKey({ key: { ...jwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }),
    );
    const logger = { warn: jest.fn() };
    const authorizer = createAuthorizerHandler({
      logger,
      config: {
        issuer: ISSUER,
        audience: 'https://api.example.com',
        keys: loadTrustedKeys(pems),
        routes: parseRouteMap({ 'GET /orders': ['orders:read'] }),
        clockSkewSeconds: 30,
      },
    });
    const event = {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders',
      resource: '/orders',
      path: '/orders',
      httpMethod: 'GET',
      headers: { Authorization: `Bearer ${body.access_token}` },
      multiValueHeaders: { Authorization: [`Bearer ${body.access_token}`] },
      requestContext: {},
    } as unknown as APIGatewayRequestAuthorizerEvent;

    // Assert
    await expect(authorizer(event)).rejects.toThrow('Unauthorized');
    expect(logger.warn).toHaveBeenCalledWith('Token rejected', {
      reason: 'DpopBoundAsBearerError',
    });
  });
});
