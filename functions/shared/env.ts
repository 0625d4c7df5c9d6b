// Parse helpers for the functions' environment, read once at cold start; errors name the variable.
import type { DpopIatWindow } from './dpop-proof';
import { DPOP_IAT_FUTURE_SECONDS, DPOP_IAT_PAST_SECONDS, type Limit } from './limits';

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

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
 * @param limit the accepted range and the value when unset
 * @returns the integer
 * @throws Error naming the variable when it is not an integer in range
 */
export function integerInRange(env: Env, name: string, limit: Limit): number {
  const raw = optionalString(env, name);
  if (raw === undefined) return limit.default;
  if (!/^-?\d+$/.test(raw)) throw configError(name, `must be an integer (got "${raw}")`);
  const value = Number(raw);
  if (value < limit.min || value > limit.max) {
    throw configError(name, `must be between ${limit.min} and ${limit.max} (got ${value})`);
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

/**
 * The DPoP proof `iat` window (RFC 9449 §4.3 step 11) both functions read: DPOP_IAT_PAST_SECONDS
 * and DPOP_IAT_FUTURE_SECONDS, within the bounds of functions/shared/limits.ts.
 * @param env the environment
 * @returns how old and how far ahead a proof's `iat` may be
 * @throws Error naming the variable when one is not an integer in range
 */
export function dpopIatWindow(env: Env): DpopIatWindow {
  return {
    pastSeconds: integerInRange(env, 'DPOP_IAT_PAST_SECONDS', DPOP_IAT_PAST_SECONDS),
    futureSeconds: integerInRange(env, 'DPOP_IAT_FUTURE_SECONDS', DPOP_IAT_FUTURE_SECONDS),
  };
}
