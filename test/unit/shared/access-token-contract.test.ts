// Contract property test: a token the token side issues for any valid client record verifies in the authorizer's verifier with the same client_id, scope and aud.
import fc from 'fast-check';
import { parseScopeClaim } from '../../../functions/shared/access-token';
import { TOKEN_TTL_SECONDS } from '../../../functions/shared/limits';
import type { SigningAlgorithm } from '../../../functions/shared/types';
import { JwtClaimMismatchError, JwtExpiredError } from '../../../functions/shared/jwt-errors';
import { createJwtVerifier } from '../../../functions/authorizer/core/jwt-verify';
import { loadTrustedKeys, type TrustedKeys } from '../../../functions/authorizer/core/trusted-keys';
import {
  createTokenIssuer,
  type TokenHttpRequest,
} from '../../../functions/token/core/issue-token';
import type { ClientRecord } from '../../../functions/token/core/types';
import { basicAuthorization } from '../../support/basic-auth';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import { countingBytes, FIXED_NOW_MS, InMemorySigner, ISSUER } from '../../support/token-fakes';

/** The algorithms of this file's matrix; PS256 pins RSA keys differently (test/unit/shared/ps256.test.ts). */
type ClassicAlgorithm = Exclude<SigningAlgorithm, 'PS256'>;

const DEFAULT_AUDIENCE = 'https://default.example.com';

// Real node:crypto keys behind the Signer port; RSA key generation is slow, so one per algorithm.
const SIGNERS: Record<ClassicAlgorithm, InMemorySigner> = {
  ES256: new InMemorySigner('ES256'),
  RS256: new InMemorySigner('RS256'),
};

// The authorizer trusts both keys, as during a key rotation: the kid must pick the right one.
const TRUSTED: TrustedKeys = loadTrustedKeys(
  Object.values(SIGNERS).map((s) => s.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
);

/** No whitespace or control characters: what the clients CLI accepts for ids and audiences. */
const PRINTABLE_WORD = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 24 })
  .filter((s) => !/[\s\p{Cc}]/u.test(s));

/** An RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = fc.stringMatching(/^[\x21\x23-\x5B\x5D-\x7E]{1,16}$/);

/** A valid client record (one secret) and the secret behind its hash. */
const CLIENT = fc
  .record({
    // A valid client id: RFC 6749 A.1 VSCHAR without space, as `create-client` accepts.
    clientId: fc.stringMatching(/^[\x21-\x7E]{1,64}$/),
    secret: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    scopes: fc.uniqueArray(SCOPE_TOKEN, { maxLength: 5 }),
    audiences: fc.uniqueArray(PRINTABLE_WORD, { maxLength: 3 }),
    ttl: fc.option(fc.integer({ min: TOKEN_TTL_SECONDS.min, max: TOKEN_TTL_SECONDS.max }), {
      nil: undefined,
    }),
  })
  .map(({ clientId, secret, scopes, audiences, ttl }) => ({
    secret,
    record: {
      client_id: clientId,
      name: 'Contract client',
      status: 'active',
      secrets: [{ hash: FakeHasher.hashOf(secret), created_at: '2025-01-01T00:00:00.000Z' }],
      scopes,
      audiences,
      ...(ttl === undefined ? {} : { token_ttl_seconds: ttl }),
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-01T00:00:00.000Z',
      version: 1,
    } satisfies ClientRecord,
  }));

/** A client, and a token request it may make: optional scope subset and audience, any auth method and body type. */
const CASE = CLIENT.chain((client) =>
  fc.record({
    client: fc.constant(client),
    requestedScopes: client.record.scopes.length
      ? fc.option(fc.subarray(client.record.scopes, { minLength: 1 }), { nil: undefined })
      : fc.constant(undefined),
    requestedAudience: client.record.audiences.length
      ? fc.option(fc.constantFrom(...client.record.audiences), { nil: undefined })
      : fc.constant(undefined),
    auth: fc.constantFrom('client_secret_basic', 'client_secret_post'),
    media: fc.constantFrom('form', 'json'),
    alg: fc.constantFrom<ClassicAlgorithm>('ES256', 'RS256'),
    serviceTtl: fc.integer({ min: TOKEN_TTL_SECONDS.min, max: TOKEN_TTL_SECONDS.max }),
    nowMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
  }),
);

type Case = typeof CASE extends fc.Arbitrary<infer T> ? T : never;

/** Builds the HTTP request parts the token core takes. */
function tokenRequest(c: Case): TokenHttpRequest {
  const { record, secret } = c.client;
  const params: Record<string, string> = { grant_type: 'client_credentials' };
  if (c.requestedScopes) params.scope = c.requestedScopes.join(' ');
  if (c.requestedAudience !== undefined) params.audience = c.requestedAudience;
  if (c.auth === 'client_secret_post') {
    params.client_id = record.client_id;
    params.client_secret = secret;
  }
  return {
    contentType: c.media === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    body: c.media === 'json' ? JSON.stringify(params) : new URLSearchParams(params).toString(),
    authorization:
      c.auth === 'client_secret_basic' ? basicAuthorization(record.client_id, secret) : undefined,
  };
}

