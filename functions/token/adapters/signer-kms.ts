// KMS signer: JWS signatures (ES256, RS256, PS256) from an asymmetric KMS key that never leaves KMS.
import { createPublicKey, verify as cryptoVerify, type VerifyKeyObjectInput } from 'node:crypto';
import { ServerError } from '../core/errors';
import { AWS_CALL_BUDGET } from '../../shared/limits';
import { prepareVerifyKey } from '../../shared/jws-verify';
import { memoizeUntilRejected } from '../../shared/memoize';
import type { SigningAlgorithm } from '../../shared/types';
import type { Signer, SigningKeyInfo } from '../core/types';
import { AwsJsonClient, KMS } from '../../shared/aws/json-client';
import { fetchKmsPublicJwk, kmsError } from './kms-public-key';

/**
 * KMS signing algorithm for each JWS algorithm. PS256 is RSASSA-PSS on the same RSA key specs as
 * RS256: "RSASSA_PSS_SHA_256" is among the SigningAlgorithm values of Sign (AWS KMS API Reference,
 * Sign, https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html), and the RSA key specs
 * RSA_2048/3072/4096 sign with both the PKCS #1 v1.5 and the PSS algorithms (AWS KMS Developer
 * Guide, "Asymmetric key specs", RSA key specs for signing and verification,
 * https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html), so switching
 * RS256 to PS256 keeps the keys and their price.
 */
export const KMS_SIGNING_ALGORITHM: Readonly<Record<SigningAlgorithm, string>> = {
  ES256: 'ECDSA_SHA_256',
  RS256: 'RSASSA_PKCS1_V1_5_SHA_256',
  PS256: 'RSASSA_PSS_SHA_256',
};

/**
 * KMS accepts at most this many bytes with `MessageType: RAW` ("Message ... Length Constraints:
 * Minimum length of 1. Maximum length of 4096", AWS KMS API Reference, Sign,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html). The key policy allows only
 * RAW (modules/signing-key: kms:MessageType), so a longer input is refused here, before any call:
 * a DIGEST request would be denied by KMS anyway.
 */
export const KMS_RAW_MESSAGE_LIMIT = 4096;

/** Byte length of each of R and S in an ES256 JOSE signature (RFC 7518 §3.4). */
const P256_COORDINATE_BYTES = 32;

/** Options of {@link KmsSigner}. */
export interface KmsSignerOptions {
  /** KMS key id, ARN or alias of an asymmetric SIGN_VERIFY key. */
  keyId: string;
  /** ES256 needs an ECC_NIST_P256 key, RS256 and PS256 an RSA key. */
  algorithm: SigningAlgorithm;
  /** KMS client; default one from the Lambda environment, bounded as docs/timeouts.md says. */
  client?: AwsJsonClient;
  /** Deadline of one Sign or GetPublicKey, retries included; default AWS_CALL_BUDGET.operationBudgetMs. */
  operationBudgetMs?: number;
}

/**
 * Signs JWS signing inputs with KMS `Sign`. The public key is fetched with `GetPublicKey` once per
 * cold start (a failed or timed-out fetch is retried on the next call) and its RFC 7638 thumbprint
 * is the `kid`. Every call is bounded by the operation budget.
 */
export class KmsSigner implements Signer {
  private readonly keyId: string;
  private readonly algorithm: SigningAlgorithm;
  private readonly client: AwsJsonClient;
  private readonly operationBudgetMs: number;
  // Forget a failure, so a throttled or misconfigured cold start can recover on a later call. The
  // fetch is bounded, so a hung GetPublicKey becomes a failure, not a forever-pending memo.
  private readonly loadKeyInfo = memoizeUntilRejected(() =>
    fetchKmsPublicJwk(this.client, this.keyId, this.operationBudgetMs, this.algorithm).then(
      (publicJwk): SigningKeyInfo => ({ kid: publicJwk.kid, alg: this.algorithm, publicJwk }),
    ),
  );
  // PS256 only: the public key, prepared once, that checks each PSS signature before it is used.
  private pssVerifyKey: VerifyKeyObjectInput | undefined;

  /**
   * @param options key id, algorithm, optional client and budget
   */
  constructor(options: KmsSignerOptions) {
    if (!Object.hasOwn(KMS_SIGNING_ALGORITHM, options.algorithm)) {
      throw new Error(`unsupported signing algorithm ${String(options.algorithm)}`);
    }
    this.keyId = options.keyId;
    this.algorithm = options.algorithm;
    this.client = options.client ?? new AwsJsonClient({ service: KMS, env: process.env });
    this.operationBudgetMs = options.operationBudgetMs ?? AWS_CALL_BUDGET.operationBudgetMs;
  }

  /**
   * @returns kid, alg and public JWK of the key, memoised
   * @throws ServerError when the key's spec does not match the algorithm or KMS fails;
   *   TemporarilyUnavailableError when throttled
   */
  keyInfo(): Promise<SigningKeyInfo> {
    return this.loadKeyInfo();
  }

