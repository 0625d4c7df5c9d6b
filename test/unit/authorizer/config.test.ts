// Authorizer configuration: defaults, and errors naming the variable (and the bad entry).
import { generateKeyPairSync } from 'node:crypto';
import { loadAuthorizerConfig } from '../../../functions/authorizer/config';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ format: 'pem', type: 'spki' })
  .toString();
const base = {
  ISSUER: 'https://auth.example.com',
  AUDIENCE: 'https://api.example.com',
  PUBLIC_KEYS_PEM: JSON.stringify([pem]),
};

describe('loadAuthorizerConfig', () => {
  it('loads keys and routes with defaults', () => {
    // Act
    const config = loadAuthorizerConfig(base);
    // Assert
    expect(config.issuer).toBe(base.ISSUER);
    expect(config.audience).toBe(base.AUDIENCE);
    expect(config.keys.size).toBe(1);
    expect(config.routes.routes).toEqual([]);
    expect(config.clockSkewSeconds).toBe(30);
    expect(config.verifiedTokenCacheSize).toBe(1000);
    expect(config.metricsNamespace).toBeUndefined();
  });

  it('reads VERIFIED_TOKEN_CACHE_SIZE, 0 (off) included', () => {
    // Act
    const off = loadAuthorizerConfig({ ...base, VERIFIED_TOKEN_CACHE_SIZE: '0' });
    const most = loadAuthorizerConfig({ ...base, VERIFIED_TOKEN_CACHE_SIZE: '10000' });
    // Assert
    expect([off.verifiedTokenCacheSize, most.verifiedTokenCacheSize]).toEqual([0, 10000]);
  });

  it('reads POWERTOOLS_METRICS_NAMESPACE, trimmed; blank is unset', () => {
    // Act
    const set = loadAuthorizerConfig({ ...base, POWERTOOLS_METRICS_NAMESPACE: ' Auth ' });
    const blank = loadAuthorizerConfig({ ...base, POWERTOOLS_METRICS_NAMESPACE: ' ' });
    // Assert
    expect([set.metricsNamespace, blank.metricsNamespace]).toEqual(['Auth', undefined]);
  });

  it('parses ROUTE_SCOPES and CLOCK_SKEW_SECONDS', () => {
    // Act
    const config = loadAuthorizerConfig({
      ...base,
      ROUTE_SCOPES: '{"GET /hello":["demo:read"]}',
      CLOCK_SKEW_SECONDS: '0',
    });
    // Assert
    expect(config.routes.routes[0]?.key).toBe('GET /hello');
    expect(config.clockSkewSeconds).toBe(0);
  });

  it.each([
    [{ ISSUER: undefined }, /ISSUER is required/],
    [{ AUDIENCE: '' }, /AUDIENCE is required/],
    [{ PUBLIC_KEYS_PEM: undefined }, /PUBLIC_KEYS_PEM is required/],
    [{ PUBLIC_KEYS_PEM: '{}' }, /PUBLIC_KEYS_PEM must be a JSON array/],
    [{ PUBLIC_KEYS_PEM: '[' }, /PUBLIC_KEYS_PEM is not valid JSON/],
    [{ PUBLIC_KEYS_PEM: '["nope"]' }, /Invalid configuration: PUBLIC_KEYS_PEM\[0\] is not an SPKI/],
    [{ ROUTE_SCOPES: '{"GET x":[]}' }, /Invalid configuration: ROUTE_SCOPES route "GET x"/],
    [{ ROUTE_SCOPES: '[]' }, /ROUTE_SCOPES route map must be a JSON object/],
    [{ CLOCK_SKEW_SECONDS: '301' }, /CLOCK_SKEW_SECONDS must be between 0 and 300/],
    [
      { VERIFIED_TOKEN_CACHE_SIZE: '10001' },
      /VERIFIED_TOKEN_CACHE_SIZE must be between 0 and 10000/,
    ],
    [{ VERIFIED_TOKEN_CACHE_SIZE: '-1' }, /VERIFIED_TOKEN_CACHE_SIZE must be between 0 and 10000/],
    [{ VERIFIED_TOKEN_CACHE_SIZE: '1e3' }, /VERIFIED_TOKEN_CACHE_SIZE must be an integer/],
  ])('rejects %j', (overrides, message) => {
    // Act / Assert
    expect(() => loadAuthorizerConfig({ ...base, ...overrides })).toThrow(message);
  });
});

