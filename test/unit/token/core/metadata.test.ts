// Unit tests of the RFC 8414 authorization server metadata document.
import { buildAuthorizationServerMetadata } from '../../../../functions/token/core/metadata';

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
      response_types_supported: [],
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
});
