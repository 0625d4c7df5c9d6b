// DPoP server nonces through the token handler (RFC 9449 §8): 400 use_dpop_nonce with one DPoP-Nonce header for a missing or bad nonce, the retry with it gets a token and the next nonce, a failed derivation never issues, and the proof id is used up only by an accepted proof.
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { decodeJwt, SignJWT, type JWK } from 'jose';
import { DPOP_NONCE_PERIOD_SECONDS } from '../../../functions/shared/limits';
import type { NonceMac } from '../../../functions/token/core/dpop-nonce';
import { ServerError, TemporarilyUnavailableError } from '../../../functions/token/core/errors';
import { createTokenHandler } from '../../../functions/token/create-handler';
import { basicAuthorization } from '../../support/basic-auth';
import { MemoryReplayCache } from '../../support/client-assertions';
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
const dpopKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = dpopKey.publicKey.export({ format: 'jwk' }) as JWK;
const signer = new InMemorySigner('ES256');

/** The nonce a window has, computed as KMS HMAC_SHA_256 would. */
const nonceOf = (ms: number, issuer = ISSUER): string =>
  createHmac('sha256', KEY)
    .update(`dpop-nonce:v1:${issuer}:${Math.floor(ms / (DPOP_NONCE_PERIOD_SECONDS * 1000))}`)
    .digest('base64url');

function setup(options: { mac?: NonceMac; now?: () => number } = {}) {
  const lines: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  const macCalls: string[] = [];
  const mac: NonceMac = options.mac ?? {
    mac: async (message) => {
      macCalls.push(message);
      return createHmac('sha256', KEY).update(message).digest();
    },
  };
  const replay = new MemoryReplayCache(() => NOW);
  const handler = createTokenHandler({
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
    clientStore: new MemoryClientStore([clientRecord()]),
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: options.now ?? (() => FIXED_NOW_MS),
    randomBytes: countingBytes,
    logger: new Logger({ serviceName: 'token', logLevel: 'INFO' }),
    replayCache: replay,
    nonceMac: mac,
  });
  return { handler, lines, replay, macCalls };
}

afterEach(() => jest.restoreAllMocks());

