// Unit tests of the discovery document (RFC 8414 metadata, also served as the OpenID configuration).
import {
  buildAuthorizationServerMetadata,
  DISCOVERY_PATHS,
} from '../../../../functions/token/core/metadata';

describe('buildAuthorizationServerMetadata', () => {
  it('describes the issuer, endpoints, grant and auth methods', () => {
    // Act
    const metadata = buildAuthorizationServerMetadata({
      issuer: 'https://auth.example.com/prod',
      scopesSupported: ['orders:read'],
    });

    // Assert
    expect(metadata).toEqual({
      issuer: 'https://auth.example.com/prod',
      token_endpoint: 'https://auth.example.com/prod/oauth2/token',
      jwks_uri: 'https://auth.example.com/prod/.well-known/jwks.json',
      scopes_supported: ['orders:read'],
      response_types_supported: ['none'],
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
  });

  it('omits scopes_supported when there are none to advertise', () => {
    // Act / Assert
    expect(
      buildAuthorizationServerMetadata({ issuer: 'http://127.0.0.1:8080', scopesSupported: [] }),
    ).not.toHaveProperty('scopes_supported');
  });

  it('claims no endpoint or token type the server does not have', () => {
    // Act
    const metadata = buildAuthorizationServerMetadata({
      issuer: 'https://auth.example.com',
      scopesSupported: [],
    });

    // Assert: authlib validate() needs a non-empty response_types_supported; nothing else is claimed.
    expect(metadata.response_types_supported.length).toBeGreaterThan(0);
    for (const absent of [
      'authorization_endpoint',
      'userinfo_endpoint',
      'revocation_endpoint',
      'introspection_endpoint',
      'registration_endpoint',
      'id_token_signing_alg_values_supported',
      'subject_types_supported',
    ]) {
      expect(metadata).not.toHaveProperty(absent);
    }
  });

  it('is served at the RFC 8414 and the OpenID Connect Discovery well-known paths', () => {
    // Assert
    expect(DISCOVERY_PATHS).toEqual([
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ]);
  });
});

describe('buildAuthorizationServerMetadata with private_key_jwt', () => {
  it('adds private_key_jwt and the asymmetric signing algorithms to every endpoint', () => {
    // Act
    const metadata = buildAuthorizationServerMetadata({
      issuer: 'https://auth.example.com',
      scopesSupported: [],
      revocation: true,
      privateKeyJwt: true,
    });

    // Assert
    const methods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
    const algs = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA', 'Ed25519'];
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(methods);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(algs);
    expect(metadata.revocation_endpoint_auth_methods_supported).toEqual(methods);
    expect(metadata.revocation_endpoint_auth_signing_alg_values_supported).toEqual(algs);
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(methods);
    expect(metadata.introspection_endpoint_auth_signing_alg_values_supported).toEqual(algs);
    // RFC 8414 §2: "none" must not be listed, nor any HMAC algorithm.
    expect(algs.some((alg) => alg === 'none' || alg.startsWith('HS'))).toBe(false);
  });

  it('advertises no signing algorithms without private_key_jwt', () => {
    // Act
    const metadata = buildAuthorizationServerMetadata({
      issuer: 'https://auth.example.com',
      scopesSupported: [],
    });

    // Assert
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toBeUndefined();
    expect(metadata.token_endpoint_auth_methods_supported).not.toContain('private_key_jwt');
  });
});
