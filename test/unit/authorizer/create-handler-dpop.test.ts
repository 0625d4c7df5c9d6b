// The authorizer's DPoP routes (RFC 9449 §7, issue 25 items 2 and 3): proofs made by jose are allowed once; each refusal (scheme, header, method, URL, token, ath, jkt, replay, failed write, cached authorizer) is a 401 counted under its reason.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import type { AuthorizerConfig } from '../../../functions/authorizer/config';
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import type { DpopProofUse } from '../../../functions/authorizer/core/dpop-replay';
import { DPOP_JTI_PREFIX } from '../../../functions/authorizer/core/dpop-request';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import type { UnauthorizedReason } from '../../../functions/authorizer/rejections';
import { accessTokenHash } from '../../../functions/shared/dpop-proof';
import {
  AUDIENCE,
  ISSUER,
  makeKeys,
  NOW,
  NOW_MS,
  SKEW,
  validClaims,
  validToken,
} from '../../support/jwt-fixtures';

const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const keys = makeKeys();
const proofKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = (key: KeyObject): JWK => key.export({ format: 'jwk' }) as JWK;

const ROUTES = parseRouteMap({
  'GET /orders/{id}': { scopes: ['orders:read'], dpop: true },
  'POST /orders': { scopes: ['orders:write'], dpop: true },
  'GET /health': [],
});

const baseConfig: AuthorizerConfig = {
  issuer: ISSUER,
  audience: AUDIENCE,
  keys: keys.trusted,
  routes: ROUTES,
  clockSkewSeconds: SKEW,
  resultTtlSeconds: 0,
  dpop: { replayTable: 'clients', allowedHosts: [HOST] },
};

/** An in-memory replay cache: the adapter's contract (first use true, then false). */
function memoryReplayCache(): { useOnce: jest.Mock<Promise<boolean>, [DpopProofUse]> } {
  const seen = new Set<string>();
  return {
    useOnce: jest.fn(async (use: DpopProofUse) => {
      if (seen.has(use.key)) return false;
      seen.add(use.key);
      return true;
    }),
  };
}

interface RequestSpec {
  authorization?: string;
  dpop?: string | string[];
  method?: string;
  resource?: string;
  path?: string;
  host?: string;
}

function event(spec: RequestSpec): APIGatewayRequestAuthorizerEvent {
  const method = spec.method ?? 'GET';
  const path = spec.path ?? '/orders/7';
  const headers: Record<string, string> = { Host: spec.host ?? HOST };
  const multi: Record<string, string[]> = { Host: [spec.host ?? HOST] };
  if (spec.authorization !== undefined) {
    headers.Authorization = spec.authorization;
    multi.Authorization = [spec.authorization];
  }
  if (spec.dpop !== undefined) {
    const values = Array.isArray(spec.dpop) ? spec.dpop : [spec.dpop];
    headers.DPoP = values[0] as string;
    multi.DPoP = values;
  }
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/${method}${path}`,
    resource: spec.resource ?? '/orders/{id}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: multi,
    // requestContext.path keeps the stage on an execute-api host (see core/dpop-request.ts).
    requestContext: { path: `/prod${path}`, stage: 'prod' },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

const jkt = async (key: KeyObject): Promise<string> => calculateJwkThumbprint(publicJwk(key));

/** A bound token for proofKey (or another thumbprint). */
async function boundToken(thumbprint?: string): Promise<string> {
  return validToken(
    keys.es,
    validClaims({ cnf: { jkt: thumbprint ?? (await jkt(proofKey.publicKey)) } }),
  );
}

/** A proof made by jose for a request; claims override the defaults. */
async function proof(
  token: string,
  claims: Record<string, unknown> = {},
  signer: { privateKey: KeyObject; publicKey: KeyObject } = proofKey,
): Promise<string> {
  return new SignJWT({
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    htm: 'GET',
    htu: `https://${HOST}/prod/orders/7`,
    iat: NOW,
    ath: accessTokenHash(token),
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk(signer.publicKey) })
    .sign(signer.privateKey);
}

