// Builds the authorizer for the local server through the same configuration loader the Lambda uses.
import { Logger } from '@aws-lambda-powertools/logger';
import { loadAuthorizerConfig } from '../../functions/authorizer/config';
import { createAuthorizerHandler } from '../../functions/authorizer/create-handler';
import type { RevocationStateSource } from '../../functions/authorizer/core/revocation-check';
import type { DpopReplayCache } from '../../functions/authorizer/core/dpop-replay';
import type { AuthorizerMetrics } from '../../functions/authorizer/metrics';
import type { RouteScopes } from './routes-file';
import type { RequestAuthorizerHandler } from '../gateway/types';
import type { LocalLogLevel } from './log-level';

/**
 * Identity sources of the REQUEST authorizer, as modules/authorizer sets them (a terraform test
 * checks that both agree): the token, and the route (method and resource) so that API Gateway
 * reuses a cached decision only for the same route. See docs/authorizer.md.
 */
export const AUTHORIZER_IDENTITY_SOURCES =
  'method.request.header.Authorization,context.httpMethod,context.resourcePath';

/**
 * Creates the REQUEST authorizer from the settings Terraform would pass as environment variables,
 * so a bad routes file fails exactly as a bad ROUTE_SCOPES would at cold start.
 * @param settings issuer, audience, trusted public key PEMs, route map, log level, the result TTL
 *   the emulator caches its answers for, and DPoP
 * @returns the authorizer handler
 */
export function createLocalAuthorizer(settings: {
  issuer: string;
  audience: string;
  publicKeysPem: string[];
  routeScopes: RouteScopes;
  logLevel: LocalLogLevel;
  /**
   * AUTHORIZER_RESULT_TTL_SECONDS: the TTL of the emulator's authorizer this handler serves, as
   * modules/authorizer sets it for the deployed one. Only 0 lets DPoP requests through.
   */
  resultTtlSeconds: number;
  /** EMF metrics (POWERTOOLS_METRICS_NAMESPACE); none when absent. */
  metrics?: AuthorizerMetrics;
  /** DPOP_ALLOWED_HOSTS and the replay cache (DPOP_REPLAY_TABLE names the local file); off when absent. */
  dpop?: { allowedHosts: string[]; replayCache: DpopReplayCache };
  /** Return the client's API key as usageIdentifierKey (USAGE_PLANS; needs revocation). */
  usagePlans?: boolean;
  /** Revocation checking against the local store, with its cache TTL (default: off). */
  revocation?: { source: RevocationStateSource; cacheTtlSeconds: number };
}): RequestAuthorizerHandler {
  const config = loadAuthorizerConfig({
    ISSUER: settings.issuer,
    AUDIENCE: settings.audience,
    PUBLIC_KEYS_PEM: JSON.stringify(settings.publicKeysPem),
    ROUTE_SCOPES: JSON.stringify(settings.routeScopes),
    ...(settings.revocation
      ? {
          REVOCATION_CHECK: 'true',
          CLIENTS_TABLE: 'local',
          REVOCATION_CACHE_TTL_SECONDS: String(settings.revocation.cacheTtlSeconds),
        }
      : {}),
    ...(settings.usagePlans ? { USAGE_PLANS: 'true' } : {}),
    AUTHORIZER_RESULT_TTL_SECONDS: String(settings.resultTtlSeconds),
    ...(settings.dpop
      ? {
          DPOP_REPLAY_TABLE: 'clients.json',
          DPOP_ALLOWED_HOSTS: JSON.stringify(settings.dpop.allowedHosts),
        }
      : {}),
  });
  const handler = createAuthorizerHandler({
    config,
    logger: new Logger({ serviceName: 'authorizer', logLevel: settings.logLevel }),
    revocationSource: settings.revocation?.source,
    dpopReplayCache: settings.dpop?.replayCache,
    metrics: settings.metrics,
  });
  return (event) => handler(event);
}
