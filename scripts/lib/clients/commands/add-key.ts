// The `add-key` command: public keys added to a `private_key_jwt` client.
import type { ClientJwk, ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps } from '../model';
import { checkKeySet } from '../public-keys';
import { refuseSharedKeys } from '../shared-keys';
import { refuseDeclaredEdit } from './ownership';
import { addedAt, isoTime, requireJwtClient, writeNext } from './shared';

/**
 * Adds public keys to a `private_key_jwt` client (conditional on its version): the first step of
 * a rotation (docs/private-key-jwt.md). The whole set is checked again: no duplicate kid, at most
 * MAX_CLIENT_KEYS; and no other client may hold a new key unless `allowSharedKey`.
 * @param deps ports
 * @param clientId the id
 * @param keys the validated new keys
 * @param source the flag they came from, for messages
 * @param allowSharedKey `--allow-shared-key`: accept a key another client holds
 * @returns the updated record
 */
export async function addKeys(
  deps: CommandDeps,
  clientId: string,
  keys: readonly ClientJwk[],
  source: string,
  allowSharedKey = false,
): Promise<ClientRecord> {
  const current = await requireJwtClient(deps, clientId);
  refuseDeclaredEdit(current, 'add-key');
  const all = checkKeySet([...(current.jwks?.keys ?? []), ...keys], source);
  await refuseSharedKeys(deps.store, keys, {
    allowShared: allowSharedKey,
    isSelf: (r) => r.client_id === clientId,
  });
  return writeNext(
    deps,
    current,
    {
      ...current,
      jwks: { keys: all },
      keys_added_at: { ...current.keys_added_at, ...addedAt(keys, isoTime(deps.clock())) },
    },
    'add-key',
  );
}
