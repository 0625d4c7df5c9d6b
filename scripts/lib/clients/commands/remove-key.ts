// The `remove-key` command: one public key removed from a `private_key_jwt` client, never its last.
import { UsageError } from '../../../../tools/cli/usage-error';
import type { ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps } from '../model';
import { refuseDeclaredEdit } from './ownership';
import { requireJwtClient, writeNext } from './shared';

/**
 * Removes one key by kid (conditional on the version): the last step of a rotation. A client's
 * last key is never removed, so it can always authenticate again.
 * @param deps ports
 * @param clientId the id
 * @param kid the key to remove
 * @returns the updated record
 * @throws UsageError for an unknown kid or the last key
 */
export async function removeKey(
  deps: CommandDeps,
  clientId: string,
  kid: string,
): Promise<ClientRecord> {
  const current = await requireJwtClient(deps, clientId);
  refuseDeclaredEdit(current, 'remove-key');
  const keys = current.jwks?.keys ?? [];
  if (!keys.some((key) => key.kid === kid)) {
    throw new UsageError(
      `client ${clientId} has no key with kid ${JSON.stringify(kid)} (its kids: ${keys.map((k) => k.kid).join(', ')})`,
    );
  }
  if (keys.length === 1) {
    throw new UsageError(
      `kid ${kid} is the last key of client ${clientId}; add the new key first (add-key), then remove the old one`,
    );
  }
  const { [kid]: _removed, ...added } = current.keys_added_at ?? {};
  return writeNext(
    deps,
    current,
    {
      ...current,
      jwks: { keys: keys.filter((key) => key.kid !== kid) },
      ...(current.keys_added_at !== undefined ? { keys_added_at: added } : {}),
    },
    'remove-key',
  );
}
