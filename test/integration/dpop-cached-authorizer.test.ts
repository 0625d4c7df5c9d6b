// No cached bypass (issue 25, item 3), shown through the API Gateway emulator with the real authorizer: a cached REQUEST authorizer answers a replayed or proof-less DPoP request from its cache without calling the function, so the function refuses DPoP unless told its TTL is 0, and with TTL 0 a replay is refused.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { loadAuthorizerConfig } from '../../functions/authorizer/config';
import { createAuthorizerHandler } from '../../functions/authorizer/create-handler';
import type { DpopProofUse } from '../../functions/authorizer/core/dpop-replay';
import { ApiGatewayEmulator } from '../../tools/gateway/emulator';
import type { AccessLogEntry, GatewayResult } from '../../tools/gateway/types';
import { AUTHORIZER_IDENTITY_SOURCES } from '../../tools/local-server/local-authorizer';
import { dpopKey, dpopProof, type DpopKey } from '../support/dpop/proofs';
import { AUDIENCE, ISSUER, makeKeys, validToken } from '../support/jwt-fixtures';

const HOST = 'api.example.com';
const URL_SEEN_BY_CLIENT = `https://${HOST}/prod/orders/7`;
const keys = makeKeys();

/** One emulated stage: a REQUEST authorizer cached for `gatewayTtl`, its function told `functionTtl`. */
function stage(gatewayTtl: number, functionTtl: number) {
  const seen = new Set<string>();
  const warn = jest.fn();
  const reasons = (): string[] => warn.mock.calls.map(([, attributes]) => attributes.reason);
  const config = loadAuthorizerConfig({
    ISSUER,
    AUDIENCE,
    PUBLIC_KEYS_PEM: JSON.stringify([keys.rs.pem]),
    ROUTE_SCOPES: JSON.stringify({ 'GET /orders/{id}': { scopes: ['orders:read'], dpop: true } }),
    AUTHORIZER_RESULT_TTL_SECONDS: String(functionTtl),
    DPOP_REPLAY_TABLE: 'clients',
    DPOP_ALLOWED_HOSTS: JSON.stringify([HOST]),
  });
  const decide = createAuthorizerHandler({
    config,
    logger: { warn },
    dpopReplayCache: {
      useOnce: async (use: DpopProofUse) => !seen.has(use.key) && Boolean(seen.add(use.key)),
    },
  });
  const invocations = jest.fn((event: APIGatewayRequestAuthorizerEvent) => decide(event));
  const log: AccessLogEntry[] = [];
  const emulator = new ApiGatewayEmulator(
    {
      restApiId: 'abc123',
      stage: 'prod',
      region: 'eu-west-1',
      accountId: '111122223333',
      routes: [
        {
          method: 'GET',
          resourcePath: '/orders/{id}',
          authorization: 'CUSTOM',
          authorizerId: 'oauth',
          integration: { type: 'mock', statusCode: 200, body: '{"ok":true}' },
        },
      ],
      authorizers: {
        oauth: {
          type: 'REQUEST',
          name: 'oauth',
          // The module's identity sources: the token and the route, not the DPoP header.
          identitySource: AUTHORIZER_IDENTITY_SOURCES,
          resultTtlSeconds: gatewayTtl,
          handler: invocations,
        },
      },
    },
    { onAccessLog: (entry) => log.push(entry) },
  );
  const call = (headers: [string, string][]): Promise<GatewayResult> =>
    emulator.handle({
      method: 'GET',
      url: '/prod/orders/7',
      rawHeaders: [['Host', HOST], ...headers].flat(),
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
    });
  return { call, invocations, reasons, cache: () => log.map((entry) => entry.authorizerCache) };
}

function boundToken(key: DpopKey): string {
  const now = Math.floor(Date.now() / 1000);
  return validToken(keys.rs, {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'client-1',
    client_id: 'client-1',
    iat: now,
    nbf: now,
    exp: now + 600,
    jti: `token-${now}`,
    scope: 'orders:read',
    cnf: { jkt: key.jkt },
  });
}

describe('a DPoP route behind a cached and an uncached authorizer (emulator + real authorizer)', () => {
  let key: DpopKey;
  let token: string;
  let proof: string;

  beforeAll(async () => {
    key = await dpopKey();
    token = boundToken(key);
    proof = dpopProof(key, { htm: 'GET', htu: URL_SEEN_BY_CLIENT, accessToken: token });
  });

  it('a cached authorizer whose function believes TTL 0 lets a replay and a request without proof through from its cache', async () => {
    // Arrange: the known gap of docs/dpop.md: the function wired by hand to a cached authorizer
    const { call, invocations, cache } = stage(300, 0);
    const authorization: [string, string] = ['Authorization', `DPoP ${token}`];

    // Act
    const first = await call([authorization, ['DPoP', proof]]);
    const replay = await call([authorization, ['DPoP', proof]]);
    const noProof = await call([authorization]);

    // Assert: the bypass the design prevents, made visible
    expect([first, replay, noProof].map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(cache()).toEqual(['miss', 'hit', 'hit']);
    expect(invocations).toHaveBeenCalledTimes(1);
  });

  it('our function told its TTL is not 0 refuses every DPoP request, so the cache holds only refusals', async () => {
    // Arrange: the module's wiring: AUTHORIZER_RESULT_TTL_SECONDS is the authorizer's TTL
    const { call, invocations, reasons, cache } = stage(300, 300);
    const authorization: [string, string] = ['Authorization', `DPoP ${token}`];

    // Act
    const first = await call([authorization, ['DPoP', proof]]);
    const again = await call([authorization, ['DPoP', proof]]);

    // Assert
    expect([first.statusCode, again.statusCode]).toEqual([401, 401]);
    expect(reasons()).toEqual(['DPoP:not_accepted:ttl']);
    expect(cache()).toEqual(['miss', 'hit']);
    expect(invocations).toHaveBeenCalledTimes(1);
  });

  it('uncached (TTL 0 at both ends): every request reaches the function, and the replay is refused', async () => {
    // Arrange
    const { call, invocations, reasons, cache } = stage(0, 0);
    const authorization: [string, string] = ['Authorization', `DPoP ${token}`];
    const fresh = dpopProof(key, { htm: 'GET', htu: URL_SEEN_BY_CLIENT, accessToken: token });

    // Act
    const first = await call([authorization, ['DPoP', proof]]);
    const replay = await call([authorization, ['DPoP', proof]]);
    const noProof = await call([authorization]);
    const second = await call([authorization, ['DPoP', fresh]]);

    // Assert
    expect([first, replay, noProof, second].map((r) => r.statusCode)).toEqual([200, 401, 401, 200]);
    expect(reasons()).toEqual(['DPoP:replayed:jti', 'DPoP:invalid:missing']);
    expect(cache()).toEqual(['none', 'none', 'none', 'none']);
    expect(invocations).toHaveBeenCalledTimes(4);
  });
});
