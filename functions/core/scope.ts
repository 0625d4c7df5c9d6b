// Scope parsing and resolution (RFC 6749 §3.3) against a client's allowed scopes.
import { InvalidScopeError } from './errors';

// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), tokens separated by single spaces.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/**
 * Checks one RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`.
 * @param token the candidate
 * @returns true when it is a scope-token
 */
export function isScopeToken(token: string): boolean {
  return SCOPE_TOKEN.test(token);
}

/**
 * Parses a requested `scope` parameter.
 * @param scope the parameter value; undefined when omitted
 * @returns the distinct scope tokens in request order, or undefined when omitted
 * @throws InvalidScopeError when the value does not follow the RFC 6749 §3.3 syntax
 */
export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  if (!SCOPE.test(scope)) {
    throw new InvalidScopeError('scope must be scope tokens separated by single spaces');
  }
  return [...new Set(scope.split(' '))];
}

/**
 * Decides the granted scopes.
 * @param requested parsed requested scopes; undefined means all allowed scopes
 * @param allowed the client's allowed scopes
 * @returns the granted scopes
 * @throws InvalidScopeError when a requested scope is not allowed for the client
 */
export function resolveScopes(
  requested: string[] | undefined,
  allowed: readonly string[],
): string[] {
  if (requested === undefined) return [...new Set(allowed)];
  const allowedSet = new Set(allowed);
  if (requested.some((scope) => !allowedSet.has(scope))) {
    throw new InvalidScopeError('requested scope is not allowed for this client');
  }
  return requested;
}

/**
 * Formats scopes as the space-delimited `scope` value of the response and token.
 * @param scopes granted scopes
 * @returns the value, or undefined when no scope was granted (an empty value is not valid syntax)
 */
export function formatScope(scopes: readonly string[]): string | undefined {
  return scopes.length === 0 ? undefined : scopes.join(' ');
}
