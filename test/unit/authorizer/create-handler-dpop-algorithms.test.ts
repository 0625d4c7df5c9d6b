// The authorizer's DPoP proof algorithms (DPOP_ALGORITHMS, docs/dpop.md): configured for the FAPI 2.0 profile it refuses an RS256 proof that it otherwise accepts, and every subset accepts exactly its own algorithms.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import { loadAuthorizerSettings } from '../../../functions/authorizer/config';
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import {
  accessTokenHash,
  DPOP_ALGORITHMS,
  type DpopAlgorithm,
} from '../../../functions/shared/dpop-proof';
import { FAPI2_DPOP_ALGORITHMS } from '../../../functions/token/core/security-profile';
import {
  AUDIENCE,
  ISSUER,
  makeKeys,
  NOW,
  NOW_MS,
  validClaims,
  validToken,
} from '../../support/jwt-fixtures';

const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const keys = makeKeys();
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicJwk = (key: KeyObject): JWK => key.export({ format: 'jwk' }) as JWK;
const keyFor = (alg: DpopAlgorithm): typeof ecKey => (alg === 'ES256' ? ecKey : rsaKey);

/**
 * The value the root module gives DPOP_ALGORITHMS under security_profile = "fapi2"
 * (security-profile.tf, local.dpop_algorithms), read from the file.
 */
function rootFapi2Algorithms(): unknown {
  const tf = fs.readFileSync(path.join(__dirname, '../../../security-profile.tf'), 'utf8');
  const list = /^\s*dpop_algorithms\s*=\s*local\.fapi2\s*\?\s*(\[[^\]]*\])\s*:\s*null\s*$/m.exec(
    tf,
  )?.[1];
  return list === undefined ? undefined : JSON.parse(list);
}

/** An authorizer built from its environment, as the function's cold start builds it. */
function setup(algorithms?: readonly string[]) {
  const settings = loadAuthorizerSettings({
    ISSUER,
    AUDIENCE,
    AUTHORIZER_RESULT_TTL_SECONDS: '0',
    DPOP_REPLAY_TABLE: 'clients',
    DPOP_ALLOWED_HOSTS: JSON.stringify([HOST]),
    ...(algorithms === undefined ? {} : { DPOP_ALGORITHMS: JSON.stringify(algorithms) }),
  });
  const warn = jest.fn();
  const unauthorized = jest.fn();
  const useOnce = jest.fn(async () => true);
  const handler = createAuthorizerHandler({
    config: {
      ...settings,
      keys: keys.trusted,
      routes: parseRouteMap({ 'GET /orders/{id}': { scopes: ['orders:read'], dpop: true } }),
    },
    clock: () => NOW_MS,
    logger: { warn },
    metrics: { decision: jest.fn(), unauthorized } as never,
    dpopReplayCache: { useOnce },
  });
  return { handler, warn, unauthorized, useOnce };
}

/** A GET /orders/7 with a token bound to the proof's key and a proof made by jose with `alg`. */
async function request(alg: DpopAlgorithm): Promise<APIGatewayRequestAuthorizerEvent> {
  const key = keyFor(alg);
  const jwk = publicJwk(key.publicKey);
  const token = validToken(
    keys.es,
    validClaims({ cnf: { jkt: await calculateJwkThumbprint(jwk) } }),
  );
  const proof = await new SignJWT({
    jti: `jti-${alg}-${Math.random().toString(36).slice(2)}`,
    htm: 'GET',
    htu: `https://${HOST}/prod/orders/7`,
    iat: NOW,
    ath: accessTokenHash(token),
  })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
    .sign(key.privateKey);
  const headers = { Host: HOST, Authorization: `DPoP ${token}`, DPoP: proof };
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders/7',
    resource: '/orders/{id}',
    path: '/orders/7',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: { path: '/prod/orders/7', stage: 'prod' },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

describe('DPoP proof algorithms at the authorizer (FAPI 2.0: ES256, PS256)', () => {
  it("is configured by the root module under fapi2 with the token endpoint's list", () => {
    // Assert: what Terraform writes is what the token function accepts and advertises.
    expect(rootFapi2Algorithms()).toEqual([...FAPI2_DPOP_ALGORITHMS]);
  });

  it('refuses an RS256 proof (DPoP:invalid:alg) before recording its jti', async () => {
    // Arrange
    const { handler, warn, unauthorized, useOnce } = setup(FAPI2_DPOP_ALGORITHMS);

    // Act / Assert
    await expect(handler(await request('RS256'))).rejects.toThrow(/^Unauthorized$/);
    expect(warn).toHaveBeenLastCalledWith('Token rejected', { reason: 'DPoP:invalid:alg' });
    expect(unauthorized).toHaveBeenLastCalledWith('dpop_invalid');
    expect(useOnce).not.toHaveBeenCalled();
  });

  it.each(['PS256', 'ES256'] as const)('allows a %s proof', async (alg) => {
    // Arrange
    const { handler, useOnce } = setup(FAPI2_DPOP_ALGORITHMS);

    // Act
    const result = await handler(await request(alg));

    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
    expect(useOnce).toHaveBeenCalledTimes(1);
  });

  it('allows the same RS256 proof without DPOP_ALGORITHMS (the default: every algorithm)', async () => {
    // Arrange: the control for the refusal above.
    const { handler } = setup();

    // Act
    const result = await handler(await request('RS256'));

    // Assert
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
  });

  // Exhaustive: every non-empty subset against every algorithm.
  const subsets = Array.from({ length: 2 ** DPOP_ALGORITHMS.length - 1 }, (_, i) =>
    DPOP_ALGORITHMS.filter((_, bit) => ((i + 1) >> bit) & 1),
  );
  it.each(subsets.flatMap((subset) => DPOP_ALGORITHMS.map((alg) => [subset.join(','), alg])))(
    'configured for [%s], decides a %s proof by membership alone',
    async (list, alg) => {
      // Arrange
      const subset = list.split(',');
      const { handler, warn } = setup(subset);

      // Act
      const decision = await handler(await request(alg as DpopAlgorithm)).then(
        (result) => result.policyDocument.Statement[0].Effect,
        (error: Error) => error.message,
      );

      // Assert
      expect(decision).toBe(subset.includes(alg) ? 'Allow' : 'Unauthorized');
      if (!subset.includes(alg)) {
        expect(warn).toHaveBeenLastCalledWith('Token rejected', { reason: 'DPoP:invalid:alg' });
      }
    },
  );
});
