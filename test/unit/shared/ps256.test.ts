// PS256 access tokens (issue 25, FAPI 2.0 profile): issued and published as PS256, verified by jose as an oracle, and verified by the authorizer only with the algorithm its RSA keys are pinned to, never RS256 from a PS256 key or the reverse; KMS RSASSA_PSS_SHA_256 signatures checked for the JWS salt length.
import { constants, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import fc from 'fast-check';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { loadAuthorizerConfig } from '../../../functions/authorizer/config';
import { policyLoaderFrom } from '../../../functions/authorizer/config-source';
import { decodeConfigDocument } from '../../../functions/authorizer/core/config-document';
import { loadTrustedKeys } from '../../../functions/authorizer/core/trusted-keys';
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import { KMS } from '../../../functions/shared/aws/json-client';
import { KmsPublicKeySource } from '../../../functions/token/adapters/public-keys-kms';
import { KmsSigner } from '../../../functions/token/adapters/signer-kms';
import { loadTokenConfig } from '../../../functions/token/config';
import { ServerError } from '../../../functions/token/core/errors';
import { createTokenHandler } from '../../../functions/token/create-handler';
import { fakeAwsClient, type FakeCall, type FakeReply } from '../../support/aws-json-fake';
import { basicAuthorization } from '../../support/basic-auth';
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
import { gzipSync } from 'node:zlib';

const AUDIENCE = 'https://orders.example.com';
const PS256 = new InMemorySigner('PS256');
const PEM = PS256.publicKey.export({ format: 'pem', type: 'spki' }).toString();

function tokenHandler(signer = PS256) {
  return createTokenHandler({
    config: {
      issuer: ISSUER,
      defaultAudience: AUDIENCE,
      tokenTtlSeconds: 600,
      scopesSupported: [],
    },
    clientStore: new MemoryClientStore([
      clientRecord({ scopes: ['orders:read'], audiences: [AUDIENCE] }),
    ]),
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
  });
}

async function issue(): Promise<string> {
  const res = await tokenHandler()(
    tokenEvent({
      headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', SECRET) },
    }),
  );
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

/** The authorizer over PUBLIC_KEYS_PEM, with its RSA keys pinned by RSA_SIGNING_ALGORITHM. */
function authorizer(rsaAlgorithm?: 'RS256' | 'PS256') {
  const logger = { warn: jest.fn() };
  const handler = createAuthorizerHandler({
    config: {
      ...loadAuthorizerConfig({
        ISSUER,
        AUDIENCE,
        PUBLIC_KEYS_PEM: JSON.stringify([PEM]),
        ROUTE_SCOPES: JSON.stringify({ 'GET /orders': ['orders:read'] }),
        ...(rsaAlgorithm === undefined ? {} : { RSA_SIGNING_ALGORITHM: rsaAlgorithm }),
      }),
    },
    clock: () => FIXED_NOW_MS,
    logger,
  });
  const decide = (token: string) =>
    handler({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/orders',
      resource: '/orders',
      path: '/orders',
      httpMethod: 'GET',
      headers: { Authorization: `Bearer ${token}` },
      multiValueHeaders: { Authorization: [`Bearer ${token}`] },
      requestContext: {},
    } as unknown as APIGatewayRequestAuthorizerEvent);
  return { decide, logger };
}

/** The token's signing input re-signed with the same key, another header alg and/or padding. */
function resign(token: string, alg: 'RS256' | 'PS256', padding: 'pkcs1' | 'pss'): string {
  const [header, payload] = token.split('.') as [string, string];
  const newHeader = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), alg }),
  ).toString('base64url');
  const input = Buffer.from(`${newHeader}.${payload}`);
  const signature = cryptoSign(
    'sha256',
    input,
    padding === 'pss'
      ? {
          key: PS256.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        }
      : PS256.privateKey,
  );
  return `${newHeader}.${payload}.${signature.toString('base64url')}`;
}

