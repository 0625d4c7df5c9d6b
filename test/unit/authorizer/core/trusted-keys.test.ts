// Trusted key loading: algorithm pinning per key type, RFC 7638 kids, and cold-start errors naming the entry.
import { generateKeyPairSync } from 'node:crypto';
import { jwkThumbprint } from '../../../../functions/shared/jwk';
import {
  loadTrustedKeys,
  prepareKey,
  TrustedKeyError,
} from '../../../../functions/authorizer/core/trusted-keys';

const spki = (key: { export: (o: { format: 'pem'; type: 'spki' }) => string | Buffer }): string =>
  key.export({ format: 'pem', type: 'spki' }).toString();

describe('loadTrustedKeys', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('pins ES256 to P-256 and RS256 to RSA, keyed by RFC 7638 thumbprint', () => {
    // Act
    const keys = loadTrustedKeys([spki(ec.publicKey), spki(rsa.publicKey)]);
    // Assert
    const [esKey, rsKey] = [...keys.values()];
    expect(esKey?.alg).toBe('ES256');
    expect(esKey?.signatureB64Length).toBe(86);
    expect(esKey?.kid).toBe(jwkThumbprint(ec.publicKey.export({ format: 'jwk' }) as never));
    expect(rsKey?.alg).toBe('RS256');
    expect(rsKey?.signatureB64Length).toBe(342);
    expect(keys.get(rsKey!.kid)).toBe(rsKey);
  });

  it.each([
    ['an empty list', [], /at least one key/],
    ['a non-string entry', [5], /PUBLIC_KEYS_PEM\[0\] is not an SPKI public key PEM/],
    [
      'a private key',
      [ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()],
      /\[0\] is not an SPKI/,
    ],
    [
      'garbage inside PEM armour',
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'],
      /\[0\] is not a valid public key PEM/,
    ],
    [
      'a P-384 key',
      [spki(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey)],
      /\[0\] is an EC key on curve secp384r1/,
    ],
    [
      'a 1024-bit RSA key',
      [spki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)],
      /\[0\] is a 1024-bit RSA key/,
    ],
    ['an Ed25519 key', [spki(generateKeyPairSync('ed25519').publicKey)], /\[0\] is a ed25519 key/],
    ['a duplicate', [spki(ec.publicKey), spki(ec.publicKey)], /PUBLIC_KEYS_PEM\[1\] duplicates/],
  ])('rejects %s, naming the entry', (_name, pems, message) => {
    // Act / Assert
    expect(() => loadTrustedKeys(pems as unknown[])).toThrow(TrustedKeyError);
    expect(() => loadTrustedKeys(pems as unknown[])).toThrow(message);
  });

  it('uses the given label and a default entry name', () => {
    // Act / Assert
    expect(() => loadTrustedKeys([1], 'KEYS')).toThrow(/^KEYS\[0\]/);
    expect(() => prepareKey(generateKeyPairSync('ed25519').publicKey)).toThrow(/^key is a ed25519/);
  });
});