let jtiCounter = 0;
const proof = (claims: Record<string, unknown> = {}): Promise<string> =>
  new SignJWT({
    jti: `proof-${(jtiCounter += 1)}`,
    htm: 'POST',
    htu: `${ISSUER}/oauth2/token`,
    iat: NOW,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
    .sign(dpopKey.privateKey);

const request = (dpop: string | undefined, secret = SECRET): APIGatewayProxyEvent =>
  tokenEvent({
    headers: {
      'Content-Type': FORM,
      Authorization: basicAuthorization('client-1', secret),
      ...(dpop === undefined ? {} : { DPoP: dpop }),
    },
  });

const body = (res: APIGatewayProxyResult): Record<string, unknown> =>
  JSON.parse(res.body) as Record<string, unknown>;

const rejectionLog = (lines: string[]): Record<string, unknown> | undefined =>
  lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.message === 'token request rejected');

describe('DPoP server nonces at the token endpoint', () => {
  it('answers a proof without nonce with 400 use_dpop_nonce and one DPoP-Nonce; the retry with it gets a token', async () => {
    // Arrange
    const { handler, lines } = setup();

    // Act
    const first = await handler(request(await proof()));
    const nonce = first.headers?.['DPoP-Nonce'];
    const second = await handler(request(await proof({ nonce })));

    // Assert: RFC 9449 §8 Figure 20, then §8.2 Figure 23
    expect(first.statusCode).toBe(400);
    expect(body(first)).toEqual({
      error: 'use_dpop_nonce',
      error_description: 'the authorization server requires a nonce in the DPoP proof',
    });
    expect(first.headers).toMatchObject({
      'Cache-Control': 'no-store',
      'DPoP-Nonce': nonceOf(FIXED_NOW_MS),
    });
    expect(first.multiValueHeaders?.['DPoP-Nonce']).toBeUndefined();
    expect(rejectionLog(lines)).toMatchObject({ error: 'use_dpop_nonce', reason: 'nonce_missing' });
    expect(second.statusCode).toBe(200);
    expect(body(second).token_type).toBe('DPoP');
    expect(second.headers).toMatchObject({ 'Cache-Control': 'no-store', 'DPoP-Nonce': nonce });
    expect(decodeJwt(body(second).access_token as string).cnf).toBeDefined();
  });

  it("accepts the previous window's nonce and hands out the current one", async () => {
    // Arrange
    const later = FIXED_NOW_MS + DPOP_NONCE_PERIOD_SECONDS * 1000;
    const { handler } = setup({ now: () => later });

    // Act
    const res = await handler(
      request(await proof({ nonce: nonceOf(FIXED_NOW_MS), iat: Math.floor(later / 1000) })),
    );

    // Assert
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['DPoP-Nonce']).toBe(nonceOf(later));
  });

  it.each([
    [
      'a nonce from a far window',
      () => nonceOf(FIXED_NOW_MS - 10 * DPOP_NONCE_PERIOD_SECONDS * 1000),
    ],
    ['a forged nonce', () => randomBytes(32).toString('base64url')],
    ['a nonce for another issuer', () => nonceOf(FIXED_NOW_MS, 'https://other.example.com')],
    ['a nonce of the wrong type (number)', () => 42],
    ['a nonce of the wrong type (array)', () => [nonceOf(FIXED_NOW_MS)]],
    [
      'a nonce from the next window',
      () => nonceOf(FIXED_NOW_MS + DPOP_NONCE_PERIOD_SECONDS * 1000),
    ],
  ])(
    'refuses %s: 400 use_dpop_nonce with the current nonce, no token, the proof id not used up',
    async (_l, value) => {
      // Arrange
      const { handler, lines, replay } = setup();

      // Act
      const res = await handler(request(await proof({ nonce: value() })));

      // Assert
      expect(res.statusCode).toBe(400);
      expect(body(res).error).toBe('use_dpop_nonce');
      expect(body(res).access_token).toBeUndefined();
      expect(res.headers?.['DPoP-Nonce']).toBe(nonceOf(FIXED_NOW_MS));
      expect(rejectionLog(lines)).toMatchObject({ reason: 'nonce_invalid' });
      expect(replay.used.size).toBe(0);
    },
  );

  it.each([
    ['throttled', new TemporarilyUnavailableError('busy'), 503, 'temporarily_unavailable'],
    ['denied', new ServerError('denied'), 500, 'server_error'],
  ])('never issues when the nonce cannot be derived (%s)', async (_l, error, status, code) => {
    // Arrange
    const { handler } = setup({ mac: { mac: async () => Promise.reject(error) } });

    // Act
    const res = await handler(request(await proof({ nonce: nonceOf(FIXED_NOW_MS) })));

    // Assert
    expect(res.statusCode).toBe(status);
    expect(body(res).error).toBe(code);
    expect(res.headers?.['DPoP-Nonce']).toBeUndefined();
  });

  it('answers invalid_client, without a nonce, to a client that fails to authenticate', async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const res = await handler(request(await proof(), 'wrong-secret'));

    // Assert
    expect(res.statusCode).toBe(401);
    expect(body(res).error).toBe('invalid_client');
    expect(res.headers?.['DPoP-Nonce']).toBeUndefined();
  });

  it('issues Bearer tokens without a nonce and without deriving one', async () => {
    // Arrange
    const { handler, macCalls } = setup();

    // Act
    const res = await handler(request(undefined));

    // Assert
    expect(res.statusCode).toBe(200);
    expect(body(res).token_type).toBe('Bearer');
    expect(res.headers?.['DPoP-Nonce']).toBeUndefined();
    expect(macCalls).toEqual([]);
  });

  it('derives the nonce once per window however many requests the container serves', async () => {
    // Arrange
    const { handler, macCalls } = setup();

    // Act
    for (let i = 0; i < 5; i++) {
      await handler(request(await proof({ nonce: nonceOf(FIXED_NOW_MS) })));
      await handler(request(await proof()));
    }

    // Assert
    expect(macCalls).toHaveLength(1);
  });

  it('uses the proof id once: a replayed proof with a valid nonce is refused', async () => {
    // Arrange
    const { handler } = setup();
    const dpop = await proof({ nonce: nonceOf(FIXED_NOW_MS) });

    // Act
    const first = await handler(request(dpop));
    const replay = await handler(request(dpop));

    // Assert
    expect(first.statusCode).toBe(200);
    expect(replay.statusCode).toBe(400);
    expect(body(replay).error).toBe('invalid_dpop_proof');
  });
});