describe('PS256 at the token endpoint', () => {
  it('signs the header alg PS256 and publishes the key as PS256; jose verifies it as PS256 only', async () => {
    // Act
    const token = await issue();
    const jwksRes = await tokenHandler()(
      tokenEvent({ resource: '/.well-known/jwks.json', httpMethod: 'GET', body: null }),
    );
    const jwks = JSON.parse(jwksRes.body) as { keys: { alg: string }[] };

    // Assert: jose, the oracle, with the published JWKS
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'PS256', typ: 'at+jwt' });
    expect(jwks.keys.map((k) => k.alg)).toEqual(['PS256']);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as never), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['PS256'],
      currentDate: new Date(FIXED_NOW_MS),
    });
    expect(payload.client_id).toBe('client-1');
    await expect(
      jwtVerify(token, createLocalJWKSet(jwks as never), {
        algorithms: ['RS256'],
        currentDate: new Date(FIXED_NOW_MS),
      }),
    ).rejects.toThrow();
  });

  it('reads SIGNING_ALGORITHM=PS256', () => {
    // Act
    const config = loadTokenConfig({
      ISSUER,
      DEFAULT_AUDIENCE: AUDIENCE,
      CLIENTS_TABLE: 't',
      SIGNING_KEY_ID: 'k',
      SIGNING_ALGORITHM: 'PS256',
    });

    // Assert
    expect(config.signer.algorithm).toBe('PS256');
  });
});

describe('the authorizer pins each RSA key to one algorithm (RSA_SIGNING_ALGORITHM)', () => {
  it('allows a PS256 token with RSA_SIGNING_ALGORITHM=PS256', async () => {
    // Arrange
    const token = await issue();

    // Act
    const result = await authorizer('PS256').decide(token);

    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
  });

  it.each([
    ['a PS256 token, the key pinned to RS256 (the default)', undefined, 'PS256', 'pss', 'ALG'],
    [
      'an RS256 token (PKCS #1 v1.5) from the key pinned to PS256',
      'PS256',
      'RS256',
      'pkcs1',
      'ALG',
    ],
    ['header PS256 over a PKCS #1 v1.5 signature', 'PS256', 'PS256', 'pkcs1', 'SIGNATURE'],
    ['header RS256 over a PSS signature', 'RS256', 'RS256', 'pss', 'SIGNATURE'],
  ] as const)('refuses %s', async (_label, pin, alg, padding, reason) => {
    // Arrange
    const token = resign(await issue(), alg, padding);
    const { decide, logger } = authorizer(pin);

    // Act / Assert
    await expect(decide(token)).rejects.toThrow(/^Unauthorized$/);
    expect(logger.warn).toHaveBeenCalledWith('Token rejected', {
      reason: `ERR_JWT_${reason}_${reason === 'ALG' ? 'NOT_ALLOWED' : 'INVALID'}`,
    });
  });

  it('never accepts a token re-signed with the other header alg, whatever the payload', async () => {
    // Arrange
    const issued = await issue();
    const [, payload] = issued.split('.') as [string, string];
    const ps = authorizer('PS256');
    const rs = authorizer('RS256');

    await fc.assert(
      fc.asyncProperty(fc.boolean(), async (pss) => {
        // Act: the same payload, signed both ways, presented to both pins
        const asPs = resign(issued, 'PS256', pss ? 'pss' : 'pkcs1');
        const asRs = resign(issued, 'RS256', pss ? 'pss' : 'pkcs1');
        const outcomes = await Promise.all(
          [ps.decide(asPs), ps.decide(asRs), rs.decide(asPs), rs.decide(asRs)].map((p) =>
            p.then(
              (r) => r.policyDocument.Statement[0].Effect,
              () => 'Unauthorized',
            ),
          ),
        );

        // Assert: only header and padding and pin all agreeing allow
        expect(outcomes).toEqual([
          pss ? 'Allow' : 'Unauthorized',
          'Unauthorized',
          'Unauthorized',
          pss ? 'Unauthorized' : 'Allow',
        ]);
        expect(payload.length).toBeGreaterThan(0);
      }),
      { numRuns: 6 },
    );
  });

  it('pins the keys of a configuration document too, and refuses another RSA_SIGNING_ALGORITHM', () => {
    // Arrange
    const json = JSON.stringify({ format: 1, keys: [PEM], routes: {} });

    // Act
    const policy = decodeConfigDocument(gzipSync(json), {
      maxJsonBytes: 1 << 20,
      rsaAlgorithm: 'PS256',
    });

    // Assert
    expect([...policy.keys.values()].map((k) => k.alg)).toEqual(['PS256']);
    expect([...loadTrustedKeys([PEM]).values()].map((k) => k.alg)).toEqual(['RS256']);
    expect(() =>
      loadAuthorizerConfig({
        ISSUER,
        AUDIENCE,
        PUBLIC_KEYS_PEM: JSON.stringify([PEM]),
        RSA_SIGNING_ALGORITHM: 'ES256',
      }),
    ).toThrow(/^Invalid configuration: RSA_SIGNING_ALGORITHM must be one of RS256, PS256/);
  });

  it('pins the keys of the inline document the module writes (AUTHORIZER_CONFIG)', async () => {
    // Arrange: what modules/authorizer sets, base64 of gzip of the document
    const encoded = gzipSync(JSON.stringify({ format: 1, keys: [PEM], routes: {} })).toString(
      'base64',
    );

    // Act
    const pinned = await policyLoaderFrom({
      AUTHORIZER_CONFIG: encoded,
      RSA_SIGNING_ALGORITHM: 'PS256',
    })();
    const unpinned = await policyLoaderFrom({ AUTHORIZER_CONFIG: encoded })();

    // Assert
    expect([...(pinned?.keys.values() ?? [])].map((k) => k.alg)).toEqual(['PS256']);
    expect([...(unpinned?.keys.values() ?? [])].map((k) => k.alg)).toEqual(['RS256']);
  });

  it('keeps EC keys on ES256 whatever the RSA pin', () => {
    // Arrange
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;

    // Act
    const keys = loadTrustedKeys([ec.export({ format: 'pem', type: 'spki' })], 'k', 'PS256');

    // Assert
    expect([...keys.values()].map((k) => k.alg)).toEqual(['ES256']);
  });
});

