/**
 * Types both functions use: the signing algorithms, public JWKs, and the injected clock and
 * randomness.
 * @module
 */

/**
 * JWS algorithms the service signs and verifies access tokens with. Never `none`, never HMAC. PS256
 * (RSASSA-PSS, RFC 7518 §3.5) uses the same RSA keys as RS256; the FAPI 2.0 profile requires it
 * (or ES256) instead of RS256.
 */
export type SigningAlgorithm = 'ES256' | 'RS256' | 'PS256';

/** The two JWS algorithms an RSA key can be pinned to (one per deployment, never both). */
export type RsaSigningAlgorithm = 'RS256' | 'PS256';

/** Every {@link RsaSigningAlgorithm}. */
export const RSA_SIGNING_ALGORITHMS: readonly RsaSigningAlgorithm[] = ['RS256', 'PS256'];

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
