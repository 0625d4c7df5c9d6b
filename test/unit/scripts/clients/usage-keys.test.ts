// The clients CLI's API key lifecycle on an in-memory gateway: plans on create/update, disable/enable, delete, usage, and injected half-way failures repaired by a rerun.
import { createClient } from '../../../../scripts/lib/clients/commands/create';
import { deleteClient } from '../../../../scripts/lib/clients/commands/delete';
import { runCommand } from '../../../../scripts/lib/clients/commands/run-command';
import { setClientStatus } from '../../../../scripts/lib/clients/commands/set-status';
import { updateClient } from '../../../../scripts/lib/clients/commands/update';
import { clientUsage } from '../../../../scripts/lib/clients/commands/usage';
import { UsageError } from '../../../../tools/cli/usage-error';
import {
  generateUsageKeyValue,
  resolvePlan,
  syncUsageKey,
} from '../../../../scripts/lib/clients/usage-keys';
import type { UsagePlansConfig } from '../../../../tools/dev-adapters/usage-key-gateway';
import type { ClientRecord } from '../../../../functions/token/core/types';
import type { CreateClientInput } from '../../../../scripts/lib/clients/model';
import { makeDeps } from '../../../support/clients-cli';
import type { MemoryClientStore } from '../../../support/memory-client-store';
import { MemoryUsageKeys, type UsageKeyOperation } from '../../../support/memory-usage-keys';

const PLANS: UsagePlansConfig = {
  plans: { bronze: 'p-bronze', gold: 'p-gold' },
  defaultPlan: 'bronze',
};
const INPUT: CreateClientInput = {
  name: 'Orders',
  scopes: ['orders:read'],
  audiences: [],
  authMethod: 'client_secret_basic',
};

function setup(config: UsagePlansConfig | null = PLANS) {
  const gateway = new MemoryUsageKeys(config ?? undefined);
  const made = makeDeps({ usageKeys: async () => gateway });
  return { ...made, gateway };
}

/**
 * The invariants a failure at any step must keep: every key is named by a record that holds its
 * value (no orphan), and every active client has an enabled key in exactly its plan.
 */
function expectConsistent(store: MemoryClientStore, gateway: MemoryUsageKeys): void {
  const records = [...store.records.values()];
  for (const key of gateway.keys.values()) {
    const owner = records.find((r) => r.client_id === key.name);
    expect(owner?.usage_key).toBe(key.value);
  }
  for (const record of records.filter((r) => r.status === 'active' && r.usage_plan)) {
    const key = [...gateway.keys.values()].find((k) => k.name === record.client_id);
    expect(key?.enabled).toBe(true);
    expect(gateway.plansHolding(key!.id)).toEqual([PLANS.plans[record.usage_plan!]]);
  }
}

describe('generateUsageKeyValue and resolvePlan', () => {
  it('makes 64 hex digits (256 bits) from the randomness port', () => {
    // Act
    const value = generateUsageKeyValue((n) => new Uint8Array(n).fill(0xab));

    // Assert
    expect(value).toBe('ab'.repeat(32));
  });

  it('picks --plan, else the default, and names --plan in every refusal', () => {
    // Act / Assert
    expect(resolvePlan(PLANS, 'gold')).toBe('gold');
    expect(resolvePlan(PLANS, undefined)).toBe('bronze');
    expect(resolvePlan({ plans: PLANS.plans }, undefined)).toBeUndefined();
    expect(resolvePlan(undefined, undefined)).toBeUndefined();
    expect(() => resolvePlan(PLANS, 'silver')).toThrow(
      /--plan silver: no such usage plan \(plans: bronze, gold\)/,
    );
    expect(() => resolvePlan(undefined, 'gold')).toThrow(
      /--plan gold: this deployment has no usage plans/,
    );
  });

  it('gives a plan only when the REST API takes keys from the authorizer', () => {
    // Arrange
    const on = (apiKeySource: string): UsagePlansConfig => ({
      ...PLANS,
      restApiId: 'api1',
      apiKeySource,
    });

    // Act / Assert
    expect(resolvePlan(on('AUTHORIZER'), 'gold')).toBe('gold');
    expect(() => resolvePlan(on('HEADER'), undefined)).toThrow(
      /--plan bronze: REST API api1 takes API keys from HEADER, not AUTHORIZER/,
    );
    expect(() => resolvePlan(on('HEADER'), 'gold')).toThrow(UsageError);
    // No plan to give: nothing to refuse.
    expect(resolvePlan({ ...on('HEADER'), defaultPlan: undefined }, undefined)).toBeUndefined();
  });
});

