// Validation of operator input for client records: scopes (RFC 6749 §3.3), audiences, TTLs, names, ids.
import { isScopeToken } from '../../../functions/shared/access-token';
import { TOKEN_TTL_SECONDS } from '../../../functions/shared/limits';
import { UsageError } from '../../../tools/cli/usage-error';

/** Default grace period of `rotate-secret`, in seconds (one day). */
export const DEFAULT_GRACE_SECONDS = 86_400;
/** Longest grace period of `rotate-secret`, in seconds (30 days). */
export const MAX_GRACE_SECONDS = 2_592_000;
/** Longest client name, in characters. */
export const MAX_NAME_LENGTH = 128;
/** Longest audience, in characters. */
export const MAX_AUDIENCE_LENGTH = 1024;
/** Longest client id accepted on the command line. */
export const MAX_CLIENT_ID_LENGTH = 128;

/** Whitespace or control characters (C0, DEL, C1, Unicode separators). */
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;
/** Control characters and Unicode "other" classes that do not print (format, unassigned, surrogates). */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;
/** A non-negative decimal integer, no sign, no exponent. */
const DECIMAL = /^\d+$/;

/** Shows a value in a message without letting control characters reach the terminal. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * Parses a space-delimited scope list (the `--scopes` value) and checks every token.
 * @param value e.g. `"orders:read orders:write"`
 * @param flag the flag name for messages
 * @returns the scope tokens, in order, without duplicates
 * @throws UsageError when the list is empty or a token is not an RFC 6749 §3.3 scope-token
 */
export function parseScopes(value: string, flag = '--scopes'): string[] {
  const tokens = value.split(' ').filter((token) => token !== '');
  if (tokens.length === 0) {
    throw new UsageError(
      `${flag} needs at least one scope, e.g. ${flag} "orders:read orders:write"`,
    );
  }
  for (const token of tokens) checkScopeToken(token, flag);
  return [...new Set(tokens)];
}

/**
 * Checks one scope, as `--scopes` and a Terraform client's `scopes` (modules/client) check each.
 * @param token the scope
 * @param flag the flag or setting name for the message
 * @throws UsageError when it is not an RFC 6749 §3.3 scope-token
 */
export function checkScopeToken(token: string, flag: string): void {
  if (!isScopeToken(token)) {
    throw new UsageError(
      `${flag}: ${quote(token)} is not a valid scope (RFC 6749 §3.3 allows printable ASCII ` +
        'except space, " and \\; separate scopes with single spaces)',
    );
  }
}

/**
 * Checks the `--audience` values.
 * @param values one entry per `--audience` flag; the first becomes the client's default audience
 * @returns the audiences, in order, without duplicates
 * @throws UsageError when an audience is empty, too long or holds whitespace or control characters
 */
export function parseAudiences(values: readonly string[]): string[] {
  for (const value of values) {
    if (value === '') throw new UsageError('--audience must not be empty');
    if (WHITESPACE_OR_CONTROL.test(value)) {
      throw new UsageError(
        `--audience ${quote(value)} must not contain whitespace or control characters`,
      );
    }
    if ([...value].length > MAX_AUDIENCE_LENGTH) {
      throw new UsageError(`--audience must be at most ${MAX_AUDIENCE_LENGTH} characters`);
    }
  }
  return [...new Set(values)];
}

/**
 * Parses a whole number of seconds within bounds.
 * @param value the flag value
 * @param flag the flag name for messages
 * @param min lowest accepted value
 * @param max highest accepted value
 * @returns the number
 * @throws UsageError when the value is not a decimal integer in `min..max`
 */
export function parseSeconds(value: string, flag: string, min: number, max: number): number {
  const trimmed = value.trim();
  const seconds = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds < min || seconds > max) {
    throw new UsageError(
      `${flag} must be a whole number of seconds from ${min} to ${max}, got ${quote(value)}`,
    );
  }
  return seconds;
}

/**
 * Parses `--token-ttl`.
 * @param value the flag value
 * @returns the per-client access token lifetime in seconds (TOKEN_TTL_SECONDS.min..max)
 * @throws UsageError when out of range or not an integer
 */
export function parseTokenTtl(value: string): number {
  return parseSeconds(value, '--token-ttl', TOKEN_TTL_SECONDS.min, TOKEN_TTL_SECONDS.max);
}

/**
 * Parses `--grace`.
 * @param value the flag value
 * @returns the grace period in seconds (0 revokes the old secret at once)
 * @throws UsageError when out of range or not an integer
 */
export function parseGrace(value: string): number {
  return parseSeconds(value, '--grace', 0, MAX_GRACE_SECONDS);
}

/**
 * Checks a client name.
 * @param value the `--name` value
 * @returns the name without surrounding whitespace
 * @throws UsageError when empty, longer than 128 characters or not printable
 */
export function parseName(value: string): string {
  const name = value.trim();
  if (name === '') throw new UsageError('--name must not be empty');
  if ([...name].length > MAX_NAME_LENGTH) {
    throw new UsageError(`--name must be at most ${MAX_NAME_LENGTH} characters`);
  }
  if (NON_PRINTABLE.test(name)) {
    throw new UsageError('--name must contain printable characters only (no control characters)');
  }
  return name;
}

/**
 * Checks a client id given on the command line (before looking it up).
 * @param value the positional argument
 * @returns the id
 * @throws UsageError when it is empty, too long, or holds whitespace or control characters
 */
export function parseClientId(value: string): string {
  // `#` is reserved for the table's revocation items (`revoked#<jti>`, functions/shared/revocation.ts).
  if (
    value === '' ||
    value.length > MAX_CLIENT_ID_LENGTH ||
    !/^[\x21-\x7e]+$/.test(value) ||
    value.includes('#')
  ) {
    throw new UsageError(
      `${quote(value)} is not a valid client id (printable ASCII without spaces or #, at most ${MAX_CLIENT_ID_LENGTH} characters)`,
    );
  }
  return value;
}
