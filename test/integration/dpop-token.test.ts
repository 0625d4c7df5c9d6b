// DPoP against moto over the wire (issue 25): a DPoP-bound token issued with the real replay cache and KMS signer, its proof refused when replayed, and the authorizer refusing the bound token as Bearer; the FAPI 2.0 profile with PS256 signed by KMS (RSASSA_PSS_SHA_256, verified by jose) and server nonces derived by KMS GenerateMac, the same in two containers.
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  SignJWT,
  type JWK,
} from 'jose';
import { createAuthorizerHandler } from '../../functions/authorizer/create-handler';
import { loadTrustedKeys } from '../../functions/authorizer/core/trusted-keys';
import { parseRouteMap } from '../../functions/authorizer/core/route-map';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { DynamoDbReplayCache } from '../../functions/token/adapters/replay-cache-dynamodb';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import { KmsNonceMac } from '../../functions/token/adapters/nonce-mac-kms';
import { DPOP_NONCE_PERIOD_SECONDS } from '../../functions/shared/limits';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  signAssertion,
} from '../support/client-assertions';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { dpopProofJtiKey } from '../../functions/token/core/replay-keys';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { basicAuthorization } from '../support/basic-auth';
import { FakeHasher } from '../support/fake-hasher';
import { createRsaSigningKey, motoTokenHandler } from '../support/moto-token-handler';
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
    // PSS with a digest-length salt, as AWS KMS documents (test/support/moto-shims/kms_pss_salt.py).
    moto = await startMoto({ kmsPssDigestSalt: true });
    dynamo = new DynamoDBClient({ endpoint: moto.endpoint });
    await createClientsTable(dynamo, TABLE);
    await new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo }).createClient(
      clientRecord({ client_id: 'bound', scopes: ['orders:read'], dpop_bound_access_tokens: true }),
    );
    ({ handler, publicKeys } = motoTokenHandler(TABLE, await createRsaSigningKey(moto.endpoint)));
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

  describe('the FAPI 2.0 profile: PS256 by KMS, nonces by KMS GenerateMac', () => {
    const clientKey = clientKeyPair('ES256', 'fapi-key');
    let kms: KMSClient;
    let nonceKeyId: string;
    let containers: TokenHandler[];

    beforeAll(async () => {
      kms = new KMSClient({ endpoint: moto.endpoint });
      const signing = await kms.send(
        new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
      );
      const hmac = await kms.send(
        new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }),
      );
      nonceKeyId = hmac.KeyMetadata?.KeyId as string;
      await new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo }).createClient(
        jwtClientRecord([clientKey.jwk], { client_id: 'fapi-client', scopes: ['orders:read'] }),
      );
      // Two containers: each with its own adapters and caches, nothing shared but AWS.
      const container = (): TokenHandler => {
        const signingKeyId = signing.KeyMetadata?.KeyId as string;
        return createTokenHandler({
          config: {
            issuer: ISSUER,
            defaultAudience: 'https://api',
            tokenTtlSeconds: 900,
            scopesSupported: [],
            securityProfile: 'fapi2',
          },
          clientStore: new DynamoDbClientStore({ tableName: TABLE }),
          replayCache: new DynamoDbReplayCache({ tableName: TABLE }),
          signer: new KmsSigner({ keyId: signingKeyId, algorithm: 'PS256' }),
          publicKeys: new KmsPublicKeySource({ keyIds: [signingKeyId], rsaAlgorithm: 'PS256' }),
          nonceMac: new KmsNonceMac({ keyId: nonceKeyId }),
          hasher: new FakeHasher(),
          clock: Date.now,
          randomBytes: (n) => new Uint8Array(randomBytes(n)),
        });
      };
      containers = [container(), container()];
    }, 60_000);

    afterAll(() => kms?.destroy());

    const fapiRequest = async (nonce?: string) => {
      const now = Math.floor(Date.now() / 1000);
      const dpop = await new SignJWT({
        jti: `f-${randomBytes(8).toString('hex')}`,
        htm: 'POST',
        htu: `${ISSUER}/oauth2/token`,
        iat: now,
        ...(nonce === undefined ? {} : { nonce }),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
        .sign(dpopKey.privateKey);
      return tokenEvent({
        headers: { 'Content-Type': FORM, DPoP: dpop },
        body: assertionBody(signAssertion(clientKey, assertionClaims('fapi-client', ISSUER, now))),
      });
    };

    it('asks for a nonce, issues a PS256 DPoP token with it in another container, and jose verifies the token', async () => {
      // Act: container A asks for a nonce; container B accepts it.
      const asked = await containers[0]!(await fapiRequest());
      const nonce = asked.headers?.['DPoP-Nonce'] as string;
      const issued = await containers[1]!(await fapiRequest(nonce));
      const jwks = await containers[1]!(
        tokenEvent({ resource: '/.well-known/jwks.json', httpMethod: 'GET', body: null }),
      );

      // Assert: RFC 9449 §8, then the token
      expect(asked.statusCode).toBe(400);
      expect(JSON.parse(asked.body).error).toBe('use_dpop_nonce');
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(issued.statusCode).toBe(200);
      const body = JSON.parse(issued.body) as { access_token: string; token_type: string };
      expect(body.token_type).toBe('DPoP');
      expect(issued.headers?.['DPoP-Nonce']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(decodeProtectedHeader(body.access_token).alg).toBe('PS256');
      const keySet = JSON.parse(jwks.body) as { keys: { alg: string }[] };
      expect(keySet.keys.map((k) => k.alg)).toEqual(['PS256']);
      // jose, the oracle: a PS256 signature KMS made, with the published key
      const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(keySet as never), {
        issuer: ISSUER,
        algorithms: ['PS256'],
      });
      expect(payload.client_id).toBe('fapi-client');
      expect(payload.cnf).toEqual({ jkt: await calculateJwkThumbprint(publicJwk) });
    });

    it('hands out the KMS HMAC of the issuer and the minute, as VerifyMac confirms', async () => {
      // Act
      const asked = await containers[0]!(await fapiRequest());
      const nonce = asked.headers?.['DPoP-Nonce'] as string;
      const window = Math.floor(Date.now() / (DPOP_NONCE_PERIOD_SECONDS * 1000));
      const verify = async (w: number): Promise<boolean> =>
        (
          await kms
            .send(
              new VerifyMacCommand({
                KeyId: nonceKeyId,
                MacAlgorithm: 'HMAC_SHA_256',
                Message: Buffer.from(`dpop-nonce:v1:${ISSUER}:${w}`),
                Mac: Buffer.from(nonce, 'base64url'),
              }),
            )
            .catch(() => ({ MacValid: false }))
        ).MacValid === true;

      // Assert: this minute's label (or the last one's, when the minute turned meanwhile)
      expect((await verify(window)) || (await verify(window - 1))).toBe(true);
      expect(await verify(window - 5)).toBe(false);
    });

    it('refuses a forged nonce with the current one, and a secret client outright', async () => {
      // Act
      const forged = await containers[0]!(await fapiRequest(randomBytes(32).toString('base64url')));
      const secret = await containers[0]!(
        request(await proof(`s-${randomBytes(6).toString('hex')}`)),
      );

      // Assert
      expect(forged.statusCode).toBe(400);
      expect(JSON.parse(forged.body).error).toBe('use_dpop_nonce');
      expect(secret.statusCode).toBe(401);
      expect(JSON.parse(secret.body).error).toBe('invalid_client');
    });
  });
});
