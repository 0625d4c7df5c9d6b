// Audience resolution: which resource server a token is for, chosen from the client's audiences.
import { InvalidTargetError } from './errors';

/**
 * Decides the token's `aud`.
 * @param requested the `audience` parameter; undefined when omitted
 * @param allowed the client's audiences; the first is its default
 * @param serviceDefault the service's default audience, used when the client lists none
 * @returns the audience
 * @throws InvalidTargetError when the requested audience is not allowed for the client
 */
export function resolveAudience(
  requested: string | undefined,
  allowed: readonly string[],
  serviceDefault: string,
): string {
  const audiences = allowed.length > 0 ? allowed : [serviceDefault];
  if (requested === undefined) return audiences[0] as string;
  if (!audiences.includes(requested)) {
    throw new InvalidTargetError('requested audience is not allowed for this client');
  }
  return requested;
}
