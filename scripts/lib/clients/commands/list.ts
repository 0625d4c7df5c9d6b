// The `list` command: every client, oldest first, or only the stale ones (--unused-since, --secret-older-than).
import type { ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps, ListFilters } from '../model';

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

/**
 * Whether a client got no token since `cutoffMs`: its last use is before it, or it has none and
 * was created before it (a client created since has had no time to be used). The token function
 * records a use at most hourly, so a use in the last hour may not show yet.
 * @param record a client
 * @param cutoffMs epoch ms
 * @returns true when unused since then
 */
export function unusedSince(record: ClientRecord, cutoffMs: number): boolean {
  return Date.parse(record.last_used_at ?? record.created_at) < cutoffMs;
}

/**
 * Whether a client holds a live secret (one without an expiry, or expiring after now) created
 * before `cutoffMs`. A secret in its rotation grace period counts until it expires.
 * @param record a client
 * @param cutoffMs epoch ms
 * @param nowMs the clock
 * @returns true when such a secret exists
 */
export function hasSecretOlderThan(record: ClientRecord, cutoffMs: number, nowMs: number): boolean {
  return record.secrets.some(
    (secret) =>
      (secret.expires_at === undefined || Date.parse(secret.expires_at) > nowMs) &&
      Date.parse(secret.created_at) < cutoffMs,
  );
}

/**
 * Lists the clients that match every given filter, oldest first (all of them without filters).
 * @param deps ports (the store and the clock the cutoffs are measured from)
 * @param filters the stale-client filters of the command line
 * @returns the matching records
 */
export async function listMatchingClients(
  deps: Pick<CommandDeps, 'store' | 'clock'>,
  filters: ListFilters,
): Promise<ClientRecord[]> {
  const records = await listClients(deps);
  const nowMs = deps.clock();
  const { unusedSinceMs, secretOlderThanMs } = filters;
  return records.filter(
    (record) =>
      (unusedSinceMs === undefined || unusedSince(record, nowMs - unusedSinceMs)) &&
      (secretOlderThanMs === undefined ||
        hasSecretOlderThan(record, nowMs - secretOlderThanMs, nowMs)),
  );
}
