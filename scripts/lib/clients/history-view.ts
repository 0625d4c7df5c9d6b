// Output of `clients history`: the audit trail as JSON and as text, newest first.
import {
  changedFields,
  type AuditEntry,
  type ClientSnapshot,
} from '../../../tools/dev-adapters/audit-entry';

/** One entry as `history --json` prints it: the stored entry and the names of the fields it changed. */
export type HistoryEntryView = AuditEntry & {
  /** Fields that differ between `before` and `after` (all of them for a create or a delete). */
  changed: string[];
};

/**
 * @param entry a stored entry
 * @returns its view
 */
export function toHistoryEntryView(entry: AuditEntry): HistoryEntryView {
  return { ...entry, changed: changedFields(entry.before, entry.after) };
}

function value(snapshot: ClientSnapshot | undefined, field: string): string {
  const v = (snapshot as Record<string, unknown> | undefined)?.[field];
  return v === undefined ? '(none)' : JSON.stringify(v);
}

function entryLines(entry: HistoryEntryView, showSubject: boolean): string[] {
  const subject = !showSubject
    ? ''
    : entry.client_id !== undefined
      ? `  client ${entry.client_id}`
      : `  token ${entry.jti ?? '?'}`;
  const head = `${entry.at}  ${entry.command}${subject}  by ${entry.actor}`;
  if (entry.operation === 'revoke-token') return [head, `    revoked token ${entry.jti ?? '?'}`];
  const version =
    entry.operation === 'create'
      ? `created (version ${entry.after?.version})`
      : entry.operation === 'delete'
        ? `deleted (was version ${entry.before?.version})`
        : `version ${entry.before?.version} -> ${entry.after?.version}`;
  const changes = entry.changed.map((field) =>
    entry.operation === 'create'
      ? `    ${field}: ${value(entry.after, field)}`
      : entry.operation === 'delete'
        ? `    ${field} was ${value(entry.before, field)}`
        : `    ${field}: ${value(entry.before, field)} -> ${value(entry.after, field)}`,
  );
  return [head, `    ${version}`, ...(changes.length > 0 ? changes : ['    no field changed'])];
}

/**
 * The trail as text, newest first.
 * @param entries the entries' views, newest first
 * @param clientId the client asked for, or undefined for the whole trail
 * @returns the text
 */
export function formatHistory(entries: readonly HistoryEntryView[], clientId?: string): string {
  const what =
    clientId === undefined ? 'Audit trail of every client' : `History of client ${clientId}`;
  if (entries.length === 0) {
    return `${what}: no audit entries (changes made before the trail existed, or outside the CLI, leave none; see docs/audit.md).`;
  }
  const count = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`;
  return [
    `${what} (newest first, ${count}):`,
    ...entries.flatMap((e) => entryLines(e, clientId === undefined)),
  ].join('\n');
}
