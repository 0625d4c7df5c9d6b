// JWKS source from KMS: the public keys of the configured KMS keys, fetched once per cold start.
import { AWS_CALL_BUDGET } from '../../shared/limits';
import { memoizeUntilRejected } from '../../shared/memoize';
import type { PublicJwk, RsaSigningAlgorithm } from '../../shared/types';
import type { PublicKeySource } from '../core/types';
import { AwsJsonClient, KMS } from '../../shared/aws/json-client';
import { fetchKmsPublicJwk } from './kms-public-key';

/** Options of {@link KmsPublicKeySource}. */
export interface KmsPublicKeySourceOptions {
  /** KMS key ids, ARNs or aliases whose public keys are trusted (the signing key and any still trusted). */
  keyIds: readonly string[];
  /** KMS client; default one from the Lambda environment, bounded as docs/timeouts.md says. */
  client?: AwsJsonClient;
  /** Deadline of one GetPublicKey, retries included; default AWS_CALL_BUDGET.operationBudgetMs. */
  operationBudgetMs?: number;
  /** The `alg` of RSA keys: RS256 (the default) or PS256, as the signer signs (SIGNING_ALGORITHM). */
  rsaAlgorithm?: RsaSigningAlgorithm;
}

/**
 * Publishes the public keys of KMS keys as JWKs: `kid` is the RFC 7638 thumbprint and `alg` follows
 * the key spec (ECC_NIST_P256: ES256, RSA_*: RS256, or PS256 when the deployment signs with
 * RSASSA-PSS). Keys are fetched with GetPublicKey once per cold
 * start; a failed or timed-out fetch (each is bounded by its budget) is forgotten, so the next call
 * asks KMS again.
 */
export class KmsPublicKeySource implements PublicKeySource {
  private readonly keyIds: readonly string[];
  private readonly client: AwsJsonClient;
  private readonly operationBudgetMs: number;
  private readonly rsaAlgorithm: RsaSigningAlgorithm;
  private readonly loadKeys = memoizeUntilRejected(() =>
    Promise.all(
      this.keyIds.map((keyId) =>
        fetchKmsPublicJwk(this.client, keyId, this.operationBudgetMs, undefined, this.rsaAlgorithm),
      ),
    ).then((jwks) => {
      // The same key may be listed twice (id and alias): publish it once.
      const seen = new Set<string>();
      return jwks.filter((jwk) => !seen.has(jwk.kid) && seen.add(jwk.kid));
    }),
  );

  /**
   * @param options key ids, optional client and budget
   */
  constructor(options: KmsPublicKeySourceOptions) {
    this.keyIds = [...options.keyIds];
    this.client = options.client ?? new AwsJsonClient({ service: KMS, env: process.env });
    this.operationBudgetMs = options.operationBudgetMs ?? AWS_CALL_BUDGET.operationBudgetMs;
    this.rsaAlgorithm = options.rsaAlgorithm ?? 'RS256';
  }

  /**
   * @returns one JWK per distinct key, in configuration order
   * @throws ServerError for an unusable key or a KMS failure; TemporarilyUnavailableError when
   *   throttled or out of time
   */
  publicKeys(): Promise<PublicJwk[]> {
    return this.loadKeys().then((jwks) => jwks.map((jwk) => ({ ...jwk })));
  }
}
