// The FAPI 2.0 profile at the token function (SECURITY_PROFILE=fapi2): private_key_jwt only with PS256/ES256/EdDSA assertions, a DPoP proof (ES256/PS256, with a server nonce) on every token, PS256 tokens, the metadata that says so, and a configuration that refuses to contradict it.
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWK } from 'jose';
import type { Env } from '../../../functions/shared/env';
import type { JwsAlgorithm } from '../../../functions/shared/jws-verify';
import { DPOP_NONCE_PERIOD_SECONDS } from '../../../functions/shared/limits';
import { loadTokenConfig } from '../../../functions/token/config';
import { createTokenHandler } from '../../../functions/token/create-handler';
import { basicAuthorization } from '../../support/basic-auth';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  MemoryReplayCache,
  signAssertion,
  signJws,
} from '../../support/client-assertions';
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

const NOW = Math.floor(FIXED_NOW_MS / 1000);
const KEY = randomBytes(32);
const NONCE = createHmac('sha256', KEY)
  .update(
    `dpop-nonce:v1:${ISSUER}:${Math.floor(FIXED_NOW_MS / (DPOP_NONCE_PERIOD_SECONDS * 1000))}`,
  )
  .digest('base64url');
const signer = new InMemorySigner('PS256');
const pairs = {
  PS256: clientKeyPair('PS256', 'ps'),
  ES256: clientKeyPair('ES256', 'es'),
  EdDSA: clientKeyPair('EdDSA', 'ed'),
  RS256: clientKeyPair('RS256', 'rs'),
  ES384: clientKeyPair('ES384', 'es384'),
};
const dpopEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const dpopRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

function setup() {
  const lines: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  const hasher = new FakeHasher();
  const store = new MemoryClientStore([
    jwtClientRecord(
      Object.values(pairs).map((p) => p.jwk),
      { scopes: ['orders:read', 'token:introspect'] },
    ),
    clientRecord({ scopes: ['orders:read', 'token:introspect'] }),
  ]);
  const handler = createTokenHandler({
    config: {
      issuer: ISSUER,
      defaultAudience: 'aud',
      tokenTtlSeconds: 600,
      scopesSupported: [],
      securityProfile: 'fapi2',
    },
    clientStore: store,
    signer,
    publicKeys: signer,
    hasher,
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    logger: new Logger({ serviceName: 'token', logLevel: 'INFO' }),
    revocations: store,
    replayCache: new MemoryReplayCache(() => NOW),
    nonceMac: { mac: async (m) => createHmac('sha256', KEY).update(m).digest() },
  });
  return { handler, lines, hasher };
}

afterEach(() => jest.restoreAllMocks());

let counter = 0;
async function proof(
  options: { alg?: 'ES256' | 'PS256' | 'RS256'; nonce?: string | null } = {},
): Promise<string> {
  const alg = options.alg ?? 'ES256';
  const pair = alg === 'ES256' ? dpopEc : dpopRsa;
  return new SignJWT({
    jti: `p-${(counter += 1)}`,
    htm: 'POST',
    htu: `${ISSUER}/oauth2/token`,
    iat: NOW,
    ...(options.nonce === null ? {} : { nonce: options.nonce ?? NONCE }),
  })
    .setProtectedHeader({
      alg,
      typ: 'dpop+jwt',
      jwk: pair.publicKey.export({ format: 'jwk' }) as JWK,
    })
    .sign(pair.privateKey);
}

const assertion = (alg: keyof typeof pairs): string =>
  signAssertion(pairs[alg], assertionClaims('jwt-client', ISSUER, NOW));

function event(body: string, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return tokenEvent({ headers: { 'Content-Type': FORM, ...headers }, body });
}

const json = (res: APIGatewayProxyResult): Record<string, unknown> =>
  JSON.parse(res.body) as Record<string, unknown>;

const rejection = (lines: string[]): Record<string, unknown> | undefined =>
  lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.message === 'token request rejected');

