/**
 * JWS verification primitives both functions use: canonical base64url, NumericDate bounds, and
 * node:crypto verify parameters per JWS algorithm, prepared once per key (RFC 7515, RFC 7518,
 * RFC 8037). The authorizer's access-token verifier and the token function's client-assertion
 * verifier are built on them.
 * @module
 */
import {
  constants,
  verify as cryptoVerify,
  type KeyObject,
  type VerifyKeyObjectInput,
} from 'node:crypto';

/** Unpadded base64url, at least one character. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Value of each base64url character; -1 for others. */
const B64_VALUES: Int8Array = (() => {
  const values = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
})();

/**
 * True when `text` is canonical unpadded base64url (RFC 4648 §5, §3.5): only the URL-safe alphabet,
 * no padding or whitespace, a possible length, and zero bits after the last whole byte.
 * @param text the segment
 * @returns whether it is canonical
 */
export function isCanonicalBase64Url(text: string): boolean {
  if (!BASE64URL.test(text)) return false;
  const rest = text.length & 3;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = B64_VALUES[text.charCodeAt(text.length - 1)] as number;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * The latest NumericDate accepted: 9999-12-31T23:59:59Z. JSON numbers such as `1e400` parse to
 * Infinity, which would otherwise never expire (issue 11); a date past year 9999 is no date a
 * token service issues.
 */
export const MAX_NUMERIC_DATE = 253_402_300_799;

/**
 * RFC 7519 §2 NumericDate: seconds since the epoch, here also finite and within 0..9999-12-31.
 * @param value the claim value
 * @returns whether it is such a number
 */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_NUMERIC_DATE;
}

/**
 * Asymmetric JWS algorithms a verifier here can pin to a key. Never `none`, never HMAC: a
 * symmetric "key" would be the public key itself, the classic algorithm-confusion attack.
 */
export type JwsAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA';

/** Every {@link JwsAlgorithm}, in the order the metadata advertises them. */
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = [
  'RS256',
  'PS256',
  'ES256',
  'ES384',
  'EdDSA',
];

/** Smallest RSA modulus accepted (RFC 7518 §3.3 and §3.5: 2048 bits or larger; jose enforces the same). */
export const MIN_RSA_BITS = 2048;

/**
 * Largest RSA modulus accepted. A verification costs more the larger the key: a client's key is
 * tried on every request that names it, and a failed check must cost about what the 2048-bit
 * dummy key costs, or response times tell which clients exist (issue 21: a 16384-bit key made a
 * failed check take 7.6 ms instead of 0.06 ms). 4096 bits is the largest RSA key AWS KMS makes
 * (RSA_4096) and the largest size common tools offer; Go's crypto/tls stops at 8192 bits for the
 * same reason (CVE-2023-29409) and OpenSSL at 16384 (OPENSSL_RSA_MAX_MODULUS_BITS).
 */
export const MAX_RSA_BITS = 4096;

/**
 * Above this modulus size OpenSSL, and so node:crypto, refuses to verify with a public exponent
 * longer than {@link MAX_LARGE_MODULUS_EXPONENT_BITS} (`OPENSSL_RSA_SMALL_MODULUS_BITS` and
 * `OPENSSL_RSA_MAX_PUBEXP_BITS` in OpenSSL's rsa.h; Java's RSAKeyFactory has the same rule). Such a
 * key could never authenticate anything, so it is refused when registered.
 */
export const LARGE_MODULUS_BITS = 3072;

/** Longest public exponent, in bits, OpenSSL verifies with for a modulus over LARGE_MODULUS_BITS. */
export const MAX_LARGE_MODULUS_EXPONENT_BITS = 64;

/** A public key pinned to one algorithm, with what `crypto.verify` needs precomputed. */
export interface VerifyKey {
  readonly alg: JwsAlgorithm;
  /** The public key. */
  readonly key: KeyObject;
  /** Digest name for `crypto.verify`; null for EdDSA, which hashes internally (RFC 8032). */
  readonly digest: 'sha256' | 'sha384' | null;
  /** The key plus padding or signature encoding options. */
  readonly verifyKey: KeyObject | VerifyKeyObjectInput;
  /** Exact length of the base64url signature segment. */
  readonly signatureB64Length: number;
}

/** A key does not fit the algorithm it is pinned to; the message says why. */
export class KeyAlgorithmMismatchError extends Error {
  /**
   * @param message what is wrong
   */
  constructor(message: string) {
    super(message);
    this.name = 'KeyAlgorithmMismatchError';
  }
}

const b64Length = (bytes: number): number => Math.ceil((bytes * 4) / 3);

