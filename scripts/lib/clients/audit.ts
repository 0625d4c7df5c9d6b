// The audit entry that each write of a client command carries: who, when, which command, and the client before and after (no secrets).
import type { ClientRecord } from '../../../functions/token/core/types';
import {
  auditKey,
  clientSnapshot,
  type AuditedCommand,
  type AuditEntry,
} from '../../../tools/dev-adapters/audit-entry';
import type { CommandDeps } from './model';

/** Random bytes in an entry's key: 64 bits keep two entries of one millisecond apart. */
const AUDIT_KEY_RANDOM_BYTES = 8;

/** One write to a client record, as the trail describes it. */
export type ClientChange =
  | { operation: 'create'; after: ClientRecord }
  | { operation: 'update'; before: ClientRecord; after: ClientRecord }
  | { operation: 'delete'; before: ClientRecord };

/** The ports an entry needs. */
type AuditDeps = Pick<CommandDeps, 'actor' | 'clock' | 'randomBytes'>;

async function baseEntry(
  deps: AuditDeps,
  command: AuditedCommand,
  at: string,
): Promise<Pick<AuditEntry, 'key' | 'at' | 'actor' | 'command'>> {
  const actor = await deps.actor();
  return { key: auditKey(at, deps.randomBytes(AUDIT_KEY_RANDOM_BYTES)), at, actor, command };
}

/**
 * The entry of one write to a client record. Its time is the new record's `updated_at`, or now
 * for a delete.
 * @param deps the caller's identity, the clock and randomness
 * @param command the command making the change
 * @param change the records before and after
 * @returns the entry to give the store with the write
 */
export async function clientAuditEntry(
  deps: AuditDeps,
  command: AuditedCommand,
  change: ClientChange,
): Promise<AuditEntry> {
  const at =
    change.operation === 'delete' ? new Date(deps.clock()).toISOString() : change.after.updated_at;
  const entry: AuditEntry = {
    ...(await baseEntry(deps, command, at)),
    operation: change.operation,
    client_id: change.operation === 'create' ? change.after.client_id : change.before.client_id,
  };
  if (change.operation !== 'create') entry.before = clientSnapshot(change.before);
  if (change.operation !== 'delete') entry.after = clientSnapshot(change.after);
  return entry;
}

/**
 * The entry of `revoke-token`, which names a token and no client (the operator has only its id).
 * @param deps the caller's identity, the clock and randomness
 * @param jti the revoked token's id
 * @returns the entry to give the store with the revocation
 */
export async function revocationAuditEntry(deps: AuditDeps, jti: string): Promise<AuditEntry> {
  const at = new Date(deps.clock()).toISOString();
  return { ...(await baseEntry(deps, 'revoke-token', at)), operation: 'revoke-token', jti };
}