describe('SECURITY_PROFILE=fapi2 at the token endpoint', () => {
  it.each(['PS256', 'ES256', 'EdDSA'] as const)(
    'issues a DPoP-bound PS256 token to a %s assertion with an ES256 proof and a nonce',
    async (alg) => {
      // Arrange
      const { handler } = setup();

      // Act
      const res = await handler(event(assertionBody(assertion(alg)), { DPoP: await proof() }));

      // Assert
      expect(res.statusCode).toBe(200);
      const token = json(res).access_token as string;
      expect(json(res).token_type).toBe('DPoP');
      expect(decodeProtectedHeader(token).alg).toBe('PS256');
      expect(decodeJwt(token).cnf).toBeDefined();
      expect(res.headers?.['DPoP-Nonce']).toBe(NONCE);
    },
  );

  it('accepts a PS256 proof', async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const res = await handler(
      event(assertionBody(assertion('ES256')), { DPoP: await proof({ alg: 'PS256' }) }),
    );

    // Assert
    expect(res.statusCode).toBe(200);
  });

  it.each([
    [
      'client_secret_basic',
      { Authorization: basicAuthorization('client-1', SECRET) },
      'grant_type=client_credentials',
    ],
    [
      'client_secret_post',
      {},
      `grant_type=client_credentials&client_id=client-1&client_secret=${SECRET}`,
    ],
  ])(
    'refuses %s with invalid_client naming the profile, before any lookup or hash',
    async (method, headers, body) => {
      // Arrange
      const { handler, lines, hasher } = setup();

      // Act
      const res = await handler(event(body, { ...headers, DPoP: await proof() }));

      // Assert
      expect(res.statusCode).toBe(401);
      expect(json(res)).toEqual({
        error: 'invalid_client',
        error_description: `this server accepts only private_key_jwt client authentication (FAPI 2.0 profile), not ${method}`,
      });
      expect(rejection(lines)).toMatchObject({ reason: 'method_not_allowed' });
      expect(hasher.verified).toHaveLength(0);
    },
  );

  it.each(['/oauth2/revoke', '/oauth2/introspect'])(
    'refuses a secret at %s too',
    async (resource) => {
      // Arrange
      const { handler } = setup();

      // Act
      const res = await handler(
        tokenEvent({
          resource,
          headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', SECRET) },
          body: 'token=abc',
        }),
      );

      // Assert
      expect(res.statusCode).toBe(401);
      expect(json(res).error).toBe('invalid_client');
    },
  );

  it.each(['RS256', 'ES384'] as const)(
    'refuses a %s assertion from a registered key (invalid_client, assertion_alg)',
    async (alg) => {
      // Arrange
      const { handler, lines } = setup();

      // Act
      const res = await handler(event(assertionBody(assertion(alg)), { DPoP: await proof() }));

      // Assert
      expect(res.statusCode).toBe(401);
      expect(json(res).error).toBe('invalid_client');
      expect(rejection(lines)).toMatchObject({ reason: 'assertion_alg' });
    },
  );

  it('accepts an EdDSA assertion under its RFC 9864 name, Ed25519', async () => {
    // Arrange: RFC 9864's fully specified name of the same algorithm
    const { handler } = setup();
    const ed = signJws(
      { alg: 'Ed25519', kid: 'ed' },
      assertionClaims('jwt-client', ISSUER, NOW),
      pairs.EdDSA.privateKey,
      'EdDSA' as JwsAlgorithm,
    );

    // Act
    const res = await handler(event(assertionBody(ed), { DPoP: await proof() }));

    // Assert
    expect(res.statusCode).toBe(200);
  });

  it('refuses a token request without DPoP: 400 invalid_dpop_proof, no Bearer token', async () => {
    // Arrange
    const { handler, lines } = setup();

    // Act
    const res = await handler(event(assertionBody(assertion('ES256'))));

    // Assert
    expect(res.statusCode).toBe(400);
    expect(json(res)).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'this server issues DPoP-bound tokens only',
    });
    expect(rejection(lines)).toMatchObject({ reason: 'required' });
  });

  it('refuses an RS256 proof (invalid_dpop_proof, alg)', async () => {
    // Arrange
    const { handler, lines } = setup();

    // Act
    const res = await handler(
      event(assertionBody(assertion('ES256')), { DPoP: await proof({ alg: 'RS256' }) }),
    );

    // Assert
    expect(res.statusCode).toBe(400);
    expect(json(res).error).toBe('invalid_dpop_proof');
    expect(rejection(lines)).toMatchObject({ reason: 'alg' });
  });

  it('asks for a nonce (use_dpop_nonce) when the proof has none', async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const res = await handler(
      event(assertionBody(assertion('ES256')), { DPoP: await proof({ nonce: null }) }),
    );

    // Assert
    expect(res.statusCode).toBe(400);
    expect(json(res).error).toBe('use_dpop_nonce');
    expect(res.headers?.['DPoP-Nonce']).toBe(NONCE);
  });

  it('advertises private_key_jwt alone, PS256/ES256/EdDSA assertions and ES256/PS256 proofs', async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const res = await handler(
      tokenEvent({ resource: '/.well-known/openid-configuration', httpMethod: 'GET', body: null }),
    );

    // Assert
    expect(json(res)).toMatchObject({
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['PS256', 'ES256', 'EdDSA', 'Ed25519'],
      revocation_endpoint_auth_methods_supported: ['private_key_jwt'],
      introspection_endpoint_auth_methods_supported: ['private_key_jwt'],
      dpop_signing_alg_values_supported: ['ES256', 'PS256'],
    });
  });

  it('refuses to start without the replay cache', () => {
    // Act / Assert
    expect(() =>
      createTokenHandler({
        config: {
          issuer: ISSUER,
          defaultAudience: 'aud',
          tokenTtlSeconds: 600,
          scopesSupported: [],
          securityProfile: 'fapi2',
        },
        clientStore: new MemoryClientStore([]),
        signer,
        publicKeys: signer,
        hasher: new FakeHasher(),
        clock: () => FIXED_NOW_MS,
        randomBytes: countingBytes,
      }),
    ).toThrow(/FAPI 2.0 profile needs the replay cache/);
  });
});

