// The client's API key for usage plans: the port the clients CLI drives (API Gateway, or nothing locally) and the repairable steps that keep a key in step with its client record.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RandomBytes } from '../../../functions/shared/types';
import type { ClientRecord } from '../../../functions/token/core/types';
import { UsageError } from '../cli/usage-error';
import { LOCAL_USAGE_PLANS_FILE } from '../../../tools/local-server/local-usage-plans';

/** The usage plans of a deployment: plan ids by name, and the plan of clients that name none. */
export interface UsagePlansConfig {
  plans: Record<string, string>;
  defaultPlan?: string;
  /** The API and stage the plans meter (for `usage`). */
  restApiId?: string;
  stage?: string;
  /**
   * The REST API's `apiKeySource` as API Gateway reports it (undefined locally). Keys are given
   * only when it is `AUTHORIZER`: with `HEADER`, API Gateway would ignore the authorizer's
   * `usageIdentifierKey` and meter whatever `X-API-Key` a caller sends ("Choose an API key source
   * in API Gateway",
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
   */
  apiKeySource?: string;
}

/** An API key as the gateway holds it. */
export interface UsageKey {
  id: string;
  /** The key's value (only the repair path compares it; never printed). */
  value: string;
  enabled: boolean;
}

/** Requests counted for one key, per day (`GetUsage`). */
export interface UsageReport {
  startDate: string;
  endDate: string;
  /** Per day, in order: [used, remaining]. */
  days: Array<{ date: string; used: number; remaining: number | null }>;
}

/**
 * Where API keys live. Production: API Gateway (tools/dev-adapters/usage-keys-apigateway.ts).
 * Every method is idempotent, so a rerun after a failure completes the work.
 */
export interface UsageKeyGateway {
  /** @returns the plans, or undefined when the deployment has no usage plans */
  config(): Promise<UsagePlansConfig | undefined>;
  /** @returns the key with this id, or undefined when it does not exist */
  getKey(id: string): Promise<UsageKey | undefined>;
  /** @returns the key named `name` (the client id), or undefined */
  findKey(name: string): Promise<UsageKey | undefined>;
  /** Creates a key named `name` with `value`; @returns its id */
  createKey(name: string, value: string, enabled: boolean): Promise<string>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  /** Deletes a key; a missing key is not an error. */
  deleteKey(id: string): Promise<void>;
  /** @returns the ids of the plans (among `planIds`) that hold the key */
  plansOf(keyId: string, planIds: readonly string[]): Promise<string[]>;
  /** Adds the key to a plan; already there is not an error. */
  addToPlan(planId: string, keyId: string): Promise<void>;
  /** Removes the key from a plan; not there is not an error. */
  removeFromPlan(planId: string, keyId: string): Promise<void>;
  /** @returns the key's usage in the plan, per day, `from`..`to` (YYYY-MM-DD) */
  usage(planId: string, keyId: string, from: string, to: string): Promise<UsageReport>;
}

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

/**
 * The local stand-in: no key objects, since the local server meters the key value the record
 * holds. It knows the plans the local server was started with (written into the data directory).
 */
export class LocalUsageKeys implements UsageKeyGateway {
  /** @param dataDir the local store's directory */
  constructor(private readonly dataDir: string) {}

  async config(): Promise<UsagePlansConfig | undefined> {
    let text: string;
    try {
      text = await readFile(path.join(this.dataDir, LOCAL_USAGE_PLANS_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = JSON.parse(text) as { plans: string[]; default_plan?: string };
    return {
      plans: Object.fromEntries(parsed.plans.map((name) => [name, name])),
      ...(parsed.default_plan !== undefined ? { defaultPlan: parsed.default_plan } : {}),
    };
  }
  async getKey(): Promise<undefined> {
    return undefined;
  }
  async findKey(): Promise<undefined> {
    return undefined;
  }
  async createKey(name: string): Promise<string> {
    return `local-${name}`;
  }
  async setEnabled(): Promise<void> {}
  async deleteKey(): Promise<void> {}
  async plansOf(): Promise<string[]> {
    return [];
  }
  async addToPlan(): Promise<void> {}
  async removeFromPlan(): Promise<void> {}
  async usage(): Promise<UsageReport> {
    throw new UsageError(
      'usage: the local server counts requests in memory only; see its access log (docs/usage-plans.md)',
    );
  }
}
