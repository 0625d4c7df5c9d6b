// Unit tests of DPoP (RFC 9449) at the token endpoint through the handler: bound tokens, refused proofs, replays, DPoP-bound clients, metadata, introspection and the audit line.
import { generateKeyPairSync } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { calculateJwkThumbprint, decodeJwt, SignJWT, type JWK } from 'jose';
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
const TOKEN_URL = `${ISSUER}/oauth2/token`;
const dpopKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = dpopKey.publicKey.export({ format: 'jwk' }) as JWK;
const signer = new InMemorySigner('ES256');

function setup(options: { replayCache?: boolean } = {}) {
  // Arrange (shared): a store with a plain client and a DPoP-bound one, captured log lines.
  const lines: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  const store = new MemoryClientStore([
    clientRecord({ scopes: ['orders:read', 'token:introspect'] }),
    clientRecord({ client_id: 'bound-client', dpop_bound_access_tokens: true }),
  ]);
  const handler = createTokenHandler({
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
    clientStore: store,
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    logger: new Logger({ serviceName: 'token', logLevel: 'INFO' }),
    revocations: store,
    replayCache: options.replayCache === false ? undefined : new MemoryReplayCache(() => NOW),
  });
  return { handler, lines };
}

afterEach(() => jest.restoreAllMocks());

const proof = (claims: Record<string, unknown> = {}): Promise<string> =>
  new SignJWT({ jti: 'proof-1', htm: 'POST', htu: TOKEN_URL, iat: NOW, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
    .sign(dpopKey.privateKey);

const withDpop = (dpop: string | undefined, clientId = 'client-1'): APIGatewayProxyEvent =>
  tokenEvent({
    headers: {
      'Content-Type': FORM,
      Authorization: basicAuthorization(clientId, SECRET),
      ...(dpop === undefined ? {} : { DPoP: dpop }),
    },
  });

const logLines = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('DPoP at the token endpoint', () => {
  it('binds the token to the proof key: cnf.jkt and token_type DPoP, in the audit line too', async () => {
    // Arrange
    const { handler, lines } = setup();
    const jkt = await calculateJwkThumbprint(publicJwk);

    // Act
    const res = await handler(withDpop(await proof()));

    // Assert
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.token_type).toBe('DPoP');
    expect(decodeJwt(body.access_token).cnf).toEqual({ jkt });
    expect(logLines(lines).find((l) => l.message === 'token issued')).toMatchObject({
      tokenType: 'DPoP',
      jkt,
    });
  });

  it('issues a Bearer token without cnf when there is no DPoP header', async () => {
    // Arrange
    const { handler, lines } = setup();

    // Act
    const res = await handler(withDpop(undefined));

    // Assert
    const body = JSON.parse(res.body);
    expect(body.token_type).toBe('Bearer');
    expect(decodeJwt(body.access_token).cnf).toBeUndefined();
    expect(logLines(lines).find((l) => l.message === 'token issued')).toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it.each([
    ['wrong htu', { htu: `${ISSUER}/oauth2/revoke` }, 'htu'],
    ['wrong htm', { htm: 'GET' }, 'htm'],
    ['iat too old', { iat: NOW - 120 }, 'iat'],
  ])(
    'refuses a proof with %s: 400 invalid_dpop_proof, no token, reason logged',
    async (_l, claims, reason) => {
      // Arrange
      const { handler, lines } = setup();

      // Act
      const res = await handler(withDpop(await proof(claims)));

      // Assert
      expect(res.statusCode).toBe(400);
      const body = JSON.parse(res.body);
      expect(body.error).toBe('invalid_dpop_proof');
      expect(body.access_token).toBeUndefined();
      expect(logLines(lines).find((l) => l.message === 'token request rejected')).toMatchObject({
        error: 'invalid_dpop_proof',
        reason,
      });
    },
  );

  it('refuses two DPoP headers', async () => {
    // Arrange
    const { handler } = setup();
    const event = withDpop(await proof());
    event.multiValueHeaders = { DPoP: [await proof(), await proof({ jti: 'proof-2' })] };

    // Act
    const res = await handler(event);

    // Assert
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_dpop_proof');
  });

  it('refuses a replayed proof jti', async () => {
    // Arrange
    const { handler, lines } = setup();
    const header = await proof();

    // Act
    const first = await handler(withDpop(header));
    const second = await handler(withDpop(header));

    // Assert
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(400);
    expect(JSON.parse(second.body).error).toBe('invalid_dpop_proof');
    expect(logLines(lines).find((l) => l.message === 'token request rejected')).toMatchObject({
      reason: 'replay',
    });
  });

  it('writes no replay entry for a caller that does not authenticate', async () => {
    // Arrange
    const { handler } = setup();
    const header = await proof();
    const badSecret = withDpop(header);
    badSecret.headers.Authorization = basicAuthorization('client-1', 'wrong');

    // Act
    const refused = await handler(badSecret);
    const retried = await handler(withDpop(header));

    // Assert: the proof was not used up by the failed request.
    expect(refused.statusCode).toBe(401);
    expect(retried.statusCode).toBe(200);
  });

  it('refuses a DPoP-bound client without a proof (RFC 9449 §5.2) and serves it with one', async () => {
    // Arrange
    const { handler, lines } = setup();

    // Act
    const without = await handler(withDpop(undefined, 'bound-client'));
    const withProof = await handler(withDpop(await proof(), 'bound-client'));

    // Assert
    expect(without.statusCode).toBe(400);
    expect(JSON.parse(without.body).error).toBe('invalid_dpop_proof');
    expect(logLines(lines).find((l) => l.message === 'token request rejected')).toMatchObject({
      reason: 'required',
    });
    expect(JSON.parse(withProof.body).token_type).toBe('DPoP');
  });

  it('refuses a proof when DPoP is not offered (no replay cache), rather than issue a Bearer token', async () => {
    // Arrange
    const { handler } = setup({ replayCache: false });

    // Act
    const res = await handler(withDpop(await proof()));

    // Assert
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_dpop_proof');
  });

  it('advertises dpop_signing_alg_values_supported only when DPoP is offered', async () => {
    // Arrange
    const metadata = tokenEvent({
      resource: '/.well-known/oauth-authorization-server',
      path: '/.well-known/oauth-authorization-server',
      httpMethod: 'GET',
      body: null,
    });

    // Act
    const on = JSON.parse((await setup().handler(metadata)).body);
    const off = JSON.parse((await setup({ replayCache: false }).handler(metadata)).body);

    // Assert
    expect(on.dpop_signing_alg_values_supported).toEqual(['ES256', 'PS256', 'RS256']);
    expect(off.dpop_signing_alg_values_supported).toBeUndefined();
  });

  it('introspection returns cnf and token_type DPoP for a bound token, Bearer for another', async () => {
    // Arrange
    const { handler } = setup();
    const bound = JSON.parse((await handler(withDpop(await proof()))).body).access_token;
    const bearer = JSON.parse((await handler(withDpop(undefined))).body).access_token;
    const introspect = (token: string) =>
      handler(
        tokenEvent({
          resource: '/oauth2/introspect',
          path: '/oauth2/introspect',
          body: `token=${token}`,
        }),
      );

    // Act
    const boundView = JSON.parse((await introspect(bound)).body);
    const bearerView = JSON.parse((await introspect(bearer)).body);

    // Assert
    expect(boundView).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: await calculateJwkThumbprint(publicJwk) },
    });
    expect(bearerView.token_type).toBe('Bearer');
    expect(bearerView.cnf).toBeUndefined();
  });
});
