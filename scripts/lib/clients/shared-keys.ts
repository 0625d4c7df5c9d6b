// Refuses to register a public key that another client already holds (issue 21, finding 7), unless --allow-shared-key is given.
import { jwkThumbprint } from '../../../functions/shared/jwk';
import type { ClientJwk, ClientRecord } from '../../../functions/token/core/types';
import type { ClientAdminStore } from '../../../tools/dev-adapters/client-admin-store';
import { UsageError } from '../cli/usage-error';

/** The flag that lets a key be registered for several clients. */
export const ALLOW_SHARED_KEY_FLAG = '--allow-shared-key';

/**
 * Checks that no other client holds one of `keys`, compared by RFC 7638 thumbprint (so whatever
 * their kid, alg or member order). A key shared by clients lets whoever holds its private key act
 * as any of them, and ties their key rotation and revocation together: removing or replacing the
 * key for one client leaves it working for the others. The whole table is listed (a paginated
 * Scan on DynamoDB): an admin command can afford it, and nothing is written before the check.
 * @param store where the clients are
 * @param keys the keys about to be registered
 * @param options `allowShared` (`--allow-shared-key`): skip the check; `isSelf`: records that are
 *   the client being changed (add-key) or resumed (a rerun of create), never counted as others
 * @throws UsageError naming the key, the other client and the flag
 */
export async function refuseSharedKeys(
  store: Pick<ClientAdminStore, 'listClients'>,
  keys: readonly ClientJwk[],
  options: { allowShared: boolean; isSelf: (record: ClientRecord) => boolean },
): Promise<void> {
  if (options.allowShared || keys.length === 0) return;
  const wanted = new Map(keys.map((key) => [jwkThumbprint(key), key]));
  for (const record of await store.listClients()) {
    if (options.isSelf(record)) continue;
    for (const held of record.jwks?.keys ?? []) {
      const thumbprint = jwkThumbprint(held);
      const key = wanted.get(thumbprint);
      if (key === undefined) continue;
      throw new UsageError(
        `key ${key.kid} (RFC 7638 thumbprint ${thumbprint}) is already registered for client ` +
          `${record.client_id}. A key shared by clients lets whoever holds its private key act as ` +
          'any of them, and ties their key rotation and revocation together; give each client its ' +
          `own key pair, or pass ${ALLOW_SHARED_KEY_FLAG} if the clients are meant to share it. ` +
          'Nothing was written.',
      );
    }
  }
}
