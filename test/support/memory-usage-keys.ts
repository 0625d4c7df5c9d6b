// An in-memory UsageKeyGateway (API keys, plans, plan keys) with failure injection, to test the clients CLI's key lifecycle without API Gateway.
import type {
  UsageKey,
  UsageKeyGateway,
  UsagePlansConfig,
  UsageReport,
} from '../../tools/dev-adapters/usage-key-gateway';

/** The gateway's operations, for failure injection and call counts. */
export type UsageKeyOperation = Exclude<keyof UsageKeyGateway, 'config'>;

/**
 * Keys and plan memberships in maps. `failOnce(op)` makes the next call of that operation throw,
 * as a half-way failure would; API Gateway's rule that a key is in at most one plan per stage is
 * enforced, so a move in the wrong order fails here as it would there.
 */
export class MemoryUsageKeys implements UsageKeyGateway {
  readonly keys = new Map<string, UsageKey & { name: string }>();
  /** plan id -> key ids */
  readonly members = new Map<string, Set<string>>();
  readonly calls: UsageKeyOperation[] = [];
  private failing = new Set<UsageKeyOperation>();
  private nextId = 1;

  /** @param plansConfig the deployment's plans (undefined: no usage plans) */
  constructor(public plansConfig: UsagePlansConfig | undefined) {
    for (const id of Object.values(plansConfig?.plans ?? {})) this.members.set(id, new Set());
  }

  /** @param op the operation whose next call fails */
  failOnce(op: UsageKeyOperation): void {
    this.failing.add(op);
  }

  private step(op: UsageKeyOperation): void {
    this.calls.push(op);
    if (this.failing.delete(op)) throw new Error(`injected failure in ${op}`);
  }

  /** @returns the plan ids that hold the key */
  plansHolding(keyId: string): string[] {
    return [...this.members].filter(([, keys]) => keys.has(keyId)).map(([id]) => id);
  }

  async config(): Promise<UsagePlansConfig | undefined> {
    return this.plansConfig;
  }
  async getKey(id: string): Promise<UsageKey | undefined> {
    this.step('getKey');
    const key = this.keys.get(id);
    return key && { id: key.id, value: key.value, enabled: key.enabled };
  }
  async findKey(name: string): Promise<UsageKey | undefined> {
    this.step('findKey');
    const key = [...this.keys.values()].find((k) => k.name === name);
    return key && { id: key.id, value: key.value, enabled: key.enabled };
  }
  async createKey(name: string, value: string, enabled: boolean): Promise<string> {
    this.step('createKey');
    if ([...this.keys.values()].some((k) => k.value === value)) throw new Error('duplicate value');
    const id = `key${this.nextId++}`;
    this.keys.set(id, { id, name, value, enabled });
    return id;
  }
  async setEnabled(id: string, enabled: boolean): Promise<void> {
    this.step('setEnabled');
    const key = this.keys.get(id);
    if (key === undefined) throw new Error('NotFound');
    key.enabled = enabled;
  }
  async deleteKey(id: string): Promise<void> {
    this.step('deleteKey');
    this.keys.delete(id);
    for (const keys of this.members.values()) keys.delete(id);
  }
  async plansOf(keyId: string, planIds: readonly string[]): Promise<string[]> {
    this.step('plansOf');
    return this.plansHolding(keyId).filter((id) => planIds.includes(id));
  }
  async addToPlan(planId: string, keyId: string): Promise<void> {
    this.step('addToPlan');
    if (!this.keys.has(keyId)) throw new Error('NotFound');
    const others = this.plansHolding(keyId).filter((id) => id !== planId);
    if (others.length > 0) throw new Error('a key is in at most one plan per stage');
    this.members.get(planId)?.add(keyId);
  }
  async removeFromPlan(planId: string, keyId: string): Promise<void> {
    this.step('removeFromPlan');
    this.members.get(planId)?.delete(keyId);
  }
  async usage(_planId: string, _keyId: string, from: string, to: string): Promise<UsageReport> {
    this.step('usage');
    return { startDate: from, endDate: to, days: [{ date: from, used: 3, remaining: 2 }] };
  }
}