/**
 * Pins a public key to an algorithm and precomputes what verification needs. RSA keys have
 * {@link MIN_RSA_BITS} to {@link MAX_RSA_BITS} bits and a safe public exponent; ES256 needs P-256 and ES384 P-384 (RFC 7518 §3.4); EdDSA needs
 * Ed25519 (RFC 8037 §3.1; Ed448 is not supported).
 * @param key a public KeyObject
 * @param alg the algorithm it is used with
 * @returns the prepared key
 * @throws KeyAlgorithmMismatchError when the key type, curve or size does not fit `alg`
 */
export function prepareVerifyKey(key: KeyObject, alg: JwsAlgorithm): VerifyKey {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  switch (alg) {
    case 'RS256':
    case 'PS256': {
      if (type !== 'rsa')
        throw new KeyAlgorithmMismatchError(`${alg} needs an RSA key, not ${String(type)}`);
      const bits = Number(details?.modulusLength);
      if (!(bits >= MIN_RSA_BITS)) {
        throw new KeyAlgorithmMismatchError(
          `a ${bits}-bit RSA key is too weak; ${alg} needs at least ${MIN_RSA_BITS} bits`,
        );
      }
      if (bits > MAX_RSA_BITS) {
        throw new KeyAlgorithmMismatchError(
          `a ${bits}-bit RSA key is too large; ${alg} takes at most ${MAX_RSA_BITS} bits here`,
        );
      }
      // FIPS 186-5 §5.4 (and NIST SP 800-89 §5.3.3): the public exponent is odd, with
      // 2^16 < e < 2^256. e = 1 (or 3 with a short message) would let anyone forge a PKCS#1 v1.5 signature
      // without the private key, so a key with any other exponent is refused.
      const exponent = details?.publicExponent;
      if (
        typeof exponent !== 'bigint' ||
        exponent < 65537n ||
        exponent >= 2n ** 256n ||
        exponent % 2n === 0n
      ) {
        throw new KeyAlgorithmMismatchError(
          `an RSA key with public exponent ${String(exponent)} is unsafe; the exponent must be odd, from 65537 to below 2^256`,
        );
      }
      if (bits > LARGE_MODULUS_BITS && exponent >= 2n ** BigInt(MAX_LARGE_MODULUS_EXPONENT_BITS)) {
        throw new KeyAlgorithmMismatchError(
          `a ${bits}-bit RSA key with a public exponent over ${MAX_LARGE_MODULUS_EXPONENT_BITS} bits cannot verify anything; ` +
            `above ${LARGE_MODULUS_BITS} bits OpenSSL takes exponents below 2^${MAX_LARGE_MODULUS_EXPONENT_BITS} only`,
        );
      }
      return {
        alg,
        key,
        digest: 'sha256',
        // RFC 7518 §3.5: PSS with MGF1 and a salt as long as the hash output.
        verifyKey:
          alg === 'PS256'
            ? {
                key,
                padding: constants.RSA_PKCS1_PSS_PADDING,
                saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
              }
            : key,
        signatureB64Length: b64Length(Math.ceil(bits / 8)),
      };
    }
    case 'ES256':
    case 'ES384': {
      const curve = alg === 'ES256' ? 'prime256v1' : 'secp384r1';
      if (type !== 'ec' || details?.namedCurve !== curve) {
        throw new KeyAlgorithmMismatchError(
          `${alg} needs an EC ${alg === 'ES256' ? 'P-256' : 'P-384'} key`,
        );
      }
      return {
        alg,
        key,
        digest: alg === 'ES256' ? 'sha256' : 'sha384',
        // JOSE carries R||S, not DER (RFC 7518 §3.4).
        verifyKey: { key, dsaEncoding: 'ieee-p1363' },
        signatureB64Length: b64Length(alg === 'ES256' ? 64 : 96),
      };
    }
    case 'EdDSA': {
      if (type !== 'ed25519') throw new KeyAlgorithmMismatchError('EdDSA needs an Ed25519 key');
      return { alg, key, digest: null, verifyKey: key, signatureB64Length: b64Length(64) };
    }
  }
}

/**
 * Verifies a compact JWS's signature with a prepared key. The caller has already checked that the
 * segments are canonical base64url.
 * @param signingInput the ASCII `header.payload` text
 * @param signatureSegment the base64url signature
 * @param key the prepared key the header named
 * @returns whether the signature is valid (false also for a wrong length)
 */
export function verifyJwsSignature(
  signingInput: string,
  signatureSegment: string,
  key: VerifyKey,
): boolean {
  if (signatureSegment.length !== key.signatureB64Length) return false;
  return cryptoVerify(
    key.digest,
    Buffer.from(signingInput, 'latin1'),
    key.verifyKey,
    Buffer.from(signatureSegment, 'base64url'),
  );
}
