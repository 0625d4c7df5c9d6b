// The clients CLI's audit trail: one entry per change to a client (who, when, which command, the non-secret fields before and after), stored with the change.
import { jwkThumbprint } from '../../functions/shared/jwk';
import { AUDIT_KEY_PREFIX } from '../../functions/shared/revocation';
import { isObject } from '../../functions/token/adapters/client-record';
import type { ClientRecord } from '../../functions/token/core/types';

/** The CLI commands that change the table, each of which writes an entry per change. */
export const AUDITED_COMMANDS = [
  'create',
  'update',
  'disable',
  'enable',
  'rotate-secret',
  'add-key',
  'remove-key',
  'revoke-tokens',
  'revoke-token',
  'delete',
  'adopt',
] as const;

/** A command that changes the table. */
export type AuditedCommand = (typeof AUDITED_COMMANDS)[number];

/**
 * What one write did: a client record created, replaced or deleted, or a token revoked by its
 * `jti`. One command may make several writes (`create` with usage plans, `delete` of an active
 * client with an API key, a plan change): each gets its own entry.
 */
export type AuditOperation = 'create' | 'update' | 'delete' | 'revoke-token';

const OPERATIONS: readonly AuditOperation[] = ['create', 'update', 'delete', 'revoke-token'];

/** A secret as the trail records it: its times only, never its hash. */
export interface AuditedSecret {
  created_at: string;
  expires_at?: string;
}

/** A public key as the trail records it: its kid and RFC 7638 thumbprint, no key material. */
export interface AuditedKey {
  kid: string;
  thumbprint: string;
}

/**
 * The fields of a client record the trail keeps, chosen one by one: a field added to the record
 * later stays out until it is added here, so a new secret can never slip into the trail. Left
 * out: secret hashes (only their times are kept), key material (only kid and thumbprint), the API
 * key's value (`usage_key`, a credential at the gateway; its id is kept) and what the token
 * function writes (`last_used_at`).
 */
export interface ClientSnapshot {
  client_id: string;
  name: string;
  status: string;
  token_endpoint_auth_method?: string;
  scopes: string[];
  audiences: string[];
  token_ttl_seconds?: number;
  tokens_not_before?: number;
  /** RFC 9449 §5.2: the client gets no token without a DPoP proof. */
  dpop_bound_access_tokens?: boolean;
  usage_plan?: string;
  usage_key_id?: string;
  pending_since?: string;
  /** `terraform` for a client declared in Terraform (docs/clients.md, "Clients as code"). */
  managed_by?: string;
  /** Where Terraform declares it. */
  terraform_address?: string;
  secrets: AuditedSecret[];
  keys?: AuditedKey[];
  created_at: string;
  updated_at: string;
  /** The record's version: consecutive entries of a client chain `before.version + 1 = after.version`. */
  version: number;
}

/** One entry of the trail. */
export interface AuditEntry {
  /** Its partition key in the clients table: `audit#<at>#<16 hex digits>` (see auditKey). */
  key: string;
  /** ISO 8601 time of the change (the operator's clock, the record's `updated_at`). */
  at: string;
  /** Who made it: the caller's ARN from STS GetCallerIdentity, or `local` for `--local`. */
  actor: string;
  /** The CLI command that made it. */
  command: AuditedCommand;
  operation: AuditOperation;
  /** The client changed; absent for `revoke-token`, which names only a token. */
  client_id?: string;
  /** `revoke-token`: the token's id. */
  jti?: string;
  /** The client before the change; absent for `create` and `revoke-token`. */
  before?: ClientSnapshot;
  /** The client after the change; absent for `delete` and `revoke-token`. */
  after?: ClientSnapshot;
}

/** An entry that cannot be read: written by something other than the CLI, or damaged. */
export class MalformedAuditEntryError extends Error {
  /**
   * @param key the entry's partition key
   * @param field the first field found wrong
   */
  constructor(key: string, field: string) {
    super(`audit entry ${key} is malformed (${field})`);
    this.name = new.target.name;
  }
}

/**
 * @param at ISO 8601 time of the change
 * @param random 8 random bytes, which keep two entries of the same millisecond apart
 * @returns the entry's partition key, `audit#<at>#<hex>`: sorted by time as strings are
 */
export function auditKey(at: string, random: Uint8Array): string {
  return `${AUDIT_KEY_PREFIX}${at}#${Buffer.from(random).toString('hex')}`;
}

/**
 * @param key a partition key of the clients table
 * @returns true for an audit entry's key
 */
export function isAuditKey(key: string): boolean {
  return key.startsWith(AUDIT_KEY_PREFIX);
}

/**
 * The non-secret fields of a record, as the trail keeps them (see ClientSnapshot).
 * @param record a client record
 * @returns its snapshot
 */
