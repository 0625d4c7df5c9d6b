// The `list` command: every client, oldest first.
import type { ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps } from '../model';

/**
 * Lists every client, oldest first.
 * @param deps ports
 * @returns the records
 */
export async function listClients(deps: Pick<CommandDeps, 'store'>): Promise<ClientRecord[]> {
  const records = await deps.store.listClients();
  return [...records].sort(
    (a, b) => a.created_at.localeCompare(b.created_at) || a.client_id.localeCompare(b.client_id),
  );
}
