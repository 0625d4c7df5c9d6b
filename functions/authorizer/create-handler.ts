// Factory of the API Gateway TOKEN authorizer: Bearer parsing, JWT verification, IAM policy.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerConfig } from './config';
import { JwtError } from './core/jwt-errors';
import { createJwtVerifier } from './core/jwt-verify';
import { createPolicyBuilder, type AuthorizerResult } from './core/policy';
import type { Clock } from '../shared/types';

/** The part of a Powertools Logger the authorizer uses. */
export type AuthorizerLogger = Pick<Logger, 'warn'>;

/** Dependencies of {@link createAuthorizerHandler}. */
export interface AuthorizerDeps {
  config: AuthorizerConfig;
  /** Current time in ms (default Date.now). */
  clock?: Clock;
  /** Receives one line per rejected token (reason code only, never the token). */
  logger?: AuthorizerLogger;
  /** Size of the policy cache (default 256). */
  policyCacheSize?: number;
}

/** The authorizer Lambda function. */
export type AuthorizerHandler = (
  event: APIGatewayTokenAuthorizerEvent,
) => Promise<AuthorizerResult>;

/** `Bearer` followed by exactly one space (RFC 6750 §2.1; the scheme is case-insensitive). */
const BEARER_PREFIX_LENGTH = 7;

/**
 * Extracts the token from an Authorization header value.
 * @param header the header value API Gateway passes as `authorizationToken`
 * @returns the token text, or undefined when the scheme is not Bearer or the value is malformed
 */
export function parseBearer(header: unknown): string | undefined {
  if (typeof header !== 'string' || header.length <= BEARER_PREFIX_LENGTH) return undefined;
  if (header.charCodeAt(6) !== 32 || header.slice(0, 6).toLowerCase() !== 'bearer')
    return undefined;
  // The verifier accepts only three base64url segments joined by dots, so a second space, a second
  // scheme or a comma-joined duplicate header value is rejected there without another scan here.
  return header.slice(BEARER_PREFIX_LENGTH);
}

/**
 * Creates the TOKEN authorizer. Keys, verifier and policy cache are built once, here.
 * Any failure throws exactly `new Error('Unauthorized')` (API Gateway answers 401); a valid
 * token that may call no route gets an explicit Deny (403). It never returns null.
 * @param deps configuration, clock and logger
 * @returns the handler
 */
export function createAuthorizerHandler(deps: AuthorizerDeps): AuthorizerHandler {
  const { config } = deps;
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger;
  const verify = createJwtVerifier({
    issuer: config.issuer,
    audience: config.audience,
    clockSkewSeconds: config.clockSkewSeconds,
    keys: config.keys,
  });
  const buildPolicy = createPolicyBuilder(config.routes, { cacheSize: deps.policyCacheSize });

  return async (event) => {
    try {
      const token = parseBearer(event?.authorizationToken);
      if (token === undefined) throw new Error('not a Bearer token');
      const claims = verify(token, clock());
      return buildPolicy(claims, event.methodArn);
    } catch (error) {
      const reason = error instanceof JwtError ? error.code : (error as Error).name;
      logger?.warn('Token rejected', { reason });
      throw new Error('Unauthorized');
    }
  };
}
