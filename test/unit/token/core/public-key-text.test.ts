// Unit tests of publicKeysFromText: the one reader of public key texts (PEM, JWK, JWKS) for the clients CLI and for keys declared in Terraform.
import { ClientKeyError } from '../../../../functions/token/core/client-keys';
import { publicKeysFromText } from '../../../../functions/token/core/public-key-text';
import { jwkThumbprint } from '../../../../functions/shared/jwk';
import { clientKeyPair } from '../../../support/client-assertions';
import { primeModulusKey } from '../../../support/degenerate-keys';

describe('publicKeysFromText', () => {
  const rsa = clientKeyPair('RS256');
  const ec = clientKeyPair('ES384', 'ec-1');

  it('reads an SPKI PEM with its thumbprint as kid and the default alg', () => {
    // Arrange
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;

    // Act
    const keys = publicKeysFromText(pem);

    // Assert
    expect(keys).toEqual([{ ...rsa.jwk, kid: jwkThumbprint(rsa.jwk) }]);
  });

  it('reads a JWK and a JWKS, keeping given kids and algs', () => {
    // Act / Assert
    expect(publicKeysFromText(JSON.stringify(ec.jwk))).toEqual([ec.jwk]);
    expect(publicKeysFromText(JSON.stringify({ keys: [ec.jwk, rsa.jwk] }))).toEqual([
      ec.jwk,
      rsa.jwk,
    ]);
  });

  it.each([
    [
      'a private key PEM',
      () => rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      'is a private key; give the public key (openssl pkey -in key.pem -pubout)',
    ],
    [
      'a broken PEM',
      () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
      'is not a valid public key PEM',
    ],
    ['text that is neither', () => 'hello', 'is neither a PEM public key nor a JWK or JWKS (JSON)'],
    ['an empty JWKS', () => '{"keys":[]}', 'holds no key'],
    [
      'a single bad JWK, without a position',
      () => JSON.stringify({ ...ec.jwk, alg: 'HS256' }),
      'has alg "HS256"; use one of RS256, PS256, ES256, ES384, EdDSA, Ed25519 (never none or HMAC)',
    ],
    [
      'a bad key of a JWKS, by position',
      () => JSON.stringify({ keys: [ec.jwk, { ...ec.jwk, d: 'AA' }] }),
      'key 2 is a private key (it has the private member "d"); register the public key only',
    ],
  ])('refuses %s with the CLI message', (_label, text, message) => {
    // Act / Assert
    expect(() => publicKeysFromText(text())).toThrow(new ClientKeyError(message));
  });

  it('runs the degenerate-key checks unless told not to', () => {
    // Arrange
    const text = JSON.stringify(primeModulusKey().jwk);

    // Act / Assert
    expect(() => publicKeysFromText(text)).toThrow(/modulus is prime/);
    expect(publicKeysFromText(text, { checkDegenerate: false })).toHaveLength(1);
  });
});
