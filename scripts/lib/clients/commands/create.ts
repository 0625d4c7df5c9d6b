// The `create` command: a new client with a generated id and secret (or public keys), and its API key in a usage plan.
import type { ClientRecord, ClientSecret } from '../../../../functions/token/core/types';
import type { CommandDeps, CreateClientInput, CreatedClient } from '../model';
import { generateClientId, generateClientSecret } from '../secrets';
import { refuseSharedKeys } from '../shared-keys';
import { generateUsageKeyValue, resolvePlan, syncUsageKey } from '../usage-keys';
import { listClients } from './list';
import { addedAt, createRecord, isoTime, openUsageKeys, writeNext } from './shared';

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
    ...(jwt
      ? { jwks: { keys: [...(input.keys ?? [])] }, keys_added_at: addedAt(input.keys, now) }
      : {}),
    scopes: [...input.scopes],
    audiences: [...input.audiences],
    ...(input.tokenTtlSeconds !== undefined ? { token_ttl_seconds: input.tokenTtlSeconds } : {}),
    // RFC 9449 §5.2: false is the default, so only true is stored.
    ...(input.dpopBound === true ? { dpop_bound_access_tokens: true } : {}),
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
    await createRecord(deps, record, 'create');
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
    await createRecord(deps, pending, 'create');
  } else {
    const { token_ttl_seconds: _ttl, dpop_bound_access_tokens: _dpop, ...kept } = pending;
    pending = await writeNext(deps, pending, { ...kept, ...settings, usage_plan: plan }, 'create');
  }
  // Step 2: the key, enabled already (the client cannot get a token until step 3).
  const synced = await syncUsageKey(gateway, config, pending, { enabled: true });
  // Step 3.
  const { secret, secrets } = await newSecret();
  const { pending_since: _pending, ...rest } = pending;
  const record = await writeNext(
    deps,
    pending,
    {
      ...rest,
      status: 'active',
      secrets,
      ...(synced ? { usage_key_id: synced.keyId, usage_key: synced.value } : {}),
    },
    'create',
  );
  return { record, secret };
}
