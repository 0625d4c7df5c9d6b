// Factory of the API Gateway REQUEST authorizer: Bearer parsing, JWT verification, a decision for the routed route.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerConfig } from './config';
import { JwtError } from '../shared/jwt-errors';
import { createCachedJwtVerifier } from './core/verified-token-cache';
import { createPolicyBuilder, type AuthorizerResult } from './core/policy';
import { createRevocationCheck, type RevocationStateSource } from './core/revocation-check';
import { countReadFailures, guardedMetrics, type AuthorizerMetrics } from './metrics';
import {
  DpopBoundAsBearerError,
  DpopRefusedError,
  MalformedRequestError,
  RevocationError,
  unauthorizedReason,
} from './rejections';
import { MULTIPLE_VALUES, singleHeader } from '../shared/request-header';
import type { Clock } from '../shared/types';
import { VERIFIED_TOKEN_CACHE_SIZE } from '../shared/limits';
import { lookupRoute } from './core/route-map';
import type { DpopReplayCache } from './core/dpop-replay';
import { createDpopChecker, type DpopChecker } from './core/dpop-check';
import { parseAuthorization } from './core/dpop-request';

/** The part of a Powertools Logger the authorizer uses. */
export type AuthorizerLogger = Pick<Logger, 'warn'>;

/** Dependencies of {@link createAuthorizerHandler}. */
export interface AuthorizerDeps {
  config: AuthorizerConfig;
  /** Current time in ms (default Date.now). */
  clock?: Clock;
  /** Receives one line per rejected token (reason code only, never the token). */
  logger?: AuthorizerLogger;
  /** Size of the policy document cache (default 512). */
  policyCacheSize?: number;
  /** Imported DPoP proof keys kept (default 256, shared/dpop-proof-keys.ts). */
  proofKeyMemoSize?: number;
  /** Where revocation state is read; required when `config.revocation` is set. */
  revocationSource?: RevocationStateSource;
  /** Counts decisions, 401 reasons and revocation reads (docs/metrics.md); none when omitted. */
  metrics?: AuthorizerMetrics;
  /** Where proof `jti`s are recorded; required for DPoP requests to pass (config.dpop). */
  dpopReplayCache?: DpopReplayCache;
}

/** The authorizer Lambda function. */
export type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEvent,
) => Promise<AuthorizerResult>;

/** `Bearer` followed by exactly one space (RFC 6750 §2.1; the scheme is case-insensitive). */
const BEARER_PREFIX_LENGTH = 7;

/**
 * Extracts the token from an Authorization header value.
 * @param header the Authorization header value
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
 * The one Authorization header of a REQUEST event. API Gateway passes header names as the client
 * spelled them ("Input to an Amazon API Gateway Lambda authorizer", REQUEST example), and HTTP
 * header names are case-insensitive (RFC 9110 §5.1), so every spelling is looked at. Two values,
 * under two spellings or in `multiValueHeaders`, are refused: which one a proxy or API Gateway
 * would keep is not something to guess about a credential. The token endpoint reads its
 * Authorization header by the same rule (functions/shared/request-header.ts).
 * @param event the REQUEST event
 * @returns the header value, or undefined when absent or ambiguous
 */
export function authorizationHeader(event: APIGatewayRequestAuthorizerEvent): string | undefined {
  const value = singleHeader(event, 'authorization');
  return value === MULTIPLE_VALUES ? undefined : value;
}

/**
 * Creates the REQUEST authorizer. Keys, verifier and policy cache are built once, here.
 * The decision is exact: the route API Gateway matched (`httpMethod`, `resource`) is looked up in
 * the route map and allowed when the token holds a scope it lists; the policy covers that route
 * only. Any failure throws exactly `new Error('Unauthorized')` (API Gateway answers 401); a valid
 * token that may not call the route gets a Deny (403). It never returns null. With metrics, each
 * invocation counts its decision, each 401 its reason (rejections.ts), and the revocation check
 * its cache hits and failed reads; a metric never changes a decision.
 * @param deps configuration, clock, logger and optional metrics
 * @returns the handler
 */