describe('KmsSigner and KmsPublicKeySource with PS256', () => {
  const spki = PS256.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const publicKeyReply: FakeReply = {
    status: 200,
    body: { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: spki },
  };
  const message = new TextEncoder().encode('header.payload');

  function signer(saltLength: number) {
    const { client, transport } = fakeAwsClient(KMS, (call: FakeCall) =>
      call.operation === 'GetPublicKey'
        ? publicKeyReply
        : {
            status: 200,
            body: {
              Signature: cryptoSign('sha256', message, {
                key: PS256.privateKey,
                padding: constants.RSA_PKCS1_PSS_PADDING,
                saltLength,
              }).toString('base64'),
            },
          },
    );
    return { signer: new KmsSigner({ keyId: 'k', algorithm: 'PS256', client }), transport };
  }

  it('asks KMS for RSASSA_PSS_SHA_256 over RAW and returns a signature with a 32-byte salt', async () => {
    // Arrange
    const { signer: kms, transport } = signer(32);

    // Act
    const info = await kms.keyInfo();
    const signature = await kms.sign(message);

    // Assert
    expect(info.alg).toBe('PS256');
    expect(info.publicJwk.alg).toBe('PS256');
    expect(transport.calls.find((c) => c.operation === 'Sign')?.input).toMatchObject({
      SigningAlgorithm: 'RSASSA_PSS_SHA_256',
      MessageType: 'RAW',
    });
    expect(signature.byteLength).toBe(256);
  });

  it.each([0, 20, 222])(
    'refuses (500) a PSS signature with a %d-byte salt, which JWS PS256 verifiers refuse',
    async (saltLength) => {
      // Arrange: 222 is moto 5's choice, the longest salt a 2048-bit key allows
      const { signer: kms } = signer(saltLength);

      // Act / Assert
      await expect(kms.sign(message)).rejects.toThrow(ServerError);
      await expect(kms.sign(message)).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/does not verify as JWS PS256/) as string },
      });
    },
  );

  it('publishes RSA keys as PS256 when told, as RS256 by default', async () => {
    // Arrange
    const { client } = fakeAwsClient(KMS, [publicKeyReply]);

    // Act
    const ps = await new KmsPublicKeySource({
      keyIds: ['k'],
      client,
      rsaAlgorithm: 'PS256',
    }).publicKeys();
    const rs = await new KmsPublicKeySource({ keyIds: ['k'], client }).publicKeys();

    // Assert
    expect(ps.map((k) => k.alg)).toEqual(['PS256']);
    expect(rs.map((k) => k.alg)).toEqual(['RS256']);
  });

  it('introspects a PS256 token as active', async () => {
    // Arrange
    const token = await issue();
    const store = new MemoryClientStore([
      clientRecord({ scopes: ['orders:read', 'token:introspect'] }),
    ]);
    const handler = createTokenHandler({
      config: {
        issuer: ISSUER,
        defaultAudience: AUDIENCE,
        tokenTtlSeconds: 600,
        scopesSupported: [],
      },
      clientStore: store,
      signer: PS256,
      publicKeys: PS256,
      hasher: new FakeHasher(),
      clock: () => FIXED_NOW_MS,
      randomBytes: countingBytes,
      revocations: store,
    });

    // Act
    const res = await handler(
      tokenEvent({
        resource: '/oauth2/introspect',
        headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', SECRET) },
        body: `token=${token}`,
      }),
    );

    // Assert
    expect(JSON.parse(res.body)).toMatchObject({ active: true, client_id: 'client-1' });
  });
});
