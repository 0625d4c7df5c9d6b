// RFC 7009 revocation in the token core: own tokens only, 200-shaped outcomes for unknown, foreign and expired tokens, §2.2.1 errors, the verifier's adversarial cases, tokens_not_before at issuance, and the metadata.
import { createClientAuthenticator } from '../../../../functions/token/core/authenticate-client';
import {
  IntrospectionForbiddenError,
  InvalidClientError,
  InvalidRequestError,
  TemporarilyUnavailableError,
} from '../../../../functions/token/core/errors';
import { createTokenIntrospector } from '../../../../functions/token/core/introspect-token';
import { createTokenIssuer } from '../../../../functions/token/core/issue-token';
import { buildAuthorizationServerMetadata } from '../../../../functions/token/core/metadata';
import { createTokenRevoker } from '../../../../functions/token/core/revoke-token';
import { signCompactJws } from '../../../../functions/token/core/jws';
import { createIssuedTokenVerifier } from '../../../../functions/token/core/verify-issued-token';
import { base64UrlEncode } from '../../../../functions/shared/base64url';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { basicAuthorization } from '../../../support/basic-auth';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  SECRET,
} from '../../../support/token-fakes';

const NOW = Math.floor(FIXED_NOW_MS / 1000);
const signers = { ES256: new InMemorySigner('ES256'), RS256: new InMemorySigner('RS256') };

function setup(alg: 'ES256' | 'RS256' = 'ES256', nowMs = FIXED_NOW_MS) {
  const signer = signers[alg];
  const store = new MemoryClientStore([clientRecord(), clientRecord({ client_id: 'client-2' })]);
  const deps = {
    clientStore: store,
    hasher: new FakeHasher(),
    clock: () => nowMs,
    randomBytes: countingBytes,
  };
  const issuer = createTokenIssuer({
    ...deps,
    issuer: ISSUER,
    defaultAudience: 'https://api.example.com',
    tokenTtlSeconds: 3600,
    signer,
  });
  const revoker = createTokenRevoker({
    authenticator: createClientAuthenticator(deps),
    verifyToken: createIssuedTokenVerifier({ issuer: ISSUER, publicKeys: signer }),
    revocations: store,
    clockSkewSeconds: 30,
    clock: () => nowMs,
  });
  const issue = async (clientId = 'client-1'): Promise<string> =>
    (
      await issuer.issueToken({
        contentType: FORM,
        body: 'grant_type=client_credentials',
        authorization: basicAuthorization(clientId, SECRET),
      })
    ).accessToken;
  const revoke = (body: string, clientId = 'client-1', secret = SECRET) =>
    revoker.revoke({
      contentType: FORM,
      body,
      authorization: basicAuthorization(clientId, secret),
    });
  return { signer, store, issuer, issue, revoke };
}

const payloadOf = (token: string): { jti: string; exp: number } =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as {
    jti: string;
    exp: number;
  };

