// Unit tests of RFC 9068 claims with a frozen clock and deterministic randomness.
import { buildAccessTokenClaims, JTI_BYTES } from '../../../functions/core/claims';
import { countingBytes, FIXED_NOW_MS } from '../support/token-fakes';

describe('buildAccessTokenClaims', () => {
  it('builds exact claims in a stable order', () => {
    // Arrange
    const requested: number[] = [];
    const randomBytes = (n: number): Uint8Array => {
      requested.push(n);
      return countingBytes(n);
    };

    // Act
    const claims = buildAccessTokenClaims({
      issuer: 'https://auth.example.com',
      clientId: 'client-1',
      audience: 'https://api.example.com',
      scope: 'orders:read orders:write',
      ttlSeconds: 900,
      clock: () => FIXED_NOW_MS,
      randomBytes,
    });

    // Assert
    const iat = Math.floor(FIXED_NOW_MS / 1000);
    expect(claims).toEqual({
      iss: 'https://auth.example.com',
      sub: 'client-1',
      client_id: 'client-1',
      aud: 'https://api.example.com',
      iat,
      nbf: iat,
      exp: iat + 900,
      jti: 'AAECAwQFBgcICQoLDA0ODw',
      scope: 'orders:read orders:write',
    });
    expect(Object.keys(claims)).toEqual([
      'iss',
      'sub',
      'client_id',
      'aud',
      'iat',
      'nbf',
      'exp',
      'jti',
      'scope',
    ]);
    expect(requested).toEqual([JTI_BYTES]);
    expect(JTI_BYTES * 8).toBeGreaterThanOrEqual(128);
  });

  it('omits scope when none was granted', () => {
    // Act
    const claims = buildAccessTokenClaims({
      issuer: 'i',
      clientId: 'c',
      audience: 'a',
      scope: undefined,
      ttlSeconds: 60,
      clock: () => 1_000_999,
      randomBytes: countingBytes,
    });

    // Assert
    expect(claims).not.toHaveProperty('scope');
    expect([claims.iat, claims.exp]).toEqual([1000, 1060]);
  });
});