function setup(config: Partial<AuthorizerConfig> = {}, replay = memoryReplayCache()) {
  const logger = { warn: jest.fn() };
  const metrics = {
    decision: jest.fn(),
    unauthorized: jest.fn(),
    revocationCacheHit: jest.fn(),
    revocationReadFailure: jest.fn(),
  };
  const handler = createAuthorizerHandler({
    config: { ...baseConfig, ...config },
    clock: () => NOW_MS,
    logger,
    metrics: metrics as never,
    dpopReplayCache: replay,
  });
  const refusedAs = async (
    request: APIGatewayRequestAuthorizerEvent,
    reason: UnauthorizedReason,
  ): Promise<void> => {
    await expect(handler(request)).rejects.toThrow(/^Unauthorized$/);
    expect(metrics.unauthorized).toHaveBeenLastCalledWith(reason);
  };
  return { handler, logger, metrics, replay, refusedAs };
}

describe('DPoP route: allowed', () => {
  it('allows a bound token with a fresh proof for this method, URL and token, and records its jti once', async () => {
    // Arrange
    const { handler, replay } = setup();
    const token = await boundToken();
    const dpop = await proof(token);

    // Act
    const result = await handler(event({ authorization: `DPoP ${token}`, dpop }));

    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
    expect(replay.useOnce).toHaveBeenCalledTimes(1);
    const use = replay.useOnce.mock.calls[0]?.[0] as DpopProofUse;
    expect(use.key.startsWith(DPOP_JTI_PREFIX)).toBe(true);
    expect(use.expiresAt).toBeGreaterThan(NOW);
  });

  it('accepts the scheme in any case and a host spelled in upper case or with :443', async () => {
    // Arrange
    const { handler } = setup();
    const token = await boundToken();

    // Act
    const result = await handler(
      event({
        authorization: `dpop ${token}`,
        dpop: await proof(token),
        host: `${HOST.toUpperCase()}:443`,
      }),
    );

    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
  });

  it('a valid proof on a route the token has no scope for gets a Deny (403) and uses no jti', async () => {
    // Arrange
    const { handler, replay } = setup();
    const token = await boundToken();
    const dpop = await proof(token, { htm: 'POST', htu: `https://${HOST}/prod/orders` });

    // Act
    const result = await handler(
      event({
        authorization: `DPoP ${token}`,
        dpop,
        method: 'POST',
        resource: '/orders',
        path: '/orders',
      }),
    );

    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Deny');
    expect(replay.useOnce).not.toHaveBeenCalled();
  });
});

