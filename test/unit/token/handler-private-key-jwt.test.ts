// Unit tests of private_key_jwt through the token handler: token, revoke and introspect endpoints, invalid_client with no detail, reason codes in the log and no assertion in it.
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createTokenHandler } from '../../../functions/token/create-handler';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  MemoryReplayCache,
  signAssertion,
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
import { basicAuthorization } from '../../support/basic-auth';
import {
  ED25519_IDENTITY,
  ED25519_ZERO,
  forgeAssertion,
  primeModulusKey,
  smallOrderEd25519Key,
  verifiesWithRawKey,
  type DegenerateKey,
} from '../../support/degenerate-keys';
import type { ClientRecord } from '../../../functions/token/core/types';

const NOW = Math.floor(FIXED_NOW_MS / 1000);
const key = clientKeyPair('PS256');
const signer = new InMemorySigner('ES256');

function setup(
  config: { acceptTokenEndpointAudience?: boolean } = {},
  extraRecords: ClientRecord[] = [],
) {
  const lines: string[] = [];
  const logger = new Logger({ serviceName: 'token', logLevel: 'INFO' });
  const capture = (chunk: unknown): boolean => {
    lines.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  const store = new MemoryClientStore([
    jwtClientRecord([key.jwk], { scopes: ['orders:read', 'token:introspect'] }),
    clientRecord(),
    ...extraRecords,
  ]);
  const replayCache = new MemoryReplayCache(() => NOW);
  const handler = createTokenHandler({
    config: {
      issuer: ISSUER,
      defaultAudience: 'aud',
      tokenTtlSeconds: 600,
      scopesSupported: [],
      ...config,
    },
    clientStore: store,
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    logger,
    revocations: store,
    replayCache,
  });
  return { handler, lines, replayCache };
}

afterEach(() => jest.restoreAllMocks());

const assertion = (overrides: Record<string, unknown> = {}, clientId = 'jwt-client') =>
  signAssertion(key, assertionClaims(clientId, ISSUER, NOW, overrides));

const post = (
  path: string,
  body: string,
  headers: Record<string, string> = {},
): APIGatewayProxyEvent =>
  tokenEvent({ resource: path, path, headers: { 'Content-Type': FORM, ...headers }, body });

describe('private_key_jwt through the token handler', () => {
  it('issues a token for a valid assertion and logs the method', async () => {
    // Arrange
    const { handler, lines } = setup();

    // Act
    const res = await handler(post('/oauth2/token', assertionBody(assertion())));

    // Assert
    expect(res.statusCode).toBe(200);
    const issued = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'token issued');
    expect(issued).toMatchObject({ clientId: 'jwt-client', authMethod: 'private_key_jwt' });
  });

  it('accepts the token endpoint URL as aud only when the deployment opts in (rfc7523bis)', async () => {
    // Arrange
    const strict = setup().handler;
    const lenient = setup({ acceptTokenEndpointAudience: true }).handler;
    const toEndpoint = () =>
      assertion({ aud: `${ISSUER}/oauth2/token`, jti: `j-${Math.random()}` });

    // Act
    const refused = await strict(post('/oauth2/token', assertionBody(toEndpoint())));
    const accepted = await lenient(post('/oauth2/token', assertionBody(toEndpoint())));
    const asArray = await lenient(
      post('/oauth2/token', assertionBody(assertion({ aud: [ISSUER], jti: 'array' }))),
    );

    // Assert
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'invalid_client' });
    expect(accepted.statusCode).toBe(200);
    expect(asArray.statusCode).toBe(401);
  });

  it('answers every bad assertion with the same invalid_client body and logs the reason code', async () => {
    // Arrange
    const { handler, lines } = setup();
    const first = assertion();
    await handler(post('/oauth2/token', assertionBody(first)));
    const bad = [
      first, // replay
      assertion({ aud: 'https://elsewhere.example' }),
      assertion({ exp: NOW + 3600 }),
      assertion({ iss: 'someone-else' }),
    ];

    // Act
    const responses = await Promise.all(
      bad.map((a) => handler(post('/oauth2/token', assertionBody(a)))),
    );

    // Assert
    for (const res of responses) {
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body)).toEqual({
        error: 'invalid_client',
        error_description: 'client authentication failed',
      });
    }
    const reasons = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.message === 'token request rejected')
      .map((l) => l.reason);
    expect(reasons.sort()).toEqual(
      ['assertion_aud', 'assertion_exp_too_far', 'assertion_iss', 'assertion_replayed'].sort(),
    );
    // The assertion (a bearer credential until it expires) never reaches the log.
    for (const a of bad) expect(lines.join('\n')).not.toContain(a.split('.')[2]);
  });

  it('answers a forged assertion for a degenerate stored key with invalid_client, never a token or a server error', async () => {
    // Arrange: records written by other tooling, whose keys anyone can sign for (issue 21)
    const keys = [
      primeModulusKey(),
      smallOrderEd25519Key('ed25519-identity', ED25519_IDENTITY),
      smallOrderEd25519Key('ed25519-zero', ED25519_ZERO),
    ];
    const records = keys.map((k) => jwtClientRecord([k.jwk], { client_id: `forged-${k.name}` }));
    const { handler, lines } = setup({}, records);
    const forged = keys.map((k) =>
      forgeAssertion(k, (attempt) =>
        assertionClaims(`forged-${k.name}`, ISSUER, NOW, { jti: `forged-${attempt}` }),
      ),
    );

    // Act
    const responses = [];
    for (const a of forged) responses.push(await handler(post('/oauth2/token', assertionBody(a))));

    // Assert
    forged.forEach((a, i) => expect(verifiesWithRawKey(keys[i] as DegenerateKey, a)).toBe(true));
    for (const res of responses) {
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body)).toEqual({
        error: 'invalid_client',
        error_description: 'client authentication failed',
      });
    }
    const rejected = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.message === 'token request rejected');
    expect(rejected.map((l) => l.reason)).toEqual(keys.map(() => 'assertion_key_degenerate'));
  });

  it('refuses a secret from the private_key_jwt client and an assertion from the secret client', async () => {
    // Arrange
    const { handler } = setup();
    const foreign = signAssertion(key, assertionClaims('client-1', ISSUER, NOW));

    // Act
    const secretRes = await handler(
      post('/oauth2/token', 'grant_type=client_credentials', {
        Authorization: basicAuthorization('jwt-client', SECRET),
      }),
    );
    const assertionRes = await handler(post('/oauth2/token', assertionBody(foreign)));

    // Assert
    expect(secretRes.statusCode).toBe(401);
    expect(assertionRes.statusCode).toBe(401);
  });

  it('authenticates revocation and introspection with assertions too (one jti each)', async () => {
    // Arrange
    const { handler } = setup();
    const token = JSON.parse(
      (await handler(post('/oauth2/token', assertionBody(assertion())))).body,
    ).access_token as string;
    const form = (a: string) =>
      new URLSearchParams({
        token,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: a,
      }).toString();

    // Act
    const before = await handler(post('/oauth2/introspect', form(assertion())));
    const revoke = await handler(post('/oauth2/revoke', form(assertion())));
    const after = await handler(post('/oauth2/introspect', form(assertion())));
    const replay = await handler(post('/oauth2/introspect', form(assertion({ jti: 'fixed' }))));
    const replayed = await handler(post('/oauth2/introspect', form(assertion({ jti: 'fixed' }))));

    // Assert
    expect(JSON.parse(before.body).active).toBe(true);
    expect(revoke.statusCode).toBe(200);
    expect(JSON.parse(after.body)).toEqual({ active: false });
    expect(replay.statusCode).toBe(200);
    expect(replayed.statusCode).toBe(401);
  });

  it('advertises private_key_jwt in the discovery document', async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const res = await handler(
      tokenEvent({
        resource: '/.well-known/openid-configuration',
        path: '/.well-known/openid-configuration',
        httpMethod: 'GET',
      }),
    );

    // Assert
    const metadata = JSON.parse(res.body);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toContain('PS256');
  });
});
