/**
 * Types both functions use: the signing algorithms, public JWKs, and the injected clock and
 * randomness.
 * @module
 */

/** JWS algorithms the service signs and verifies with. Never `none`, never HMAC. */
export type SigningAlgorithm = 'ES256' | 'RS256';

/** A public key as a JWK (RFC 7517), with `kid`, `alg` and `use`. */
export interface PublicJwk {
  kty: 'EC' | 'RSA';
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  crv?: 'P-256';
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** Current time in milliseconds since the epoch. */
export type Clock = () => number;

/** Cryptographically secure random bytes. */
export type RandomBytes = (size: number) => Uint8Array;
