// Reads and validates the authorizer function's environment once, at cold start; errors name the variable.
import { loadTrustedKeys, TrustedKeyError, type TrustedKeys } from './core/trusted-keys';
import { parseRouteMap, RouteMapError, type RouteMap } from './core/route-map';
import { publicBaseUrlProblem } from './core/dpop-public-base-url';
import type { AuthorizerPolicy } from './core/config-document';
import { DPOP_ALGORITHMS, type DpopAlgorithm, type DpopIatWindow } from '../shared/dpop-proof';
import { RSA_SIGNING_ALGORITHMS, type RsaSigningAlgorithm } from '../shared/types';
import {
  checkMultiRegionDpopIatPast,
  loadServiceRegions,
  type ServiceRegions,
} from '../shared/regions';
import {
  configError,
  dpopIatWindow,
  integerInRange,
  issuerUrl,
  oneOf,
  optionalJson,
  optionalString,
  requiredString,
  stringArray,
  type Env,
} from '../shared/env';
import {
  AUTHORIZER_RESULT_TTL_SECONDS,
  CLOCK_SKEW_SECONDS,
  REVOCATION_CACHE_TTL_SECONDS,
  REVOCATION_STALE_SECONDS,
  VERIFIED_TOKEN_CACHE_SIZE,
} from '../shared/limits';

/** The revocation check's settings (docs/revocation.md). */
export interface RevocationSettings {
  /** The clients table, which also holds the revoked `jti` items. */
  tableName: string;
  /** C: seconds a container reuses a state it read. */
  cacheTtlSeconds: number;
  /** W: seconds past C a state is still used while DynamoDB fails; then 401. */
  staleSeconds: number;
}

/** DPoP at the authorizer (docs/dpop.md): where proof `jti`s are recorded and the hosts `htu` may name. */
export interface DpopSettings {
  /** DPOP_REPLAY_TABLE: the table of `dpopjti#` items (the clients table). */
  replayTable: string;
  /** DPOP_ALLOWED_HOSTS: lower-case `Host` values (with a port when not 443). */
  allowedHosts: string[];
  /**
   * DPOP_PUBLIC_BASE_URL: when set, `htu` is this base followed by the path below the stage
   * (CloudFront or another mapping in front of the execute-api host; docs/dpop.md).
   */
  publicBaseUrl?: string;
}

/** Validated configuration of the authorizer function. */
export interface AuthorizerConfig {
  /** Expected `iss`: the token service's ISSUER. */
  issuer: string;
  /** Expected audience (`aud` equals it or contains it). */
  audience: string;
  /** Trusted keys, by RFC 7638 thumbprint: from the configuration document, or PUBLIC_KEYS_PEM. */
  keys: TrustedKeys;
  /** Routes and the scopes they need: from the configuration document, or ROUTE_SCOPES. */
  routes: RouteMap;
  /** Tolerance for `exp`/`nbf`, in seconds (see CLOCK_SKEW_SECONDS). */
  clockSkewSeconds: number;
  /** Set when REVOCATION_CHECK is `true`; undefined keeps the authorizer free of network calls. */
  revocation?: RevocationSettings;
  /**
   * USAGE_PLANS is `true`: every Allow carries the client's API key value as `usageIdentifierKey`,
   * read with the revocation state (so it needs REVOCATION_CHECK; docs/usage-plans.md).
   */
  usagePlans?: boolean;
  /** POWERTOOLS_METRICS_NAMESPACE; metrics are published only when it is set (docs/metrics.md). */
  metricsNamespace?: string;
  /**
   * AUTHORIZER_RESULT_TTL_SECONDS: the result TTL API Gateway was given for this authorizer, as the
   * module sets it; loadAuthorizerSettings reads an unset variable as API Gateway's default, 300.
   * Only 0 lets DPoP requests through (undefined, in a hand-built configuration, refuses them):
   * a cached decision would skip the proof and replay checks.
   */
  resultTtlSeconds?: number;
  /** DPOP_REPLAY_TABLE and DPOP_ALLOWED_HOSTS; without them every DPoP request is refused. */
  dpop?: DpopSettings;
  /**
   * VERIFIED_TOKEN_CACHE_SIZE: most verified tokens a container remembers
   * (core/verified-token-cache.ts); 0 turns the cache off; undefined means the default.
   */
  verifiedTokenCacheSize?: number;
  /**
   * DPOP_IAT_PAST_SECONDS and DPOP_IAT_FUTURE_SECONDS: a proof's `iat` window (RFC 9449 §4.3
   * step 11), also how long its `jti` is kept; undefined (a hand-built configuration) means
   * DEFAULT_DPOP_IAT_WINDOW.
   */
  dpopIatWindow?: DpopIatWindow;
  /**
   * DPOP_ALGORITHMS: the `alg`s a proof may use (RFC 9449 §4.3 step 5, "acceptable per local
   * policy"), a non-empty subset of DPOP_ALGORITHMS in its order; ES256 and PS256 under the FAPI
   * 2.0 profile. Undefined (a hand-built configuration) means all of them.
   */
  dpopAlgorithms?: readonly DpopAlgorithm[];
  /**
   * The function's Region (AWS_REGION) and SERVICE_REGIONS (functions/shared/regions.ts): in every
   * log line, on the `dpopjti#` items, and, multi-Region, as a second metric dimension set.
   * Undefined only outside Lambda, when no Region is set.
   */
  serviceRegions?: ServiceRegions;
}