export function clientSnapshot(record: ClientRecord): ClientSnapshot {
  const snapshot: ClientSnapshot = {
    client_id: record.client_id,
    name: record.name,
    status: record.status,
    scopes: [...record.scopes],
    audiences: [...record.audiences],
    secrets: record.secrets.map((s) =>
      s.expires_at === undefined
        ? { created_at: s.created_at }
        : { created_at: s.created_at, expires_at: s.expires_at },
    ),
    created_at: record.created_at,
    updated_at: record.updated_at,
    version: record.version,
  };
  if (record.token_endpoint_auth_method !== undefined) {
    snapshot.token_endpoint_auth_method = record.token_endpoint_auth_method;
  }
  if (record.jwks !== undefined) {
    snapshot.keys = record.jwks.keys.map((key) => ({
      kid: key.kid,
      thumbprint: jwkThumbprint(key),
    }));
  }
  for (const field of ['token_ttl_seconds', 'tokens_not_before'] as const) {
    if (record[field] !== undefined) snapshot[field] = record[field];
  }
  if (record.dpop_bound_access_tokens !== undefined) {
    snapshot.dpop_bound_access_tokens = record.dpop_bound_access_tokens;
  }
  for (const field of [
    'usage_plan',
    'usage_key_id',
    'pending_since',
    'managed_by',
    'terraform_address',
  ] as const) {
    if (record[field] !== undefined) snapshot[field] = record[field];
  }
  return snapshot;
}

/**
 * The fields that differ between two snapshots (`updated_at` and `version` aside: every write
 * changes them).
 * @param before the snapshot before, if any
 * @param after the snapshot after, if any
 * @returns field names in a stable order
 */
export function changedFields(
  before: ClientSnapshot | undefined,
  after: ClientSnapshot | undefined,
): string[] {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  names.delete('updated_at');
  names.delete('version');
  return [...names]
    .filter((name) => {
      const a = (before as Record<string, unknown> | undefined)?.[name];
      const b = (after as Record<string, unknown> | undefined)?.[name];
      return JSON.stringify(a) !== JSON.stringify(b);
    })
    .sort();
}

/**
 * Reads a stored entry back, checking every field: the trail is evidence, so an entry the CLI
 * could not have written is reported, never shown as if it were fine.
 * @param key its partition key
 * @param raw the stored fields (without the key)
 * @returns the entry
 * @throws MalformedAuditEntryError naming the first wrong field
 */
export function parseAuditEntry(key: string, raw: unknown): AuditEntry {
  if (!isAuditKey(key)) throw new MalformedAuditEntryError(key, 'key');
  if (!isObject(raw)) throw new MalformedAuditEntryError(key, 'entry');
  const text = (field: string, optional = false): string | undefined => {
    const value = raw[field];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value === '') throw new MalformedAuditEntryError(key, field);
    return value;
  };
  const command = text('command') as AuditedCommand;
  if (!(AUDITED_COMMANDS as readonly string[]).includes(command)) {
    throw new MalformedAuditEntryError(key, 'command');
  }
  const operation = text('operation') as AuditOperation;
  if (!OPERATIONS.includes(operation)) throw new MalformedAuditEntryError(key, 'operation');
  const entry: AuditEntry = {
    key,
    at: text('at') as string,
    actor: text('actor') as string,
    command,
    operation,
  };
  const clientId = text('client_id', true);
  if (clientId !== undefined) entry.client_id = clientId;
  const jti = text('jti', true);
  if (jti !== undefined) entry.jti = jti;
  for (const side of ['before', 'after'] as const) {
    const value = raw[side];
    if (value === undefined) continue;
    if (!isSnapshot(value)) throw new MalformedAuditEntryError(key, side);
    entry[side] = value;
  }
  return entry;
}

/** Shallow shape check of a stored snapshot: enough to print it without crashing. */
function isSnapshot(value: unknown): value is ClientSnapshot {
  return (
    isObject(value) &&
    typeof value.client_id === 'string' &&
    typeof value.version === 'number' &&
    Array.isArray(value.scopes) &&
    Array.isArray(value.secrets)
  );
}

/**
 * The position of an entry in its client's history: the version its change wrote (a delete comes
 * after the version it deleted), 0 for `revoke-token`.
 */
function sequence(entry: AuditEntry): number {
  return entry.after?.version ?? (entry.before === undefined ? 0 : entry.before.version + 1);
}

/**
 * Newest first: by time, then (for the writes of one command within one millisecond) by the
 * version each wrote, then by key, so the order is stable.
 * @param a an entry
 * @param b another
 * @returns the sort order
 */
export function newestFirst(a: AuditEntry, b: AuditEntry): number {
  return b.at.localeCompare(a.at) || sequence(b) - sequence(a) || b.key.localeCompare(a.key);
}
