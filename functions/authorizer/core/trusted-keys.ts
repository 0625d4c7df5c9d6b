/**
 * Trusted verification keys from configuration: SPKI PEMs turned once, at cold start, into
 * node:crypto KeyObjects indexed by their RFC 7638 thumbprint (`kid`), each pinned to one
 * algorithm (EC P-256 -> ES256, RSA >= 2048 bits -> RS256, or PS256 where the deployment signs
 * with RSASSA-PSS: RSA_SIGNING_ALGORITHM). A PEM does not say which of the two an RSA key signs
 * with, so the deployment says it once for all its RSA keys; a key pinned to PS256 never verifies
 * an RS256 header, nor the reverse.
 * @module
 */
import { createPublicKey, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { publicJwkFromKeyObject } from '../../shared/jwk';
import { MIN_RSA_BITS as SHARED_MIN_RSA_BITS, prepareVerifyKey } from '../../shared/jws-verify';
import type { RsaSigningAlgorithm, SigningAlgorithm } from '../../shared/types';

/** Smallest RSA modulus accepted (RFC 7518 §3.3; jose enforces the same), shared with the token side. */
export const MIN_RSA_BITS = SHARED_MIN_RSA_BITS;

/** A key the authorizer trusts, prepared for `crypto.verify`. */
export interface TrustedKey {
  /** RFC 7638 thumbprint, the `kid` tokens carry. */
  readonly kid: string;
  /** The only algorithm this key verifies; a token header must name exactly this one. */
  readonly alg: SigningAlgorithm;
  /** The public key. */
  readonly key: KeyObject;
  /** What `crypto.verify` takes: the key plus `dsaEncoding: 'ieee-p1363'` for ES256. */
  readonly verifyKey: KeyObject | VerifyKeyObjectInput;
  /** Exact length of the base64url signature segment (86 for ES256, ceil(bytes*4/3) for RSA). */
  readonly signatureB64Length: number;
}

/** Trusted keys by `kid`. */
export type TrustedKeys = ReadonlyMap<string, TrustedKey>;

/** A configured key is unusable; the message names the entry (index) and the problem. */
export class TrustedKeyError extends Error {
  /**
   * @param message what is wrong, naming the entry
   */
  constructor(message: string) {
    super(message);
    this.name = 'TrustedKeyError';
  }
}

/**
 * Parses public-key PEMs into trusted keys.
 * @param pems SPKI PEM strings (`-----BEGIN PUBLIC KEY-----`)
 * @param label name used in error messages, e.g. the environment variable
 * @param rsaAlgorithm the one algorithm RSA keys verify (default RS256)
 * @returns the keys by RFC 7638 thumbprint
 * @throws TrustedKeyError naming the first bad entry: not a public key PEM, a private key,
 *   an unsupported key type or curve, RSA under 2048 bits, or a duplicate
 */
export function loadTrustedKeys(
  pems: readonly unknown[],
  label = 'PUBLIC_KEYS_PEM',
  rsaAlgorithm: RsaSigningAlgorithm = 'RS256',
): TrustedKeys {
  if (pems.length === 0) throw new TrustedKeyError(`${label} must hold at least one key`);
  const keys = new Map<string, TrustedKey>();
  pems.forEach((pem, index) => {
    const entry = `${label}[${index}]`;
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN PUBLIC KEY-----')) {
      // Only SPKI public keys: a private key here would mean a secret sits in configuration.
      throw new TrustedKeyError(`${entry} is not an SPKI public key PEM (BEGIN PUBLIC KEY)`);
    }
    let key: KeyObject;
    try {
      key = createPublicKey({ key: pem, format: 'pem' });
    } catch {
      throw new TrustedKeyError(`${entry} is not a valid public key PEM`);
    }
    const trusted = prepareKey(key, entry, rsaAlgorithm);
    if (keys.has(trusted.kid)) {
      throw new TrustedKeyError(`${entry} duplicates an earlier key (kid ${trusted.kid})`);
    }
    keys.set(trusted.kid, trusted);
  });
  return keys;
}

/**
 * Pins an algorithm to a public key and precomputes what verification needs.
 * @param key a public KeyObject
 * @param entry the entry's name, for error messages
 * @param rsaAlgorithm the algorithm an RSA key is pinned to (default RS256)
 * @returns the trusted key
 * @throws TrustedKeyError when the key type is not EC P-256 or RSA >= 2048 bits
 */
export function prepareKey(
  key: KeyObject,
  entry = 'key',
  rsaAlgorithm: RsaSigningAlgorithm = 'RS256',
): TrustedKey {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    if (details?.namedCurve !== 'prime256v1') {
      throw new TrustedKeyError(
        `${entry} is an EC key on curve ${String(details?.namedCurve)}; only P-256 (ES256) is supported`,
      );
    }
    // The shared preparation: R||S (64 bytes) rather than DER, RFC 7518 §3.4.
    const { verifyKey, signatureB64Length } = prepareVerifyKey(key, 'ES256');
    return {
      kid: publicJwkFromKeyObject(key, 'ES256').kid,
      alg: 'ES256',
      key,
      verifyKey,
      signatureB64Length,
    };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = Number(details?.modulusLength);
    if (bits < MIN_RSA_BITS) {
      throw new TrustedKeyError(
        `${entry} is a ${bits}-bit RSA key; ${rsaAlgorithm} needs at least ${MIN_RSA_BITS} bits`,
      );
    }
    // PS256: PSS padding with a salt as long as the hash (RFC 7518 §3.5), from prepareVerifyKey.
    const { verifyKey, signatureB64Length } = prepareVerifyKey(key, rsaAlgorithm);
    return {
      kid: publicJwkFromKeyObject(key, rsaAlgorithm).kid,
      alg: rsaAlgorithm,
      key,
      verifyKey,
      signatureB64Length,
    };
  }
  throw new TrustedKeyError(
    `${entry} is a ${String(key.asymmetricKeyType)} key; only EC P-256 (ES256) and RSA (RS256 or PS256) are supported`,
  );
}
