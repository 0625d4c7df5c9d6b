// Tokens the token handler issues (RS256 and ES256, node:crypto keys) against every rule of API Gateway's native JWT authorizers, with one negative case per rule.
import type { APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import type { JWK } from 'jose';
import { base64UrlEncode } from '../../../functions/shared/base64url';
import type { SigningAlgorithm } from '../../../functions/shared/types';
import { createTokenHandler } from '../../../functions/token/create-handler';
import {
  checkJwtAuthorizerRules,
  JWT_AUTHORIZER_RULES,
  type JwtAuthorizerRule,
  type JwtAuthorizerSetup,
} from '../../support/apigw-jwt-authorizer-rules';
import { basicAuthorization } from '../../support/basic-auth';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  InMemorySigner,
  ISSUER,
  SECRET,
  tokenEvent,
} from '../../support/token-fakes';

/** The algorithms of this file's matrix; PS256 pins RSA keys differently (test/unit/shared/ps256.test.ts). */
type ClassicAlgorithm = Exclude<SigningAlgorithm, 'PS256'>;

const AUDIENCE = 'https://api.example.com';
const ISSUED_AT = Math.floor(FIXED_NOW_MS / 1000);
/** The gateway sees the token a second after issue: the pages require nbf and iat strictly before now. */
const NOW = ISSUED_AT + 1;

// One real key per algorithm; RSA generation is slow.
const SIGNERS: Record<ClassicAlgorithm, InMemorySigner> = {
  RS256: new InMemorySigner('RS256'),
  ES256: new InMemorySigner('ES256'),
};

const json = (result: APIGatewayProxyResult): Record<string, unknown> =>
  JSON.parse(result.body) as Record<string, unknown>;

/** A token handler exactly as production wires it, with an in-memory key, store and hasher. */
function handlerFor(alg: ClassicAlgorithm) {
  return createTokenHandler({
    config: {
      issuer: ISSUER,
      defaultAudience: AUDIENCE,
      tokenTtlSeconds: 3600,
      scopesSupported: ['orders:read', 'orders:write'],
    },
    clientStore: new MemoryClientStore([clientRecord({ audiences: [AUDIENCE] })]),
    signer: SIGNERS[alg],
    publicKeys: SIGNERS[alg],
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
  });
}

/** Issues a token over HTTP (POST /oauth2/token) and reads the JWKS the handler serves. */
async function issue(
  alg: ClassicAlgorithm,
  body = 'grant_type=client_credentials',
): Promise<{ token: string; jwks: { keys: JWK[] } }> {
  const handler = handlerFor(alg);
  const tokenResponse = await handler(tokenEvent({ body }));
  const jwksResponse = await handler(
    tokenEvent({
      resource: '/.well-known/jwks.json',
      path: '/.well-known/jwks.json',
      httpMethod: 'GET',
    }),
  );
  expect(tokenResponse.statusCode).toBe(200);
  expect(jwksResponse.statusCode).toBe(200);
  return {
    token: json(tokenResponse).access_token as string,
    jwks: json(jwksResponse) as unknown as { keys: JWK[] },
  };
}

/** The example's authorizer: module issuer and audience, a route that requires orders:read. */
function setupFor(
  kind: JwtAuthorizerSetup['kind'],
  jwks: { keys: JWK[] },
  overrides: Partial<JwtAuthorizerSetup> = {},
): JwtAuthorizerSetup {
  return {
    kind,
    issuer: ISSUER,
    audiences: [AUDIENCE],
    algorithms: kind === 'rest-api' ? ['RS256', 'ES256'] : undefined,
    routeScopes: ['orders:read'],
    jwks,
    nowSeconds: NOW,
    ...overrides,
  };
}

