// Other spellings of one public key, and other keys with the same key material, that node:crypto accepts (issue 21, finding 7).
import type { ClientJwk } from '../../functions/token/core/types';
import { bigintToB64 } from './degenerate-keys';

/** The field prime of P-256 (FIPS 186-5 / SP 800-186 §3.2.1.3). */
const P256_P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const withLeadingZero = (b64: string): string =>
  Buffer.concat([Buffer.from([0]), Buffer.from(b64, 'base64url')]).toString('base64url');

/**
 * Spellings of an RSA key's members that decode to the same modulus and exponent.
 * @param jwk a canonical RSA public JWK
 * @returns named `{ n, e }` pairs, none equal to the canonical text
 */
export function rsaSpellings(jwk: {
  n?: string;
  e?: string;
}): [string, { n: string; e: string }][] {
  const n = jwk.n as string;
  const e = jwk.e as string;
  return [
    ['a leading 00 byte in n', { n: withLeadingZero(n), e }],
    ['e as AAEAAQ', { n, e: withLeadingZero(e) }],
    ['= padding', { n: `${n}=`, e }],
    ['the +/ alphabet', { n: Buffer.from(n, 'base64url').toString('base64'), e }],
  ];
}

/**
 * An Ed25519 `x` with its 2 spare bits set: 43 base64url characters carry 258 bits for 256.
 * @param x a canonical `x`
 * @returns the same 32 bytes, spelled otherwise
 */
export function ed25519SpareBits(x: string): string {
  const last = BASE64URL.indexOf(x.at(-1) as string);
  return x.slice(0, -1) + (BASE64URL[last | 3] as string);
}

/**
 * Keys that share key material with `jwk` without being the same key: whoever holds the private
 * key of `jwk` can sign for them too (the same RSA modulus with another exponent: d from p and q;
 * the EC point (x, -y): the negated scalar; the Ed25519 point with the sign bit flipped: the
 * negated scalar).
 * @param jwk an RSA, EC P-256 or Ed25519 public JWK
 * @returns the related key's public members
 */
export function relatedKey(jwk: ClientJwk): Record<string, string> {
  if (jwk.kty === 'RSA') return { kty: 'RSA', n: jwk.n as string, e: bigintToB64(65539n) };
  if (jwk.kty === 'EC') {
    const y = BigInt(`0x${Buffer.from(jwk.y as string, 'base64url').toString('hex')}`);
    const negated = Buffer.from((P256_P - y).toString(16).padStart(64, '0'), 'hex');
    return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: negated.toString('base64url') };
  }
  const x = Buffer.from(jwk.x as string, 'base64url');
  x[31] = (x[31] as number) ^ 0x80;
  return { kty: 'OKP', crv: 'Ed25519', x: x.toString('base64url') };
}