  /**
   * @param signingInput ASCII bytes of `header.payload`
   * @returns the JOSE signature: 64-byte R||S for ES256, PKCS#1 v1.5 bytes for RS256, RSASSA-PSS
   *   bytes for PS256 (checked, see {@link checkPssSignature})
   * @throws ServerError or TemporarilyUnavailableError
   */
  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    // RAW lets KMS hash the message itself; the key policy allows no other message type.
    if (signingInput.byteLength > KMS_RAW_MESSAGE_LIMIT) {
      throw new ServerError('the access token is too large to sign', {
        cause: new Error(
          `signing input of ${signingInput.byteLength} bytes is over KMS's RAW limit of ${KMS_RAW_MESSAGE_LIMIT}`,
        ),
      });
    }
    let out: { Signature?: unknown };
    try {
      // Message and Signature are base64 in the JSON protocol ("Type: Base64-encoded binary data
      // object", AWS KMS API Reference, Sign).
      out = await this.client.send<{ Signature?: unknown }>(
        'Sign',
        {
          KeyId: this.keyId,
          Message: Buffer.from(signingInput).toString('base64'),
          MessageType: 'RAW',
          SigningAlgorithm: KMS_SIGNING_ALGORITHM[this.algorithm],
        },
        this.operationBudgetMs,
      );
    } catch (err) {
      throw kmsError(err);
    }
    const signature =
      typeof out.Signature === 'string'
        ? new Uint8Array(Buffer.from(out.Signature, 'base64'))
        : undefined;
    if (!signature || signature.byteLength === 0) {
      throw new ServerError('the signing service failed', {
        cause: new Error('KMS Sign returned no signature'),
      });
    }
    if (this.algorithm === 'RS256') return signature;
    if (this.algorithm === 'PS256') return this.checkPssSignature(signingInput, signature);
    try {
      return derToJose(signature, P256_COORDINATE_BYTES);
    } catch (err) {
      throw new ServerError('the signing service failed', { cause: err });
    }
  }

  /**
   * The PS256 signature KMS returned, verified with the key's public key as a JWS verifier will:
   * PSS with MGF1-SHA-256 and a salt as long as the hash, 32 bytes ("The size of the salt value is
   * the same size as the hash function output", RFC 7518 §3.5). The KMS Developer Guide describes
   * RSASSA_PSS_SHA_256 as PKCS #1 v2.2 §8.1 with SHA-256 for the digest and MGF1 "along with a
   * 256-bit salt" ("Asymmetric key specs", above), which is that. An emulator or HSM that signs
   * with another salt length (moto 5 uses the longest salt the key allows) makes signatures every
   * JWS library refuses; no such token is issued: the request fails with 500, the reason goes to
   * the log. One RSA verification costs about 0.05 ms.
   * @param signingInput the signed bytes
   * @param signature KMS's signature
   * @returns the signature, when it verifies
   * @throws ServerError when it does not
   */
  private async checkPssSignature(
    signingInput: Uint8Array,
    signature: Uint8Array,
  ): Promise<Uint8Array> {
    if (this.pssVerifyKey === undefined) {
      const { kid: _kid, alg: _alg, use: _use, ...material } = (await this.loadKeyInfo()).publicJwk;
      const key = createPublicKey({ key: { ...material }, format: 'jwk' });
      this.pssVerifyKey = prepareVerifyKey(key, 'PS256').verifyKey as VerifyKeyObjectInput;
    }
    if (!cryptoVerify('sha256', signingInput, this.pssVerifyKey, signature)) {
      throw new ServerError('the signing service failed', {
        cause: new Error(
          `KMS ${KMS_SIGNING_ALGORITHM.PS256} signature does not verify as JWS PS256 (a 32-byte PSS salt, RFC 7518 §3.5)`,
        ),
      });
    }
    return signature;
  }
}

/**
 * Converts an ECDSA signature from ASN.1 DER (`SEQUENCE { INTEGER r, INTEGER s }`, what KMS returns)
 * to the JOSE form (RFC 7518 §3.4): R and S as unsigned big-endian integers, each left-padded to
 * `size` bytes, concatenated. Strict: anything but one well-formed sequence of two positive integers
 * that fit in `size` bytes is rejected.
 * @param der the DER signature
 * @param size bytes per integer (32 for P-256)
 * @returns `2 * size` bytes R||S
 * @throws Error for malformed DER
 */
export function derToJose(der: Uint8Array, size: number): Uint8Array {
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`malformed DER ECDSA signature: ${why}`);
  };
  const readLength = (): number => {
    if (pos >= der.length) fail('truncated length');
    const first = der[pos++] as number;
    if (first < 0x80) return first;
    // Long form: only one or two length bytes can occur for these sizes.
    const count = first & 0x7f;
    if (count === 0 || count > 2 || pos + count > der.length) fail('bad length');
    let length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | (der[pos++] as number);
    if (length < 0x80) fail('non-minimal length');
    return length;
  };
  const readInteger = (out: Uint8Array, offset: number): void => {
    if (der[pos++] !== 0x02) fail('expected INTEGER');
    const length = readLength();
    if (length === 0 || pos + length > der.length) fail('bad INTEGER length');
    let bytes = der.subarray(pos, pos + length);
    pos += length;
    if ((bytes[0] as number) & 0x80) fail('negative INTEGER');
    if (bytes.length > 1 && bytes[0] === 0 && !((bytes[1] as number) & 0x80))
      fail('non-minimal INTEGER');
    // Drop the sign byte (and any leading zero) so only the magnitude remains.
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
    if (bytes.length > size) fail('INTEGER too large');
    out.set(bytes, offset + size - bytes.length);
  };
  if (der[pos++] !== 0x30) fail('expected SEQUENCE');
  const seqLength = readLength();
  if (pos + seqLength !== der.length) fail('SEQUENCE length does not match');
  const jose = new Uint8Array(2 * size);
  readInteger(jose, 0);
  readInteger(jose, size);
  if (pos !== der.length) fail('trailing bytes');
  return jose;
}
