// The authorizer's DPoP replay cache for `npm start`: each proof's `dpopjti#<digest>` entry written once to clients.json, as the DynamoDB adapter's conditional PutItem does.
import type { DpopProofUse, DpopReplayCache } from '../../functions/authorizer/core/dpop-replay';
import { DPOP_JTI_PREFIX } from '../../functions/authorizer/core/dpop-request';
import type { FileClientStore } from './client-store-file';

/**
 * Records proof `jti`s in the local client file (`functions/authorizer/adapters/dpop-replay-dynamodb.ts`
 * is the deployed one). Like the deployed function's IAM policy, which lets it write `dpopjti#`
 * keys only, it refuses any other key: the write throws, and the authorizer refuses the request.
 */
export class FileDpopReplayCache implements DpopReplayCache {
  /** @param store the local client file */
  constructor(private readonly store: FileClientStore) {}

  /**
   * @param use the entry's key and expiry
   * @returns true on the first use, false on a replay
   * @throws Error for a key outside `dpopjti#`, or when the file cannot be written
   */
  async useOnce(use: DpopProofUse): Promise<boolean> {
    if (!use.key.startsWith(DPOP_JTI_PREFIX)) {
      throw new Error(`the authorizer writes ${DPOP_JTI_PREFIX} entries only`);
    }
    return this.store.useKeyOnce(use.key, use.expiresAt);
  }
}
