// Client admin commands (create, list, show, update, disable, enable, rotate-secret, delete) on injected ports.
import { ClientNotFoundError } from '../../../tools/dev-adapters/errors';
import { UsageError } from '../cli/usage-error';
import { isSecretClient } from '../../../functions/token/core/auth-methods';
import type { ClientAdminStore } from '../../../tools/dev-adapters/client-admin-store';
import type {
  ClientJwk,
  ClientRecord,
  ClientSecret,
  ClientStatus,
  RegisteredAuthMethod,
} from '../../../functions/token/core/types';
import { confirmDelete } from './confirm';
import { checkKeySet } from './public-keys';
import { refuseSharedKeys } from './shared-keys';
import { formatRevokedTokens, toRevokedTokensView } from './revoked-tokens';
import {
  formatClient,
  formatCreated,
  formatDeleted,
  formatList,
  formatRotated,
  formatStatusChange,
  formatUpdated,
  toClientView,
  toCreatedView,
  toDeletedView,
  toListView,
  toRotatedView,
} from './format';
import type {
  ClientChanges,
  CommandDeps,
  CreateClientInput,
  CreatedClient,
  ParsedCommand,
  RotatedSecret,
  StatusChange,
} from './model';
import { generateClientId, generateClientSecret } from './secrets';
import {
  deleteUsageKey,
  generateUsageKeyValue,
  resolvePlan,
  syncUsageKey,
  type UsageKeyGateway,
  type UsagePlansConfig,
  type UsageReport,
} from './usage-keys';
import {
  CLOCK_SKEW_SECONDS,
  TOKEN_TTL_SECONDS,
  TOKENS_NOT_BEFORE_MARGIN_SECONDS,
} from '../../../functions/shared/limits';

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
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
 * Creates a client with a generated id and secret; stores only the argon2id hash, with a
 * conditional write that never overwrites an existing client. A `private_key_jwt` client gets no
 * secret at all: only its public keys are stored. With usage plans the client also
 * gets an API key in its plan, in an order that a failure at any step leaves repairable:
 * 1. the record is written disabled, without a secret, marked `pending_since`, naming its plan and
 *    key value (so the key is named before it exists, and the client can get no token yet);
 * 2. the key is created (or found by name) and put in the plan, enabled;
 * 3. the record becomes active, with a fresh secret which is printed (with its public keys only,
 *    for `private_key_jwt`).
 * A rerun of the same `create` (same --name) finds the pending record and finishes it.
 * @param deps ports
 * @param input validated settings
 * @returns the stored record and the plain-text secret
 */
