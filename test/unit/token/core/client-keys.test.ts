// Unit tests of client public-key validation: public members only, kid and alg, the key fits its alg, no weak or symmetric keys.
import { generateKeyPairSync } from 'node:crypto';
import {
  ClientKeyError,
  defaultAlgorithm,
  loadClientJwk,
  MAX_CLIENT_KEYS,
  MAX_KID_LENGTH,
  validateClientKeys,
} from '../../../../functions/token/core/client-keys';
import { clientKeyPair } from '../../../support/client-assertions';
import { ed25519SpareBits, rsaSpellings } from '../../../support/key-spellings';
import { primeModulusKey } from '../../../support/degenerate-keys';

const rsa = clientKeyPair('RS256');
const ec = clientKeyPair('ES256');
const ed = clientKeyPair('EdDSA');

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClientKeyError) return err.message;
    throw err;
  }
  throw new Error('expected a ClientKeyError');
};

describe('loadClientJwk', () => {
  it('keeps only the public members, with use sig', () => {
    // Arrange
    const input = { ...ec.jwk, key_ops: ['verify'], ext: true };

    // Act
    const { jwk, verifyKey } = loadClientJwk(input);

    // Assert
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(verifyKey.alg).toBe('ES256');
  });

  it('stores a key registered as Ed25519 (RFC 9864) as EdDSA', () => {
    // Act / Assert
    expect(loadClientJwk({ ...ed.jwk, alg: 'Ed25519' }).jwk.alg).toBe('EdDSA');
  });

  it('fills in alg and kid (RFC 7638 thumbprint) only when asked to', () => {
    // Arrange
    const { kid: _kid, alg: _alg, ...bare } = rsa.jwk;

    // Act
    const { jwk } = loadClientJwk(bare, { defaults: true });

    // Assert
    expect(jwk.alg).toBe('RS256');
    expect(jwk.kid).toBe(rsa.jwk.kid);
    expect(messageOf(() => loadClientJwk(bare))).toBe('has no alg');
    expect(messageOf(() => loadClientJwk({ ...bare, alg: 'RS256' }))).toBe('has no kid');
  });

  it.each(rsaSpellings(rsa.jwk))(
    'stores the canonical members of an RSA key given with %s',
    (_name, spelt) => {
      // Arrange
      const input = { ...rsa.jwk, ...spelt };

      // Act
      const { jwk } = loadClientJwk(input);

      // Assert
      expect(jwk).toEqual(rsa.jwk);
    },
  );

  it('stores the canonical x of an Ed25519 key given with its spare bits set', () => {
    // Arrange
    const input = { ...ed.jwk, x: ed25519SpareBits(ed.jwk.x as string) };

    // Act
    const { jwk } = loadClientJwk(input);

    // Assert
    expect(input.x).not.toBe(ed.jwk.x);
    expect(jwk).toEqual(ed.jwk);
  });

  it('fills in the thumbprint of the canonical members as kid, whatever the spelling', () => {
    // Arrange
    const { kid: _kid, ...bare } = rsa.jwk;
    const [[, spelt]] = rsaSpellings(rsa.jwk) as [[string, { n: string; e: string }]];

    // Act
    const { jwk } = loadClientJwk({ ...bare, ...spelt }, { defaults: true });

    // Assert
    expect(jwk.kid).toBe(rsa.jwk.kid);
  });

  it.each([
    ['a JSON array', [], 'is not a JWK (a JSON object)'],
    ['null', null, 'is not a JWK (a JSON object)'],
    [
      'an RSA private key',
      { ...rsa.jwk, d: 'AQAB' },
      'is a private key (it has the private member "d"); register the public key only',
    ],
    [
      'an RSA key with CRT members',
      { ...rsa.jwk, p: 'AQAB' },
      'is a private key (it has the private member "p"); register the public key only',
    ],
    [
      'an EC private key',
      { ...ec.jwk, d: 'AQAB' },
      'is a private key (it has the private member "d"); register the public key only',
    ],
    [
      'an HMAC key',
      { kty: 'oct', k: 'c2VjcmV0', kid: 'h', alg: 'HS256' },
      'is a symmetric (HMAC) key; register an asymmetric public key',
    ],
    [
      'an unsupported kty',
      { ...ec.jwk, kty: 'DH' },
      'has unsupported kty "DH"; use RSA, EC or OKP',
    ],
    [
      'an unsupported curve',
      { ...ec.jwk, crv: 'P-521' },
      'has unsupported curve "P-521"; use P-256 or P-384 (EC) or Ed25519 (OKP)',
    ],
    [
      'Ed448',
      { ...ed.jwk, crv: 'Ed448' },
      'has unsupported curve "Ed448"; use P-256 or P-384 (EC) or Ed25519 (OKP)',
    ],
    [
      'alg none',
      { ...ec.jwk, alg: 'none' },
      'has alg "none"; use one of RS256, PS256, ES256, ES384, EdDSA, Ed25519 (never none or HMAC)',
    ],
    [
      'alg HS256',
      { ...rsa.jwk, alg: 'HS256' },
      'has alg "HS256"; use one of RS256, PS256, ES256, ES384, EdDSA, Ed25519 (never none or HMAC)',
    ],
    ['use enc', { ...ec.jwk, use: 'enc' }, 'has use "enc"; a client assertion key is use "sig"'],
    [
      'a missing coordinate',
      { ...ec.jwk, y: undefined },
      'is missing a member of a EC public key (kty, crv, x, y)',
    ],
    [
      'alg that does not fit the key',
      { ...ec.jwk, alg: 'ES384' },
      'does not fit its alg: ES384 needs an EC P-384 key',
    ],
    [
      'an RSA alg on an EC key',
      { ...ec.jwk, alg: 'RS256' },
      'does not fit its alg: RS256 needs an RSA key, not ec',
    ],
    ['a point not on the curve', { ...ec.jwk, x: ec.jwk.y }, 'is not a valid EC public key'],
    [
      'a kid with a space',
      { ...ec.jwk, kid: 'a b' },
      `has a kid that is not 1-${MAX_KID_LENGTH} printable ASCII characters without spaces`,
    ],
    [
      'a kid too long',
      { ...ec.jwk, kid: 'k'.repeat(MAX_KID_LENGTH + 1) },
      `has a kid that is not 1-${MAX_KID_LENGTH} printable ASCII characters without spaces`,
    ],
  ])('refuses %s', (_name, value, message) => {
    // Act / Assert
    expect(messageOf(() => loadClientJwk(value))).toBe(message);
  });

  it('leaves the degenerate-key checks out only when told to (the token function, before a signature verifies)', () => {
    // Arrange
    const { jwk: prime } = primeModulusKey();

    // Act
    const cheap = loadClientJwk(prime, { checkDegenerate: false });

    // Assert
    expect(cheap.jwk.n).toBe(prime.n);
    expect(messageOf(() => loadClientJwk(prime))).toContain('modulus is prime');
  });

  it('refuses an RSA key under 2048 bits', () => {
    // Arrange
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'jwk',
    });

    // Act / Assert
    expect(messageOf(() => loadClientJwk({ ...weak, kid: 'w', alg: 'RS256' }))).toBe(
      'does not fit its alg: a 1024-bit RSA key is too weak; RS256 needs at least 2048 bits',
    );
  });

  it.each([
    ['RSA', undefined, 'RS256'],
    ['EC', 'P-256', 'ES256'],
    ['EC', 'P-384', 'ES384'],
    ['OKP', 'Ed25519', 'EdDSA'],
    ['EC', 'P-521', undefined],
    ['oct', undefined, undefined],
  ])('defaultAlgorithm(%s, %s) is %s', (kty, crv, alg) => {
    // Act / Assert
    expect(defaultAlgorithm(kty, crv)).toBe(alg);
  });
});

