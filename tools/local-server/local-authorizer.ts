// Builds the authorizer for the local server through the same configuration loader the Lambda uses.
import { Logger } from '@aws-lambda-powertools/logger';
import { loadAuthorizerConfig } from '../../functions/authorizer/config';
import { createAuthorizerHandler } from '../../functions/authorizer/create-handler';
import type { RequestAuthorizerHandler } from '../gateway/types';

/**
 * Creates the REQUEST authorizer from the settings Terraform would pass as environment variables,
 * so a bad routes file fails exactly as a bad ROUTE_SCOPES would at cold start.
 * @param settings issuer, audience, trusted public key PEMs, route map and log level
 * @returns the authorizer handler
 */
export function createLocalAuthorizer(settings: {
  issuer: string;
  audience: string;
  publicKeysPem: string[];
  routeScopes: Record<string, string[]>;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}): RequestAuthorizerHandler {
  const config = loadAuthorizerConfig({
    ISSUER: settings.issuer,
    AUDIENCE: settings.audience,
    PUBLIC_KEYS_PEM: JSON.stringify(settings.publicKeysPem),
    ROUTE_SCOPES: JSON.stringify(settings.routeScopes),
  });
  const handler = createAuthorizerHandler({
    config,
    logger: new Logger({ serviceName: 'authorizer', logLevel: settings.logLevel }),
  });
  return (event) => handler(event);
}