/** Signs arbitrary header and claims with a signer's real key, to break exactly one rule. */
async function forge(
  signer: InMemorySigner,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): Promise<string> {
  const encode = (value: unknown): string =>
    base64UrlEncode(new TextEncoder().encode(JSON.stringify(value)));
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = await signer.sign(new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64UrlEncode(signature)}`;
}

/** The claims and header the token side issues, as a base for forged variants. */
function issuedParts(signer: InMemorySigner) {
  return {
    header: { alg: signer.alg, typ: 'at+jwt', kid: signer.info.kid },
    claims: {
      iss: ISSUER,
      sub: 'client-1',
      client_id: 'client-1',
      aud: AUDIENCE,
      iat: ISSUED_AT,
      nbf: ISSUED_AT,
      exp: ISSUED_AT + 3600,
      jti: 'AAECAwQFBgcICQoLDA0ODw',
      scope: 'orders:read orders:write',
    } as Record<string, unknown>,
  };
}

describe('API Gateway native JWT authorizer rules', () => {
  let rs256: { token: string; jwks: { keys: JWK[] } };
  let es256: { token: string; jwks: { keys: JWK[] } };

  beforeAll(async () => {
    rs256 = await issue('RS256');
    es256 = await issue('ES256');
  });

  test('an RS256 token from the token handler passes every HTTP API and REST API rule', async () => {
    // Act
    const http = await checkJwtAuthorizerRules(
      `Bearer ${rs256.token}`,
      setupFor('http-api', rs256.jwks),
    );
    const rest = await checkJwtAuthorizerRules(
      `Bearer ${rs256.token}`,
      setupFor('rest-api', rs256.jwks),
    );

    // Assert
    expect(http.outcomes.map((o) => o.rule)).toEqual([...JWT_AUTHORIZER_RULES]);
    expect(http.failed).toEqual([]);
    expect(rest.failed).toEqual([]);
  });

  test('an ES256 token passes every REST API rule and fails only the HTTP API alg rule (RSA only)', async () => {
    // Act
    const http = await checkJwtAuthorizerRules(
      `Bearer ${es256.token}`,
      setupFor('http-api', es256.jwks),
    );
    const rest = await checkJwtAuthorizerRules(
      `Bearer ${es256.token}`,
      setupFor('rest-api', es256.jwks),
    );
    const restRsaOnly = await checkJwtAuthorizerRules(
      `Bearer ${es256.token}`,
      setupFor('rest-api', es256.jwks, { algorithms: ['RS256'] }),
    );

    // Assert
    expect(http.failed).toEqual(['alg']);
    expect(rest.failed).toEqual([]);
    expect(restRsaOnly.failed).toEqual(['alg']);
  });

  test('the token alone, without the Bearer prefix, is also accepted as the identity source', async () => {
    // Act
    const report = await checkJwtAuthorizerRules(rs256.token, setupFor('http-api', rs256.jwks));

    // Assert
    expect(report.failed).toEqual([]);
  });

  test('a token whose scope is narrowed at the token endpoint fails a route that needs another scope', async () => {
    // Arrange
    const narrowed = await issue('RS256', 'grant_type=client_credentials&scope=orders%3Awrite');

    // Act
    const report = await checkJwtAuthorizerRules(
      `Bearer ${narrowed.token}`,
      setupFor('http-api', narrowed.jwks),
    );
    const writeRoute = await checkJwtAuthorizerRules(
      `Bearer ${narrowed.token}`,
      setupFor('http-api', narrowed.jwks, { routeScopes: ['orders:write'] }),
    );

    // Assert
    expect(report.failed).toEqual(['scope']);
    expect(writeRoute.failed).toEqual([]);
  });

  // One negative case per rule: a token (or setup) that differs from a passing one in that rule only.
  const signer = SIGNERS.RS256;
  const NEGATIVE: Array<{
    rule: JwtAuthorizerRule;
    kind: JwtAuthorizerSetup['kind'];
    why: string;
    build: () => Promise<{ identity: string | undefined; setup?: Partial<JwtAuthorizerSetup> }>;
    failed?: JwtAuthorizerRule[];
  }> = [
    {
      rule: 'identity-source',
      kind: 'http-api',
      why: 'a Basic credential instead of a JWT',
      build: async () => ({ identity: basicAuthorization('client-1', SECRET) }),
      failed: [...JWT_AUTHORIZER_RULES],
    },
    {
      rule: 'alg',
      kind: 'http-api',
      why: 'an RSA key but a header claiming ES256',
      build: async () => {
        const { header, claims } = issuedParts(signer);
        return { identity: `Bearer ${await forge(signer, { ...header, alg: 'ES256' }, claims)}` };
      },
      failed: ['alg', 'signature'],
    },
    {
      rule: 'kid',
      kind: 'http-api',
      why: 'no kid header',
      build: async () => {
        const { header, claims } = issuedParts(signer);
        const { kid: _kid, ...noKid } = header;
        return { identity: `Bearer ${await forge(signer, noKid, claims)}` };
      },
      failed: ['kid', 'signature'],
    },
    {
      rule: 'kid',
      kind: 'rest-api',
      why: 'a kid that the JWKS does not hold (the key set of another issuer)',
      build: async () => ({
        identity: `Bearer ${rs256.token}`,
        setup: { jwks: es256.jwks },
      }),
      failed: ['kid', 'signature'],
    },
    {
      rule: 'signature',
      kind: 'http-api',
      why: 'a payload changed after signing',
      build: async () => {
        const [h, , s] = rs256.token.split('.');
        const { claims } = issuedParts(signer);
        const payload = base64UrlEncode(
          new TextEncoder().encode(JSON.stringify({ ...claims, scope: 'orders:read admin' })),
        );
        return { identity: `Bearer ${h}.${payload}.${s}` };
      },
    },
    {
      rule: 'iss',
      kind: 'rest-api',
      why: 'an authorizer issuer with a trailing slash (exact match required)',
      build: async () => ({ identity: `Bearer ${rs256.token}`, setup: { issuer: `${ISSUER}/` } }),
    },
    {
      rule: 'aud',
      kind: 'http-api',
      why: 'an aud for another API',
      build: async () => ({
        identity: `Bearer ${rs256.token}`,
        setup: { audiences: ['https://other.example.com'] },
      }),
    },
    {
      rule: 'aud',
      kind: 'rest-api',
      why: 'no aud, only a client_id equal to an audience (REST has no client_id fallback)',
      build: async () => {
        const { header, claims } = issuedParts(signer);
        const { aud: _aud, ...noAud } = claims;
        return {
          identity: `Bearer ${await forge(signer, header, noAud)}`,
          setup: { audiences: ['client-1'] },
        };
      },
    },
    {
      rule: 'exp',
      kind: 'http-api',
      why: 'a gateway clock at exp',
      build: async () => ({
        identity: `Bearer ${rs256.token}`,
        setup: { nowSeconds: ISSUED_AT + 3600 },
      }),
    },
    {
      rule: 'nbf',
      kind: 'http-api',
      why: 'nbf in the future (iat still in the past)',
      build: async () => {
        const { header, claims } = issuedParts(signer);
        return {
          identity: `Bearer ${await forge(signer, header, { ...claims, nbf: NOW + 60 })}`,
        };
      },
    },
    {
      rule: 'iat',
      kind: 'http-api',
      why: 'iat in the future (nbf still in the past)',
      build: async () => {
        const { header, claims } = issuedParts(signer);
        return {
          identity: `Bearer ${await forge(signer, header, { ...claims, iat: NOW + 60 })}`,
        };
      },
    },
    {
      rule: 'scope',
      kind: 'rest-api',
      why: 'a route scope the token does not hold',
      build: async () => ({
        identity: `Bearer ${rs256.token}`,
        setup: { routeScopes: ['orders:admin'] },
      }),
    },
    {
      rule: 'scope',
      kind: 'http-api',
      why: 'a scope claim that is a JSON array, not a space-delimited string',
      build: async () => {
        const { header, claims } = issuedParts(signer);
        return {
          identity: `Bearer ${await forge(signer, header, { ...claims, scope: ['orders:read'] })}`,
        };
      },
    },
  ];

  test('HTTP API: without aud, a client_id equal to an audience passes (the documented fallback)', async () => {
    // Arrange
    const { header, claims } = issuedParts(signer);
    const { aud: _aud, ...noAud } = claims;
    const token = await forge(signer, header, noAud);

    // Act
    const http = await checkJwtAuthorizerRules(
      `Bearer ${token}`,
      setupFor('http-api', rs256.jwks, { audiences: ['client-1'] }),
    );

    // Assert
    expect(http.failed).toEqual([]);
  });

  test('the forged base token passes, so each negative case below differs in one rule only', async () => {
    // Arrange
    const { header, claims } = issuedParts(signer);

    // Act
    const report = await checkJwtAuthorizerRules(
      `Bearer ${await forge(signer, header, claims)}`,
      setupFor('http-api', rs256.jwks),
    );

    // Assert
    expect(report.failed).toEqual([]);
  });

  test.each(NEGATIVE.map((c) => [c.rule, c.kind, c.why, c] as const))(
    '%s rule (%s): %s fails',
    async (_rule, kind, _why, negative) => {
      // Arrange
      const { identity, setup } = await negative.build();

      // Act
      const report = await checkJwtAuthorizerRules(identity, setupFor(kind, rs256.jwks, setup));

      // Assert
      expect(report.failed).toEqual(negative.failed ?? [negative.rule]);
    },
  );

  test('every rule has a negative case', () => {
    // Act
    const covered = new Set(NEGATIVE.map((c) => c.rule));

    // Assert
    expect([...covered].sort()).toEqual([...JWT_AUTHORIZER_RULES].sort());
  });

  test('property: any scope subset requested at the token endpoint passes exactly the routes that list one of its scopes', async () => {
    // Arrange
    const SCOPES = ['orders:read', 'orders:write'];
    const handler = handlerFor('RS256');
    const jwks = rs256.jwks;

    await fc.assert(
      fc.asyncProperty(
        fc.subarray(SCOPES, { minLength: 1 }),
        fc.subarray(SCOPES),
        async (requested, routeScopes) => {
          // Act
          const response = await handler(
            tokenEvent({
              body: `grant_type=client_credentials&scope=${encodeURIComponent(requested.join(' '))}`,
            }),
          );
          const token = json(response).access_token as string;
          const report = await checkJwtAuthorizerRules(
            `Bearer ${token}`,
            setupFor('http-api', jwks, { routeScopes }),
          );

          // Assert
          const expected =
            routeScopes.length === 0 || routeScopes.some((s) => requested.includes(s));
          expect(report.failed).toEqual(expected ? [] : ['scope']);
        },
      ),
      { numRuns: 30 },
    );
  });
});
