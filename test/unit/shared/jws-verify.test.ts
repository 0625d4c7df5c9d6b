// Unit tests of the shared JWS verification primitives: key preparation per algorithm and signature checks.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  verify as cryptoVerify,
} from 'node:crypto';
import {
  KeyAlgorithmMismatchError,
  LARGE_MODULUS_BITS,
  MAX_LARGE_MODULUS_EXPONENT_BITS,
  MAX_RSA_BITS,
  prepareVerifyKey,
  verifyJwsSignature,
} from '../../../functions/shared/jws-verify';
import { jwkThumbprint } from '../../../functions/shared/jwk';
import { signJws } from '../../support/client-assertions';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64 = (value: bigint): string => {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex').toString('base64url');
};

/** An RSA public KeyObject with this modulus and exponent (no private key exists or is needed). */
const rsaKey = (n: bigint, e: bigint) =>
  createPublicKey({ key: { kty: 'RSA', n: b64(n), e: b64(e) }, format: 'jwk' });

/** An RSA public KeyObject whose modulus is a random odd number of exactly `bits` bits. */
const sized = (bits: number, e: bigint) => {
  const random = BigInt(`0x${randomBytes(bits / 8 + 1).toString('hex')}`) % (1n << BigInt(bits));
  return rsaKey(random | (1n << BigInt(bits - 1)) | 1n, e);
};
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

  it('refuses RSA keys whose public exponent makes signatures forgeable or is out of range', () => {
    // Arrange: e = 1 makes the "signature" the padded digest itself; e = 3 is below FIPS 186-5's
    // bound; e = 65536 is even; e = 2^256 + 1 is above it.
    const n = rsa.publicKey.export({ format: 'jwk' }).n as string;
    const withExponent = (e: bigint) => {
      const hex = e.toString(16);
      const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
      return createPublicKey({
        key: { kty: 'RSA', n, e: bytes.toString('base64url') },
        format: 'jwk',
      });
    };
    const three = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });

    // Act / Assert
    for (const key of [
      withExponent(1n),
      three.publicKey,
      withExponent(65536n),
      withExponent(2n ** 256n + 1n),
    ]) {
      for (const alg of ['RS256', 'PS256'] as const) {
        expect(() => prepareVerifyKey(key, alg)).toThrow(/public exponent .* is unsafe/);
      }
    }
    expect(prepareVerifyKey(withExponent(65537n), 'RS256').alg).toBe('RS256');
  });

  it('refuses the forgery an e = 1 key would allow, at registration', () => {
    // Arrange: with e = 1, s^e mod n = s, so the PKCS#1 v1.5 encoding of the digest verifies.
    const n = rsa.publicKey.export({ format: 'jwk' }).n as string;
    const weak = createPublicKey({ key: { kty: 'RSA', n, e: 'AQ' }, format: 'jwk' });
    const input = 'eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ';
    const digestInfo = Buffer.concat([
      Buffer.from('3031300d060960864801650304020105000420', 'hex'),
      createHash('sha256').update(input).digest(),
    ]);
    const padded = Buffer.concat([
      Buffer.from([0x00, 0x01]),
      Buffer.alloc(256 - 3 - digestInfo.length, 0xff),
      Buffer.from([0x00]),
      digestInfo,
    ]);
    // What a verifier without the exponent check would accept:
    expect(cryptoVerify('sha256', Buffer.from(input), weak, padded)).toBe(true);

    // Act / Assert
    expect(() => prepareVerifyKey(weak, 'RS256')).toThrow(KeyAlgorithmMismatchError);
  });

  it('refuses RSA keys over MAX_RSA_BITS, such as the 16384-bit key with a 64-bit exponent of issue 21', () => {
    // Arrange: any odd number of the size will do; prepareVerifyKey looks at the size first.

    // Act / Assert
    expect(() => prepareVerifyKey(sized(16384, 2n ** 63n + 1n), 'RS256')).toThrow(
      new KeyAlgorithmMismatchError(
        'a 16384-bit RSA key is too large; RS256 takes at most 4096 bits here',
      ),
    );
    expect(() => prepareVerifyKey(sized(MAX_RSA_BITS + 1, 65537n), 'PS256')).toThrow(
      /a 4097-bit RSA key is too large/,
    );
    expect(prepareVerifyKey(sized(MAX_RSA_BITS, 65537n), 'RS256').signatureB64Length).toBe(683);
  });

  it('refuses an exponent over 64 bits above 3072 bits, with which OpenSSL never verifies', () => {
    // Arrange
    const large = 2n ** BigInt(MAX_LARGE_MODULUS_EXPONENT_BITS) + 1n;

    // Act / Assert
    expect(() => prepareVerifyKey(sized(LARGE_MODULUS_BITS + 1, large), 'RS256')).toThrow(
      new KeyAlgorithmMismatchError(
        'a 3073-bit RSA key with a public exponent over 64 bits cannot verify anything; above 3072 bits OpenSSL takes exponents below 2^64 only',
      ),
    );
    expect(prepareVerifyKey(sized(LARGE_MODULUS_BITS + 1, large - 2n), 'RS256').alg).toBe('RS256');
    expect(prepareVerifyKey(sized(LARGE_MODULUS_BITS, large), 'RS256').alg).toBe('RS256');
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