/** The configuration without the keys and routes (config-source.ts says where those come from). */
export type AuthorizerSettings = Omit<AuthorizerConfig, 'keys' | 'routes'>;

/**
 * Loads the authorizer's configuration: ISSUER, AUDIENCE, PUBLIC_KEYS_PEM (JSON array of SPKI
 * PEMs), ROUTE_SCOPES (JSON object, default {}), CLOCK_SKEW_SECONDS (see shared/limits), and
 * REVOCATION_CHECK (`true` or `false`, default `false`; Terraform turns it on by default) with
 * CLIENTS_TABLE, REVOCATION_CACHE_TTL_SECONDS and REVOCATION_STALE_SECONDS, and USAGE_PLANS
 * (`true` or `false`, default `false`), which needs REVOCATION_CHECK `true`;
 * VERIFIED_TOKEN_CACHE_SIZE (see shared/limits); and POWERTOOLS_METRICS_NAMESPACE, optional.
 * @param env the environment (process.env at cold start)
 * @returns the validated configuration, with keys and routes already parsed
 * @throws Error whose message names the first missing or invalid variable (and entry)
 */
export function loadAuthorizerConfig(env: Env): AuthorizerConfig {
  return { ...loadAuthorizerSettings(env), ...loadPolicyFromEnv(env) };
}

/**
 * The trusted keys and the route map from PUBLIC_KEYS_PEM and ROUTE_SCOPES, plain JSON: how the
 * local server, the tests and a hand-made deployment configure the authorizer. The module writes
 * AUTHORIZER_CONFIG or a configuration item instead (config-source.ts).
 * @param env the environment
 * @returns the keys and routes
 * @throws Error naming the variable (and entry) that is missing or invalid
 */
export function loadPolicyFromEnv(env: Env): AuthorizerPolicy {
  const pems = optionalJson(env, 'PUBLIC_KEYS_PEM');
  if (pems === undefined) throw configError('PUBLIC_KEYS_PEM', 'is required');
  if (!Array.isArray(pems))
    throw configError('PUBLIC_KEYS_PEM', 'must be a JSON array of PEM strings');
  let keys: TrustedKeys;
  try {
    keys = loadTrustedKeys(pems, 'PUBLIC_KEYS_PEM', rsaSigningAlgorithm(env));
  } catch (error) {
    throw rethrow(error, TrustedKeyError);
  }

  let routes: RouteMap;
  try {
    routes = parseRouteMap(optionalJson(env, 'ROUTE_SCOPES') ?? {});
  } catch (error) {
    throw rethrow(error, RouteMapError, 'ROUTE_SCOPES');
  }
  return { keys, routes };
}

/**
 * RSA_SIGNING_ALGORITHM: the one algorithm the trusted RSA keys verify, `RS256` (the default) or
 * `PS256` (the token function's SIGNING_ALGORITHM when it signs with RSASSA-PSS, as the FAPI 2.0
 * profile requires). EC keys always verify ES256.
 * @param env the environment
 * @returns the algorithm
 * @throws Error naming the variable when it is neither
 */
export function rsaSigningAlgorithm(env: Env): RsaSigningAlgorithm {
  return oneOf(env, 'RSA_SIGNING_ALGORITHM', RSA_SIGNING_ALGORITHMS, 'RS256');
}

/**
 * Every setting but the keys and routes, which may have to be read before the first decision
 * (config-source.ts): ISSUER, AUDIENCE, CLOCK_SKEW_SECONDS and the revocation and usage plan
 * settings, as {@link loadAuthorizerConfig} reads them.
 * @param env the environment (process.env at cold start)
 * @returns the validated settings
 * @throws Error whose message names the first missing or invalid variable
 */