describe('create with usage plans', () => {
  it('gives the client an enabled key in its plan, and prints the secret but never the key value', async () => {
    // Arrange
    const { deps, store, gateway, out } = setup();

    // Act
    await runCommand(
      {
        command: 'create',
        target: { kind: 'local', dataDir: '/x' },
        json: true,
        ...INPUT,
        plan: 'gold',
      },
      deps,
    );

    // Assert
    const [record] = [...store.records.values()];
    expect(record).toMatchObject({
      status: 'active',
      usage_plan: 'gold',
      usage_key_id: 'key1',
      version: 2,
    });
    expect(record?.usage_key).toMatch(/^[0-9a-f]{64}$/);
    expect(record?.pending_since).toBeUndefined();
    expect(record?.secrets).toHaveLength(1);
    expect(gateway.keys.get('key1')).toMatchObject({
      name: record?.client_id,
      value: record?.usage_key,
      enabled: true,
    });
    expect(gateway.plansHolding('key1')).toEqual(['p-gold']);
    expect(out.stdoutText()).toContain('client_secret');
    expect(out.stdoutText()).not.toContain(record?.usage_key as string);
  });

  it('uses the default plan without --plan, and makes no key without plans or a default', async () => {
    // Arrange
    const withDefault = setup();
    const noDefault = setup({ plans: PLANS.plans });
    const noPlans = setup(null);

    // Act
    const a = await createClient(withDefault.deps, INPUT);
    const b = await createClient(noDefault.deps, INPUT);
    const c = await createClient(noPlans.deps, INPUT);

    // Assert
    expect(a.record.usage_plan).toBe('bronze');
    expect(b.record).not.toHaveProperty('usage_key');
    expect(c.record).not.toHaveProperty('usage_plan');
    expect(noDefault.gateway.keys.size + noPlans.gateway.keys.size).toBe(0);
  });

  it('refuses an unknown plan, or a plan without usage plans, before writing anything', async () => {
    // Arrange
    const { deps, store } = setup();
    const none = setup(null);

    // Act / Assert
    await expect(createClient(deps, { ...INPUT, plan: 'silver' })).rejects.toThrow(UsageError);
    await expect(createClient(none.deps, { ...INPUT, plan: 'gold' })).rejects.toThrow(
      /no usage plans/,
    );
    expect(store.records.size + none.store.records.size).toBe(0);
  });

  const CREATE_STEPS: UsageKeyOperation[] = ['findKey', 'createKey', 'plansOf', 'addToPlan'];

  it.each(CREATE_STEPS)(
    'a failure in %s leaves a disabled pending client naming its key; the same create finishes it',
    async (step) => {
      // Arrange
      const { deps, store, gateway } = setup();
      gateway.failOnce(step);

      // Act
      await expect(createClient(deps, { ...INPUT, plan: 'gold' })).rejects.toThrow(/injected/);
      const halfway = [...store.records.values()];
      expectConsistent(store, gateway);
      const rerun = await createClient(deps, { ...INPUT, plan: 'gold' });

      // Assert
      expect(halfway).toHaveLength(1);
      expect(halfway[0]).toMatchObject({ status: 'disabled', secrets: [] });
      expect(halfway[0]?.pending_since).toBeDefined();
      expect(store.records.size).toBe(1);
      expect(gateway.keys.size).toBe(1);
      expect(rerun.record).toMatchObject({ client_id: halfway[0]?.client_id, status: 'active' });
      expectConsistent(store, gateway);
    },
  );

  it('a failure in the last record write leaves the key enabled but the client pending; the rerun activates it', async () => {
    // Arrange
    const { deps, store, gateway } = setup();
    const update = store.updateClient.bind(store);
    let fail = true;
    store.updateClient = async (record, expected) => {
      if (fail && record.status === 'active') {
        fail = false;
        throw new Error('injected failure in the final write');
      }
      return update(record, expected);
    };

    // Act
    await expect(createClient(deps, { ...INPUT, plan: 'gold' })).rejects.toThrow(/injected/);
    const halfway = [...store.records.values()][0];
    const rerun = await createClient(deps, { ...INPUT, plan: 'gold' });

    // Assert
    expect(halfway?.status).toBe('disabled');
    expect(rerun.record.status).toBe('active');
    expect(gateway.keys.size).toBe(1);
    expectConsistent(store, gateway);
  });
});

