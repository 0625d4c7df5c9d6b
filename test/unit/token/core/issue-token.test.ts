// Unit tests of the token issuing flow: every RFC 6749 §5.2 error and exact claims of a signed token.
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import {
  createTokenIssuer,
  type TokenHttpRequest,
} from '../../../../functions/token/core/issue-token';
import { VERIFICATIONS_PER_FAILURE } from '../../../../functions/token/core/authenticate-client';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import type { ClientRecord } from '../../../../functions/token/core/types';
import { basicAuthorization } from '../../../support/basic-auth';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  SECRET,
} from '../../../support/token-fakes';

const IAT = Math.floor(FIXED_NOW_MS / 1000);

// Key generation (RSA especially) is slow: one signer per algorithm for the whole file.
const signers = { ES256: new InMemorySigner('ES256'), RS256: new InMemorySigner('RS256') };

function setup(
  records: ClientRecord[] = [clientRecord()],
  alg: 'ES256' | 'RS256' = 'ES256',
  minTokenTtlSeconds?: number,
) {
  const signer = signers[alg];
  signer.signCalls = 0;
  const hasher = new FakeHasher();
  const store = new MemoryClientStore(records);
  const issuer = createTokenIssuer({
    issuer: ISSUER,
    defaultAudience: 'https://default.example.com',
    tokenTtlSeconds: 3600,
    minTokenTtlSeconds,
    clientStore: store,
    hasher,
    signer,
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
  });
  return { signer, hasher, store, issuer };
}

const form = (body: string, authorization?: string): TokenHttpRequest => ({
  contentType: FORM,
  body,
  authorization,
});
const postBody = (extra = ''): string =>
  `grant_type=client_credentials&client_id=client-1&client_secret=${encodeURIComponent(SECRET)}${extra}`;

