// Helpers every client command shares: reading a client, the versioned write, times, the API key gateway.
import { ClientNotFoundError } from '../../../../tools/dev-adapters/errors';
import { UsageError } from '../../../../tools/cli/usage-error';
import type {
  ClientAdminStore,
  UpdateOptions,
} from '../../../../tools/dev-adapters/client-admin-store';
import type { ClientJwk, ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps } from '../model';
import type { UsageKeyGateway } from '../../../../tools/dev-adapters/usage-key-gateway';
import type { AuditedCommand } from '../../../../tools/dev-adapters/audit-entry';
import { clientAuditEntry } from '../audit';
import { syncUsageKey } from '../usage-keys';

/**
 * Formats epoch milliseconds as the ISO 8601 time the records store.
 * @param ms epoch milliseconds
 * @returns the ISO 8601 time
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The `keys_added_at` entries of newly registered keys.
 * @param keys the keys (none for a secret client)
 * @param at when they are registered (ISO 8601)
 * @returns `{kid: at}` for each key
 */
export function addedAt(
  keys: readonly ClientJwk[] | undefined,
  at: string,
): Record<string, string> {
  return Object.fromEntries((keys ?? []).map((key) => [key.kid, at]));
}

/**
 * Reads a client or fails.
 * @param store the client store
 * @param clientId the id
 * @returns the record
 * @throws ClientNotFoundError when there is no such client
 */
export async function requireClient(
  store: ClientAdminStore,
  clientId: string,
): Promise<ClientRecord> {
  const record = await store.getClient(clientId);
  if (record === undefined) throw new ClientNotFoundError(clientId);
  return record;
}

/**
 * Writes `next` over `current` if nobody changed the client since it was read, with its audit
 * entry in the same write.
 * @param deps ports
 * @param current the record as read
 * @param next the record to write, without `updated_at` and `version`
 * @param command the command making the change, for the audit trail
 * @param options for a client declared in Terraform: `disableDeclaration` (an incident `disable`)
 * @returns the record as written
 */
export async function writeNext(
  deps: CommandDeps,
  current: ClientRecord,
  next: Omit<ClientRecord, 'updated_at' | 'version'>,
  command: AuditedCommand,
  options: UpdateOptions = {},
): Promise<ClientRecord> {
  const now = isoTime(deps.clock());
  const { adoption_unfinished: _unfinished, ...rest } = next;
  const record: ClientRecord = {
    ...rest,
    // A declared client's runtime record is created by its first CLI write.
    created_at: next.created_at === '' ? now : next.created_at,
    updated_at: now,
    version: current.version + 1,
  };
  const audit = await clientAuditEntry(deps, command, {
    operation: 'update',
    before: current,
    after: record,
  });
  await deps.store.updateClient(record, current.version, audit, options);
  return record;
}

/**
 * Creates a client record, with its audit entry in the same write.
 * @param deps ports
 * @param record the new record
 * @param command the command making it, for the audit trail
 */
export async function createRecord(
  deps: CommandDeps,
  record: ClientRecord,
  command: AuditedCommand,
): Promise<void> {
  const audit = await clientAuditEntry(deps, command, { operation: 'create', after: record });
  await deps.store.createClient(record, audit);
}

/**
 * Opens the API key gateway when the command may need it.
 * @param deps ports
 * @param required true when the command line asked for a plan (so a missing gateway is an error)
 * @returns the gateway, or undefined when the CLI runs without one
 */
export async function openUsageKeys(
  deps: CommandDeps,
  required: boolean,
): Promise<UsageKeyGateway | undefined> {
  if (deps.usageKeys !== undefined) return deps.usageKeys();
  if (required) throw new Error('usage plans are not available in this CLI');
  return undefined;
}

/**
 * Brings a client's API key in step with its record after a change (a no-op without usage plans
 * or for a client without a plan).
 * @param deps ports
 * @param record the client as now stored
 * @param command the command making the change, for the audit trail of the key's id
 * @returns the record, with the key's id recorded if it was missing
 */
export async function syncAfter(
  deps: CommandDeps,
  record: ClientRecord,
  command: AuditedCommand,
): Promise<ClientRecord> {
  // A declared client's API key is Terraform's: the CLI never changes it.
  if (record.usage_plan === undefined || record.managed_by === 'terraform') return record;
  const gateway = await openUsageKeys(deps, false);
  const config = gateway && (await gateway.config());
  if (gateway === undefined || config === undefined) return record;
  const synced = await syncUsageKey(gateway, config, record);
  if (synced === undefined || synced.keyId === record.usage_key_id) return record;
  return writeNext(
    deps,
    record,
    { ...record, usage_key_id: synced.keyId, usage_key: synced.value },
    command,
  );
}

/**
 * The `tokens_not_before` a revoke writes, never earlier than a value already stored (revoking
 * twice never revives anything).
 * - `revoke-tokens`: TOKENS_NOT_BEFORE_MARGIN_SECONDS ahead, so that a token request racing the
 *   write cannot sign a token that outlives it (the token endpoint issues again after the margin).
 * - `disable`: the current second, so `enable` stays immediate. A racing token is dead while the
 *   client is disabled (the authorizer checks the status); one signed in the same second as the
 *   disable could come back with `enable`: run `revoke-tokens` before `enable` to rule that out.
 * @param current the record read
 * @param nowMs the operator's clock
 * @param marginSeconds how far ahead of now
 * @returns epoch seconds
 */
export function nextTokensNotBefore(
  current: ClientRecord,
  nowMs: number,
  marginSeconds: number,
): number {
  const wanted =
    marginSeconds === 0 ? Math.floor(nowMs / 1000) : Math.ceil(nowMs / 1000) + marginSeconds;
  return Math.max(wanted, current.tokens_not_before ?? 0);
}

/**
 * Reads a `private_key_jwt` client for a key change.
 * @param deps ports
 * @param clientId the id
 * @returns the record
 * @throws UsageError when the client authenticates with a secret
 */
export async function requireJwtClient(deps: CommandDeps, clientId: string): Promise<ClientRecord> {
  const current = await requireClient(deps.store, clientId);
  if (current.token_endpoint_auth_method !== 'private_key_jwt') {
    throw new UsageError(
      `client ${clientId} authenticates with a secret, not private_key_jwt; it has no keys to change`,
    );
  }
  return current;
}
