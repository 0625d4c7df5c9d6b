// Scope parsing and resolution (RFC 6749 §3.3) against a client's allowed scopes.
import { isScopeList } from '../../shared/access-token';
import { InvalidScopeError } from './errors';

/**
 * Parses a requested `scope` parameter.
 * @param scope the parameter value; undefined when omitted
 * @returns the distinct scope tokens in request order, or undefined when omitted
 * @throws InvalidScopeError when the value does not follow the RFC 6749 §3.3 syntax
 */
export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  if (!isScopeList(scope)) {
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
