// The local stand-in for API keys: the clients CLI's --local target, where the local server meters the key value the client record holds.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../cli/usage-error';
import { LOCAL_USAGE_PLANS_FILE } from '../local-server/local-usage-plans';
import type { UsageKeyGateway, UsagePlansConfig, UsageReport } from './usage-key-gateway';

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
