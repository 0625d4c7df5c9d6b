// Unit tests of the shared JWS verification primitives: key preparation per algorithm and signature checks.
import { generateKeyPairSync } from 'node:crypto';
import {
  KeyAlgorithmMismatchError,
  prepareVerifyKey,
  verifyJwsSignature,
} from '../../../functions/shared/jws-verify';
import { jwkThumbprint } from '../../../functions/shared/jwk';
import { signJws } from '../../support/client-assertions';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed = generateKeyPairSync('ed25519');

describe('prepareVerifyKey', () => {
  it.each([
    ['RS256', rsa, 342],
    ['PS256', rsa, 342],
    ['ES256', p256, 86],
    ['ES384', p384, 128],
    ['EdDSA', ed, 86],
  ] as const)('pins %s and verifies its signatures only', (alg, pair, length) => {
    // Arrange
    const key = prepareVerifyKey(pair.publicKey, alg);
    const [h, p, s] = signJws({ alg }, { a: 1 }, pair.privateKey, alg).split('.') as [
      string,
      string,
      string,
    ];

    // Act / Assert
    expect(key.signatureB64Length).toBe(length);
    expect(verifyJwsSignature(`${h}.${p}`, s, key)).toBe(true);
    expect(verifyJwsSignature(`${h}.${p}x`, s, key)).toBe(false);
    expect(verifyJwsSignature(`${h}.${p}`, `${s}AAAA`, key)).toBe(false);
  });

  it('does not accept a PKCS#1 v1.5 signature for PS256', () => {
    // Arrange
    const key = prepareVerifyKey(rsa.publicKey, 'PS256');
    const [h, p, s] = signJws({ alg: 'RS256' }, {}, rsa.privateKey, 'RS256').split('.');

    // Act / Assert
    expect(verifyJwsSignature(`${h}.${p}`, s as string, key)).toBe(false);
  });

  it.each([
    ['RS256', p256.publicKey, 'RS256 needs an RSA key, not ec'],
    ['ES256', p384.publicKey, 'ES256 needs an EC P-256 key'],
    ['ES384', p256.publicKey, 'ES384 needs an EC P-384 key'],
    ['ES256', rsa.publicKey, 'ES256 needs an EC P-256 key'],
    ['EdDSA', p256.publicKey, 'EdDSA needs an Ed25519 key'],
    [
      'RS256',
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
      'a 1024-bit RSA key is too weak; RS256 needs at least 2048 bits',
    ],
  ] as const)('refuses %s on a key it does not fit', (alg, key, message) => {
    // Act / Assert
    expect(() => prepareVerifyKey(key, alg)).toThrow(new KeyAlgorithmMismatchError(message));
  });
});

describe('jwkThumbprint for OKP keys', () => {
  it('matches the RFC 8037 Appendix A.3 example', () => {
    // Arrange: the Ed25519 key of RFC 8037 A.2
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };

    // Act / Assert
    expect(jwkThumbprint(jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('refuses an OKP key without x', () => {
    // Act / Assert
    expect(() => jwkThumbprint({ kty: 'OKP', crv: 'Ed25519' })).toThrow('OKP JWK needs crv and x');
  });
});
