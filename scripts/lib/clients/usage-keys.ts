// The client's API key for usage plans: the repairable steps that keep a key in step with its client record, through the port in tools/dev-adapters/usage-key-gateway.ts.
import type { RandomBytes } from '../../../functions/shared/types';
import type { ClientRecord } from '../../../functions/token/core/types';
import { UsageError } from '../../../tools/cli/usage-error';
import type {
  UsageKeyGateway,
  UsagePlansConfig,
} from '../../../tools/dev-adapters/usage-key-gateway';

/** Bytes of a key value: 256 random bits, as 64 hex digits. */
export const USAGE_KEY_BYTES = 32;

/**
 * A new API key value. API Gateway wants "an alphanumeric string between 20 and 128 characters"
 * ("Usage plans and API keys for REST APIs in API Gateway",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html):
 * hex is alphanumeric, and 64 digits carry 256 bits, so no client can guess another's key.
 * @param randomBytes the randomness port
 * @returns the value
 */
export function generateUsageKeyValue(randomBytes: RandomBytes): string {
  return Buffer.from(randomBytes(USAGE_KEY_BYTES)).toString('hex');
}

/**
 * Resolves the plan a command asks for against the deployment's plans.
 * @param config the deployment's plans, or undefined without plans
 * @param plan the `--plan` value, or undefined
 * @returns the plan name to record, or undefined for no key
 * @throws UsageError naming --plan when the deployment has no such plan
 */
export function resolvePlan(
  config: UsagePlansConfig | undefined,
  plan: string | undefined,
): string | undefined {
  if (config === undefined) {
    if (plan === undefined) return undefined;
    throw new UsageError(
      `--plan ${plan}: this deployment has no usage plans (set usage_plans in Terraform, or start the local server with --usage-plans FILE)`,
    );
  }
  const name = plan ?? config.defaultPlan;
  if (name !== undefined && !(name in config.plans)) {
    const known = Object.keys(config.plans).sort().join(', ') || 'none';
    throw new UsageError(`--plan ${name}: no such usage plan (plans: ${known})`);
  }
  if (
    name !== undefined &&
    config.apiKeySource !== undefined &&
    config.apiKeySource !== 'AUTHORIZER'
  ) {
    throw new UsageError(
      `--plan ${name}: REST API ${config.restApiId ?? ''} takes API keys from ${config.apiKeySource}, not AUTHORIZER, so callers' X-API-Key headers would choose the plan; set api_key_source = "AUTHORIZER" on it (docs/usage-plans.md)`,
    );
  }
  return name;
}

/** What {@link syncUsageKey} did, for the caller's record. */
export interface SyncedKey {
  keyId: string;
  value: string;
}

/**
 * Brings the client's API key in step with its record, one idempotent step at a time, so that a
 * rerun after any failure completes it: the key exists (found by id, else by name = client id,
 * else created with the record's value), is enabled exactly when the client is active and set up,
 * and is in the record's plan and no other plan of the deployment. The record always names the
 * key before it exists (by client id and value), so no key is ever left that no record names.
 * @param gateway where keys live
 * @param config the deployment's plans
 * @param record the client as stored (with `usage_plan` and `usage_key`)
 * @param options `enabled` overrides the state derived from the record (create enables the key
 *   before it activates the client)
 * @returns the key's id and value, or undefined when the record names no plan
 */
export async function syncUsageKey(
  gateway: UsageKeyGateway,
  config: UsagePlansConfig,
  record: ClientRecord,
  options: { enabled?: boolean } = {},
): Promise<SyncedKey | undefined> {
  if (record.usage_plan === undefined || record.usage_key === undefined) return undefined;
  const planId = config.plans[record.usage_plan];
  if (planId === undefined) {
    throw new UsageError(
      `client ${record.client_id} is on usage plan ${record.usage_plan}, which this deployment no longer has: run update --plan NAME`,
    );
  }
  const enabled =
    options.enabled ?? (record.status === 'active' && record.pending_since === undefined);
  let key =
    (record.usage_key_id === undefined ? undefined : await gateway.getKey(record.usage_key_id)) ??
    (await gateway.findKey(record.client_id));
  if (key === undefined) {
    const id = await gateway.createKey(record.client_id, record.usage_key, enabled);
    key = { id, value: record.usage_key, enabled };
  } else if (key.enabled !== enabled) {
    await gateway.setEnabled(key.id, enabled);
  }
  // At most one plan per stage holds a key, so the key leaves its old plan first.
  const current = await gateway.plansOf(key.id, Object.values(config.plans));
  for (const other of current) {
    if (other !== planId) await gateway.removeFromPlan(other, key.id);
  }
  if (!current.includes(planId)) await gateway.addToPlan(planId, key.id);
  // A key read back without its value (the adapter gives '' then) keeps the record's value: a
  // record is never written with an empty usage_key, which would make it unreadable.
  return { keyId: key.id, value: key.value === '' ? record.usage_key : key.value };
}

/**
 * Removes the client's key (`delete`): found by the record's id, else by name; taken out of the
 * deployment's plans first (the API Gateway documentation does not say whether DeleteApiKey
 * removes a key from its plans, so the CLI does not rely on it). Idempotent.
 * @param gateway where keys live
 * @param config the deployment's plans, if any
 * @param record the client
 */
export async function deleteUsageKey(
  gateway: UsageKeyGateway,
  config: UsagePlansConfig | undefined,
  record: ClientRecord,
): Promise<void> {
  const key =
    (record.usage_key_id === undefined ? undefined : await gateway.getKey(record.usage_key_id)) ??
    (await gateway.findKey(record.client_id));
  if (key === undefined) return;
  for (const planId of await gateway.plansOf(key.id, Object.values(config?.plans ?? {}))) {
    await gateway.removeFromPlan(planId, key.id);
  }
  await gateway.deleteKey(key.id);
}
