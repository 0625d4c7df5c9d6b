// The DPoP proof iat window as a setting (issue 25): DPOP_IAT_PAST_SECONDS / DPOP_IAT_FUTURE_SECONDS parsed in both functions within functions/shared/limits.ts, honoured at the token endpoint and the authorizer, and every replay entry kept past the last moment its proof could be accepted.
import { generateKeyPairSync } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import fc from 'fast-check';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import { loadAuthorizerSettings } from '../../../functions/authorizer/config';
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import type { DpopProofUse } from '../../../functions/authorizer/core/dpop-replay';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import { accessTokenHash, DEFAULT_DPOP_IAT_WINDOW } from '../../../functions/shared/dpop-proof';
import { dpopIatWindow } from '../../../functions/shared/env';
import { DPOP_IAT_FUTURE_SECONDS, DPOP_IAT_PAST_SECONDS } from '../../../functions/shared/limits';
import { loadTokenConfig } from '../../../functions/token/config';
import { createTokenHandler } from '../../../functions/token/create-handler';
import { basicAuthorization } from '../../support/basic-auth';
import { MemoryReplayCache } from '../../support/client-assertions';
import { FakeHasher } from '../../support/fake-hasher';
import {
  AUDIENCE,
  ISSUER as JWT_ISSUER,
  makeKeys,
  NOW as JWT_NOW,
  NOW_MS as JWT_NOW_MS,
  SKEW,
  validClaims,
  validToken,
} from '../../support/jwt-fixtures';
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

const dpopKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = dpopKey.publicKey.export({ format: 'jwk' }) as JWK;