describe('createTokenIssuer', () => {
  it.each(['ES256', 'RS256'] as const)(
    'issues an exact RFC 9068 %s token with Basic auth',
    async (alg) => {
      // Arrange
      const { issuer, signer } = setup([clientRecord()], alg);
      const seen: string[] = [];

      // Act
      const token = await issuer.issueToken(
        form('grant_type=client_credentials', basicAuthorization('client-1', SECRET)),
        { onClientId: (id) => seen.push(id) },
      );

      // Assert
      const { payload, protectedHeader } = await compactVerify(
        token.accessToken,
        await importJWK(signer.info.publicJwk, alg),
      );
      expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid: signer.info.kid });
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
        iss: ISSUER,
        sub: 'client-1',
        client_id: 'client-1',
        aud: 'https://api.example.com',
        iat: IAT,
        nbf: IAT,
        exp: IAT + 3600,
        jti: 'AAECAwQFBgcICQoLDA0ODw',
        scope: 'orders:read orders:write',
      });
      expect(token).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 3600,
        exp: IAT + 3600,
        scope: 'orders:read orders:write',
        clientId: 'client-1',
        audience: 'https://api.example.com',
        kid: signer.info.kid,
        jti: 'AAECAwQFBgcICQoLDA0ODw',
        authMethod: 'client_secret_basic',
      });
      expect(seen).toEqual(['client-1']);
    },
  );

  it('issues with client_secret_post in a JSON body, requested scope, audience and client TTL', async () => {
    // Arrange
    const { issuer } = setup([
      clientRecord({
        audiences: ['https://a.example', 'https://b.example'],
        token_ttl_seconds: 300,
      }),
    ]);

    // Act
    const token = await issuer.issueToken({
      contentType: 'application/json',
      authorization: undefined,
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'client-1',
        client_secret: SECRET,
        scope: 'orders:write',
        audience: 'https://b.example',
      }),
    });

    // Assert
    const claims = decodeJwt(token.accessToken);
    expect(claims).toMatchObject({
      aud: 'https://b.example',
      scope: 'orders:write',
      exp: IAT + 300,
    });
    expect(token).toMatchObject({
      expiresIn: 300,
      scope: 'orders:write',
      authMethod: 'client_secret_post',
    });
  });

  it.each([
    [60, 300, 300],
    [300, 300, 300],
    [900, 300, 900],
  ])(
    'issues a client TTL of %i s with an authorizer cache of %i s for %i s (never shorter than the cache)',
    async (clientTtl, cacheTtl, issued) => {
      // Arrange
      const { issuer } = setup([clientRecord({ token_ttl_seconds: clientTtl })], 'ES256', cacheTtl);

      // Act
      const token = await issuer.issueToken(form(postBody()));

      // Assert
      expect(decodeJwt(token.accessToken).exp).toBe(IAT + issued);
      expect(token.expiresIn).toBe(issued);
    },
  );

  it('issues from a base64-encoded body', async () => {
    // Arrange
    const { issuer } = setup();

    // Act
    const token = await issuer.issueToken({
      ...form(Buffer.from(postBody()).toString('base64')),
      isBase64Encoded: true,
    });

    // Assert
    expect(decodeProtectedHeader(token.accessToken).typ).toBe('at+jwt');
  });

  it('uses the service audience, and an empty scope claim, for a client with neither', async () => {
    // Arrange
    const { issuer } = setup([clientRecord({ audiences: [], scopes: [] })]);

    // Act
    const token = await issuer.issueToken(form(postBody()));

    // Assert
    const claims = decodeJwt(token.accessToken);
    expect(claims.aud).toBe('https://default.example.com');
    // The zero-scope case: the claim is "" (which the authorizer accepts), the response omits it.
    expect(claims.scope).toBe('');
    expect(token.scope).toBeUndefined();
  });

  it.each([
    [
      'an unsupported content type',
      { contentType: 'text/plain', body: postBody() },
      'invalid_request',
    ],
    ['malformed JSON', { contentType: 'application/json', body: '{' }, 'invalid_request'],
    ['a repeated parameter', form(`${postBody()}&scope=a&scope=b`), 'invalid_request'],
    ['a missing grant_type', form(`client_id=client-1&client_secret=x`), 'invalid_request'],
    [
      'grant_type password',
      form(postBody().replace('client_credentials', 'password')),
      'unsupported_grant_type',
    ],
    [
      'grant_type authorization_code',
      form(postBody().replace('client_credentials', 'authorization_code')),
      'unsupported_grant_type',
    ],
    ['a malformed scope', form(postBody('&scope=a%20%20b')), 'invalid_scope'],
    ['a scope the client lacks', form(postBody('&scope=orders:read+admin')), 'invalid_scope'],
    [
      'an audience the client lacks',
      form(postBody('&audience=https%3A%2F%2Fevil.example')),
      'invalid_target',
    ],
    [
      'both auth methods',
      form(postBody(), basicAuthorization('client-1', SECRET)),
      'invalid_request',
    ],
    [
      'a Basic header without colon',
      form('grant_type=client_credentials', `Basic ${Buffer.from('abc').toString('base64')}`),
      'invalid_request',
    ],
    ['no client authentication', form('grant_type=client_credentials'), 'invalid_client'],
    ['a wrong secret', form(postBody().replace('staple', 'stapler')), 'invalid_client'],
    ['an unknown client', form(postBody().replace('client-1', 'client-2')), 'invalid_client'],
  ])('rejects %s with %s', async (_label, request, code) => {
    // Arrange
    const { issuer, signer } = setup();

    // Act
    const act = issuer.issueToken({ authorization: undefined, ...request });

    // Assert
    await expect(act).rejects.toMatchObject({ code });
    expect(signer.signCalls).toBe(0);
  });

  it('checks syntax before paying for argon2, and permissions only after it', async () => {
    // Arrange
    const { issuer, hasher } = setup();

    // Act
    await expect(issuer.issueToken(form(postBody('&scope=a%20%20b')))).rejects.toMatchObject({
      code: 'invalid_scope',
    });
    const wrongSecretBadScope = postBody('&scope=admin').replace('staple', 'x');
    await expect(issuer.issueToken(form(wrongSecretBadScope))).rejects.toMatchObject({
      code: 'invalid_client',
    });

    // Assert: no verification for the syntax error; the usual two for the failed authentication.
    expect(hasher.verified).toHaveLength(VERIFICATIONS_PER_FAILURE);
  });

  it('rejects a disabled client with the right secret as invalid_client', async () => {
    // Arrange
    const { issuer } = setup([clientRecord({ status: 'disabled' })]);

    // Act / Assert
    await expect(issuer.issueToken(form(postBody()))).rejects.toMatchObject({
      code: 'invalid_client',
    });
  });

  it('passes signer failures through', async () => {
    // Arrange
    const { issuer, signer } = setup();
    jest
      .spyOn(signer, 'sign')
      .mockRejectedValueOnce(new TemporarilyUnavailableError('KMS throttled'));

    // Act / Assert
    await expect(issuer.issueToken(form(postBody()))).rejects.toBeInstanceOf(
      TemporarilyUnavailableError,
    );
  });

  it('passes a signer ServerError through', async () => {
    // Arrange
    const { issuer, signer } = setup();
    jest.spyOn(signer, 'keyInfo').mockRejectedValueOnce(new ServerError('KMS failed'));

    // Act / Assert
    await expect(issuer.issueToken(form(postBody()))).rejects.toMatchObject({
      code: 'server_error',
      name: 'ServerError',
    });
  });

  it('prepare() makes the dummy hash', async () => {
    // Arrange
    const { issuer, hasher } = setup();

    // Act
    await issuer.prepare();

    // Assert
    expect(hasher.hashCalls).toBe(1);
  });
});
