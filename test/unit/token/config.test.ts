// Unit tests of loadTokenConfig: defaults, every variable's validation, messages naming the variable.
import type { Env } from '../../../functions/shared/env';
import { loadTokenConfig } from '../../../functions/token/config';

const BASE: Env = {
  ISSUER: 'https://auth.example.com',
  DEFAULT_AUDIENCE: 'https://api.example.com',
  CLIENTS_TABLE: 'clients',
  SIGNING_KEY_ID: 'alias/token',
};

describe('loadTokenConfig', () => {
  it('applies the defaults (KMS RS256 signer, JWKS of the signing key)', () => {
    // Act
    const config = loadTokenConfig(BASE);

    // Assert
    expect(config).toEqual({
      issuer: 'https://auth.example.com',
      defaultAudience: 'https://api.example.com',
      tokenTtlSeconds: 3600,
      minTokenTtlSeconds: 0,
      scopesSupported: [],
      clientsTable: 'clients',
      signer: {
        keyId: 'alias/token',
        algorithm: 'RS256',
        jwksKeyIds: ['alias/token'],
      },
      metricsNamespace: undefined,
      revocation: false,
      clockSkewSeconds: 30,
      acceptTokenEndpointAudience: false,
      dpopIatWindow: { pastSeconds: 60, futureSeconds: 5 },
      securityProfile: 'none',
    });
  });

  it('reads every optional setting', () => {
    // Act
    const config = loadTokenConfig({
      ...BASE,
      ISSUER: 'http://127.0.0.1:8080/stage',
      TOKEN_TTL_SECONDS: ' 60 ',
      AUTHORIZER_RESULT_TTL_SECONDS: '300',
      SCOPES_SUPPORTED: '["a","b:c"]',
      SIGNING_ALGORITHM: 'ES256',
      JWKS_KEY_IDS: '["k1","k2"]',
      POWERTOOLS_METRICS_NAMESPACE: 'Auth',
      ASSERTION_TOKEN_ENDPOINT_AUDIENCE: 'true',
    });

    // Assert
    expect(config).toMatchObject({
      acceptTokenEndpointAudience: true,
      issuer: 'http://127.0.0.1:8080/stage',
      tokenTtlSeconds: 60,
      minTokenTtlSeconds: 300,
      scopesSupported: ['a', 'b:c'],
      signer: { keyId: 'alias/token', algorithm: 'ES256', jwksKeyIds: ['k1', 'k2'] },
      metricsNamespace: 'Auth',
    });
  });

  it.each([
    ['ISSUER', { ISSUER: undefined }],
    ['ISSUER', { ISSUER: '  ' }],
    ['ISSUER', { ISSUER: 'not a url' }],
    ['ISSUER', { ISSUER: 'ftp://auth.example.com' }],
    ['ISSUER', { ISSUER: 'https://auth.example.com/' }],
    ['ISSUER', { ISSUER: 'https://auth.example.com?x=1' }],
    ['ISSUER', { ISSUER: 'https://auth.example.com#frag' }],
    ['ISSUER', { ISSUER: 'https://user:pw@auth.example.com' }],
    ['DEFAULT_AUDIENCE', { DEFAULT_AUDIENCE: '' }],
    ['ASSERTION_TOKEN_ENDPOINT_AUDIENCE', { ASSERTION_TOKEN_ENDPOINT_AUDIENCE: 'yes' }],
    ['TOKEN_TTL_SECONDS', { TOKEN_TTL_SECONDS: '59' }],
    ['TOKEN_TTL_SECONDS', { TOKEN_TTL_SECONDS: '86401' }],
    ['TOKEN_TTL_SECONDS', { TOKEN_TTL_SECONDS: '1.5' }],
    ['TOKEN_TTL_SECONDS', { TOKEN_TTL_SECONDS: 'abc' }],
    ['AUTHORIZER_RESULT_TTL_SECONDS', { AUTHORIZER_RESULT_TTL_SECONDS: '3601' }],
    ['AUTHORIZER_RESULT_TTL_SECONDS', { AUTHORIZER_RESULT_TTL_SECONDS: '-1' }],
    ['SCOPES_SUPPORTED', { SCOPES_SUPPORTED: 'a b' }],
    ['SCOPES_SUPPORTED', { SCOPES_SUPPORTED: '{"a":1}' }],
    ['SCOPES_SUPPORTED', { SCOPES_SUPPORTED: '["a", 1]' }],
    ['SCOPES_SUPPORTED', { SCOPES_SUPPORTED: '[""]' }],
    ['CLIENTS_TABLE', { CLIENTS_TABLE: undefined }],
    ['SIGNING_KEY_ID', { SIGNING_KEY_ID: undefined }],
    ['SIGNING_ALGORITHM', { SIGNING_ALGORITHM: 'HS256' }],
    ['SIGNING_ALGORITHM', { SIGNING_ALGORITHM: 'none' }],
    ['JWKS_KEY_IDS', { JWKS_KEY_IDS: 'k1' }],
  ])('rejects a bad %s with a message naming it', (name, overrides) => {
    // Act / Assert
    expect(() => loadTokenConfig({ ...BASE, ...overrides })).toThrow(
      new RegExp(`^Invalid configuration: ${name} `),
    );
  });
});