export async function createClient(
  deps: CommandDeps,
  input: CreateClientInput,
): Promise<CreatedClient> {
  const gateway = await openUsageKeys(deps, input.plan !== undefined);
  const config = gateway && (await gateway.config());
  const plan = gateway ? resolvePlan(config, input.plan) : undefined;
  // The pending record of an earlier run of this command (usage plans only), which step 1 resumes.
  const resumed =
    plan === undefined
      ? undefined
      : (await listClients(deps)).find(
          (r) => r.pending_since !== undefined && r.name === input.name,
        );
  // No key of another client, checked before anything is written. Only the record this rerun
  // resumes is exempt: another pending record of the same name is another client.
  await refuseSharedKeys(deps.store, input.keys ?? [], {
    allowShared: input.allowSharedKey === true,
    isSelf: (r) => r.client_id === resumed?.client_id,
  });
  const now = isoTime(deps.clock());
  const jwt = input.authMethod === 'private_key_jwt';
  /** A fresh secret and its stored hash; none for `private_key_jwt`. */
  const newSecret = async (): Promise<{ secret?: string; secrets: ClientSecret[] }> => {
    if (jwt) return { secrets: [] };
    const secret = generateClientSecret(deps.randomBytes);
    return {
      secret,
      secrets: [{ hash: await deps.hasher.hash(secret), created_at: isoTime(deps.clock()) }],
    };
  };
  const settings = {
    name: input.name,
    token_endpoint_auth_method: input.authMethod,
    ...(jwt ? { jwks: { keys: [...(input.keys ?? [])] } } : {}),
    scopes: [...input.scopes],
    audiences: [...input.audiences],
    ...(input.tokenTtlSeconds !== undefined ? { token_ttl_seconds: input.tokenTtlSeconds } : {}),
  };
  if (plan === undefined || gateway === undefined || config === undefined) {
    const { secret, secrets } = await newSecret();
    const record: ClientRecord = {
      client_id: generateClientId(deps.randomBytes),
      ...settings,
      status: 'active',
      secrets,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await deps.store.createClient(record);
    return { record, secret };
  }

  // Step 1, or the pending record of an earlier run of this command.
  let pending = resumed;
  if (pending === undefined) {
    pending = {
      client_id: generateClientId(deps.randomBytes),
      ...settings,
      status: 'disabled',
      secrets: [],
      usage_plan: plan,
      usage_key: generateUsageKeyValue(deps.randomBytes),
      pending_since: now,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await deps.store.createClient(pending);
  } else {
    const { token_ttl_seconds: _ttl, ...kept } = pending;
    pending = await writeNext(deps, pending, { ...kept, ...settings, usage_plan: plan });
  }
  // Step 2: the key, enabled already (the client cannot get a token until step 3).
  const synced = await syncUsageKey(gateway, config, pending, { enabled: true });
  // Step 3.
  const { secret, secrets } = await newSecret();
  const { pending_since: _pending, ...rest } = pending;
  const record = await writeNext(deps, pending, {
    ...rest,
    status: 'active',
    secrets,
    ...(synced ? { usage_key_id: synced.keyId, usage_key: synced.value } : {}),
  });
  return { record, secret };
}

/**
 * Opens the API key gateway when the command may need it.
 * @param deps ports
 * @param required true when the command line asked for a plan (so a missing gateway is an error)
 * @returns the gateway, or undefined when the CLI runs without one
 */
async function openUsageKeys(
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
 * @returns the record, with the key's id recorded if it was missing
 */
async function syncAfter(deps: CommandDeps, record: ClientRecord): Promise<ClientRecord> {
  if (record.usage_plan === undefined) return record;
  const gateway = await openUsageKeys(deps, false);
  const config = gateway && (await gateway.config());
  if (gateway === undefined || config === undefined) return record;
  const synced = await syncUsageKey(gateway, config, record);
  if (synced === undefined || synced.keyId === record.usage_key_id) return record;
  return writeNext(deps, record, {
    ...record,
    usage_key_id: synced.keyId,
    usage_key: synced.value,
  });
}

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

/** Writes `next` over `current` if nobody changed the client since it was read. */
async function writeNext(
  deps: CommandDeps,
  current: ClientRecord,
  next: Omit<ClientRecord, 'updated_at' | 'version'>,
): Promise<ClientRecord> {
  const record: ClientRecord = {
    ...next,
    updated_at: isoTime(deps.clock()),
    version: current.version + 1,
  };
  await deps.store.updateClient(record, current.version);
  return record;
}

/**
 * Checks `update --auth` against the client's current method: a secret client (`client_secret`,
 * one pinned transport, or an early record with none) may be pinned to one transport or opened to
 * both (`client_secret`). A switch to or from `private_key_jwt` needs keys or a secret that the
 * record does not have, so it is refused before anything is written.
 * @throws UsageError naming --auth
 */
function checkAuthChange(current: ClientRecord, wanted: RegisteredAuthMethod): void {
  const method = current.token_endpoint_auth_method;
  if (method === wanted) return;
  if (!isSecretClient(method) || !isSecretClient(wanted)) {
    throw new UsageError(
      `--auth ${wanted}: client ${current.client_id} authenticates with ` +
        `${method ?? 'a secret'}; update switches only between client_secret, ` +
        `client_secret_basic and client_secret_post. ` +
        `${method === 'private_key_jwt' ? 'A secret' : 'Public keys'} ` +
        `cannot be added by update: create a new client with --auth ${wanted}`,
    );
  }
}

/**
 * Changes a client's name, scopes, audiences, token lifetime, plan or secret method (conditional
 * on its version). Nothing is written when a change is refused.
 * @param deps ports
 * @param clientId the id
 * @param changes validated changes
 * @returns the updated record
 * @throws UsageError for an `--auth` switch to or from `private_key_jwt`
 */
export async function updateClient(
  deps: CommandDeps,
  clientId: string,
  changes: ClientChanges,
): Promise<ClientRecord> {
  const current = await requireClient(deps.store, clientId);
  if (changes.authMethod !== undefined) checkAuthChange(current, changes.authMethod);
  let plan: Pick<ClientRecord, 'usage_plan' | 'usage_key'> = {};
  if (changes.plan !== undefined) {
    const gateway = await openUsageKeys(deps, true);
    const name = resolvePlan(await gateway?.config(), changes.plan) as string;
    plan = {
      usage_plan: name,
      usage_key: current.usage_key ?? generateUsageKeyValue(deps.randomBytes),
    };
  }
  const { token_ttl_seconds: currentTtl, ...rest } = current;
  const ttl = changes.tokenTtlSeconds === undefined ? currentTtl : changes.tokenTtlSeconds;
  const next = {
    ...rest,
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.scopes !== undefined ? { scopes: [...changes.scopes] } : {}),
    ...(changes.audiences !== undefined ? { audiences: [...changes.audiences] } : {}),
    ...(ttl !== undefined && ttl !== null ? { token_ttl_seconds: ttl } : {}),
    ...(changes.authMethod !== undefined ? { token_endpoint_auth_method: changes.authMethod } : {}),
    ...plan,
  };
  // The record (the plan it names) is written first, then the key follows it. A rerun of the same
  // update writes nothing new and only completes the key's move.
  const unchanged =
    changes.plan !== undefined &&
    JSON.stringify({ ...current, updated_at: '', version: 0 }) ===
      JSON.stringify({ ...next, updated_at: '', version: 0 });
  const record = unchanged ? current : await writeNext(deps, current, next);
  return changes.plan === undefined ? record : syncAfter(deps, record);
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
 * Kills every token issued to a client so far: sets `tokens_not_before` (conditional on the
 * version read). The client stays active; the token endpoint issues again once that time passes.
 * @param deps ports
 * @param clientId the id
 * @returns the updated record
 */
export async function revokeTokens(deps: CommandDeps, clientId: string): Promise<ClientRecord> {
  const current = await requireClient(deps.store, clientId);
  return writeNext(deps, current, {
    ...current,
    tokens_not_before: nextTokensNotBefore(current, deps.clock(), TOKENS_NOT_BEFORE_MARGIN_SECONDS),
  });
}

/**
 * Revokes one token by `jti`, as RFC 7009 revocation does. The operator does not know the token's
 * `exp`, so the item is kept for the longest any token can live: the longest lifetime plus the
 * largest skew the authorizer can be configured with.
 * @param deps ports
 * @param jti the token id
 * @returns epoch seconds until which the item is kept
 */
export async function revokeTokenById(
  deps: Pick<CommandDeps, 'store' | 'clock'>,
  jti: string,
): Promise<number> {
  const expiresAt = Math.ceil(deps.clock() / 1000) + TOKEN_TTL_SECONDS.max + CLOCK_SKEW_SECONDS.max;
  await deps.store.revokeToken({ jti, clientId: '', expiresAt });
  return expiresAt;
}

/**
 * Enables or disables a client. A disabled client gets `invalid_client` at the token endpoint
 * at once (reads are strongly consistent). Disabling also sets `tokens_not_before`, so the tokens
 * it already holds get 401 at the authorizer (when revocation checking is on) and stay dead after
 * a later `enable`.
 * @param deps ports
 * @param clientId the id
 * @param status the wanted status
 * @returns the record and whether anything was written
 */
export async function setClientStatus(
  deps: CommandDeps,
  clientId: string,
  status: ClientStatus,
): Promise<StatusChange> {
  const current = await requireClient(deps.store, clientId);
  // The record first (a disabled client gets no token and its tokens get 401), then its API key.
  // Already in that status: a rerun, which still completes the key's state.
  if (current.status === status) return { record: await syncAfter(deps, current), changed: false };
  const next =
    status === 'disabled'
      ? { ...current, status, tokens_not_before: nextTokensNotBefore(current, deps.clock(), 0) }
      : { ...current, status };
  return { record: await syncAfter(deps, await writeNext(deps, current, next)), changed: true };
}

/**
 * Computes the secrets after a rotation: the new secret, plus the previous one limited to the
 * grace period. At most two secrets remain, so an older secret still in its grace period is
 * dropped, and secrets that have already expired are removed.
 * @param secrets the current secrets
 * @param fresh the new secret (hash only)
 * @param nowMs current time
 * @param graceSeconds how long the previous secret keeps working; 0 revokes it now
 * @returns the new secret list, newest first
 */
export function rotateSecrets(
  secrets: readonly ClientSecret[],
  fresh: ClientSecret,
  nowMs: number,
  graceSeconds: number,
): ClientSecret[] {
  const live = secrets.filter(
    (secret) => secret.expires_at === undefined || Date.parse(secret.expires_at) > nowMs,
  );
  // The previous secret is the current one (no expiry), newest first; failing that, the one
  // still in a grace period that ends last.
  const previous = [...live].sort((a, b) => {
    if (a.expires_at === undefined || b.expires_at === undefined) {
      if (a.expires_at !== b.expires_at) return a.expires_at === undefined ? -1 : 1;
      return b.created_at.localeCompare(a.created_at);
    }
    return Date.parse(b.expires_at) - Date.parse(a.expires_at);
  })[0];
  if (previous === undefined || graceSeconds === 0) return [fresh];
  const graceEnd = nowMs + graceSeconds * 1000;
  // A rotation never extends the life of a secret that was already expiring.
  const expiresMs =
    previous.expires_at === undefined
      ? graceEnd
      : Math.min(Date.parse(previous.expires_at), graceEnd);
  return [
    fresh,
    { hash: previous.hash, created_at: previous.created_at, expires_at: isoTime(expiresMs) },
  ];
}

/**
 * Gives a client a new secret; the previous one keeps working for the grace period.
 * @param deps ports
 * @param clientId the id
 * @param graceSeconds grace period of the previous secret (0: revoke it now)
 * @returns the record, the new plain-text secret and the previous secret's expiry
 */
export async function rotateSecret(
  deps: CommandDeps,
  clientId: string,
  graceSeconds: number,
): Promise<RotatedSecret> {
  const current = await requireClient(deps.store, clientId);
  if (current.token_endpoint_auth_method === 'private_key_jwt') {
    throw new UsageError(
      `client ${clientId} authenticates with private_key_jwt and has no secret; rotate its keys with add-key and remove-key`,
    );
  }
  const nowMs = deps.clock();
  const secret = generateClientSecret(deps.randomBytes);
  const fresh: ClientSecret = { hash: await deps.hasher.hash(secret), created_at: isoTime(nowMs) };
  const secrets = rotateSecrets(current.secrets, fresh, nowMs, graceSeconds);
  const record = await writeNext(deps, current, { ...current, secrets });
  return { record, secret, previousExpiresAt: secrets[1]?.expires_at };
}

/**
 * Reads a `private_key_jwt` client for a key change.
 * @throws UsageError when the client authenticates with a secret
 */
async function requireJwtClient(deps: CommandDeps, clientId: string): Promise<ClientRecord> {
  const current = await requireClient(deps.store, clientId);
  if (current.token_endpoint_auth_method !== 'private_key_jwt') {
    throw new UsageError(
      `client ${clientId} authenticates with a secret, not private_key_jwt; it has no keys to change`,
    );
  }
  return current;
}

/**
 * Adds public keys to a `private_key_jwt` client (conditional on its version): the first step of
 * a rotation (docs/private-key-jwt.md). The whole set is checked again: no duplicate kid, at most
 * MAX_CLIENT_KEYS; and no other client may hold a new key unless `allowSharedKey`.
 * @param deps ports
 * @param clientId the id
 * @param keys the validated new keys
 * @param source the flag they came from, for messages
 * @param allowSharedKey `--allow-shared-key`: accept a key another client holds
 * @returns the updated record
 */
export async function addKeys(
  deps: CommandDeps,
  clientId: string,
  keys: readonly ClientJwk[],
  source: string,
  allowSharedKey = false,
): Promise<ClientRecord> {
  const current = await requireJwtClient(deps, clientId);
  const all = checkKeySet([...(current.jwks?.keys ?? []), ...keys], source);
  await refuseSharedKeys(deps.store, keys, {
    allowShared: allowSharedKey,
    isSelf: (r) => r.client_id === clientId,
  });
  return writeNext(deps, current, { ...current, jwks: { keys: all } });
}

/**
 * Removes one key by kid (conditional on the version): the last step of a rotation. A client's
 * last key is never removed, so it can always authenticate again.
 * @param deps ports
 * @param clientId the id
 * @param kid the key to remove
 * @returns the updated record
 * @throws UsageError for an unknown kid or the last key
 */
export async function removeKey(
  deps: CommandDeps,
  clientId: string,
  kid: string,
): Promise<ClientRecord> {
  const current = await requireJwtClient(deps, clientId);
  const keys = current.jwks?.keys ?? [];
  if (!keys.some((key) => key.kid === kid)) {
    throw new UsageError(
      `client ${clientId} has no key with kid ${JSON.stringify(kid)} (its kids: ${keys.map((k) => k.kid).join(', ')})`,
    );
  }
  if (keys.length === 1) {
    throw new UsageError(
      `kid ${kid} is the last key of client ${clientId}; add the new key first (add-key), then remove the old one`,
    );
  }
  return writeNext(deps, current, {
    ...current,
    jwks: { keys: keys.filter((key) => key.kid !== kid) },
  });
}

/**
 * Deletes a client (conditional on the version read, so a concurrent change is not lost).
 * @param deps ports
 * @param clientId the id
 * @returns the deleted record
 */
export async function deleteClient(deps: CommandDeps, clientId: string): Promise<ClientRecord> {
  let current = await requireClient(deps.store, clientId);
  if (current.usage_key !== undefined) {
    const gateway = await openUsageKeys(deps, false);
    if (gateway !== undefined) {
      // Disabled first, so the client gets no token while its key goes; then the key, while the
      // record still names it; then the record. A rerun continues where a failure stopped.
      if (current.status === 'active') {
        current = await writeNext(deps, current, {
          ...current,
          status: 'disabled',
          tokens_not_before: nextTokensNotBefore(current, deps.clock(), 0),
        });
      }
      await deleteUsageKey(gateway, await gateway.config(), current);
    }
  }
  await deps.store.deleteClient(clientId, current.version);
  return current;
}

/**
 * Reads how many requests the client's key made per day (API Gateway's GetUsage).
 * @param deps ports
 * @param clientId the id
 * @param days how many days, ending today (UTC)
 * @returns the plan and the usage report
 */
export async function clientUsage(
  deps: CommandDeps,
  clientId: string,
  days: number,
): Promise<{ record: ClientRecord; plan: string; report: UsageReport }> {
  const record = await requireClient(deps.store, clientId);
  const gateway = (await openUsageKeys(deps, true)) as UsageKeyGateway;
  const config: UsagePlansConfig | undefined = await gateway.config();
  const planId = record.usage_plan === undefined ? undefined : config?.plans[record.usage_plan];
  if (planId === undefined || record.usage_key_id === undefined) {
    throw new UsageError(`client ${clientId} has no API key in a usage plan of this deployment`);
  }
  const today = Math.floor(deps.clock() / 86_400_000) * 86_400_000;
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const report = await gateway.usage(
    planId,
    record.usage_key_id,
    day(today - (days - 1) * 86_400_000),
    day(today),
  );
  return { record, plan: record.usage_plan as string, report };
}

/**
 * Runs a parsed command and prints its result (human text, or one JSON document with `--json`).
 * Store errors propagate; the CLI maps them to messages and exit codes.
 * @param parsed the command line (not `help`)
 * @param deps ports
 */
export async function runCommand(
  parsed: Exclude<ParsedCommand, { command: 'help' }>,
  deps: CommandDeps,
): Promise<void> {
  const print = (json: unknown, human: string): void =>
    deps.out.stdout(parsed.json ? JSON.stringify(json) : human);
  switch (parsed.command) {
    case 'create': {
      const created = await createClient(deps, parsed);
      return print(toCreatedView(created), formatCreated(created));
    }
    case 'list': {
      const records = await listClients(deps);
      return print(records.map(toListView), formatList(records));
    }
    case 'show': {
      const record = await requireClient(deps.store, parsed.clientId);
      return print(toClientView(record), formatClient(record));
    }
    case 'update': {
      const record = await updateClient(deps, parsed.clientId, parsed.changes);
      return print(toClientView(record), formatUpdated(record));
    }
    case 'disable':
    case 'enable': {
      const status = parsed.command === 'disable' ? 'disabled' : 'active';
      const change = await setClientStatus(deps, parsed.clientId, status);
      return print(toClientView(change.record), formatStatusChange(change));
    }
    case 'rotate-secret': {
      const rotated = await rotateSecret(deps, parsed.clientId, parsed.graceSeconds);
      return print(toRotatedView(rotated), formatRotated(rotated, parsed.graceSeconds));
    }
    case 'add-key': {
      const record = await addKeys(
        deps,
        parsed.clientId,
        parsed.keys,
        parsed.source,
        parsed.allowSharedKey,
      );
      return print(
        toClientView(record),
        `Added ${parsed.keys.length === 1 ? 'a key' : `${parsed.keys.length} keys`} to client ${record.client_id}.\n${formatClient(record)}`,
      );
    }
    case 'remove-key': {
      const record = await removeKey(deps, parsed.clientId, parsed.kid);
      return print(
        toClientView(record),
        `Removed key ${parsed.kid} from client ${record.client_id}; assertions it signs are refused now.\n${formatClient(record)}`,
      );
    }
    case 'revoke-tokens': {
      const record = await revokeTokens(deps, parsed.clientId);
      const view = toRevokedTokensView(record, deps.clock());
      return print(view, formatRevokedTokens(view));
    }
    case 'revoke-token': {
      const until = await revokeTokenById(deps, parsed.jti);
      const at = new Date(until * 1000).toISOString();
      return print(
        { jti: parsed.jti, revoked_until: at },
        `Revoked token ${parsed.jti} (the record is kept until ${at}).`,
      );
    }
    case 'delete': {
      await confirmDelete(deps, parsed.clientId, parsed.yes);
      const record = await deleteClient(deps, parsed.clientId);
      return print(toDeletedView(record), formatDeleted(record));
    }
    case 'usage': {
      const { record, plan, report } = await clientUsage(deps, parsed.clientId, parsed.days);
      return print(
        { client_id: record.client_id, usage_plan: plan, ...report },
        [
          `Requests of client ${record.client_id} on usage plan ${plan} (UTC days):`,
          ...report.days.map(
            (d) =>
              `  ${d.date}  used ${d.used}${d.remaining === null ? '' : `, remaining ${d.remaining}`}`,
          ),
        ].join('\n'),
      );
    }
  }
}
