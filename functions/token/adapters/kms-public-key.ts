// Fetches a KMS asymmetric key's public key (GetPublicKey) as a JWK, and maps KMS errors to the core model.
import { createPublicKey } from 'node:crypto';
import { ServerError, TemporarilyUnavailableError } from '../core/errors';
import { publicJwkFromKeyObject } from '../../shared/jwk';
import type { PublicJwk, RsaSigningAlgorithm, SigningAlgorithm } from '../../shared/types';
import { AwsCallError } from '../../shared/aws/errors';
import type { AwsJsonClient } from '../../shared/aws/json-client';

/** The part of a GetPublicKey response this adapter reads. */
interface GetPublicKeyOutput {
  KeySpec?: string;
  CustomerMasterKeySpec?: string;
  KeyUsage?: string;
  PublicKey?: string;
}

/** KMS key specs the service can sign with: `RSA` keys sign RS256 or PS256, as the deployment says. */
const KEY_TYPE_BY_KEY_SPEC: Readonly<Record<string, 'EC' | 'RSA'>> = {
  ECC_NIST_P256: 'EC',
  RSA_2048: 'RSA',
  RSA_3072: 'RSA',
  RSA_4096: 'RSA',
};

/**
 * @param keySpec a KMS KeySpec
 * @param rsaAlgorithm the algorithm an RSA key is used with (default RS256)
 * @returns the JWS algorithm for it, or undefined when the service cannot use such a key
 */
export function algorithmForKeySpec(
  keySpec: string | undefined,
  rsaAlgorithm: RsaSigningAlgorithm = 'RS256',
): SigningAlgorithm | undefined {
  if (keySpec === undefined || !Object.hasOwn(KEY_TYPE_BY_KEY_SPEC, keySpec)) return undefined;
  return KEY_TYPE_BY_KEY_SPEC[keySpec] === 'EC' ? 'ES256' : rsaAlgorithm;
}

/**
 * Maps a KMS failure: throttling, timeouts and HTTP 503 to TemporarilyUnavailableError;
 * anything else (disabled or missing key, access denied, invalid state, HTTP 500, a reset
 * connection) to ServerError. The message carries no detail; the original is the `cause`, for logs.
 * @param err the client's error
 * @returns the error to throw
 */
export function kmsError(err: unknown): Error {
  if (err instanceof AwsCallError && err.temporary) {
    return new TemporarilyUnavailableError('the signing service is busy; retry later', {
      cause: err,
    });
  }
  return new ServerError('the signing service failed', { cause: err });
}

/**
 * Calls GetPublicKey, bounded by `budgetMs`, and turns the SPKI DER into a JWK with its RFC 7638
 * thumbprint as `kid`. The JSON protocol carries the DER as base64 ("PublicKey ... Type: Base64-encoded
 * binary data object", AWS KMS API Reference, GetPublicKey,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GetPublicKey.html).
 * @param client KMS client
 * @param keyId key id, ARN or alias
 * @param budgetMs deadline of the call, retries included
 * @param expectedAlg when set, the key spec must be the one this algorithm needs (and an RSA key
 *   is published with it)
 * @param rsaAlgorithm without expectedAlg, the `alg` an RSA key is published with (default RS256)
 * @returns the public JWK
 * @throws ServerError for an unusable key (wrong spec or usage); TemporarilyUnavailableError when
 *   throttled or out of time
 */
export async function fetchKmsPublicJwk(
  client: AwsJsonClient,
  keyId: string,
  budgetMs: number,
  expectedAlg?: SigningAlgorithm,
  rsaAlgorithm: RsaSigningAlgorithm = 'RS256',
): Promise<PublicJwk> {
  let out: GetPublicKeyOutput;
  try {
    out = await client.send<GetPublicKeyOutput>('GetPublicKey', { KeyId: keyId }, budgetMs);
  } catch (err) {
    throw kmsError(err);
  }
  // The detail (key id, spec) goes into `cause` for the logs; the message may reach a client.
  const unusable = (detail: string, cause?: unknown): ServerError =>
    new ServerError('the signing key is not usable', {
      cause: new Error(`KMS key ${keyId}: ${detail}`, { cause }),
    });
  // CustomerMasterKeySpec is the deprecated name of KeySpec; some emulators (moto) return only it.
  const keySpec = out.KeySpec ?? out.CustomerMasterKeySpec;
  const alg = algorithmForKeySpec(
    keySpec,
    expectedAlg === 'PS256' || expectedAlg === 'RS256' ? expectedAlg : rsaAlgorithm,
  );
  if (!alg) throw unusable(`unsupported key spec ${keySpec}`);
  if (expectedAlg && alg !== expectedAlg) {
    throw unusable(`key spec ${keySpec} cannot sign ${expectedAlg}`);
  }
  if (out.KeyUsage !== undefined && out.KeyUsage !== 'SIGN_VERIFY') {
    throw unusable(`key usage ${out.KeyUsage} is not SIGN_VERIFY`);
  }
  if (typeof out.PublicKey !== 'string' || out.PublicKey === '') {
    throw unusable('no public key returned');
  }
  try {
    const key = createPublicKey({
      key: Buffer.from(out.PublicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return publicJwkFromKeyObject(key, alg);
  } catch (err) {
    throw unusable('unreadable public key', err);
  }
}
