// Reads and validates the token function's environment once, at cold start; errors name the variable.
import {
  AUTHORIZER_RESULT_TTL_SECONDS,
  CLOCK_SKEW_SECONDS,
  FAPI2_JWT_FUTURE_SECONDS,
  TOKEN_TTL_SECONDS,
} from '../shared/limits';
import {
  FAPI2_SIGNING_ALGORITHMS,
  SECURITY_PROFILES,
  type SecurityProfile,
} from './core/security-profile';
import type { DpopIatWindow } from '../shared/dpop-proof';
import {
  checkMultiRegionClockSkew,
  checkMultiRegionDpopIatPast,
  loadServiceRegions,
  MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS,
  type ServiceRegions,
} from '../shared/regions';
import type { SigningAlgorithm } from '../shared/types';
import {
  configError,
  dpopIatWindow,
  integerInRange,
  issuerUrl,
  oneOf,
  optionalString,
  requiredString,
  stringArray,
  type Env,
} from '../shared/env';

/** Signing algorithms accepted in SIGNING_ALGORITHM (PS256: RSASSA-PSS on an RSA key). */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256', 'PS256'];

/**
 * SIGNING_ALGORITHM when unset: RS256 (KMS RSA_2048 keys), the module's default. KMS prices an RSA
 * 2048 `Sign` below an ECC one (AWS Key Management Service Pricing, https://aws.amazon.com/kms/pricing/),
 * and API Gateway's HTTP API JWT authorizers accept RSA keys only ("Control access to HTTP APIs
 * with JWT authorizers in API Gateway",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
 */
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'RS256';

/** Validated configuration of the token function. */
export interface TokenConfig {
  /** Issuer URL, no trailing slash (RFC 8414 §2). */
  issuer: string;
  defaultAudience: string;
  /** Default access token lifetime, in seconds (see TOKEN_TTL_SECONDS). */
  tokenTtlSeconds: number;
  /**
   * AUTHORIZER_RESULT_TTL_SECONDS: the API's authorizer cache TTL (default 0). No token is issued
   * with a shorter lifetime, so a cached decision never outlives a token by more than its lifetime.
   */
  minTokenTtlSeconds: number;
  /** Advertised in the RFC 8414 metadata. */
  scopesSupported: string[];
  /** DynamoDB table of client records. */
  clientsTable: string;
  /** KMS key that signs, its algorithm, and every key published in the JWKS. */
  signer: { keyId: string; algorithm: SigningAlgorithm; jwksKeyIds: string[] };
  /** POWERTOOLS_METRICS_NAMESPACE; metrics are emitted only when it is set. */
  metricsNamespace: string | undefined;
  /** REVOCATION (`true`/`false`, default `false`): serve POST /oauth2/revoke and write `revoked#` items. */
  revocation: boolean;
  /** CLOCK_SKEW_SECONDS, the authorizer's: a revocation item is kept until `exp` plus it. */
  clockSkewSeconds: number;
  /**
   * ASSERTION_TOKEN_ENDPOINT_AUDIENCE (`true`/`false`, default `false`): also accept the token
   * endpoint URL as a client assertion's `aud`, as RFC 7523 §3 allowed. Off by default, as
   * draft-ietf-oauth-rfc7523bis requires (docs/private-key-jwt.md, Audience).
   */
  acceptTokenEndpointAudience?: boolean;
  /**
   * DPOP_IAT_PAST_SECONDS and DPOP_IAT_FUTURE_SECONDS: how old and how far ahead a DPoP proof's
   * `iat` may be (RFC 9449 §4.3 step 11); default DEFAULT_DPOP_IAT_WINDOW (60 s / 5 s). The
   * proof's replay entry is kept past the whole window (issue-token.ts).
   */
  dpopIatWindow?: DpopIatWindow;
  /**
   * DPOP_NONCE_KEY_ID: the KMS HMAC_256 key of the DPoP server nonces (RFC 9449 §8; docs/dpop.md).
   * Set, every DPoP token request needs a current nonce; unset (the default), nonces are off.
   */
  dpopNonceKeyId?: string;
  /**
   * SECURITY_PROFILE: `none` (the default) or `fapi2`, the FAPI 2.0 Security Profile
   * (core/security-profile.ts, docs/fapi.md). loadTokenConfig refuses an environment that
   * contradicts the profile, as the Terraform validation does.
   */
  securityProfile?: SecurityProfile;
  /**
   * The function's Region (AWS_REGION) and SERVICE_REGIONS (functions/shared/regions.ts);
   * undefined only outside Lambda, when no Region is set.
   */
  serviceRegions?: ServiceRegions;
  /**
   * Multi-Region only: MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS, the longest a client assertion
   * may live (`exp` − now and `exp` − `iat`), which bounds the cross-Region replay window
   * (docs/multi-region.md). Undefined: MAX_ASSERTION_LIFETIME_SECONDS, on `exp` − now only.
   */
  maxAssertionLifetimeSeconds?: number;
}