export function loadAuthorizerSettings(env: Env): AuthorizerSettings {
  const issuer = issuerUrl(env, 'ISSUER');
  const audience = requiredString(env, 'AUDIENCE');

  const revocationOn = oneOf(env, 'REVOCATION_CHECK', ['true', 'false'], 'false') === 'true';
  const usagePlans = oneOf(env, 'USAGE_PLANS', ['true', 'false'], 'false') === 'true';
  // The key value is read with the revocation state (one BatchGetItem, one cache), so plans without
  // revocation would have no way to learn it.
  if (usagePlans && !revocationOn) throw configError('USAGE_PLANS', 'needs REVOCATION_CHECK=true');

  const replayTable = optionalString(env, 'DPOP_REPLAY_TABLE');
  const allowedHosts = stringArray(env, 'DPOP_ALLOWED_HOSTS', []);
  if ((replayTable === undefined) !== (allowedHosts.length === 0)) {
    throw configError('DPOP_REPLAY_TABLE', 'and DPOP_ALLOWED_HOSTS must be set together');
  }
  if (allowedHosts.some((host) => !/^[a-z0-9.-]+(:\d{1,5})?$/.test(host))) {
    throw configError(
      'DPOP_ALLOWED_HOSTS',
      'must hold lower-case host names, optionally with :port',
    );
  }

  // Fail closed: a base the function cannot use as given stops the cold start, and the message
  // names the variable (the Lambda init error is logged).
  const publicBaseUrl = optionalString(env, 'DPOP_PUBLIC_BASE_URL');
  if (publicBaseUrl !== undefined) {
    if (replayTable === undefined) {
      throw configError('DPOP_PUBLIC_BASE_URL', 'needs DPOP_REPLAY_TABLE and DPOP_ALLOWED_HOSTS');
    }
    const problem = publicBaseUrlProblem(publicBaseUrl);
    if (problem !== undefined) throw configError('DPOP_PUBLIC_BASE_URL', problem);
  }

  // Multi-Region, a proof can be used once per Region until its first use replicates: the `iat`
  // window bounds that, so a longer one stops the cold start (docs/multi-region.md).
  const serviceRegions = loadServiceRegions(env);
  const iatWindow = dpopIatWindow(env);
  checkMultiRegionDpopIatPast(serviceRegions, iatWindow.pastSeconds);

  return {
    issuer,
    audience,
    ...(serviceRegions === undefined ? {} : { serviceRegions }),
    clockSkewSeconds: integerInRange(env, 'CLOCK_SKEW_SECONDS', CLOCK_SKEW_SECONDS),
    verifiedTokenCacheSize: integerInRange(
      env,
      'VERIFIED_TOKEN_CACHE_SIZE',
      VERIFIED_TOKEN_CACHE_SIZE,
    ),
    resultTtlSeconds: integerInRange(
      env,
      'AUTHORIZER_RESULT_TTL_SECONDS',
      AUTHORIZER_RESULT_TTL_SECONDS,
    ),
    dpop:
      replayTable === undefined
        ? undefined
        : { replayTable, allowedHosts, ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }) },
    dpopIatWindow: iatWindow,
    dpopAlgorithms: dpopAlgorithms(env),
    usagePlans,
    metricsNamespace: optionalString(env, 'POWERTOOLS_METRICS_NAMESPACE'),
    revocation: revocationOn
      ? {
          tableName: requiredString(env, 'CLIENTS_TABLE'),
          cacheTtlSeconds: integerInRange(
            env,
            'REVOCATION_CACHE_TTL_SECONDS',
            REVOCATION_CACHE_TTL_SECONDS,
          ),
          staleSeconds: integerInRange(env, 'REVOCATION_STALE_SECONDS', REVOCATION_STALE_SECONDS),
        }
      : undefined,
  };
}

/**
 * DPOP_ALGORITHMS: a JSON array of the proof algorithms to accept, a non-empty subset of
 * functions/shared/dpop-algorithms.json (default all of it). modules/authorizer builds the 401
 * challenge's `algs` from the same list, so what is advertised is what is accepted. Fail closed:
 * an empty list, an unknown name or a value that is not such an array stops the cold start.
 * @param env the environment
 * @returns the algorithms, in the order of DPOP_ALGORITHMS, each once
 * @throws Error naming DPOP_ALGORITHMS when the value is not a non-empty subset
 */
function dpopAlgorithms(env: Env): DpopAlgorithm[] {
  const allowed: readonly string[] = DPOP_ALGORITHMS;
  // stringArray names the variable for a value that is not JSON or not an array of strings.
  const listed = stringArray(env, 'DPOP_ALGORITHMS', [...DPOP_ALGORITHMS]);
  const unknown = listed.filter((alg) => !allowed.includes(alg));
  if (listed.length === 0 || unknown.length > 0) {
    const got = unknown.length > 0 ? ` (not one of them: ${unknown.join(', ')})` : ' (got [])';
    throw configError(
      'DPOP_ALGORITHMS',
      `must be a non-empty JSON array of ${DPOP_ALGORITHMS.join(', ')}${got}`,
    );
  }
  return DPOP_ALGORITHMS.filter((alg) => listed.includes(alg));
}

/**
 * Prefixes a validation error with "Invalid configuration:" (and the variable when the message
 * does not already name it); other errors pass through.
 * @param error the caught error
 * @param kind the validation error class
 * @param variable the variable to name
 * @returns the error to throw
 */
function rethrow(error: unknown, kind: new (message: string) => Error, variable?: string): unknown {
  if (!(error instanceof kind)) return error;
  const message = variable === undefined ? error.message : `${variable} ${error.message}`;
  return new Error(`Invalid configuration: ${message}`, { cause: error });
}
