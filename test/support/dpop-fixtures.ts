// DPoP request fixtures for the authorizer's unit tests: ES256 proofs signed synchronously with node:crypto, REQUEST events for a DPoP route, an in-memory replay cache and a handler with counted outcomes.
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerConfig } from '../../functions/authorizer/config';
import {
  createAuthorizerHandler,
  type AuthorizerDeps,
} from '../../functions/authorizer/create-handler';
import type { DpopProofUse } from '../../functions/authorizer/core/dpop-replay';
import { parseRouteMap } from '../../functions/authorizer/core/route-map';
import type { UnauthorizedReason } from '../../functions/authorizer/rejections';
import { accessTokenHash } from '../../functions/shared/dpop-proof';
import { jwkThumbprint } from '../../functions/shared/jwk';
import { AUDIENCE, b64json, ISSUER, NOW, SKEW } from './jwt-fixtures';

/** The allowed host of the DPoP routes. */
export const DPOP_HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';

/** A client's DPoP key pair and its public JWK and RFC 7638 thumbprint. */
export interface ProofKey {
  privateKey: KeyObject;
  jwk: { kty: string; crv: string; x: string; y: string };
  jkt: string;
}

/** A fresh P-256 proof key. */
export function makeProofKey(): ProofKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const jwk = { kty: kty!, crv: crv!, x: x!, y: y! };
  return { privateKey, jwk, jkt: jwkThumbprint(jwk) };
}

/**
 * An ES256 DPoP proof for `GET https://<DPOP_HOST>/prod<path>` and a token (RFC 9449 §4.2).
 * @param key the client's proof key
 * @param token the access token its `ath` hashes
 * @param claims overrides of the default claims (`undefined` removes one)
 * @returns the compact JWS
 */
export function signProof(
  key: ProofKey,
  token: string,
  claims: Record<string, unknown> = {},
): string {
  const input = `${b64json({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk })}.${b64json({
    jti: randomUUID(),
    htm: 'GET',
    htu: `https://${DPOP_HOST}/prod/orders/7`,
    iat: NOW,
    ath: accessTokenHash(token),
    ...claims,
  })}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

/** A request for a route of {@link DPOP_ROUTES}. */
export interface DpopRequestSpec {
  authorization: string;
  dpop?: string;
  method?: string;
  resource?: string;
  path?: string;
}

/**
 * The REQUEST event API Gateway sends for a request on the execute-api host (see
 * functions/authorizer/core/dpop-request.ts for what `requestContext.path` holds).
 * @param spec the Authorization and DPoP headers and the route
 * @returns the event
 */
export function dpopEvent(spec: DpopRequestSpec): APIGatewayRequestAuthorizerEvent {
  const method = spec.method ?? 'GET';
  const path = spec.path ?? '/orders/7';
  const headers: Record<string, string> = { Host: DPOP_HOST, Authorization: spec.authorization };
  if (spec.dpop !== undefined) headers.DPoP = spec.dpop;
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/${method}${path}`,
    resource: spec.resource ?? '/orders/{id}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: { path: `/prod${path}`, stage: 'prod' },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

/** A DPoP route, a Bearer route with a scope, and a Bearer route open to any token. */
export const DPOP_ROUTES = {
  'GET /orders/{id}': { scopes: ['orders:read'], dpop: true },
  'GET /reports/{id}': ['reports:read'],
  'GET /health': [],
};

/** A configuration with DPoP on (result TTL 0) over these keys. */
export function dpopConfig(trusted: AuthorizerConfig['keys']): AuthorizerConfig {
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: trusted,
    routes: parseRouteMap(DPOP_ROUTES),
    clockSkewSeconds: SKEW,
    resultTtlSeconds: 0,
    dpop: { replayTable: 'clients', allowedHosts: [DPOP_HOST] },
  };
}

/** An in-memory replay cache with the adapter's contract: first use true, then false. */
export function memoryReplayCache(): { useOnce: (use: DpopProofUse) => Promise<boolean> } {
  const seen = new Set<string>();
  return {
    useOnce: async (use) => {
      if (seen.has(use.key)) return false;
      seen.add(use.key);
      return true;
    },
  };
}

/** What a request got: the effect and context of an answer, or the 401's reasons. */
export type Outcome =
  | { effect: 'Allow' | 'Deny'; principalId: string; context: unknown }
  | { effect: 'Unauthorized'; reason: UnauthorizedReason | undefined; logged: unknown };

/**
 * A handler whose outcomes are read back whole: the answer, or the metric reason and log line of
 * a 401.
 * @param deps the handler's dependencies, without logger and metrics
 * @returns a function deciding one event
 */
export function outcomeHandler(
  deps: Omit<AuthorizerDeps, 'logger' | 'metrics'>,
): (event: APIGatewayRequestAuthorizerEvent) => Promise<Outcome> {
  let reason: UnauthorizedReason | undefined;
  let logged: unknown;
  const handler = createAuthorizerHandler({
    ...deps,
    logger: {
      warn: (_message, ...attributes) => {
        logged = attributes;
      },
    },
    metrics: {
      decision: () => undefined,
      unauthorized: (r) => {
        reason = r;
      },
      revocationCacheHit: () => undefined,
      revocationReadFailure: () => undefined,
    },
  });
  return async (event) => {
    reason = undefined;
    logged = undefined;
    try {
      const result = await handler(event);
      return {
        effect: result.policyDocument.Statement[0].Effect,
        principalId: result.principalId,
        context: result.context,
      };
    } catch {
      return { effect: 'Unauthorized', reason, logged };
    }
  };
}
