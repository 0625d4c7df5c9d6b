// The `delete` command: a client removed, its API key first.
import type { ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps } from '../model';
import { deleteUsageKey } from '../usage-keys';
import { clientAuditEntry } from '../audit';
import { refuseDeclaredEdit } from './ownership';
import { nextTokensNotBefore, openUsageKeys, requireClient, writeNext } from './shared';

/**
 * Deletes a client (conditional on the version read, so a concurrent change is not lost).
 * @param deps ports
 * @param clientId the id
 * @returns the deleted record
 */
export async function deleteClient(deps: CommandDeps, clientId: string): Promise<ClientRecord> {
  let current = await requireClient(deps.store, clientId);
  refuseDeclaredEdit(current, 'delete');
  if (current.usage_key !== undefined) {
    const gateway = await openUsageKeys(deps, false);
    if (gateway !== undefined) {
      // Disabled first, so the client gets no token while its key goes; then the key, while the
      // record still names it; then the record. A rerun continues where a failure stopped.
      if (current.status === 'active') {
        current = await writeNext(
          deps,
          current,
          {
            ...current,
            status: 'disabled',
            tokens_not_before: nextTokensNotBefore(current, deps.clock(), 0),
          },
          'delete',
        );
      }
      await deleteUsageKey(gateway, await gateway.config(), current);
    }
  }
  const audit = await clientAuditEntry(deps, 'delete', { operation: 'delete', before: current });
  await deps.store.deleteClient(clientId, current.version, audit);
  return current;
}
