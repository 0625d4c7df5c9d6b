// Which client authentication methods a client record accepts: one rule for the token function and the CLI.
import type { RegisteredAuthMethod, TokenEndpointAuthMethod } from './types';

/** Every value a record's `token_endpoint_auth_method` may hold ({@link RegisteredAuthMethod}). */
export const REGISTERED_AUTH_METHODS: readonly RegisteredAuthMethod[] = [
  'client_secret',
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];

const EITHER_SECRET: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
];

/**
 * The request methods a client registered with `registered` may use. A secret client never gets
 * `private_key_jwt` and a key client never a secret method, whatever the record says otherwise.
 * @param registered the record's `token_endpoint_auth_method`; undefined for a record written
 *   before every client had one, which accepts either secret transport
 * @returns the accepted RFC 7591 methods (`client_secret_post` covers form and JSON bodies)
 */
export function acceptedAuthMethods(
  registered: RegisteredAuthMethod | undefined,
): readonly TokenEndpointAuthMethod[] {
  return registered === undefined || registered === 'client_secret' ? EITHER_SECRET : [registered];
}

/**
 * @param registered the record's `token_endpoint_auth_method`, if any
 * @param presented the method the request used
 * @returns whether the client may authenticate that way
 */
export function acceptsAuthMethod(
  registered: RegisteredAuthMethod | undefined,
  presented: TokenEndpointAuthMethod,
): boolean {
  return acceptedAuthMethods(registered).includes(presented);
}

/**
 * @param registered the record's `token_endpoint_auth_method`, if any
 * @returns whether the client authenticates with a secret (as opposed to `private_key_jwt`)
 */
export function isSecretClient(registered: RegisteredAuthMethod | undefined): boolean {
  return registered !== 'private_key_jwt';
}
