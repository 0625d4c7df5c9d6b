// Unit tests of the clients CLI's audit trail on an in-memory store: an entry with every write of every command, no secrets in it, the caller named first, and `history`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import type { HistoryEntryView } from '../../../../scripts/lib/clients/history-view';
import { helpText } from '../../../../scripts/lib/clients/help';
import { parseCommandLine } from '../../../../scripts/lib/clients/args';
import { AUDITED_COMMANDS, type AuditEntry } from '../../../../tools/dev-adapters/audit-entry';
import type { UsagePlansConfig } from '../../../../tools/dev-adapters/usage-key-gateway';
import { EXIT } from '../../../../tools/cli/exit-codes';
import { UsageError } from '../../../../tools/cli/usage-error';
import { clientKeyPair } from '../../../support/client-assertions';
import {
  captureOutput,
  counterRandom,
  TEST_ACTOR,
  testClock,
  type TestClock,
} from '../../../support/clients-cli';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { MemoryUsageKeys } from '../../../support/memory-usage-keys';
import { clientRecord } from '../../../support/token-fakes';

const PLANS: UsagePlansConfig = {
  plans: { bronze: 'p-bronze', gold: 'p-gold' },
  defaultPlan: 'bronze',
};
const KEY_1 = clientKeyPair('ES256', 'key-1');
const KEY_2 = clientKeyPair('ES256', 'key-2');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
  fs.writeFileSync(path.join(dir, 'key-1.json'), JSON.stringify(KEY_1.jwk));
  fs.writeFileSync(path.join(dir, 'key-2.json'), JSON.stringify(KEY_2.jwk));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A CLI on a memory store and API keys with two plans; every command moves the clock 1 s. */
function setup(identifyCaller: CliOptions['identifyCaller'] = async () => TEST_ACTOR) {
  const store = new MemoryClientStore();
  const gateway = new MemoryUsageKeys(PLANS);
  const clock: TestClock = testClock();
  const random = counterRandom();
  let out = captureOutput();
  const options = (): CliOptions => ({
    program: 'clients',
    out,
    cwd: dir,
    env: {},
    openStore: () => store,
    openUsageKeys: async () => gateway,
    hasher: new FakeHasher(),
    clock,
    randomBytes: random,
    prompter: { interactive: false, ask: async () => undefined },
    identifyCaller,
  });
  const run = async (...argv: string[]): Promise<{ code: number; json: unknown; err: string }> => {
    clock.advance(1);
    out = captureOutput();
    const code = await runCli([...argv, '--table', 'clients', '--json'], options());
    const text = out.stdoutText().trim();
    return { code, json: text === '' ? undefined : JSON.parse(text), err: out.stderrText() };
  };
  return { store, gateway, run };
}

/** Runs every command that changes a client, once; returns what they printed that must stay secret. */
async function everyCommand(
  run: ReturnType<typeof setup>['run'],
  store?: ReturnType<typeof setup>['store'],
) {
  const created = (await run('create', '--name', 'Orders', '--scopes', 'orders:read')).json as {
    client_id: string;
    client_secret: string;
  };
  const id = created.client_id;
  const results = [
    await run('update', id, '--scopes', 'orders:read orders:write', '--name', 'Orders v2'),
    await run('update', id, '--plan', 'gold'),
    await run('rotate-secret', id, '--grace', '60'),
    await run('disable', id),
    await run('enable', id),
    await run('revoke-tokens', id),
    await run('revoke-token', 'jti-of-a-leaked-token'),
  ];
  const jwt = (
    await run(
      'create',
      '--name',
      'Svc',
      '--scopes',
      'x',
      '--jwks-file',
      'key-1.json',
      '--plan',
      'bronze',
    )
  ).json as { client_id: string };
  results.push(
    await run('add-key', jwt.client_id, '--jwks-file', 'key-2.json'),
    await run('remove-key', jwt.client_id, 'key-1'),
    await run('delete', id, '--yes'),
  );
  if (store !== undefined) {
    // A client Terraform declares with client_id = adopted-1, whose CLI record is still whole.
    store.records.set(
      'adopted-1',
      clientRecord({
        client_id: 'adopted-1',
        managed_by: 'terraform',
        terraform_address: 'clients["legacy"]',
        adoption_unfinished: true,
      }),
    );
    results.push(await run('adopt', 'adopted-1'));
  }
  for (const r of results) expect([r.code, r.err]).toEqual([EXIT.OK, '']);
  const rotated = results[2]?.json as { client_secret: string };
  return { id, jwtId: jwt.client_id, secrets: [created.client_secret, rotated.client_secret] };
}