/**
 * Loads the token function's configuration.
 * @param env the environment (process.env at cold start)
 * @returns the validated configuration
 * @throws Error whose message names the first missing or invalid variable
 */
export function loadTokenConfig(env: Env): TokenConfig {
  const config = loadSettings(env);
  if (config.securityProfile === 'fapi2') checkFapi2(config);
  return config;
}

/**
 * The FAPI 2.0 profile's own rules on the other settings, each error naming the variable: tokens
 * signed PS256 or ES256, server nonces on, and `iat`/`nbf` accepted from 10 to 59 s ahead.
 * @param config the loaded settings
 * @throws Error naming the variable that contradicts the profile
 */
function checkFapi2(config: TokenConfig): void {
  const algorithm = config.signer.algorithm;
  if (!FAPI2_SIGNING_ALGORITHMS.includes(algorithm)) {
    throw configError(
      'SIGNING_ALGORITHM',
      `must be one of ${FAPI2_SIGNING_ALGORITHMS.join(', ')} with SECURITY_PROFILE=fapi2 (got ${algorithm})`,
    );
  }
  if (config.dpopNonceKeyId === undefined) {
    throw configError('DPOP_NONCE_KEY_ID', 'is required with SECURITY_PROFILE=fapi2');
  }
  const { min, max } = FAPI2_JWT_FUTURE_SECONDS;
  const ahead: [string, number][] = [
    ['DPOP_IAT_FUTURE_SECONDS', (config.dpopIatWindow as DpopIatWindow).futureSeconds],
    ['CLOCK_SKEW_SECONDS', config.clockSkewSeconds],
  ];
  for (const [name, value] of ahead) {
    if (value < min || value > max) {
      throw configError(
        name,
        `must be between ${min} and ${max} with SECURITY_PROFILE=fapi2 (got ${value})`,
      );
    }
  }
}

/**
 * @param env the environment
 * @returns every setting, unchecked against the profile
 */
function loadSettings(env: Env): TokenConfig {
  const issuer = issuerUrl(env, 'ISSUER');
  const defaultAudience = requiredString(env, 'DEFAULT_AUDIENCE');
  const tokenTtlSeconds = integerInRange(env, 'TOKEN_TTL_SECONDS', TOKEN_TTL_SECONDS);
  const minTokenTtlSeconds = integerInRange(env, 'AUTHORIZER_RESULT_TTL_SECONDS', {
    ...AUTHORIZER_RESULT_TTL_SECONDS,
    default: 0,
  });
  const scopesSupported = stringArray(env, 'SCOPES_SUPPORTED', []);
  const clientsTable = requiredString(env, 'CLIENTS_TABLE');
  const keyId = requiredString(env, 'SIGNING_KEY_ID');
  const serviceRegions = loadServiceRegions(env);
  const iatWindow = dpopIatWindow(env);
  checkMultiRegionDpopIatPast(serviceRegions, iatWindow.pastSeconds);
  const clockSkewSeconds = integerInRange(env, 'CLOCK_SKEW_SECONDS', CLOCK_SKEW_SECONDS);
  checkMultiRegionClockSkew(serviceRegions, clockSkewSeconds);
  return {
    issuer,
    defaultAudience,
    tokenTtlSeconds,
    minTokenTtlSeconds,
    scopesSupported,
    clientsTable,
    signer: {
      keyId,
      algorithm: oneOf(env, 'SIGNING_ALGORITHM', SIGNING_ALGORITHMS, DEFAULT_SIGNING_ALGORITHM),
      jwksKeyIds: stringArray(env, 'JWKS_KEY_IDS', [keyId]),
    },
    metricsNamespace: optionalString(env, 'POWERTOOLS_METRICS_NAMESPACE'),
    revocation: oneOf(env, 'REVOCATION', ['true', 'false'], 'false') === 'true',
    clockSkewSeconds,
    acceptTokenEndpointAudience:
      oneOf(env, 'ASSERTION_TOKEN_ENDPOINT_AUDIENCE', ['true', 'false'], 'false') === 'true',
    dpopIatWindow: iatWindow,
    dpopNonceKeyId: optionalString(env, 'DPOP_NONCE_KEY_ID'),
    securityProfile: oneOf(env, 'SECURITY_PROFILE', SECURITY_PROFILES, 'none'),
    ...(serviceRegions === undefined ? {} : { serviceRegions }),
    ...(serviceRegions?.multiRegion === true
      ? { maxAssertionLifetimeSeconds: MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS }
      : {}),
  };
}
