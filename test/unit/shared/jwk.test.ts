// Unit tests of public JWK export and RFC 7638 thumbprints, with jose as the oracle.
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { jwkThumbprint, publicJwkFromKeyObject } from '../../../functions/shared/jwk';

describe('publicJwkFromKeyObject', () => {
  it('exports an EC P-256 public JWK with its thumbprint as kid, from a private key', async () => {
    // Arrange
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    // Act
    const fromPrivate = publicJwkFromKeyObject(privateKey, 'ES256');
    const fromPublic = publicJwkFromKeyObject(publicKey, 'ES256');

    // Assert
    expect(fromPrivate).toEqual(fromPublic);
    expect(Object.keys(fromPrivate).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(fromPrivate).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(fromPrivate.kid).toBe(await calculateJwkThumbprint(publicKey.export({ format: 'jwk' })));
  });

  it('exports an RSA public JWK without private members', async () => {
    // Arrange
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

    // Act
    const jwk = publicJwkFromKeyObject(privateKey, 'RS256');

    // Assert
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(jwk.kid).toBe(await calculateJwkThumbprint(publicKey.export({ format: 'jwk' })));
  });

  it.each([
    [
      'ES256 with an RSA key',
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
      'ES256',
    ],
    [
      'ES256 with a P-384 key',
      generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey,
      'ES256',
    ],
    ['RS256 with an EC key', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'RS256'],
    ['RS256 with an Ed25519 key', generateKeyPairSync('ed25519').publicKey, 'RS256'],
  ] as const)('rejects %s', (_label, key, alg) => {
    // Act / Assert
    expect(() => publicJwkFromKeyObject(key, alg)).toThrow(/needs an? (EC P-256|RSA) key/);
  });
});

describe('jwkThumbprint', () => {
  it('matches the RFC 7638 §3.1 example', () => {
    // Arrange
    const jwk = {
      kty: 'RSA' as const,
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP' +
        'ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY' +
        '368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f' +
        'M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
    };

    // Act
    const thumbprint = jwkThumbprint(jwk);

    // Assert
    expect(thumbprint).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('agrees with jose for many EC keys', async () => {
    for (let i = 0; i < 20; i++) {
      // Arrange
      const exported = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
        format: 'jwk',
      });

      // Act
      const ours = jwkThumbprint({ kty: 'EC', crv: 'P-256', x: exported.x, y: exported.y });

      // Assert
      expect(ours).toBe(await calculateJwkThumbprint(exported));
    }
  });

  it('ignores kid, alg and use', () => {
    // Arrange
    const base = { kty: 'EC' as const, crv: 'P-256' as const, x: 'AA', y: 'BB' };

    // Act / Assert
    expect(jwkThumbprint({ ...base, kid: 'k', alg: 'ES256', use: 'sig' } as typeof base)).toBe(
      jwkThumbprint(base),
    );
  });

  it.each([
    [{ kty: 'EC' as const, crv: 'P-256' as const, x: 'AA' }],
    [{ kty: 'EC' as const, x: 'AA', y: 'BB' }],
    [{ kty: 'EC' as const, crv: 'P-256' as const, y: 'BB' }],
    [{ kty: 'RSA' as const, n: 'AA' }],
    [{ kty: 'RSA' as const, e: 'AQAB' }],
  ])('rejects a JWK without its required members: %j', (jwk) => {
    // Act / Assert
    expect(() => jwkThumbprint(jwk)).toThrow(/needs/);
  });
});
