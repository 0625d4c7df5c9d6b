// Unit tests of the access-token contract: RFC 9068 header and claims, and the scope claim rule.
import {
  accessTokenHeader,
  buildAccessTokenClaims,
  formatScopeClaim,
  isScopeList,
  isScopeToken,
  JTI_BYTES,
  parseScopeClaim,
} from '../../../functions/shared/access-token';
import { countingBytes, FIXED_NOW_MS } from '../../support/token-fakes';

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
      scopes: ['orders:read', 'orders:write'],
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

  it('carries an empty scope claim when none was granted', () => {
    // Act
    const claims = buildAccessTokenClaims({
      issuer: 'i',
      clientId: 'c',
      audience: 'a',
      scopes: [],
      ttlSeconds: 60,
      clock: () => 1_000_999,
      randomBytes: countingBytes,
    });

    // Assert
    expect(claims.scope).toBe('');
    expect([claims.iat, claims.exp]).toEqual([1000, 1060]);
  });
});

describe('accessTokenHeader', () => {
  it('gives alg, typ at+jwt and kid, in that order', () => {
    // Act
    const header = accessTokenHeader({ alg: 'RS256', kid: 'k1' });

    // Assert
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' });
    expect(Object.keys(header)).toEqual(['alg', 'typ', 'kid']);
  });
});

describe('the scope claim rule', () => {
  it('formats scope tokens with single spaces, and none as ""', () => {
    // Act / Assert
    expect(formatScopeClaim(['a', 'b:c'])).toBe('a b:c');
    expect(formatScopeClaim([])).toBe('');
  });

  it.each([
    ['', []],
    ['a', ['a']],
    ['a b:c !#[]~', ['a', 'b:c', '!#[]~']],
  ])('reads %j', (claim, scopes) => {
    // Act / Assert
    expect(parseScopeClaim(claim)).toEqual(scopes);
  });

  it.each([
    [' a'],
    ['a '],
    ['a  b'],
    ['a\tb'],
    ['"a"'],
    ['a\\b'],
    ['é'],
    [['a']],
    [undefined],
    [7],
  ])('rejects %j', (claim) => {
    // Act / Assert
    expect(parseScopeClaim(claim)).toBeUndefined();
  });

  it('checks single scope tokens and lists', () => {
    // Act / Assert
    expect(isScopeToken('orders:read')).toBe(true);
    expect(isScopeToken('a b')).toBe(false);
    expect(isScopeList('a b')).toBe(true);
    expect(isScopeList('')).toBe(false);
  });
});
