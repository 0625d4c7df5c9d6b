// RFC 8414 authorization server metadata for the client credentials token endpoint.

/** Path of the token endpoint below the issuer. */
export const TOKEN_PATH = '/oauth2/token';
/** Path of the JWKS below the issuer. */
export const JWKS_PATH = '/.well-known/jwks.json';
/** Path of the RFC 7009 revocation endpoint below the issuer. */
export const REVOKE_PATH = '/oauth2/revoke';
/** Path of the RFC 7662 introspection endpoint below the issuer. */
export const INTROSPECT_PATH = '/oauth2/introspect';
/** Path of the metadata document below the issuer (RFC 8414 §3). */
export const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** The metadata document (RFC 8414 §2). */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  scopes_supported?: string[];
  response_types_supported: string[];
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  /** RFC 8414 §2, present when revocation is on. */
  revocation_endpoint?: string;
  revocation_endpoint_auth_methods_supported?: string[];
  introspection_endpoint?: string;
  introspection_endpoint_auth_methods_supported?: string[];
}

/**
 * Builds the metadata.
 * @param options.issuer issuer URL without a trailing slash
 * @param options.scopesSupported scopes to advertise; omitted from the document when empty
 * @returns the metadata document
 */
export function buildAuthorizationServerMetadata(options: {
  issuer: string;
  scopesSupported: readonly string[];
  /**
   * Advertise the revocation (REVOKE_PATH) and introspection (INTROSPECT_PATH) endpoints, with the
   * token endpoint's auth methods.
   */
  revocation?: boolean;
}): AuthorizationServerMetadata {
  const { issuer, scopesSupported } = options;
  const authMethods = ['client_secret_basic', 'client_secret_post'];
  return {
    issuer,
    token_endpoint: issuer + TOKEN_PATH,
    jwks_uri: issuer + JWKS_PATH,
    ...(scopesSupported.length > 0 ? { scopes_supported: [...scopesSupported] } : {}),
    // REQUIRED by RFC 8414 §2; this server has no authorization endpoint, so no response types.
    response_types_supported: [],
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: authMethods,
    ...(options.revocation === true
      ? {
          revocation_endpoint: issuer + REVOKE_PATH,
          revocation_endpoint_auth_methods_supported: [...authMethods],
          introspection_endpoint: issuer + INTROSPECT_PATH,
          introspection_endpoint_auth_methods_supported: [...authMethods],
        }
      : {}),
  };
}