describe('DPoP route: refused', () => {
  it('refuses a replayed proof (same jti, byte for byte)', async () => {
    // Arrange
    const { handler, refusedAs } = setup();
    const token = await boundToken();
    const request = event({ authorization: `DPoP ${token}`, dpop: await proof(token) });
    await handler(request);

    // Act / Assert
    await refusedAs(request, 'dpop_replayed');
  });

  it('fails closed when the replay write fails', async () => {
    // Arrange
    const failing = { useOnce: jest.fn(async () => Promise.reject(new Error('throttled'))) };
    const { refusedAs } = setup({}, failing as never);
    const token = await boundToken();

    // Act / Assert
    await refusedAs(
      event({ authorization: `DPoP ${token}`, dpop: await proof(token) }),
      'dpop_replay_unavailable',
    );
  });

  it('refuses every DPoP request when the authorizer may be cached (result TTL not 0 or unknown)', async () => {
    const token = await boundToken();
    for (const resultTtlSeconds of [300, 1, undefined]) {
      // Arrange
      const { refusedAs, replay } = setup({ resultTtlSeconds });

      // Act / Assert
      await refusedAs(
        event({ authorization: `DPoP ${token}`, dpop: await proof(token) }),
        'dpop_not_accepted',
      );
      expect(replay.useOnce).not.toHaveBeenCalled();
    }
  });

  it('refuses DPoP requests without DPoP settings', async () => {
    // Arrange
    const { refusedAs } = setup({ dpop: undefined });
    const token = await boundToken();

    // Act / Assert
    await refusedAs(
      event({ authorization: `DPoP ${token}`, dpop: await proof(token) }),
      'dpop_not_accepted',
    );
  });

  it('refuses an unbound Bearer token on a dpop route (wrong scheme)', async () => {
    // Arrange
    const { refusedAs } = setup();

    // Act / Assert
    await refusedAs(event({ authorization: `Bearer ${validToken(keys.es)}` }), 'dpop_required');
  });

  it('refuses a bound token sent as Bearer, even with a valid proof', async () => {
    // Arrange
    const { refusedAs } = setup();
    const token = await boundToken();

    // Act / Assert
    await refusedAs(
      event({ authorization: `Bearer ${token}`, dpop: await proof(token) }),
      'dpop_bound_as_bearer',
    );
  });

  it('refuses a DPoP token on a route without the dpop constraint', async () => {
    // Arrange
    const { refusedAs } = setup();
    const token = await boundToken();
    const dpop = await proof(token, { htu: `https://${HOST}/prod/health` });

    // Act / Assert
    await refusedAs(
      event({ authorization: `DPoP ${token}`, dpop, resource: '/health', path: '/health' }),
      'dpop_not_accepted',
    );
  });

  it('refuses an unbound token sent with the DPoP scheme', async () => {
    // Arrange
    const { refusedAs } = setup();
    const token = validToken(keys.es);

    // Act / Assert
    await refusedAs(
      event({ authorization: `DPoP ${token}`, dpop: await proof(token) }),
      'dpop_invalid',
    );
  });

  it.each<[string, (token: string) => Promise<RequestSpec>]>([
    ['a missing DPoP header', async () => ({})],
    ['two DPoP headers', async (token) => ({ dpop: [await proof(token), await proof(token)] })],
    [
      'a proof for another method',
      async (token) => ({ dpop: await proof(token, { htm: 'POST' }) }),
    ],
    [
      'a proof for another URL',
      async (token) => ({ dpop: await proof(token, { htu: `https://${HOST}/prod/orders/8` }) }),
    ],
    [
      'a proof without the stage in its URL',
      async (token) => ({ dpop: await proof(token, { htu: `https://${HOST}/orders/7` }) }),
    ],
    [
      'a proof for another host',
      async (token) => ({
        dpop: await proof(token, { htu: 'https://evil.example.com/prod/orders/7' }),
        host: 'evil.example.com',
      }),
    ],
    [
      'a proof over http',
      async (token) => ({ dpop: await proof(token, { htu: `http://${HOST}/prod/orders/7` }) }),
    ],
    [
      'a proof for another token (ath mismatch)',
      async (token) => ({
        dpop: await proof(token, { ath: accessTokenHash(`${token}x`) }),
      }),
    ],
    ['a proof without ath', async (token) => ({ dpop: await proof(token, { ath: undefined }) })],
    ['a proof from the past', async (token) => ({ dpop: await proof(token, { iat: NOW - 120 }) })],
    [
      'a proof signed by another key than the token is bound to (jkt mismatch)',
      async (token) => ({ dpop: await proof(token, {}, otherKey) }),
    ],
  ])('refuses %s', async (_name, build) => {
    // Arrange
    const { refusedAs, replay } = setup();
    const token = await boundToken();
    const spec = await build(token);

    // Act / Assert
    await refusedAs(event({ authorization: `DPoP ${token}`, ...spec }), 'dpop_invalid');
    expect(replay.useOnce).not.toHaveBeenCalled();
  });

  it('logs which check refused, never the token or the proof', async () => {
    // Arrange
    const { handler, logger } = setup();
    const token = await boundToken();
    const dpop = await proof(token, { htm: 'POST' });

    // Act
    await expect(handler(event({ authorization: `DPoP ${token}`, dpop }))).rejects.toThrow();

    // Assert
    expect(logger.warn).toHaveBeenCalledWith('Token rejected', { reason: 'DPoP:invalid:htm' });
    const logged = JSON.stringify(logger.warn.mock.calls);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(dpop);
  });
});