/**
 * Issues a token with the token side, then verifies it with the authorizer's verifier, at the
 * issue time, at the last valid second and just after expiry; checks what both sides agree on.
 */
async function issueAndVerify(c: Case): Promise<void> {
  // Arrange
  const { record } = c.client;
  const signer = SIGNERS[c.alg];
  const issuer = createTokenIssuer({
    issuer: ISSUER,
    defaultAudience: DEFAULT_AUDIENCE,
    tokenTtlSeconds: c.serviceTtl,
    clientStore: new MemoryClientStore([record]),
    hasher: new FakeHasher(),
    signer,
    clock: () => c.nowMs,
    randomBytes: countingBytes,
  });
  const grantedScopes = c.requestedScopes ?? record.scopes;
  const audience = c.requestedAudience ?? record.audiences[0] ?? DEFAULT_AUDIENCE;
  const ttl = record.token_ttl_seconds ?? c.serviceTtl;
  // Skew 0: the token must be valid exactly for its stated lifetime.
  const verify = createJwtVerifier({
    issuer: ISSUER,
    audience,
    clockSkewSeconds: 0,
    keys: TRUSTED,
  });
  const otherApi = createJwtVerifier({
    issuer: ISSUER,
    audience: `${audience}/other`,
    clockSkewSeconds: 0,
    keys: TRUSTED,
  });

  // Act
  const issued = await issuer.issueToken(tokenRequest(c));
  const claims = verify(issued.accessToken, c.nowMs);

  // Assert
  const iat = Math.floor(c.nowMs / 1000);
  expect(claims.client_id).toBe(record.client_id);
  expect(claims.sub).toBe(record.client_id);
  expect(claims.aud).toBe(audience);
  expect(parseScopeClaim(claims.scope)).toEqual(grantedScopes);
  expect([claims.iat, claims.nbf, claims.exp, claims.jti]).toEqual([
    iat,
    iat,
    iat + ttl,
    issued.jti,
  ]);
  expect(issued).toMatchObject({
    clientId: record.client_id,
    audience,
    expiresIn: ttl,
    kid: signer.info.kid,
    scope: grantedScopes.length ? grantedScopes.join(' ') : undefined,
    authMethod: c.auth,
  });
  expect(verify(issued.accessToken, (iat + ttl - 1) * 1000).client_id).toBe(record.client_id);
  expect(() => verify(issued.accessToken, (iat + ttl) * 1000)).toThrow(JwtExpiredError);
  expect(() => otherApi(issued.accessToken, c.nowMs)).toThrow(JwtClaimMismatchError);
}

describe('access-token contract: token side -> authorizer verifier', () => {
  it('verifies a token issued for any valid client record, with the same client_id, scope and aud', async () => {
    await fc.assert(fc.asyncProperty(CASE, issueAndVerify), { numRuns: 200 });
  });

  it.each(['ES256', 'RS256'] as const)(
    'zero-scope case (%s): a client record with scopes [] gets a token with scope "" that verifies',
    async (alg) => {
      // Arrange
      const secret = 's3cret';
      const record: ClientRecord = {
        client_id: 'no-scopes',
        name: 'No scopes',
        status: 'active',
        secrets: [{ hash: FakeHasher.hashOf(secret), created_at: '2025-01-01T00:00:00.000Z' }],
        scopes: [],
        audiences: [],
        created_at: '2025-01-01T00:00:00.000Z',
        updated_at: '2025-01-01T00:00:00.000Z',
        version: 1,
      };
      const issuer = createTokenIssuer({
        issuer: ISSUER,
        defaultAudience: DEFAULT_AUDIENCE,
        tokenTtlSeconds: TOKEN_TTL_SECONDS.default,
        clientStore: new MemoryClientStore([record]),
        hasher: new FakeHasher(),
        signer: SIGNERS[alg],
        clock: () => FIXED_NOW_MS,
        randomBytes: countingBytes,
      });
      const verify = createJwtVerifier({
        issuer: ISSUER,
        audience: DEFAULT_AUDIENCE,
        clockSkewSeconds: 0,
        keys: TRUSTED,
      });

      // Act
      const issued = await issuer.issueToken({
        contentType: 'application/x-www-form-urlencoded',
        body: 'grant_type=client_credentials',
        authorization: basicAuthorization('no-scopes', secret),
      });
      const claims = verify(issued.accessToken, FIXED_NOW_MS);

      // Assert: the claim is present and empty (never missing), and means "no scopes".
      expect(issued.scope).toBeUndefined();
      expect(claims).toMatchObject({ client_id: 'no-scopes', aud: DEFAULT_AUDIENCE, scope: '' });
      expect(parseScopeClaim(claims.scope)).toEqual([]);
    },
  );
});
