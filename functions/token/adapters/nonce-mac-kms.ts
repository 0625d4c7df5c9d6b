// KMS GenerateMac for the stateless DPoP server nonces: the HMAC key never leaves KMS, so every container derives the same nonces without sharing a secret.
import { AWS_CALL_BUDGET } from '../../shared/limits';
import { AwsJsonClient, KMS } from '../../shared/aws/json-client';
import { ServerError } from '../core/errors';
import type { NonceMac } from '../core/dpop-nonce';
import { kmsError } from './kms-public-key';

/**
 * The MAC algorithm of the nonce key: an HMAC_256 key supports HMAC_SHA_256 ("Key spec reference",
 * HMAC key specs, https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html),
 * and the key policy and the role policy allow no other (kms:MacAlgorithm, "Controlling access to
 * HMAC KMS keys", https://docs.aws.amazon.com/kms/latest/developerguide/hmac-authz.html).
 */
export const NONCE_MAC_ALGORITHM = 'HMAC_SHA_256';

/** Bytes of an HMAC-SHA-256. */
const MAC_BYTES = 32;

/** Options of {@link KmsNonceMac}. */
export interface KmsNonceMacOptions {
  /** KMS key id, ARN or alias of the HMAC_256 key (DPOP_NONCE_KEY_ID). */
  keyId: string;
  /** KMS client; default one from the Lambda environment, bounded as docs/timeouts.md says. */
  client?: AwsJsonClient;
  /** Deadline of one GenerateMac, retries included; default AWS_CALL_BUDGET.operationBudgetMs. */
  operationBudgetMs?: number;
}

/**
 * GenerateMac over a nonce window's label. "You can also use the raw result to implement
 * HMAC-based algorithms such as key derivation functions" (AWS KMS API Reference, GenerateMac,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html): the MAC is the nonce.
 * Message and Mac are base64 blobs in the JSON protocol; the message is at most 4,096 bytes (same
 * page), far above a label. Bounded like every AWS call of the function (docs/timeouts.md); errors
 * map as Sign's do: throttling and timeouts to 503, anything else to 500, and never a nonce.
 */
export class KmsNonceMac implements NonceMac {
  private readonly client: AwsJsonClient;
  private readonly operationBudgetMs: number;

  /** @param options the key, optional client and budget */
  constructor(private readonly options: KmsNonceMacOptions) {
    this.client = options.client ?? new AwsJsonClient({ service: KMS, env: process.env });
    this.operationBudgetMs = options.operationBudgetMs ?? AWS_CALL_BUDGET.operationBudgetMs;
  }

  /**
   * @param message the window's label
   * @returns the 32-byte MAC
   * @throws TemporarilyUnavailableError or ServerError
   */
  async mac(message: string): Promise<Uint8Array> {
    let out: { Mac?: unknown };
    try {
      out = await this.client.send<{ Mac?: unknown }>(
        'GenerateMac',
        {
          KeyId: this.options.keyId,
          Message: Buffer.from(message, 'utf8').toString('base64'),
          MacAlgorithm: NONCE_MAC_ALGORITHM,
        },
        this.operationBudgetMs,
      );
    } catch (err) {
      throw kmsError(err);
    }
    const mac = typeof out.Mac === 'string' ? Buffer.from(out.Mac, 'base64') : undefined;
    if (mac === undefined || mac.byteLength !== MAC_BYTES) {
      throw new ServerError('the nonce service failed', {
        cause: new Error(`KMS GenerateMac returned no ${MAC_BYTES}-byte MAC`),
      });
    }
    return new Uint8Array(mac);
  }
}
