// Reads and validates the functions' environment once, at cold start; errors name the variable.
import type { SigningAlgorithm } from './core/types';

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the token function reads clients from. */
export type ClientStoreConfig =
  { kind: 'dynamodb'; tableName: string } | { kind: 'file'; dataDir: string };

/** How the token function signs, and which public keys it publishes. */
export type SignerConfig =
  | { kind: 'kms'; keyId: string; algorithm: SigningAlgorithm; jwksKeyIds: string[] }
  | { kind: 'local'; dataDir: string };

/** Validated configuration of the token function. */
export interface TokenConfig {
  /** Issuer URL, no trailing slash (RFC 8414 §2). */
  issuer: string;
  defaultAudience: string;
  /** Default access token lifetime, 60..86400 seconds. */
  tokenTtlSeconds: number;
  /** Advertised in the RFC 8414 metadata. */
  scopesSupported: string[];
  clientStore: ClientStoreConfig;
  signer: SignerConfig;
  /** POWERTOOLS_METRICS_NAMESPACE; metrics are emitted only when it is set. */
  metricsNamespace: string | undefined;
}

/** Signing algorithms accepted in SIGNING_ALGORITHM. */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256'];

// ---------------------------------------------------------------------------------------------
// Small parse helpers, shared by every function's loader
// ---------------------------------------------------------------------------------------------

/**
 * Error for a missing or invalid variable.
 * @param name the variable
 * @param problem what is wrong
 * @returns the error to throw
 */
export function configError(name: string, problem: string): Error {
  return new Error(`Invalid configuration: ${name} ${problem}`);
}

/**
 * @param env the environment
 * @param name variable name
 * @returns the trimmed value, or undefined when unset or blank
 */
export function optionalString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * @param env the environment
 * @param name variable name
 * @returns the trimmed value
 * @throws Error naming the variable when it is unset or blank
 */
export function requiredString(env: Env, name: string): string {
  const value = optionalString(env, name);
  if (value === undefined) throw configError(name, 'is required');
  return value;
}

/**
 * @param env the environment
 * @param name variable name
 * @param defaultValue value when unset
 * @param min smallest allowed value
 * @param max largest allowed value
 * @returns the integer
 * @throws Error naming the variable when it is not an integer in range
 */
export function integerInRange(
  env: Env,
  name: string,
  defaultValue: number,
  min: number,
  max: number,
): number {
  const raw = optionalString(env, name);
  if (raw === undefined) return defaultValue;
  if (!/^-?\d+$/.test(raw)) throw configError(name, `must be an integer (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw configError(name, `must be between ${min} and ${max} (got ${value})`);
  }
  return value;
}

/**
 * @param env the environment
 * @param name variable name
 * @param allowed accepted values (case-sensitive)
 * @param defaultValue value when unset
 * @returns the value
 * @throws Error naming the variable when it is not one of `allowed`
 */
export function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  defaultValue: T,
): T {
  const raw = optionalString(env, name);
  if (raw === undefined) return defaultValue;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw configError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

/**
 * @param env the environment
 * @param name variable name
 * @returns the parsed JSON, or undefined when unset
 * @throws Error naming the variable when it is not valid JSON
 */
export function optionalJson(env: Env, name: string): unknown {
  const raw = optionalString(env, name);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw configError(name, 'is not valid JSON');
  }
}

/**
 * @param env the environment
 * @param name variable name
 * @param defaultValue value when unset
 * @returns a JSON array of non-empty strings
 * @throws Error naming the variable otherwise
 */
export function stringArray(env: Env, name: string, defaultValue: string[]): string[] {
  const value = optionalJson(env, name);
  if (value === undefined) return defaultValue;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw configError(name, 'must be a JSON array of non-empty strings');
  }
  return value as string[];
}

/**
 * An issuer URL: http(s), no query, fragment, credentials or trailing slash (RFC 8414 §2).
 * @param env the environment
 * @param name variable name
 * @returns the URL as given
 * @throws Error naming the variable otherwise
 */
export function issuerUrl(env: Env, name: string): string {
  const raw = requiredString(env, name);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(name, `must be an absolute URL (got "${raw}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw configError(name, 'must be an https or http URL');
  }
  // Checked on the raw text: the URL parser reports an empty `?` or `#` as no query or fragment.
  if (raw.includes('?') || raw.includes('#') || url.username || url.password) {
    throw configError(name, 'must not have a query, fragment or credentials');
  }
  if (raw.endsWith('/')) throw configError(name, 'must not end with a slash');
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Token function
// ---------------------------------------------------------------------------------------------

/**
 * Loads the token function's configuration.
 * @param env the environment (process.env at cold start)
 * @returns the validated configuration
 * @throws Error whose message names the first missing or invalid variable
 */
export function loadTokenConfig(env: Env): TokenConfig {
  const issuer = issuerUrl(env, 'ISSUER');
  const defaultAudience = requiredString(env, 'DEFAULT_AUDIENCE');
  const tokenTtlSeconds = integerInRange(env, 'TOKEN_TTL_SECONDS', 3600, 60, 86400);
  const scopesSupported = stringArray(env, 'SCOPES_SUPPORTED', []);

  const storeKind = oneOf(env, 'CLIENT_STORE', ['dynamodb', 'file'], 'dynamodb');
  const clientStore: ClientStoreConfig =
    storeKind === 'dynamodb'
      ? { kind: 'dynamodb', tableName: requiredString(env, 'CLIENTS_TABLE') }
      : { kind: 'file', dataDir: requiredString(env, 'DATA_DIR') };

  const signerKind = oneOf(env, 'SIGNER', ['kms', 'local'], 'kms');
  let signer: SignerConfig;
  if (signerKind === 'kms') {
    const keyId = requiredString(env, 'SIGNING_KEY_ID');
    signer = {
      kind: 'kms',
      keyId,
      algorithm: oneOf(env, 'SIGNING_ALGORITHM', SIGNING_ALGORITHMS, 'ES256'),
      jwksKeyIds: stringArray(env, 'JWKS_KEY_IDS', [keyId]),
    };
  } else {
    signer = { kind: 'local', dataDir: requiredString(env, 'DATA_DIR') };
  }

  return {
    issuer,
    defaultAudience,
    tokenTtlSeconds,
    scopesSupported,
    clientStore,
    signer,
    metricsNamespace: optionalString(env, 'POWERTOOLS_METRICS_NAMESPACE'),
  };
}