describe('validateClientKeys', () => {
  it('accepts up to MAX_CLIENT_KEYS keys with distinct kids', () => {
    // Arrange
    const keys = Array.from({ length: MAX_CLIENT_KEYS }, (_, i) => ({ ...ec.jwk, kid: `k${i}` }));

    // Act / Assert
    expect(validateClientKeys(keys).map((k) => k.kid)).toEqual(keys.map((k) => k.kid));
  });

  it.each([
    ['no key', [], 'a private_key_jwt client needs at least one key'],
    [
      'too many keys',
      Array.from({ length: MAX_CLIENT_KEYS + 1 }, (_, i) => ({ ...ec.jwk, kid: `k${i}` })),
      `a client holds at most ${MAX_CLIENT_KEYS} keys, got ${MAX_CLIENT_KEYS + 1}`,
    ],
    [
      'a duplicate kid',
      [ec.jwk, { ...rsa.jwk, kid: ec.jwk.kid }],
      `key 2 duplicates kid ${ec.jwk.kid}`,
    ],
    [
      'a bad key, named by position',
      [ec.jwk, { ...rsa.jwk, d: 'x' }],
      'key 2 is a private key (it has the private member "d"); register the public key only',
    ],
  ])('refuses %s', (_name, keys, message) => {
    // Act / Assert
    expect(messageOf(() => validateClientKeys(keys))).toBe(message);
  });
});