describe('audit entries of the clients commands', () => {
  it('writes one entry with every write of every command that changes a client, and no write without one', async () => {
    // Arrange
    const { store, run } = setup();

    // Act
    const { id, jwtId } = await everyCommand(run, store);

    // Assert: one entry per write, all by the caller, every audited command present
    expect(store.unaudited).toBe(0);
    expect(store.audit).toHaveLength(store.writes);
    expect(new Set(store.audit.map((e) => e.command))).toEqual(new Set(AUDITED_COMMANDS));
    expect(new Set(store.audit.map((e) => e.actor))).toEqual(new Set([TEST_ACTOR]));
    // The writes of the secret client, in order: create with usage plans is two writes, a plan
    // change records the key's id, delete of an active client with a key disables it first.
    const trail = (e: AuditEntry): string => `${e.command}/${e.operation}`;
    expect(store.audit.filter((e) => e.client_id === id).map(trail)).toEqual([
      'create/create',
      'create/update',
      'update/update',
      'update/update',
      'rotate-secret/update',
      'disable/update',
      'enable/update',
      'revoke-tokens/update',
      'delete/update',
      'delete/delete',
    ]);
    expect(store.audit.filter((e) => e.client_id === jwtId).map(trail)).toEqual([
      'create/create',
      'create/update',
      'add-key/update',
      'remove-key/update',
    ]);
    expect(store.audit.find((e) => e.command === 'revoke-token')).toMatchObject({
      operation: 'revoke-token',
      jti: 'jti-of-a-leaked-token',
    });
    expect(store.audit.find((e) => e.command === 'revoke-token')).not.toHaveProperty('client_id');
  });

  it('records the fields before and after, and never a secret, a hash, an API key value or key material', async () => {
    // Arrange
    const { store, gateway, run } = setup();

    // Act
    const { id, jwtId, secrets } = await everyCommand(run);

    // Assert: what changed is there ...
    const of = (command: string, clientId = id): AuditEntry =>
      store.audit.find((e) => e.command === command && e.client_id === clientId) as AuditEntry;
    expect(of('update')).toMatchObject({
      before: { name: 'Orders', scopes: ['orders:read'] },
      after: { name: 'Orders v2', scopes: ['orders:read', 'orders:write'] },
    });
    expect(of('update').after?.version).toBe((of('update').before?.version as number) + 1);
    const rotation = of('rotate-secret');
    expect(rotation.before?.secrets).toHaveLength(1);
    expect(rotation.after?.secrets).toEqual([
      { created_at: rotation.at },
      {
        created_at: rotation.before?.secrets[0]?.created_at,
        expires_at: new Date(Date.parse(rotation.at) + 60_000).toISOString(),
      },
    ]);
    expect(of('disable')).toMatchObject({
      before: { status: 'active' },
      after: { status: 'disabled' },
    });
    expect(of('add-key', jwtId).after?.keys?.map((k) => k.kid)).toEqual(['key-1', 'key-2']);
    expect(of('add-key', jwtId).after?.keys?.[1]?.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const deletion = store.audit.find((e) => e.operation === 'delete') as AuditEntry;
    expect(deletion).toMatchObject({ client_id: id, before: { status: 'disabled' } });
    expect(deletion).not.toHaveProperty('after');
    // ... and nothing secret is
    const trail = JSON.stringify(store.audit);
    const apiKeyValues = [...gateway.keys.values()].map((k) => k.value);
    expect(apiKeyValues.length).toBeGreaterThan(0);
    for (const value of [
      ...secrets,
      ...secrets.map((s) => FakeHasher.hashOf(s)),
      '"hash"',
      ...apiKeyValues,
      '"usage_key"',
      KEY_1.jwk.x as string,
      KEY_2.jwk.y as string,
    ]) {
      expect(trail).not.toContain(value);
    }
  });

  it('names the caller before the first write: when STS cannot, the command fails and writes nothing', async () => {
    // Arrange
    const { store, run } = setup(async () => {
      throw new Error(
        'could not name the caller for the audit trail (STS GetCallerIdentity); nothing was changed',
        {
          cause: Object.assign(new Error('Could not load credentials'), {
            name: 'CredentialsProviderError',
          }),
        },
      );
    });

    // Act
    const result = await run('create', '--name', 'Orders', '--scopes', 'orders:read');

    // Assert
    expect(result.code).toBe(EXIT.FAILURE);
    expect(result.err).toMatch(/could not load AWS credentials/);
    expect(store.writes).toBe(0);
    expect(store.records.size).toBe(0);
  });

  it('leaves no entry when the change itself is refused (a concurrent change)', async () => {
    // Arrange
    const { store, run } = setup();
    const { client_id: id } = (await run('create', '--name', 'Orders', '--scopes', 'a')).json as {
      client_id: string;
    };
    const entries = store.audit.length;
    store.beforeWrite = () => {
      const record = store.records.get(id)!;
      store.records.set(id, { ...record, name: 'Someone else', version: record.version + 1 });
    };

    // Act
    const result = await run('update', id, '--scopes', 'b');

    // Assert
    expect(result.code).toBe(EXIT.CONFLICT);
    expect(store.audit).toHaveLength(entries);
  });
});

describe('clients history', () => {
  it("prints one client's trail newest first, with --json the entries and the fields each changed", async () => {
    // Arrange
    const { run } = setup();
    const { id } = await everyCommand(run);

    // Act
    const result = await run('history', id);

    // Assert
    expect(result.code).toBe(EXIT.OK);
    const entries = result.json as HistoryEntryView[];
    expect(entries.map((e) => e.command)).toEqual([
      'delete',
      'delete',
      'revoke-tokens',
      'enable',
      'disable',
      'rotate-secret',
      'update',
      'update',
      'create',
      'create',
    ]);
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort().reverse());
    expect(entries[0]).toMatchObject({ operation: 'delete', actor: TEST_ACTOR, client_id: id });
    expect(entries.find((e) => e.command === 'rotate-secret')?.changed).toEqual(['secrets']);
    expect(entries.find((e) => e.command === 'revoke-tokens')?.changed).toEqual([
      'tokens_not_before',
    ]);
    expect(entries.at(-1)).toMatchObject({ operation: 'create' });
    expect(entries.at(-1)?.changed).toContain('scopes');
  });

  it('prints the trail as text: who, when, which command, each change before and after', async () => {
    // Arrange
    const store = new MemoryClientStore();
    const out = captureOutput();
    const clock = testClock();
    const options: CliOptions = {
      program: 'clients',
      out,
      env: {},
      openStore: () => store,
      openUsageKeys: async () => new MemoryUsageKeys(undefined),
      hasher: new FakeHasher(),
      clock,
      randomBytes: counterRandom(),
      identifyCaller: async () => TEST_ACTOR,
    };
    await runCli(
      ['create', '--name', 'Orders', '--scopes', 'a', '--table', 'clients', '--json'],
      options,
    );
    const id = [...store.records.keys()][0] as string;
    clock.advance(5);
    await runCli(['update', id, '--scopes', 'a b', '--table', 'clients'], options);
    clock.advance(5);
    await runCli(['revoke-token', 'j-1', '--table', 'clients'], options);

    // Act
    const before = out.stdoutText().length;
    await runCli(['history', id, '--table', 'clients'], options);
    const one = out.stdoutText().slice(before);
    const mid = out.stdoutText().length;
    await runCli(['history', '--table', 'clients'], options);
    const all = out.stdoutText().slice(mid);

    // Assert
    expect(one).toBe(
      [
        `History of client ${id} (newest first, 2 entries):`,
        `2030-01-01T00:00:05.000Z  update  by ${TEST_ACTOR}`,
        '    version 1 -> 2',
        '    scopes: ["a"] -> ["a","b"]',
        `2030-01-01T00:00:00.000Z  create  by ${TEST_ACTOR}`,
        '    created (version 1)',
        '    audiences: []',
        '    client_id: ' + JSON.stringify(id),
        '    created_at: "2030-01-01T00:00:00.000Z"',
        '    name: "Orders"',
        '    scopes: ["a"]',
        '    secrets: [{"created_at":"2030-01-01T00:00:00.000Z"}]',
        '    status: "active"',
        '    token_endpoint_auth_method: "client_secret"',
        '',
      ].join('\n'),
    );
    expect(all.split('\n')[0]).toBe('Audit trail of every client (newest first, 3 entries):');
    expect(all).toContain(`2030-01-01T00:00:10.000Z  revoke-token  token j-1  by ${TEST_ACTOR}`);
    expect(all).toContain(`2030-01-01T00:00:05.000Z  update  client ${id}  by ${TEST_ACTOR}`);
  });

  it("keeps a deleted client's history; an id with neither record nor entry exits 2", async () => {
    // Arrange
    const { run, store } = setup();
    const { id } = await everyCommand(run);
    // A client written before the trail existed (or by direct table access): no entry.
    store.records.set('legacy', clientRecord({ client_id: 'legacy' }));

    // Act
    const deleted = await run('history', id);
    const unknown = await run('history', 'no-such-client');
    const legacy = await run('history', 'legacy');

    // Assert
    expect(store.records.has(id)).toBe(false);
    expect((deleted.json as unknown[]).length).toBeGreaterThan(0);
    expect([unknown.code, unknown.err]).toEqual([
      EXIT.USAGE,
      'clients: no client with id no-such-client\n',
    ]);
    expect([legacy.code, legacy.json]).toEqual([EXIT.OK, []]);
  });

  it('takes at most one client id, and has its own help', () => {
    // Act / Assert
    expect(parseCommandLine(['history', '--local'], '/')).toMatchObject({ command: 'history' });
    expect(parseCommandLine(['history', 'abc', '--local'], '/')).toMatchObject({
      command: 'history',
      clientId: 'abc',
    });
    expect(() => parseCommandLine(['history', 'a', 'b', '--local'], '/')).toThrow(UsageError);
    expect(() => parseCommandLine(['history', 'a#b', '--local'], '/')).toThrow(UsageError);
    expect(helpText('clients', 'history')).toMatch(
      /^Usage: npm run clients -- history \[CLIENT_ID\]/,
    );
    expect(helpText('clients')).toContain('  history [CLIENT_ID]');
  });
});