describe('createTokenRevoker', () => {
  it.each(['ES256', 'RS256'] as const)(
    'revokes its own %s token until exp + skew, idempotently',
    async (alg) => {
      // Arrange
      const { issue, revoke, store } = setup(alg);
      const token = await issue();
      const { jti, exp } = payloadOf(token);

      // Act
      const outcomes = [
        await revoke(`token=${token}&token_type_hint=access_token`),
        await revoke(`token=${token}&token_type_hint=refresh_token`),
      ];

      // Assert
      expect(outcomes).toEqual(['revoked', 'revoked']);
      expect(store.revoked.get(jti)).toEqual({ jti, clientId: 'client-1', expiresAt: exp + 30 });
      expect(store.revoked.size).toBe(1);
    },
  );

  it("leaves a foreign client's token alone", async () => {
    // Arrange
    const { issue, revoke, store } = setup();
    const token = await issue('client-1');

    // Act
    const outcome = await revoke(`token=${token}`, 'client-2');

    // Assert
    expect(outcome).toBe('foreign-token');
    expect(store.revoked.size).toBe(0);
  });

  it('writes nothing for a token already past exp + skew', async () => {
    // Arrange
    const { issue } = setup();
    const token = await issue();
    const later = setup('ES256', (payloadOf(token).exp + 30) * 1000);

    // Act
    const outcome = await later.revoke(`token=${token}`);

    // Assert
    expect(outcome).toBe('expired');
    expect(later.store.revoked.size).toBe(0);
  });

  it('§2.2.1: a missing token is invalid_request, bad credentials invalid_client', async () => {
    // Arrange
    const { revoke } = setup();

    // Act / Assert
    await expect(revoke('token_type_hint=access_token')).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(revoke('token=')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(revoke('token=x', 'client-1', 'wrong')).rejects.toBeInstanceOf(InvalidClientError);
    await expect(revoke('token=x', 'nobody')).rejects.toBeInstanceOf(InvalidClientError);
  });

  it('reports the client id to the hook before authentication', async () => {
    // Arrange
    const { issue } = setup();
    const token = await issue();
    const seen: string[] = [];
    const revoker = createTokenRevoker({
      authenticator: { authenticate: async () => clientRecord() },
      verifyToken: async () => undefined,
      revocations: { revokeToken: async () => undefined },
      clockSkewSeconds: 0,
      clock: () => FIXED_NOW_MS,
    });

    // Act
    const outcome = await revoker.revoke(
      {
        contentType: FORM,
        body: `token=${token}`,
        authorization: basicAuthorization('client-1', SECRET),
      },
      { onClientId: (id) => seen.push(id) },
    );

    // Assert
    expect(outcome).toBe('not-a-token');
    expect(seen).toEqual(['client-1']);
  });
});

describe('createIssuedTokenVerifier (adversarial)', () => {
  const signer = signers.ES256;
  const verify = createIssuedTokenVerifier({ issuer: ISSUER, publicKeys: signer });
  const claims = {
    iss: ISSUER,
    sub: 'client-1',
    client_id: 'client-1',
    aud: 'https://api.example.com',
    iat: NOW,
    nbf: NOW,
    exp: NOW + 60,
    jti: 'j',
    scope: '',
  };
  const header = { alg: 'ES256', typ: 'at+jwt', kid: signer.info.kid };
  const signed = (h: object, c: object) => signCompactJws(h, c, signer);

  it('accepts a good token, with aud as an array and no nbf', async () => {
    // Act
    const { nbf: _nbf, ...noNbf } = claims;
    const result = await verify(await signed(header, { ...noNbf, aud: ['a', 'b'] }));

    // Assert
    expect(result).toMatchObject({
      client_id: 'client-1',
      jti: 'j',
      aud: ['a', 'b'],
      nbf: undefined,
    });
  });

  it.each<[string, () => Promise<string>]>([
    ['not a string of three segments', async () => 'a.b'],
    ['too long', async () => 'a'.repeat(9000)],
    ['a segment with bad characters', async () => 'a.b.c=d'],
    ['a header that is not JSON', async () => `${base64UrlEncode('nope')}.e30.AA`],
    ['typ other than at+jwt', () => signed({ ...header, typ: 'JWT' }, claims)],
    ['an unknown kid', () => signed({ ...header, kid: 'other' }, claims)],
    ['alg none', () => signed({ ...header, alg: 'none' }, claims)],
    ['alg RS256 on an EC key', () => signed({ ...header, alg: 'RS256' }, claims)],
    ['another issuer', () => signed(header, { ...claims, iss: 'https://evil.example.com' })],
    ['a missing client_id', () => signed(header, { ...claims, client_id: undefined })],
    ['a non-numeric exp', () => signed(header, { ...claims, exp: '1' })],
    ['a non-numeric nbf', () => signed(header, { ...claims, nbf: 'x' })],
    ['an aud list with a number', () => signed(header, { ...claims, aud: ['a', 1] })],
    ['a cnf without jkt', () => signed(header, { ...claims, cnf: {} })],
    ['a cnf that is null', () => signed(header, { ...claims, cnf: null })],
    ['a cnf with an empty jkt', () => signed(header, { ...claims, cnf: { jkt: '' } })],
    ['claims that are not an object', () => signed(header, [1])],
    ['not a string at all', async () => 42 as never],
    ['a header member the profile does not allow', () => signed({ ...header, jku: 'x' }, claims)],
    // Issue 21, finding 4: the authorizer's encoding rule, one spelling per token.
    [
      'a signature whose spare bits are set',
      async () => {
        // 86 characters hold 64 bytes: the last one's low 4 bits are spare, so setting one
        // decodes to the same signature.
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const token = await signed(header, claims);
        return token.slice(0, -1) + alphabet[alphabet.indexOf(token.slice(-1)) | 1];
      },
    ],
    ['a padded signature', async () => `${await signed(header, claims)}==`],
    [
      'a signature of another key',
      async () => {
        const token = await signCompactJws(header, claims, signers.RS256);
        return token;
      },
    ],
    [
      'a changed payload',
      async () => {
        const [h, , s] = (await signed(header, claims)).split('.');
        return `${h}.${base64UrlEncode(JSON.stringify({ ...claims, client_id: 'client-2' }))}.${s}`;
      },
    ],
  ])('rejects %s', async (_name, make) => {
    expect(await verify(await make())).toBeUndefined();
  });

  it('verifies RS256 tokens, and asks for the keys again after a failure', async () => {
    // Arrange
    let calls = 0;
    const rsa = signers.RS256;
    const flaky = createIssuedTokenVerifier({
      issuer: ISSUER,
      publicKeys: {
        publicKeys: async () => {
          calls += 1;
          if (calls === 1) throw new Error('KMS down');
          return rsa.publicKeys();
        },
      },
    });
    const token = await signCompactJws(
      { alg: 'RS256', typ: 'at+jwt', kid: rsa.info.kid },
      claims,
      rsa,
    );

    // Act / Assert
    await expect(flaky(token)).rejects.toThrow('KMS down');
    expect(await flaky(token)).toMatchObject({ client_id: 'client-1' });
    expect(await flaky(token)).toMatchObject({ client_id: 'client-1' });
    expect(calls).toBe(2);
  });
});

describe('issuance and tokens_not_before', () => {
  it('refuses to issue before tokens_not_before (503) and issues at it', async () => {
    // Arrange
    const { store, issue } = setup();
    const record = store.records.get('client-1');
    store.records.set('client-1', { ...record!, tokens_not_before: NOW + 30 });
    const atIt = setup('ES256', (NOW + 30) * 1000);
    atIt.store.records.set('client-1', { ...record!, tokens_not_before: NOW + 30 });

    // Act
    const refused = await issue().catch((e: unknown) => e);

    // Assert: the client, authenticated, is told how long to wait.
    expect(refused).toBeInstanceOf(TemporarilyUnavailableError);
    expect(refused).toMatchObject({
      retryAfterSeconds: 30,
      message: "this client's tokens were revoked moments ago; new tokens are issued again in 30 s",
    });
    expect(payloadOf(await atIt.issue()).exp).toBe(NOW + 30 + 3600);
  });
});

describe('metadata', () => {
  it('lists the revocation endpoint and its auth methods only when revocation is on', () => {
    // Act
    const on = buildAuthorizationServerMetadata({
      issuer: ISSUER,
      scopesSupported: [],
      revocation: true,
    });
    const off = buildAuthorizationServerMetadata({ issuer: ISSUER, scopesSupported: [] });

    // Assert
    expect(on).toMatchObject({
      revocation_endpoint: `${ISSUER}/oauth2/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint: `${ISSUER}/oauth2/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
    expect(off).not.toHaveProperty('revocation_endpoint');
  });
});

describe('createTokenIntrospector (RFC 7662)', () => {
  const introspectorFor = (nowMs = FIXED_NOW_MS) => {
    const signer = signers.ES256;
    const store = new MemoryClientStore([
      clientRecord(),
      clientRecord({ client_id: 'rs', scopes: ['token:introspect'] }),
    ]);
    const deps = {
      clientStore: store,
      hasher: new FakeHasher(),
      clock: () => nowMs,
      randomBytes: countingBytes,
    };
    const issuer = createTokenIssuer({
      ...deps,
      issuer: ISSUER,
      defaultAudience: 'https://api.example.com',
      tokenTtlSeconds: 3600,
      signer,
    });
    const introspector = createTokenIntrospector({
      authenticator: createClientAuthenticator(deps),
      verifyToken: createIssuedTokenVerifier({ issuer: ISSUER, publicKeys: signer }),
      clientStore: store,
      revocations: store,
      clockSkewSeconds: 30,
      clock: () => nowMs,
    });
    const issue = async (): Promise<string> =>
      (
        await issuer.issueToken({
          contentType: FORM,
          body: 'grant_type=client_credentials',
          authorization: basicAuthorization('client-1', SECRET),
        })
      ).accessToken;
    const introspect = (body: string, clientId = 'rs') =>
      introspector.introspect({
        contentType: FORM,
        body,
        authorization: basicAuthorization(clientId, SECRET),
      });
    return { store, issue, introspect };
  };

  it('reports an active token with the RFC 7662 fields, then exactly {active:false} once revoked', async () => {
    // Arrange
    const { store, issue, introspect } = introspectorFor();
    const token = await issue();
    const { jti, exp } = payloadOf(token);

    // Act
    const active = await introspect(`token=${token}`);
    await store.revokeToken({ jti, clientId: 'client-1', expiresAt: exp + 30 });
    const revoked = await introspect(`token=${token}`);

    // Assert
    expect(active).toEqual({
      active: true,
      scope: 'orders:read orders:write',
      client_id: 'client-1',
      sub: 'client-1',
      aud: 'https://api.example.com',
      iss: ISSUER,
      exp,
      iat: NOW,
      nbf: NOW,
      jti,
      token_type: 'Bearer',
    });
    expect(revoked).toEqual({ active: false });
  });

  it.each<[string, (s: MemoryClientStore) => void]>([
    [
      'a disabled client',
      (s) => s.records.set('client-1', { ...s.records.get('client-1')!, status: 'disabled' }),
    ],
    ['a deleted client', (s) => s.records.delete('client-1')],
    [
      'iat before tokens_not_before',
      (s) =>
        s.records.set('client-1', { ...s.records.get('client-1')!, tokens_not_before: NOW + 1 }),
    ],
  ])('is inactive for %s', async (_name, change) => {
    // Arrange
    const { store, issue, introspect } = introspectorFor();
    const token = await issue();
    change(store);

    // Act / Assert
    expect(await introspect(`token=${token}`)).toEqual({ active: false });
  });

  it('is inactive for garbage, expired and not-yet-valid tokens', async () => {
    // Arrange
    const { issue } = introspectorFor();
    const token = await issue();
    const { exp } = payloadOf(token);
    const late = introspectorFor((exp + 30) * 1000);
    const early = introspectorFor((NOW - 31) * 1000);

    // Act / Assert
    expect(await late.introspect('token=garbage')).toEqual({ active: false });
    expect(await late.introspect(`token=${token}`)).toEqual({ active: false });
    expect(await early.introspect(`token=${token}`)).toEqual({ active: false });
  });

  it('§2.1: needs a token, valid credentials and the token:introspect scope', async () => {
    // Arrange
    const { introspect } = introspectorFor();

    // Act / Assert
    await expect(introspect('token_type_hint=access_token')).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(introspect('token=x', 'nobody')).rejects.toBeInstanceOf(InvalidClientError);
    await expect(introspect('token=x', 'client-1')).rejects.toBeInstanceOf(
      IntrospectionForbiddenError,
    );
  });
});

describe('createTokenIntrospector without nbf', () => {
  it('omits nbf when the token has none', async () => {
    // Arrange
    const store = new MemoryClientStore([
      clientRecord(),
      clientRecord({ client_id: 'rs', scopes: ['token:introspect'] }),
    ]);
    const claims = {
      iss: ISSUER,
      sub: 'client-1',
      client_id: 'client-1',
      aud: 'a',
      iat: NOW,
      nbf: undefined,
      exp: NOW + 60,
      jti: 'j',
      scope: '',
    };
    const introspector = createTokenIntrospector({
      authenticator: {
        authenticate: async () => clientRecord({ client_id: 'rs', scopes: ['token:introspect'] }),
      },
      verifyToken: async () => claims,
      clientStore: store,
      revocations: store,
      clockSkewSeconds: 0,
      clock: () => FIXED_NOW_MS,
    });

    // Act
    const result = await introspector.introspect({
      contentType: FORM,
      body: 'token=t',
      authorization: basicAuthorization('rs', SECRET),
    });

    // Assert
    expect(result).toMatchObject({ active: true, jti: 'j' });
    expect(result).not.toHaveProperty('nbf');
  });
});
