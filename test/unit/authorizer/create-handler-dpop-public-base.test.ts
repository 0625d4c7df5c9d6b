// DPoP routes behind CloudFront (DPOP_PUBLIC_BASE_URL, docs/dpop.md): htu is the public base followed by the path below the stage, normalised on the proof's side; a proof for another base, for the execute-api URL, or a request on another host is refused.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import type { AuthorizerConfig } from '../../../functions/authorizer/config';
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
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

const API_HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const CUSTOM_DOMAIN = 'api.example.com';
const BASE = 'https://cdn.example.com/shop';
const keys = makeKeys();
const proofKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = (key: KeyObject): JWK => key.export({ format: 'jwk' }) as JWK;

const config: AuthorizerConfig = {
  issuer: ISSUER,
  audience: AUDIENCE,
  keys: keys.trusted,
  routes: parseRouteMap({ 'GET /orders/{id}': { scopes: ['orders:read'], dpop: true } }),
  clockSkewSeconds: SKEW,
  resultTtlSeconds: 0,
  dpop: { replayTable: 'clients', allowedHosts: [API_HOST, CUSTOM_DOMAIN], publicBaseUrl: BASE },
};

/** A GET /orders/7 through CloudFront with origin path /prod: the execute-api Host, the stage in requestContext.path. */
function event(
  token: string,
  dpop: string,
  request: { host?: string; path?: string } = {},
): APIGatewayRequestAuthorizerEvent {
  const host = request.host ?? API_HOST;
  const headers = { Host: host, Authorization: `DPoP ${token}`, DPoP: dpop };
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders/7',
    resource: '/orders/{id}',
    path: '/orders/7',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: { path: request.path ?? '/prod/orders/7', stage: 'prod', apiId: 'abc123' },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

async function boundToken(): Promise<string> {
  const jkt = await calculateJwkThumbprint(publicJwk(proofKey.publicKey));
  return validToken(keys.es, validClaims({ cnf: { jkt } }));
}

async function proof(token: string, htu: string): Promise<string> {
  return new SignJWT({ jti: `jti-${htu}`, htm: 'GET', htu, iat: NOW, ath: accessTokenHash(token) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk(proofKey.publicKey) })
    .sign(proofKey.privateKey);
}

function setup() {
  const warn = jest.fn();
  const unauthorized = jest.fn();
  const handler = createAuthorizerHandler({
    config,
    clock: () => NOW_MS,
    logger: { warn },
    metrics: { decision: jest.fn(), unauthorized } as never,
    dpopReplayCache: { useOnce: jest.fn(async () => true) },
  });
  return { handler, warn, unauthorized };
}

describe('DPoP behind a public base URL', () => {
  it.each([
    ['the public URL', `${BASE}/orders/7`],
    // RFC 9449 §4.3 step 9: the proof's htu is normalised too (case, :443, dot segments, encoding).
    [
      'the public URL as the client may spell it',
      'HTTPS://CDN.example.com:443/shop/x/../orders/%37',
    ],
  ])('allows a proof for %s', async (_name, htu) => {
    // Arrange
    const { handler } = setup();
    const token = await boundToken();

    // Act
    const result = await handler(event(token, await proof(token, htu)));

    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
  });

  it.each([
    ['the execute-api URL the gateway was called on', `https://${API_HOST}/prod/orders/7`],
    ['the public host without the base path', 'https://cdn.example.com/orders/7'],
    ['the public base with the stage kept', `${BASE}/prod/orders/7`],
    ['another public base', 'https://evil.example.com/shop/orders/7'],
    ['a longer base that starts like this one', 'https://cdn.example.com/shopping/orders/7'],
    ['http', 'http://cdn.example.com/shop/orders/7'],
    ['another resource under the base', `${BASE}/orders/8`],
    ['an encoded slash in place of a separator', `${BASE}/orders%2F7`],
  ])('refuses a proof made for %s: 401, htu', async (_name, htu) => {
    // Arrange
    const { handler, warn, unauthorized } = setup();
    const token = await boundToken();

    // Act / Assert
    await expect(handler(event(token, await proof(token, htu)))).rejects.toThrow(/^Unauthorized$/);
    expect(unauthorized).toHaveBeenLastCalledWith('dpop_invalid');
    expect(warn).toHaveBeenLastCalledWith('Token rejected', { reason: 'DPoP:invalid:htu' });
  });

  it.each([
    // The docs do not say what requestContext.path holds on a custom domain.
    ['on the custom domain', { host: CUSTOM_DOMAIN }, 'mapping'],
    ['with a path that does not start with the stage', { path: '/orders/7' }, 'path'],
    ['with a dot-dot segment below the stage', { path: '/prod/x/../orders/7' }, 'path'],
    [
      'with an encoded dot-dot segment below the stage',
      { path: '/prod/x/%2e%2e/orders/7' },
      'path',
    ],
  ])('refuses a request %s, whatever its proof', async (_name, request, problem) => {
    // Arrange
    const { handler, warn } = setup();
    const token = await boundToken();

    // Act / Assert
    const dpop = await proof(token, `${BASE}/orders/7`);
    await expect(handler(event(token, dpop, request))).rejects.toThrow(/^Unauthorized$/);
    expect(warn).toHaveBeenLastCalledWith('Token rejected', { reason: `DPoP:invalid:${problem}` });
  });
});
