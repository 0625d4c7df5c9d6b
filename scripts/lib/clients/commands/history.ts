// The `history` command: the audit trail of one client, or of every change, newest first.
import type { AuditEntry } from '../../../../tools/dev-adapters/audit-entry';
import { ClientNotFoundError } from '../../../../tools/dev-adapters/errors';
import type { CommandDeps } from '../model';

/**
 * Reads the audit trail. A deleted client keeps its history; an id with neither a record nor an
 * entry is unknown.
 * @param deps ports
 * @param clientId one client's trail, or undefined for every entry
 * @returns the entries, newest first
 * @throws ClientNotFoundError when the id names no client and has no entry
 */
export async function clientHistory(
  deps: Pick<CommandDeps, 'store'>,
  clientId?: string,
): Promise<AuditEntry[]> {
  const entries = await deps.store.listAuditEntries(clientId);
  if (clientId !== undefined && entries.length === 0) {
    if ((await deps.store.getClient(clientId)) === undefined) {
      throw new ClientNotFoundError(clientId);
    }
  }
  return entries;
}
