// Degenerate public keys built in the test (issue 21, finding 2), and assertions forged for them with no private key at all.
import { createHash, createPublicKey, generatePrimeSync, verify } from 'node:crypto';
import type { ClientJwk } from '../../functions/token/core/types';

/** base64url of a non-negative integer, big-endian, no leading zero byte. */
export function bigintToB64(value: bigint): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex').toString('base64url');
}

/** b^e mod m, square and multiply. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/** The inverse of a modulo m (extended Euclid); a and m coprime. */
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** A degenerate key as it would be registered, and how to forge a signature for it. */
export interface DegenerateKey {
  /** What is wrong, for test names. */
  name: string;
  /** The registered public JWK (kid and alg set). */
  jwk: ClientJwk;
  /**
   * Forges a JWS signature over `signingInput` without any private key, or returns undefined when
   * this message cannot be forged (a small-order Ed25519 point forges some messages only).
   */
  forge(signingInput: string): string | undefined;
}

const E = 65537n;
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * An RSA key whose private exponent anyone can compute from phi(n): the forged RS256 signature
 * is the PKCS#1 v1.5 encoding of the digest raised to d.
 */
function rsaKey(name: string, n: bigint, phi: bigint): DegenerateKey {
  const d = modInverse(E, phi);
  const bytes = Math.ceil(n.toString(2).length / 8);
  return {
    name,
    jwk: { kty: 'RSA', n: bigintToB64(n), e: 'AQAB', kid: name, alg: 'RS256' } as ClientJwk,
    forge(signingInput) {
      const digestInfo = Buffer.concat([
        SHA256_DIGEST_INFO,
        createHash('sha256').update(signingInput).digest(),
      ]);
      const encoded = Buffer.concat([
        Buffer.from([0x00, 0x01]),
        Buffer.alloc(bytes - 3 - digestInfo.length, 0xff),
        Buffer.from([0x00]),
        digestInfo,
      ]);
      const signature = modPow(BigInt(`0x${encoded.toString('hex')}`), d, n);
      return Buffer.from(signature.toString(16).padStart(bytes * 2, '0'), 'hex').toString(
        'base64url',
      );
    },
  };
}

/** An RSA key whose modulus is a 2048-bit prime: phi(n) = n - 1. */
export function primeModulusKey(): DegenerateKey {
  const p = generatePrimeSync(2048, { bigint: true });
  return rsaKey('rsa-prime-modulus', p, p - 1n);
}

/** An RSA key whose modulus is a large prime times 65521, a prime below the small-factor bound. */
export function smallFactorKey(): DegenerateKey {
  const p = generatePrimeSync(2033, { bigint: true });
  return rsaKey('rsa-small-factor', p * 65521n, (p - 1n) * 65520n);
}

/** An RSA key whose modulus is the square of a 1025-bit prime: phi(n) = p(p - 1). */
export function primeSquareKey(): DegenerateKey {
  const p = generatePrimeSync(1025, { bigint: true });
  return rsaKey('rsa-prime-square', p * p, p * (p - 1n));
}

/**
 * An Ed25519 key whose encoding `x` is a point of small order. The forged signature is R = the
 * identity, S = 0: it verifies when [k]A is the identity, k = SHA-512(R || A || M), which is
 * always for the identity and for one message in 2, 4 or 8 for the other points.
 */
export function smallOrderEd25519Key(name: string, xHex: string): DegenerateKey {
  const x = Buffer.from(xHex, 'hex').toString('base64url');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  const signature = Buffer.concat([Buffer.from('01', 'hex'), Buffer.alloc(63)]);
  return {
    name,
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid: name, alg: 'EdDSA' } as ClientJwk,
    forge(signingInput) {
      return verify(null, Buffer.from(signingInput), publicKey, signature)
        ? signature.toString('base64url')
        : undefined;
    },
  };
}

/** The identity point (order 1): every message is forged. */
export const ED25519_IDENTITY = '01'.padEnd(64, '0');

/** All zeros: y = 0, a point of order 4 (one message in 4 is forged). */
export const ED25519_ZERO = '00'.repeat(32);

const b64json = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A compact JWS forged for a degenerate key: header `{alg, kid}` of the key, claims from
 * `claims(attempt)` (vary the `jti` so that another message can be tried), a forged signature.
 * @param key the degenerate key
 * @param claims the claims of the n-th attempt
 * @returns the forged assertion
 */
export function forgeAssertion(
  key: DegenerateKey,
  claims: (attempt: number) => Record<string, unknown>,
): string {
  for (let attempt = 0; attempt < 256; attempt++) {
    const input = `${b64json({ alg: key.jwk.alg, kid: key.jwk.kid })}.${b64json(claims(attempt))}`;
    const signature = key.forge(input);
    if (signature !== undefined) return `${input}.${signature}`;
  }
  throw new Error(`no message could be forged for ${key.name}`);
}

/**
 * What a verifier without the degenerate-key checks would answer: node:crypto's verification of
 * the assertion with the registered key as it is.
 * @param key the degenerate key
 * @param assertion a compact JWS
 * @returns whether the signature verifies
 */
export function verifiesWithRawKey(key: DegenerateKey, assertion: string): boolean {
  const [header, payload, signature] = assertion.split('.') as [string, string, string];
  const publicKey = createPublicKey({ key: { ...key.jwk }, format: 'jwk' });
  return verify(
    key.jwk.alg === 'EdDSA' ? null : 'sha256',
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature, 'base64url'),
  );
}
