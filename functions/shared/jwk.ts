// Public JWKs (RFC 7517) from node:crypto key objects, and their RFC 7638 thumbprints (used as `kid`).
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { PublicJwk, SigningAlgorithm } from './types';

/** The members of a public JWK that RFC 7638 §3.2 hashes, by key type (EC, RSA, and OKP per RFC 8037 §2). */
export interface ThumbprintInput {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/**
 * Builds the public JWK of a key, with `alg`, `use: sig` and its RFC 7638 thumbprint as `kid`.
 * A private key is accepted and only its public part is exported.
 * @param key an EC P-256 key (ES256) or an RSA key (RS256, PS256), public or private
 * @param alg the JWS algorithm the key is used with; must match the key type
 * @returns the public JWK
 * @throws Error when the key type or curve does not fit `alg`
 */
export function publicJwkFromKeyObject(key: KeyObject, alg: SigningAlgorithm): PublicJwk {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const exported = publicKey.export({ format: 'jwk' });
  let jwk: Pick<PublicJwk, 'kty' | 'crv' | 'x' | 'y' | 'n' | 'e'>;
  if (alg === 'ES256') {
    if (exported.kty !== 'EC' || exported.crv !== 'P-256' || !exported.x || !exported.y) {
      throw new Error('ES256 needs an EC P-256 key');
    }
    jwk = { kty: 'EC', crv: 'P-256', x: exported.x, y: exported.y };
  } else {
    if (exported.kty !== 'RSA' || !exported.n || !exported.e) {
      throw new Error(`${alg} needs an RSA key`);
    }
    jwk = { kty: 'RSA', n: exported.n, e: exported.e };
  }
  return { ...jwk, kid: jwkThumbprint(jwk), alg, use: 'sig' };
}

/**
 * Computes the RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order,
 * without whitespace, base64url-encoded.
 * @param jwk an EC (`crv`, `x`, `y`), OKP (`crv`, `x`) or RSA (`n`, `e`) public JWK
 * @returns the base64url thumbprint
 * @throws Error when a required member is missing
 */
export function jwkThumbprint(jwk: ThumbprintInput): string {
  let canonical: string;
  if (jwk.kty === 'OKP') {
    // RFC 8037 §2: the required members of an OKP key are crv, kty and x.
    if (!jwk.crv || !jwk.x) throw new Error('OKP JWK needs crv and x');
    canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  } else if (jwk.kty === 'EC') {
    if (!jwk.crv || !jwk.x || !jwk.y) throw new Error('EC JWK needs crv, x and y');
    // Members in lexicographic order (RFC 7638 §3.2); JSON.stringify escapes like the RFC requires.
    canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  } else {
    if (!jwk.n || !jwk.e) throw new Error('RSA JWK needs n and e');
    canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  }
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
