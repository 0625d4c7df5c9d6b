// The local server's usage plans: the plans file of `npm start -- --usage-plans FILE` (re-read when it changes) and the keys the local client store holds.
import fs from 'node:fs';
import path from 'node:path';
import type { FileClientStore } from '../dev-adapters/client-store-file';
import {
  parseUsagePlans,
  UsagePlansFileError,
  type UsageKeyBinding,
  type UsagePlanLimits,
  type UsagePlanSource,
} from '../gateway/usage-plans';

/** Where the clients CLI (`--local --plan NAME`) learns the plan names; see tools/dev-adapters/usage-keys-local.ts. */
export const LOCAL_USAGE_PLANS_FILE = 'usage-plans.json';

/** The parsed plans file. */
export interface LocalUsagePlans {
  plans: Record<string, UsagePlanLimits>;
  defaultPlan: string | undefined;
}

/**
 * Reads and validates a usage plans file (the Terraform `usage_plans` shape).
 * @param file the path
 * @returns the plans
 * @throws UsagePlansFileError naming the file and the field
 */
export function readUsagePlansFile(file: string): LocalUsagePlans {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsagePlansFileError(`${file}: ${(err as Error).message}`);
  }
  try {
    return parseUsagePlans(json);
  } catch (err) {
    throw new UsagePlansFileError(`${file}: ${(err as Error).message}`);
  }
}

/**
 * Records the plan names (and the default) in the data directory, where the clients CLI reads
 * them to check `--plan` and to apply the default.
 * @param dataDir the local data directory
 * @param plans the plans
 */
export function publishPlanNames(dataDir: string, plans: LocalUsagePlans): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const target = path.join(dataDir, LOCAL_USAGE_PLANS_FILE);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(
    tmp,
    `${JSON.stringify({ plans: Object.keys(plans.plans).sort(), ...(plans.defaultPlan ? { default_plan: plans.defaultPlan } : {}) })}\n`,
  );
  fs.renameSync(tmp, target);
}

/**
 * Removes the recorded plan names (a start without `--usage-plans`), so the clients CLI gives no
 * keys the server would not meter.
 * @param dataDir the local data directory
 */
export function withdrawPlanNames(dataDir: string): void {
  fs.rmSync(path.join(dataDir, LOCAL_USAGE_PLANS_FILE), { force: true });
}

/**
 * Looks a key value up in the local client store: the client holding it, its plan in the plans
 * file, and whether it is enabled (an active client whose create has finished). The store is
 * re-read when clients.json changes and the plans file when it changes, so `clients update --plan`
 * and an edited plans file apply from the next request.
 */
export class LocalUsagePlanSource implements UsagePlanSource {
  private plans: LocalUsagePlans;
  private stamp: string;

  /**
   * @param store the local client store
   * @param file the plans file
   * @param onError reports a plans file that became invalid (the last valid plans stay in force)
   */
  constructor(
    private readonly store: FileClientStore,
    private readonly file: string,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.plans = readUsagePlansFile(file);
    this.stamp = this.fileStamp();
  }

  private fileStamp(): string {
    const stats = fs.statSync(this.file, { bigint: true });
    return `${stats.ino}:${stats.size}:${stats.mtimeNs}`;
  }

  async lookup(keyValue: string): Promise<UsageKeyBinding | undefined> {
    try {
      const stamp = this.fileStamp();
      if (stamp !== this.stamp) {
        this.stamp = stamp;
        this.plans = readUsagePlansFile(this.file);
      }
    } catch (err) {
      this.onError(`usage plans file: ${(err as Error).message}; keeping the plans read before`);
    }
    const client = (await this.store.listClients()).find((c) => c.usage_key === keyValue);
    const plan = client?.usage_plan === undefined ? undefined : this.plans.plans[client.usage_plan];
    if (client === undefined || plan === undefined) return undefined;
    return {
      planId: client.usage_plan as string,
      plan,
      enabled: client.status === 'active' && client.pending_since === undefined,
    };
  }
}
