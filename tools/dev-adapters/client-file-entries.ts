// The entries of the local clients.json: parsing, checking and the pure edits FileClientStore makes under its lock.
import type { BigIntStats } from 'node:fs';
import { isReservedKey } from '../../functions/shared/revocation';
import {
  isObject,
  MalformedClientRecordError,
  parseClientRecord,
} from '../../functions/token/adapters/client-record';
import { ServerError } from '../../functions/token/core/errors';
import type { ClientRecord } from '../../functions/token/core/types';
import { isAuditKey, type AuditEntry } from './audit-entry';
import { ClientNotFoundError, ConcurrentModificationError } from './errors';

/** Parsed file content: raw (unchecked) records by client id. */
export type ClientsMap = Map<string, unknown>;

/** A `revoked#<jti>` entry of the file. */
export interface RevokedEntry {
  revoked_client_id?: unknown;
  expires_at?: unknown;
}

/**
 * Adds an audit entry under its key (the key is not repeated inside), as the DynamoDB store's
 * conditional put does: an existing key is never overwritten, and the whole write is refused.
 */
export function addAuditEntry(clients: ClientsMap, audit: AuditEntry): void {
  const { key, ...entry } = audit;
  if (!isAuditKey(key)) throw new ServerError(`${key} is not an audit entry's key`);
  if (clients.has(key)) {
    throw new ServerError(`the audit entry ${key} already exists; nothing was changed`);
  }
  clients.set(key, entry);
}

/**
 * Removes reserved (`revoked#`, `jti#`) entries whose `expires_at` has passed. Audit entries have
 * no `expires_at`, so they stay (docs/audit.md, "Retention").
 */
export function dropExpired(clients: ClientsMap, nowSeconds: number): void {
  for (const [id, raw] of clients) {
    if (isReservedKey(id) && Number((raw as RevokedEntry)?.expires_at) <= nowSeconds) {
      clients.delete(id);
    }
  }
}

export function statKey(stats: BigIntStats): string {
  // A rename gives the file a new inode, so a rewrite is noticed even within one mtime tick.
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}`;
}

export function parseFile(text: string): ClientsMap {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No `cause`: V8 quotes a snippet of the text (which holds argon2 hashes) in its message, and
    // the handler logs the cause's message.
    throw new ServerError('the local client store file is not valid JSON');
  }
  if (!isObject(parsed) || !isObject(parsed.clients)) {
    throw new ServerError('the local client store file has no "clients" object');
  }
  return new Map(Object.entries(parsed.clients));
}

export function checked(clientId: string, raw: unknown): ClientRecord {
  try {
    const record = parseClientRecord(raw);
    if (record.client_id !== clientId) throw new MalformedClientRecordError('client_id');
    return record;
  } catch (err) {
    throw new ServerError('client store returned a malformed record', { cause: err });
  }
}

export function expectVersion(
  clients: ClientsMap,
  clientId: string,
  expectedVersion: number,
): void {
  if (!clients.has(clientId)) throw new ClientNotFoundError(clientId);
  const stored = (clients.get(clientId) as { version?: unknown } | null)?.version;
  if (stored !== expectedVersion) throw new ConcurrentModificationError(clientId);
}
