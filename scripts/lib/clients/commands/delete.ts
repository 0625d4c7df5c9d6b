// The `delete` command: a client removed, its API key first, its cutoff items (a tombstone) in every Region before its record.
import type { ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps } from '../model';
import { deleteUsageKey } from '../usage-keys';
import { clientAuditEntry } from '../audit';
import { writeTombstoneEverywhere, type RegionResult } from '../regions';
import { refuseDeclaredEdit } from './ownership';
import { nextTokensNotBefore, openUsageKeys, requireClient, writeNext } from './shared';

/** What `delete` did. */
export interface Deletion {
  /** The record as last read or written (the one deleted, when `deleted`). */
  record: ClientRecord;
  /** The tombstone cutoff written per Region (a DynamoDB target); undefined for `--local`. */
  report?: RegionResult[];
  /** False when a Region's cutoff was not written: the record is kept for the rerun. */
  deleted: boolean;
}

/**
 * Deletes a client (conditional on the version read, so a concurrent change is not lost).
 *
 * Order, for a DynamoDB target: the disabled cutoff (`cutoff#<id>`) is written to every Region
 * BEFORE the record is deleted, and the record is deleted only when every Region took it. The
 * other Regions keep the record's replica (active) until the deletion replicates, so without
 * the cutoff they would go on issuing and accepting the client's tokens. Cutoff first means that
 * each Region refuses the client before its record goes, and once the command reports success no
 * Region accepts it. The other order would leave, when a Region fails, a Region that accepts the
 * client and no record for a rerun to start from (`delete` would answer "no such client"), so no
 * way to close the gap but replication. Here a failed Region keeps the record and the command
 * exits 4; a rerun writes the cutoffs again (idempotent) and deletes.
 * @param deps ports
 * @param clientId the id
 * @returns the record, the per-Region report and whether the record was deleted
 */
export async function deleteClient(deps: CommandDeps, clientId: string): Promise<Deletion> {
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
  let report: RegionResult[] | undefined;
  if (deps.regions !== undefined) {
    report = await writeTombstoneEverywhere(deps.regions, current, deps.clock());
    if (report.some((r) => r.result === 'failed'))
      return { record: current, report, deleted: false };
  }
  const audit = await clientAuditEntry(deps, 'delete', { operation: 'delete', before: current });
  await deps.store.deleteClient(clientId, current.version, audit);
  return { record: current, ...(report === undefined ? {} : { report }), deleted: true };
}