describe('dpopIatWindow (DPOP_IAT_PAST_SECONDS, DPOP_IAT_FUTURE_SECONDS)', () => {
  it('defaults to the limits, which are DEFAULT_DPOP_IAT_WINDOW', () => {
    // Act
    const window = dpopIatWindow({});

    // Assert
    expect(window).toEqual({
      pastSeconds: DPOP_IAT_PAST_SECONDS.default,
      futureSeconds: DPOP_IAT_FUTURE_SECONDS.default,
    });
    expect(window).toEqual(DEFAULT_DPOP_IAT_WINDOW);
  });

  it('reads both bounds, inclusive, in both functions', () => {
    // Arrange
    const env = {
      DPOP_IAT_PAST_SECONDS: String(DPOP_IAT_PAST_SECONDS.max),
      DPOP_IAT_FUTURE_SECONDS: String(DPOP_IAT_FUTURE_SECONDS.min),
    };
    const expected = {
      pastSeconds: DPOP_IAT_PAST_SECONDS.max,
      futureSeconds: DPOP_IAT_FUTURE_SECONDS.min,
    };

    // Act
    const token = loadTokenConfig({
      ISSUER: 'https://auth.example.com',
      DEFAULT_AUDIENCE: 'api',
      CLIENTS_TABLE: 'clients',
      SIGNING_KEY_ID: 'alias/k',
      ...env,
    });
    const authorizer = loadAuthorizerSettings({
      ISSUER: 'https://auth.example.com',
      AUDIENCE: 'api',
      ...env,
    });

    // Assert
    expect(token.dpopIatWindow).toEqual(expected);
    expect(authorizer.dpopIatWindow).toEqual(expected);
  });

  it.each([
    ['DPOP_IAT_PAST_SECONDS', String(DPOP_IAT_PAST_SECONDS.min - 1)],
    ['DPOP_IAT_PAST_SECONDS', String(DPOP_IAT_PAST_SECONDS.max + 1)],
    ['DPOP_IAT_PAST_SECONDS', '60.5'],
    ['DPOP_IAT_FUTURE_SECONDS', String(DPOP_IAT_FUTURE_SECONDS.max + 1)],
    ['DPOP_IAT_FUTURE_SECONDS', '-1'],
    ['DPOP_IAT_FUTURE_SECONDS', 'ten'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    // Act / Assert
    expect(() => dpopIatWindow({ [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name} must be`),
    );
  });
});

describe('the token endpoint with a configured window', () => {
  const NOW = Math.floor(FIXED_NOW_MS / 1000);

  function setup(window: { pastSeconds: number; futureSeconds: number }) {
    const replay = new MemoryReplayCache(() => NOW);
    const signer = new InMemorySigner('ES256');
    const handler = createTokenHandler({
      config: {
        issuer: ISSUER,
        defaultAudience: 'aud',
        tokenTtlSeconds: 600,
        scopesSupported: [],
        dpopIatWindow: window,
      },
      clientStore: new MemoryClientStore([clientRecord()]),
      signer,
      publicKeys: signer,
      hasher: new FakeHasher(),
      clock: () => FIXED_NOW_MS,
      randomBytes: countingBytes,
      replayCache: replay,
    });
    return { handler, replay };
  }

  const request = async (iat: number, jti: string) =>
    tokenEvent({
      headers: {
        'Content-Type': FORM,
        Authorization: basicAuthorization('client-1', SECRET),
        DPoP: await new SignJWT({ jti, htm: 'POST', htu: `${ISSUER}/oauth2/token`, iat })
          .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
          .sign(dpopKey.privateKey),
      },
    });

  it('accepts iat at both edges of the window and refuses one second beyond either', async () => {
    // Arrange
    const { handler } = setup({ pastSeconds: 120, futureSeconds: 20 });

    // Act
    const statuses = [];
    for (const [i, iat] of [NOW - 120, NOW + 20, NOW - 121, NOW + 21].entries()) {
      statuses.push((await handler(await request(iat, `edge-${i}`))).statusCode);
    }

    // Assert: the default window (60 s / 5 s) would have refused the first two.
    expect(statuses).toEqual([200, 200, 400, 400]);
  });

  it('keeps every accepted proof id past the last second its proof could be accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: DPOP_IAT_PAST_SECONDS.min, max: DPOP_IAT_PAST_SECONDS.max }),
        fc.integer({ min: DPOP_IAT_FUTURE_SECONDS.min, max: DPOP_IAT_FUTURE_SECONDS.max }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (pastSeconds, futureSeconds, where) => {
          // Arrange: an iat anywhere in the accepted range.
          const { handler, replay } = setup({ pastSeconds, futureSeconds });
          const iat = Math.round(NOW - pastSeconds + where * (pastSeconds + futureSeconds));

          // Act
          const res = await handler(await request(iat, 'property'));

          // Assert: accepted until now = iat + pastSeconds; the entry lives longer.
          expect(res.statusCode).toBe(200);
          const [entry] = [...replay.used.values()];
          expect(entry?.expiresAt).toBeGreaterThan(iat + pastSeconds);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('the authorizer with a configured window', () => {
  const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
  const keys = makeKeys();

  function setup(window: { pastSeconds: number; futureSeconds: number }) {
    const uses: DpopProofUse[] = [];
    const handler = createAuthorizerHandler({
      config: {
        issuer: JWT_ISSUER,
        audience: AUDIENCE,
        keys: keys.trusted,
        routes: parseRouteMap({ 'GET /orders/{id}': { scopes: ['orders:read'], dpop: true } }),
        clockSkewSeconds: SKEW,
        resultTtlSeconds: 0,
        dpop: { replayTable: 'clients', allowedHosts: [HOST] },
        dpopIatWindow: window,
      },
      clock: () => JWT_NOW_MS,
      dpopReplayCache: {
        useOnce: async (use) => {
          uses.push(use);
          return true;
        },
      },
    });
    return { handler, uses };
  }

  async function event(iat: number): Promise<APIGatewayRequestAuthorizerEvent> {
    const jkt = await calculateJwkThumbprint(publicJwk);
    const token = await validToken(keys.es, validClaims({ cnf: { jkt } }));
    const dpop = await new SignJWT({
      jti: `j-${iat}`,
      htm: 'GET',
      htu: `https://${HOST}/prod/orders/7`,
      iat,
      ath: accessTokenHash(token),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
      .sign(dpopKey.privateKey);
    return {
      type: 'REQUEST',
      methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders/7`,
      resource: '/orders/{id}',
      path: '/orders/7',
      httpMethod: 'GET',
      headers: { Host: HOST, Authorization: `DPoP ${token}`, DPoP: dpop },
      multiValueHeaders: { Host: [HOST], Authorization: [`DPoP ${token}`], DPoP: [dpop] },
      requestContext: { path: '/prod/orders/7', stage: 'prod' },
    } as unknown as APIGatewayRequestAuthorizerEvent;
  }

  it('accepts iat at both edges, refuses beyond, and keeps the entry past the window', async () => {
    // Arrange
    const { handler, uses } = setup({ pastSeconds: 200, futureSeconds: 30 });

    // Act
    const allowOld = await handler(await event(JWT_NOW - 200));
    const allowAhead = await handler(await event(JWT_NOW + 30));
    const tooOld = await handler(await event(JWT_NOW - 201)).catch((e: Error) => e.message);
    const tooFar = await handler(await event(JWT_NOW + 31)).catch((e: Error) => e.message);

    // Assert
    expect(allowOld.policyDocument.Statement[0].Effect).toBe('Allow');
    expect(allowAhead.policyDocument.Statement[0].Effect).toBe('Allow');
    expect([tooOld, tooFar]).toEqual(['Unauthorized', 'Unauthorized']);
    expect(uses.map((u) => u.expiresAt)).toEqual([
      JWT_NOW - 200 + 200 + 30 + 30,
      JWT_NOW + 30 + 200 + 30 + 30,
    ]);
    expect(uses.every((u, i) => u.expiresAt > [JWT_NOW - 200, JWT_NOW + 30][i]! + 200)).toBe(true);
  });
});
