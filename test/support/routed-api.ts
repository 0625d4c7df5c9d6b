// Test support: the real authorizer behind the API Gateway emulator (REQUEST type, the module's identity sources), with a settable clock.
import { createAuthorizerHandler } from '../../functions/authorizer/create-handler';
import {
  decodeConfigDocument,
  type AuthorizerPolicy,
} from '../../functions/authorizer/core/config-document';
import { parseRouteMap } from '../../functions/authorizer/core/route-map';
import { AUTHORIZER_CONFIG_MAX_JSON_BYTES } from '../../functions/shared/limits';
import { encodeConfig } from './large-route-map';
import { ApiGatewayEmulator } from '../../tools/gateway/emulator';
import type { ApiDefinition, GatewayResult, Route } from '../../tools/gateway/types';
import { AUTHORIZER_IDENTITY_SOURCES } from '../../tools/local-server/local-authorizer';
import { AUDIENCE, ISSUER, makeKeys, NOW_MS, SKEW, validClaims, validToken } from './jwt-fixtures';

/** Keys shared by the tests of one file. */
export const KEYS = makeKeys();

/** A deployed method: `"GET /orders/{id}"`. */
export type Deployed = string;

/** Options of {@link routedApi}. */
export interface RoutedApiOptions {
  /** Methods of the API, all behind the authorizer (MOCK 200). */
  deployed: readonly Deployed[];
  /** The authorizer's route map. */
  routeScopes: Record<string, string[]>;
  /**
   * Hand the map to the authorizer as the module does: in a configuration document (base64 of
   * gzip, with the trusted keys), decoded with its digest; default: parsed directly.
   */
  viaConfigDocument?: boolean;
  /** Authorizer result TTL (default 300). */
  ttlSeconds?: number;
  /** Stage (default `local`). */
  stage?: string;
  partition?: string;
  region?: string;
}

/** A running emulator with the real authorizer. */
export interface RoutedApi {
  emulator: ApiGatewayEmulator;
  /** Sends a request with `Authorization: Bearer <token>` (no header when token is undefined). */
  call(method: string, url: string, token?: string): Promise<GatewayResult>;
  /** Moves both clocks. */
  setNow(ms: number): void;
  /** How often the authorizer function ran. */
  invocations(): number;
}

/**
 * Signs a token for scopes, valid at NOW_MS.
 * @param scope the scope claim
 * @param claims more claim overrides
 * @returns the compact JWS
 */
export function tokenFor(scope: string, claims: Record<string, unknown> = {}): string {
  return validToken(KEYS.es, validClaims({ scope, ...claims }));
}

/**
 * The keys and routes after a round trip through the configuration document.
 * @param routeScopes the route map
 * @returns what the authorizer decodes
 */
function decoded(routeScopes: Record<string, string[]>): AuthorizerPolicy {
  const { encoded, sha256 } = encodeConfig([KEYS.es.pem, KEYS.rs.pem], routeScopes);
  return decodeConfigDocument(Buffer.from(encoded, 'base64'), {
    sha256,
    maxJsonBytes: AUTHORIZER_CONFIG_MAX_JSON_BYTES,
  });
}

/**
 * Builds the emulator over deployed methods with the real authorizer.
 * @param options deployed methods, route map, TTL, stage and partition
 * @returns the API
 */
export function routedApi(options: RoutedApiOptions): RoutedApi {
  let now = NOW_MS;
  let calls = 0;
  const policy = options.viaConfigDocument
    ? decoded(options.routeScopes)
    : { keys: KEYS.trusted, routes: parseRouteMap(options.routeScopes) };
  const handler = createAuthorizerHandler({
    config: { issuer: ISSUER, audience: AUDIENCE, ...policy, clockSkewSeconds: SKEW },
    clock: () => now,
  });
  const routes: Route[] = options.deployed.map((entry) => {
    const [method, resourcePath] = entry.split(' ') as [string, string];
    return {
      method,
      resourcePath,
      authorization: 'CUSTOM',
      authorizerId: 'oauth',
      integration: { type: 'mock', statusCode: 200 },
    };
  });
  const api: ApiDefinition = {
    restApiId: 'abc123',
    stage: options.stage ?? 'local',
    region: options.region ?? 'us-east-1',
    accountId: '123456789012',
    ...(options.partition ? { partition: options.partition } : {}),
    routes,
    authorizers: {
      oauth: {
        type: 'REQUEST',
        name: 'authorizer',
        identitySource: AUTHORIZER_IDENTITY_SOURCES,
        resultTtlSeconds: options.ttlSeconds ?? 300,
        handler: async (event) => {
          calls++;
          return handler(event);
        },
      },
    },
  };
  const emulator = new ApiGatewayEmulator(api, { clock: () => now });
  return {
    emulator,
    call: (method, url, token) =>
      emulator.handle({
        method,
        url,
        rawHeaders: token === undefined ? [] : ['Authorization', `Bearer ${token}`],
        body: Buffer.alloc(0),
        sourceIp: '127.0.0.1',
      }),
    setNow: (ms) => {
      now = ms;
    },
    invocations: () => calls,
  };
}