describe('loadTokenConfig with SECURITY_PROFILE=fapi2', () => {
  const FAPI: Env = {
    ISSUER,
    DEFAULT_AUDIENCE: 'aud',
    CLIENTS_TABLE: 'clients',
    SIGNING_KEY_ID: 'alias/k',
    SIGNING_ALGORITHM: 'PS256',
    SECURITY_PROFILE: 'fapi2',
    DPOP_NONCE_KEY_ID: 'alias/nonce',
    DPOP_IAT_FUTURE_SECONDS: '10',
  };

  it('loads a consistent environment', () => {
    // Act
    const config = loadTokenConfig(FAPI);

    // Assert
    expect(config).toMatchObject({
      securityProfile: 'fapi2',
      dpopNonceKeyId: 'alias/nonce',
      signer: { algorithm: 'PS256' },
      dpopIatWindow: { futureSeconds: 10 },
    });
    expect(loadTokenConfig({ ...FAPI, SIGNING_ALGORITHM: 'ES256' }).signer.algorithm).toBe('ES256');
  });

  it.each([
    [
      { SIGNING_ALGORITHM: 'RS256' },
      /^Invalid configuration: SIGNING_ALGORITHM must be one of PS256, ES256 with SECURITY_PROFILE=fapi2/,
    ],
    [{ SIGNING_ALGORITHM: undefined }, /SIGNING_ALGORITHM must be one of PS256, ES256/],
    [
      { DPOP_NONCE_KEY_ID: undefined },
      /^Invalid configuration: DPOP_NONCE_KEY_ID is required with SECURITY_PROFILE=fapi2/,
    ],
    [
      { DPOP_IAT_FUTURE_SECONDS: '9' },
      /DPOP_IAT_FUTURE_SECONDS must be between 10 and 59 with SECURITY_PROFILE=fapi2/,
    ],
    [{ DPOP_IAT_FUTURE_SECONDS: undefined }, /DPOP_IAT_FUTURE_SECONDS must be between 10 and 59/],
    [
      { CLOCK_SKEW_SECONDS: '60' },
      /CLOCK_SKEW_SECONDS must be between 10 and 59 with SECURITY_PROFILE=fapi2/,
    ],
    [{ CLOCK_SKEW_SECONDS: '5' }, /CLOCK_SKEW_SECONDS must be between 10 and 59/],
    [{ SECURITY_PROFILE: 'fapi1' }, /SECURITY_PROFILE must be one of none, fapi2/],
  ])('refuses %j, naming the variable', (overrides, message) => {
    // Act / Assert
    expect(() => loadTokenConfig({ ...FAPI, ...overrides })).toThrow(message);
  });
});
