// The local server's usage plans: the plans file (errors name the file), the plan names it publishes for the CLI, and key lookups in the file store as clients and the file change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileClientStore } from '../../../../tools/dev-adapters/client-store-file';
import {
  LocalUsagePlanSource,
  publishPlanNames,
  readUsagePlansFile,
  withdrawPlanNames,
} from '../../../../tools/local-server/local-usage-plans';
import { LocalUsageKeys } from '../../../../tools/dev-adapters/usage-keys-local';
import type { ClientRecord } from '../../../../functions/token/core/types';

const NOW = '2030-01-01T00:00:00.000Z';
const record = (id: string, extra: Partial<ClientRecord>): ClientRecord => ({
  client_id: id,
  name: id,
  status: 'active',
  secrets: [],
  scopes: [],
  audiences: [],
  created_at: NOW,
  updated_at: NOW,
  version: 1,
  ...extra,
});

describe('local usage plans', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-plans-unit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the file in every error', () => {
    // Arrange
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"p": {"rate_limit": 0, "burst_limit": 1}}');
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{');

    // Act / Assert
    expect(() => readUsagePlansFile(bad)).toThrow(`${bad}: p.rate_limit`);
    expect(() => readUsagePlansFile(broken)).toThrow(broken);
  });

  it('publishes the plan names and default where the clients CLI reads them, and withdraws them', async () => {
    // Arrange
    const plans = readUsagePlansFile(
      writePlans({ usage_plans: { b: limits(1), a: limits(2) }, default_usage_plan: 'b' }),
    );

    // Act
    publishPlanNames(dir, plans);
    const seen = await new LocalUsageKeys(dir).config();
    withdrawPlanNames(dir);
    const withdrawn = await new LocalUsageKeys(dir).config();

    // Assert
    expect(seen).toEqual({ plans: { a: 'a', b: 'b' }, defaultPlan: 'b' });
    expect(withdrawn).toBeUndefined();
  });

  it('finds a key in the store, enabled only for an active, finished client, and follows plan and file changes', async () => {
    // Arrange
    const file = writePlans({ small: limits(1), large: limits(100) });
    const store = new FileClientStore({ dataDir: dir });
    await store.createClient(record('c1', { usage_plan: 'small', usage_key: 'k1'.repeat(20) }));
    await store.createClient(
      record('c2', {
        usage_plan: 'small',
        usage_key: 'k2'.repeat(20),
        pending_since: NOW,
        status: 'disabled',
      }),
    );
    await store.createClient(record('c3', { usage_plan: 'gone', usage_key: 'k3'.repeat(20) }));
    const errors: string[] = [];
    const source = new LocalUsagePlanSource(store, file, (m) => errors.push(m));

    // Act
    const c1 = await source.lookup('k1'.repeat(20));
    const c2 = await source.lookup('k2'.repeat(20));
    const c3 = await source.lookup('k3'.repeat(20));
    const none = await source.lookup('x'.repeat(40));
    await store.updateClient(
      { ...(await store.getClient('c1'))!, usage_plan: 'large', version: 2 },
      1,
    );
    const moved = await source.lookup('k1'.repeat(20));
    fs.writeFileSync(file, JSON.stringify({ small: limits(7), large: limits(100) }));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const c2Plan = (await source.lookup('k2'.repeat(20)))?.plan.throttle.rateLimit;
    fs.writeFileSync(file, '{');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 10000));
    const kept = (await source.lookup('k2'.repeat(20)))?.plan.throttle.rateLimit;

    // Assert
    expect(c1).toMatchObject({
      planId: 'small',
      enabled: true,
      plan: { throttle: { rateLimit: 1 } },
    });
    expect(c2?.enabled).toBe(false);
    expect([c3, none]).toEqual([undefined, undefined]);
    expect(moved).toMatchObject({ planId: 'large', plan: { throttle: { rateLimit: 100 } } });
    expect(c2Plan).toBe(7);
    expect(kept).toBe(7);
    expect(errors[0]).toMatch(/keeping the plans read before/);
  });

  function limits(rate: number) {
    return { rate_limit: rate, burst_limit: rate };
  }
  function writePlans(json: unknown): string {
    const file = path.join(dir, `plans-${Math.random()}.json`);
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  }
});
