// Discovery: one server metadata definition, served as RFC 8414 metadata and as the OpenID discovery document.
import { ASSERTION_SIGNING_ALGS, assertionAlgorithm } from './client-keys';
import type { JwsAlgorithm } from '../../shared/jws-verify';
import {
  FAPI2_ASSERTION_ALGORITHMS,
  FAPI2_AUTH_METHODS,
  FAPI2_DPOP_ALGORITHMS,
  type SecurityProfile,
} from './security-profile';
import { DPOP_ALGORITHMS } from '../../shared/dpop-proof';

/** Path of the token endpoint below the issuer. */
export const TOKEN_PATH = '/oauth2/token';
/** Path of the JWKS below the issuer. */
export const JWKS_PATH = '/.well-known/jwks.json';
/** Path of the RFC 7009 revocation endpoint below the issuer. */
export const REVOKE_PATH = '/oauth2/revoke';
/** Path of the RFC 7662 introspection endpoint below the issuer. */
export const INTROSPECT_PATH = '/oauth2/introspect';
/**
 * Path of the RFC 8414 metadata below the issuer. RFC 8414 §3.1 inserts this well-known segment
 * between the host and the issuer's path (`https://host/.well-known/oauth-authorization-server/v1`);
 * that form is only routable where the issuer has no path (then both forms are the same URL), see
 * docs/http-contract.md ("Discovery").
 */
export const METADATA_PATH = '/.well-known/oauth-authorization-server';
/**
 * Path of the OpenID discovery document below the issuer (OpenID Connect Discovery 1.0 §4), which
 * openid-client's default `discovery()` and API Gateway's native JWT authorizers read: "Each issuer
 * must publish an OIDC discovery document at /.well-known/openid-configuration. When you create or
 * update an authorizer, API Gateway reads this document and records the location of the issuer's key
 * set, which the discovery document names as the jwks_uri" ("Signing keys and troubleshooting JWT
 * authorizers", https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer-keys.html).
 */
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';

/** The discovery paths below the issuer; every one serves the same document. */
export const DISCOVERY_PATHS: readonly string[] = [METADATA_PATH, OPENID_CONFIGURATION_PATH];

/**
 * The only response type this server advertises. RFC 8414 §2 makes `response_types_supported`
 * REQUIRED and authlib's `AuthorizationServerMetadata.validate()` rejects a missing or empty array
 * (`"response_types_supported" is required`). This server has no authorization endpoint, so the one
 * honest value is `none` (OAuth 2.0 Multiple Response Type Encoding Practices §4: the authorization
 * endpoint returns no credential); with no `authorization_endpoint` in the document no client can
 * ask for it.
 */
export const RESPONSE_TYPES_SUPPORTED: readonly string[] = ['none'];

/** The metadata document (RFC 8414 §2), also the OpenID discovery document. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  scopes_supported?: string[];
  response_types_supported: string[];
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  /** RFC 8414 §2: the algorithms of `private_key_jwt` assertions, present when it is supported. */
  token_endpoint_auth_signing_alg_values_supported?: string[];
  /** RFC 8414 §2, present when revocation is on. */
  revocation_endpoint?: string;
  revocation_endpoint_auth_methods_supported?: string[];
  revocation_endpoint_auth_signing_alg_values_supported?: string[];
  introspection_endpoint?: string;
  introspection_endpoint_auth_methods_supported?: string[];
  introspection_endpoint_auth_signing_alg_values_supported?: string[];
  /** RFC 9449 §5.1: the algorithms of DPoP proofs, present when DPoP is supported. */
  dpop_signing_alg_values_supported?: string[];
}

/**
 * Builds the metadata. It claims only what the token function does: the client credentials grant
 * at the token endpoint with `client_secret_basic`, `client_secret_post` or (when a replay cache is
 * wired) `private_key_jwt` with its signing algorithms, the JWKS, and the
 * revocation and introspection endpoints when revocation is on. No authorization or userinfo
 * endpoint and no ID tokens, so no
 * `subject_types_supported` or `id_token_signing_alg_values_supported` either.
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
  /** Advertise `private_key_jwt` (RFC 7523) and the assertion algorithms on every endpoint. */
  privateKeyJwt?: boolean;
  /** Advertise DPoP (RFC 9449 §5.1) with the proof algorithms. */
  dpop?: boolean;
  /**
   * `fapi2`: advertise what the FAPI 2.0 profile leaves: `private_key_jwt` alone with PS256, ES256
   * and EdDSA (also named Ed25519) assertions, and ES256 and PS256 proofs (core/security-profile.ts).
   */
  securityProfile?: SecurityProfile;
}): AuthorizationServerMetadata {
  const { issuer, scopesSupported } = options;
  const jwt = options.privateKeyJwt === true;
  const fapi2 = options.securityProfile === 'fapi2';
  const authMethods: string[] = fapi2
    ? [...FAPI2_AUTH_METHODS]
    : ['client_secret_basic', 'client_secret_post', ...(jwt ? ['private_key_jwt'] : [])];
  const assertionAlgs = fapi2
    ? ASSERTION_SIGNING_ALGS.filter((a) =>
        FAPI2_ASSERTION_ALGORITHMS.includes(assertionAlgorithm(a) as JwsAlgorithm),
      )
    : ASSERTION_SIGNING_ALGS;
  // RFC 8414 §2: "The value none MUST NOT be used"; every listed alg is asymmetric.
  const algs = (endpoint: string): Record<string, string[]> =>
    jwt ? { [`${endpoint}_endpoint_auth_signing_alg_values_supported`]: [...assertionAlgs] } : {};
  return {
    issuer,
    token_endpoint: issuer + TOKEN_PATH,
    jwks_uri: issuer + JWKS_PATH,
    ...(scopesSupported.length > 0 ? { scopes_supported: [...scopesSupported] } : {}),
    response_types_supported: [...RESPONSE_TYPES_SUPPORTED],
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: authMethods,
    ...algs('token'),
    ...(options.revocation === true
      ? {
          revocation_endpoint: issuer + REVOKE_PATH,
          revocation_endpoint_auth_methods_supported: [...authMethods],
          ...algs('revocation'),
          introspection_endpoint: issuer + INTROSPECT_PATH,
          introspection_endpoint_auth_methods_supported: [...authMethods],
          ...algs('introspection'),
        }
      : {}),
    ...(options.dpop === true
      ? {
          dpop_signing_alg_values_supported: [...(fapi2 ? FAPI2_DPOP_ALGORITHMS : DPOP_ALGORITHMS)],
        }
      : {}),
  };
}