export function createAuthorizerHandler(deps: AuthorizerDeps): AuthorizerHandler {
  const { config } = deps;
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger;
  const metrics = deps.metrics === undefined ? undefined : guardedMetrics(deps.metrics);
  // A repeated token skips its signature check; time, revocation, route and proof are checked on
  // every use (core/verified-token-cache.ts). Built here, once per container and key set.
  const verify = createCachedJwtVerifier({
    issuer: config.issuer,
    audience: config.audience,
    clockSkewSeconds: config.clockSkewSeconds,
    keys: config.keys,
    maxEntries: config.verifiedTokenCacheSize ?? VERIFIED_TOKEN_CACHE_SIZE.default,
  });
  const buildPolicy = createPolicyBuilder(config.routes, { cacheSize: deps.policyCacheSize });
  let checkRevocation: ReturnType<typeof createRevocationCheck> | undefined;
  if (config.revocation !== undefined) {
    if (deps.revocationSource === undefined) {
      throw new Error('Invalid configuration: REVOCATION_CHECK is on but no revocation source');
    }
    checkRevocation = createRevocationCheck({
      source:
        metrics === undefined
          ? deps.revocationSource
          : countReadFailures(deps.revocationSource, metrics),
      cacheTtlMs: config.revocation.cacheTtlSeconds * 1000,
      staleMs: config.revocation.staleSeconds * 1000,
      clock,
    });
  }

  const checkDpop: DpopChecker = createDpopChecker({
    settings: config.dpop,
    resultTtlSeconds: config.resultTtlSeconds,
    replayCache: deps.dpopReplayCache,
    proofKeyMemoSize: deps.proofKeyMemoSize,
    iatWindow: config.dpopIatWindow,
    algorithms: config.dpopAlgorithms,
  });

  const decide = async (event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerResult> => {
    const presented = parseAuthorization(authorizationHeader(event));
    if (presented === undefined) throw new MalformedRequestError('not a Bearer or DPoP token');
    const now = clock();
    const claims = verify(presented.token, now);
    const { methodArn, httpMethod, resource } = event;
    if (
      typeof methodArn !== 'string' ||
      typeof httpMethod !== 'string' ||
      typeof resource !== 'string'
    ) {
      throw new MalformedRequestError('not a REQUEST authorizer event');
    }
    const route = lookupRoute(config.routes, httpMethod, resource);
    let commitProof: (() => Promise<void>) | undefined;
    if (presented.scheme === 'bearer') {
      // RFC 9449 §7.2: a token bound to a key (`cnf`) is not a bearer token, on any route: a
      // leaked bound token must not work without the key.
      if (claims.cnf !== undefined) throw new DpopBoundAsBearerError();
      // A route declared dpop takes DPoP-bound tokens with proofs only (RFC 9449 §7.1).
      if (route?.dpop === true) throw new DpopRefusedError('required', 'bearer');
    } else {
      // Every stateless check of RFC 9449 §7 now; the single-use write only for an Allow.
      commitProof = checkDpop(event, { token: presented.token, claims, route, nowMs: now });
    }
    let usageKey: string | undefined;
    if (checkRevocation !== undefined) {
      // Checked before the route so that a revoked token gets 401 on every route, never 403.
      const outcome = await checkRevocation(claims);
      if (outcome.cached) metrics?.revocationCacheHit();
      if (outcome.verdict !== 'live') throw new RevocationError(outcome.verdict);
      usageKey = outcome.usageKey;
    }
    const result = buildPolicy(claims, { methodArn, httpMethod, resource });
    // The proof's jti is used up only by a request that would be allowed: a Deny gets 403 again
    // when replayed, which gains nothing. A failed write refuses (fail closed).
    if (commitProof !== undefined && result.policyDocument.Statement[0].Effect === 'Allow') {
      await commitProof();
    }
    // Only an Allow carries the key: a Deny is answered 403 before any metering. A client without
    // a key gets an Allow without one, and API Gateway answers 403 on methods that require a key
    // ("Choose an API key source in API Gateway": no matching key "throws an InvalidKeyParameter
    // exception. As a result, the caller receives a 403 Forbidden response",
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
    if (
      config.usagePlans &&
      usageKey !== undefined &&
      result.policyDocument.Statement[0].Effect === 'Allow'
    ) {
      return { ...result, usageIdentifierKey: usageKey };
    }
    return result;
  };

  return async (event) => {
    let result: AuthorizerResult;
    try {
      result = await decide(event);
    } catch (error) {
      const reason =
        error instanceof JwtError
          ? error.code
          : error instanceof DpopRefusedError
            ? `DPoP:${error.refusal}:${error.detail}`
            : (error as Error).name;
      logger?.warn('Token rejected', { reason });
      metrics?.decision('unauthorized');
      metrics?.unauthorized(unauthorizedReason(error));
      throw new Error('Unauthorized');
    }
    metrics?.decision(result.policyDocument.Statement[0].Effect === 'Allow' ? 'allow' : 'deny');
    return result;
  };
}