describe('DPoP settings', () => {
  it('reads AUTHORIZER_RESULT_TTL_SECONDS (unset is 300, which refuses DPoP) and the DPoP pair', () => {
    // Act
    const unset = loadAuthorizerConfig(base);
    const set = loadAuthorizerConfig({
      ...base,
      AUTHORIZER_RESULT_TTL_SECONDS: '0',
      DPOP_REPLAY_TABLE: 'clients',
      DPOP_ALLOWED_HOSTS: '["api.example.com","abc.execute-api.eu-west-1.amazonaws.com"]',
    });

    // Assert
    expect(unset.resultTtlSeconds).toBe(300);
    expect(unset.dpop).toBeUndefined();
    expect(set.resultTtlSeconds).toBe(0);
    expect(set.dpop).toEqual({
      replayTable: 'clients',
      allowedHosts: ['api.example.com', 'abc.execute-api.eu-west-1.amazonaws.com'],
    });
  });

  it('reads DPOP_PUBLIC_BASE_URL, a normalised https base, with the DPoP pair', () => {
    // Act
    const config = loadAuthorizerConfig({
      ...base,
      DPOP_REPLAY_TABLE: 'clients',
      DPOP_ALLOWED_HOSTS: '["abc.execute-api.eu-west-1.amazonaws.com"]',
      DPOP_PUBLIC_BASE_URL: 'https://cdn.example.com/api',
    });

    // Assert
    expect(config.dpop?.publicBaseUrl).toBe('https://cdn.example.com/api');
  });

  it("reads DPOP_ALGORITHMS in the verifier's order, each once; unset is every algorithm", () => {
    // Act
    const unset = loadAuthorizerConfig(base);
    const fapi2 = loadAuthorizerConfig({ ...base, DPOP_ALGORITHMS: '["PS256","ES256","PS256"]' });

    // Assert
    expect(unset.dpopAlgorithms).toEqual(['ES256', 'PS256', 'RS256']);
    expect(fapi2.dpopAlgorithms).toEqual(['ES256', 'PS256']);
  });

  it.each([
    // Fail closed at cold start, naming the variable: nothing, an unknown or symmetric alg, not a list.
    [{ DPOP_ALGORITHMS: '[]' }, /^Invalid configuration: DPOP_ALGORITHMS must be a non-empty/],
    [{ DPOP_ALGORITHMS: '["ES256","none"]' }, /DPOP_ALGORITHMS .*not one of them: none/],
    [{ DPOP_ALGORITHMS: '["HS256"]' }, /DPOP_ALGORITHMS .*not one of them: HS256/],
    [{ DPOP_ALGORITHMS: '["es256"]' }, /DPOP_ALGORITHMS .*not one of them: es256/],
    [{ DPOP_ALGORITHMS: 'ES256 PS256' }, /DPOP_ALGORITHMS is not valid JSON/],
    [{ DPOP_ALGORITHMS: '"ES256"' }, /DPOP_ALGORITHMS must be a JSON array/],
    [{ DPOP_ALGORITHMS: '[""]' }, /DPOP_ALGORITHMS must be a JSON array/],
    [{ DPOP_REPLAY_TABLE: 'clients' }, /DPOP_REPLAY_TABLE/],
    [{ DPOP_ALLOWED_HOSTS: '["api.example.com"]' }, /DPOP_REPLAY_TABLE/],
    [
      { DPOP_REPLAY_TABLE: 'clients', DPOP_ALLOWED_HOSTS: '["API.example.com"]' },
      /DPOP_ALLOWED_HOSTS/,
    ],
    [
      { DPOP_REPLAY_TABLE: 'clients', DPOP_ALLOWED_HOSTS: '["https://a.example"]' },
      /DPOP_ALLOWED_HOSTS/,
    ],
    [{ AUTHORIZER_RESULT_TTL_SECONDS: '3601' }, /AUTHORIZER_RESULT_TTL_SECONDS/],
    // DPOP_PUBLIC_BASE_URL: only with the DPoP pair, and only as a normalised https base.
    [
      { DPOP_PUBLIC_BASE_URL: 'https://cdn.example.com' },
      /DPOP_PUBLIC_BASE_URL needs DPOP_REPLAY_TABLE/,
    ],
    ...[
      'http://cdn.example.com',
      'https://cdn.example.com/',
      'https://cdn.example.com/api?x=1',
      'https://cdn.example.com/api#x',
      'https://CDN.example.com',
      'https://cdn.example.com:443',
      'https://cdn.example.com/a/../api',
      'https://cdn.example.com/%61pi',
    ].map((url) => [
      {
        DPOP_REPLAY_TABLE: 'clients',
        DPOP_ALLOWED_HOSTS: '["api.example.com"]',
        DPOP_PUBLIC_BASE_URL: url,
      },
      /^Invalid configuration: DPOP_PUBLIC_BASE_URL must be /,
    ]),
  ] as [Record<string, string>, RegExp][])('rejects %j', (overrides, message) => {
    // Act / Assert
    expect(() => loadAuthorizerConfig({ ...base, ...overrides })).toThrow(message);
  });
});