describe('update --plan, disable, enable, delete and usage', () => {
  async function created() {
    const ctx = setup();
    const { record } = await createClient(ctx.deps, { ...INPUT, plan: 'bronze' });
    return { ...ctx, id: record.client_id, keyId: record.usage_key_id as string };
  }

  it('update --plan moves the key from its old plan to the new one', async () => {
    // Arrange
    const { deps, gateway, id, keyId, store } = await created();

    // Act
    const record = await updateClient(deps, id, { plan: 'gold' });

    // Assert
    expect(record.usage_plan).toBe('gold');
    expect(gateway.plansHolding(keyId)).toEqual(['p-gold']);
    expectConsistent(store, gateway);
  });

  it.each<UsageKeyOperation>(['plansOf', 'removeFromPlan', 'addToPlan'])(
    'update --plan failing in %s is repaired by running it again, which writes no new version',
    async (step) => {
      // Arrange
      const { deps, gateway, id, keyId, store } = await created();
      gateway.failOnce(step);

      // Act
      await expect(updateClient(deps, id, { plan: 'gold' })).rejects.toThrow(/injected/);
      const version = store.records.get(id)?.version;
      const rerun = await updateClient(deps, id, { plan: 'gold' });

      // Assert
      expect(rerun.version).toBe(version);
      expect(gateway.plansHolding(keyId)).toEqual(['p-gold']);
      expectConsistent(store, gateway);
    },
  );

  it('keeps the record’s key value when the gateway reads a key back without its value', async () => {
    // Arrange: the record does not know its key's id yet, so the key is found by name.
    const { gateway, id, keyId, store } = await created();
    const record = store.records.get(id) as ClientRecord;
    (gateway.keys.get(keyId) as { value: string }).value = '';

    // Act
    const synced = await syncUsageKey(gateway, PLANS, { ...record, usage_key_id: undefined });

    // Assert
    expect(synced).toEqual({ keyId, value: record.usage_key });
  });

  it('update --plan gives a client without a key one', async () => {
    // Arrange
    const { deps, gateway, store } = setup({ plans: PLANS.plans });
    const { record } = await createClient(deps, INPUT);

    // Act
    const updated = await updateClient(deps, record.client_id, { plan: 'gold' });

    // Assert
    expect(updated.usage_key_id).toBe('key1');
    expect(gateway.plansHolding('key1')).toEqual(['p-gold']);
    expectConsistent(store, gateway);
  });

  it('disable disables the key and enable enables it; a rerun repairs a key left behind', async () => {
    // Arrange
    const { deps, gateway, id, keyId } = await created();
    gateway.failOnce('setEnabled');

    // Act
    await expect(setClientStatus(deps, id, 'disabled')).rejects.toThrow(/injected/);
    const left = gateway.keys.get(keyId)?.enabled;
    const rerun = await setClientStatus(deps, id, 'disabled');
    const disabled = gateway.keys.get(keyId)?.enabled;
    await setClientStatus(deps, id, 'active');

    // Assert
    expect(left).toBe(true);
    expect(rerun.changed).toBe(false);
    expect(disabled).toBe(false);
    expect(gateway.keys.get(keyId)?.enabled).toBe(true);
  });

  it('delete removes the key, then the client; a failure halfway is finished by running it again', async () => {
    // Arrange
    const { deps, gateway, id, keyId, store } = await created();
    gateway.failOnce('deleteKey');

    // Act
    await expect(deleteClient(deps, id)).rejects.toThrow(/injected/);
    const halfway = store.records.get(id)?.status;
    expectConsistent(store, gateway);
    await deleteClient(deps, id);

    // Assert
    expect(halfway).toBe('disabled');
    expect(store.records.has(id)).toBe(false);
    expect(gateway.keys.has(keyId)).toBe(false);
    expect(gateway.plansHolding(keyId)).toEqual([]);
  });

  it('usage reads the key in its plan, and refuses a client without one', async () => {
    // Arrange
    const { deps, id } = await created();
    const plain = setup({ plans: PLANS.plans });
    const { record } = await createClient(plain.deps, INPUT);

    // Act
    const { plan, report } = await clientUsage(deps, id, 7);

    // Assert
    expect(plan).toBe('bronze');
    expect(report).toEqual({
      startDate: '2029-12-26',
      endDate: '2030-01-01',
      days: [{ date: '2029-12-26', used: 3, remaining: 2 }],
    });
    await expect(clientUsage(plain.deps, record.client_id, 7)).rejects.toThrow(
      /has no API key in a usage plan/,
    );
  });
});
