// Integration tests of the clients CLI's audit trail against moto_server: an entry for every write of every command, named by STS GetCallerIdentity, written in one transaction with its change (a failure halfway leaves neither), and `history --json` from the real program.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { AUTHORIZER_ATTRIBUTES } from '../../functions/authorizer/adapters/revocation-state-dynamodb';
import type { ClientRecord } from '../../functions/token/core/types';
import { runCli, type CliOptions } from '../../scripts/lib/clients/cli';
import type { HistoryEntryView } from '../../scripts/lib/clients/history-view';
import {
  AUDITED_COMMANDS,
  auditKey,
  clientSnapshot,
  newestFirst,
  type AuditEntry,
} from '../../tools/dev-adapters/audit-entry';
import { fromAuditItem } from '../../tools/dev-adapters/audit-trail-dynamodb';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { ConcurrentModificationError, ClientNotFoundError } from '../../tools/dev-adapters/errors';
import type { UsagePlansConfig } from '../../tools/dev-adapters/usage-key-gateway';
import { EXIT } from '../../tools/cli/exit-codes';
import { clientKeyPair } from '../support/client-assertions';
import { captureOutput, testClock } from '../support/clients-cli';
import { FakeHasher } from '../support/fake-hasher';
import { MemoryUsageKeys } from '../support/memory-usage-keys';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';

const REPO = path.resolve(__dirname, '../..');
const TABLE = 'audit-clients';
/** The caller moto's STS names for its default credentials. */
const MOTO_CALLER = 'arn:aws:sts::123456789012:user/moto';
const PLANS: UsagePlansConfig = {
  plans: { bronze: 'p-bronze', gold: 'p-gold' },
  defaultPlan: 'bronze',
};

jest.setTimeout(120_000);

type Item = Record<string, AttributeValue>;

describeWithMoto()('clients audit trail against DynamoDB (moto)', () => {
  let moto: Moto;
  let ddb: DynamoDBClient;
  let store: DynamoDbClientAdminStore;
  let dir: string;
  const gateway = new MemoryUsageKeys(PLANS);
  const clock = testClock('2030-01-01T00:00:00.000Z');

  /**
   * The real CLI in this process: the DynamoDB store and STS identity its defaults open (through
   * AWS_ENDPOINT_URL), a fake hasher, API keys in memory. The randomness can be pinned to make an
   * entry's key known in advance.
   */
  async function run(
    argv: string[],
    options: Partial<CliOptions> = {},
  ): Promise<{ code: number; json: unknown; err: string }> {
    clock.advance(1);
    const out = captureOutput();
    const code = await runCli([...argv, '--table', TABLE, '--json'], {
      program: 'clients',
      out,
      cwd: dir,
      env: moto.env,
      hasher: new FakeHasher(),
      clock,
      openUsageKeys: async () => gateway,
      prompter: { interactive: false, ask: async () => undefined },
      ...options,
    });
    const text = out.stdoutText().trim();
    return { code, json: text === '' ? undefined : JSON.parse(text), err: out.stderrText() };
  }

  const items = async (): Promise<Item[]> =>
    (await ddb.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }))).Items ?? [];
  const entries = async (): Promise<AuditEntry[]> =>
    (await items()).filter((i) => i.client_id?.S?.startsWith('audit#')).map(fromAuditItem);

  beforeAll(async () => {
    moto = await startMoto();
    ddb = new DynamoDBClient({});
    await createClientsTable(ddb, TABLE);
    store = new DynamoDbClientAdminStore({ tableName: TABLE, client: ddb });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clients-audit-'));
    fs.writeFileSync(path.join(dir, 'k1.json'), JSON.stringify(clientKeyPair('ES256', 'k1').jwk));
    fs.writeFileSync(path.join(dir, 'k2.json'), JSON.stringify(clientKeyPair('ES256', 'k2').jwk));
  }, 60_000);

  afterAll(async () => {
    ddb?.destroy();
    await moto?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  let id = '';
  let jwtId = '';
  const secrets: string[] = [];

  it('every command that changes a client writes its entries, named by STS, with the change', async () => {
    // Act: every audited command, once
    const created = (await run(['create', '--name', 'Orders', '--scopes', 'orders:read'])).json as {
      client_id: string;
      client_secret: string;
    };
    id = created.client_id;
    secrets.push(created.client_secret);
    const results = [
      await run(['update', id, '--scopes', 'orders:read orders:write']),
      await run(['update', id, '--plan', 'gold']),
      await run(['rotate-secret', id, '--grace', '0']),
      await run(['disable', id]),
      await run(['enable', id]),
      await run(['revoke-tokens', id]),
      await run(['revoke-token', 'leaked-jti-1']),
    ];
    secrets.push((results[2]?.json as { client_secret: string }).client_secret);
    const jwt = (await run(['create', '--name', 'Svc', '--scopes', 'x', '--jwks-file', 'k1.json']))
      .json as { client_id: string };
    jwtId = jwt.client_id;
    results.push(
      await run(['add-key', jwtId, '--jwks-file', 'k2.json']),
      await run(['remove-key', jwtId, 'k1']),
      await run(['delete', jwtId, '--yes']),
    );
    // adopt: a CLI record that Terraform now declares (modules/client's declaration item)
    const adopted = (await run(['create', '--name', 'Legacy', '--scopes', 'x'])).json as {
      client_id: string;
    };
    await ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          client_id: { S: `declared#${adopted.client_id}` },
          managed_by: { S: 'terraform' },
          terraform_address: { S: 'clients["legacy"]' },
          name: { S: 'Legacy' },
          status: { S: 'active' },
          scopes: { L: [{ S: 'x' }] },
          audiences: { L: [] },
          token_endpoint_auth_method: { S: 'client_secret' },
        },
      }),
    );
    results.push(await run(['adopt', adopted.client_id]));

    // Assert: every command succeeded ...
    for (const r of results) expect([r.code, r.err]).toEqual([EXIT.OK, '']);
    // ... and left its entries in the table, by moto's caller
    const trail = await entries();
    expect(new Set(trail.map((e) => e.command))).toEqual(new Set(AUDITED_COMMANDS));
    expect(new Set(trail.map((e) => e.actor))).toEqual(new Set([MOTO_CALLER]));
    const of = (clientId: string): string[] =>
      trail
        .filter((e) => e.client_id === clientId)
        .sort((a, b) => newestFirst(b, a))
        .map((e) => `${e.command}/${e.operation}`);
    expect(of(id)).toEqual([
      'create/create',
      'create/update',
      'update/update',
      'update/update',
      'rotate-secret/update',
      'disable/update',
      'enable/update',
      'revoke-tokens/update',
    ]);
    expect(of(jwtId)).toEqual([
      'create/create',
      'create/update',
      'add-key/update',
      'remove-key/update',
      'delete/update',
      'delete/delete',
    ]);
    // The last entry of the secret client matches the record as stored.
    const record = (await store.getClient(id)) as ClientRecord;
    const last = trail.filter((e) => e.client_id === id).sort(newestFirst)[0] as AuditEntry;
    expect(last.after).toEqual(clientSnapshot(record));
    expect(record.version).toBe(8);
  });

  it('no audit item holds a secret, a hash, the API key value or key material', async () => {
    // Act
    const audit = (await items()).filter((i) => i.client_id?.S?.startsWith('audit#'));

    // Assert
    const dump = JSON.stringify(audit);
    const record = (await store.getClient(id)) as ClientRecord;
    expect(audit.length).toBeGreaterThan(10);
    for (const value of [
      ...secrets,
      ...secrets.map((s) => FakeHasher.hashOf(s)),
      ...record.secrets.map((s) => s.hash),
      record.usage_key as string,
      '"hash"',
      '"usage_key"',
      '"x"',
      '"n"',
    ]) {
      expect(dump).not.toContain(value);
    }
  });

  it("the authorizer's revocation read, if it ever named an entry, gets its key and nothing else", async () => {
    // Arrange
    const [entry] = await entries();

    // Act: the adapter's BatchGetItem projection
    const out = await ddb.send(
      new BatchGetItemCommand({
        RequestItems: {
          [TABLE]: {
            Keys: [{ client_id: { S: entry?.key as string } }],
            ConsistentRead: true,
            ProjectionExpression: AUTHORIZER_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
            ExpressionAttributeNames: Object.fromEntries(
              AUTHORIZER_ATTRIBUTES.map((a, i) => [`#a${i}`, a]),
            ),
          },
        },
      }),
    );

    // Assert
    expect(out.Responses?.[TABLE]).toEqual([{ client_id: { S: entry?.key } }]);
  });

  it('a condition failing inside the transaction leaves neither the change nor its entry', async () => {
    // Arrange: the next update's entry key is known (pinned randomness), and an item already
    // holds it, as a forged or colliding entry would.
    const before = (await store.getClient(id)) as ClientRecord;
    const entryCount = (await entries()).length;
    const pinned = (size: number): Uint8Array => new Uint8Array(size).fill(0x42);
    const at = new Date(clock() + 1000).toISOString();
    const takenKey = auditKey(at, new Uint8Array(8).fill(0x42));
    await ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { client_id: { S: takenKey }, audit_actor: { S: 'someone with table access' } },
      }),
    );

    // Act: the entry's put fails (its key exists), the change's own condition holds
    const collided = await run(['update', id, '--name', 'Renamed'], { randomBytes: pinned });

    // Assert: no change without its entry, and the existing item untouched
    expect(collided.code).toBe(EXIT.FAILURE);
    expect(collided.err).toContain(
      `the audit entry ${takenKey} already exists; nothing was changed`,
    );
    expect(await store.getClient(id)).toEqual(before);
    const kept = await ddb.send(
      new GetItemCommand({ TableName: TABLE, Key: { client_id: { S: takenKey } } }),
    );
    expect(kept.Item).toEqual({
      client_id: { S: takenKey },
      audit_actor: { S: 'someone with table access' },
    });
    expect((await items()).filter((i) => i.client_id?.S?.startsWith('audit#'))).toHaveLength(
      entryCount + 1,
    );
  });

  it('the change failing its version condition inside the transaction writes no entry', async () => {
    // Arrange: a change and an entry for a version the client no longer has
    const current = (await store.getClient(id)) as ClientRecord;
    const stale = { ...current, name: 'Stale', version: current.version };
    const entry: AuditEntry = {
      key: auditKey(new Date(clock()).toISOString(), new Uint8Array(8).fill(0x17)),
      at: new Date(clock()).toISOString(),
      actor: MOTO_CALLER,
      command: 'update',
      operation: 'update',
      client_id: id,
      before: clientSnapshot({ ...current, version: current.version - 1 }),
      after: clientSnapshot(stale),
    };
    const gone: AuditEntry = {
      ...entry,
      key: `${entry.key}0`,
      operation: 'delete',
      client_id: 'gone',
    };

    // Act
    const update = store.updateClient(stale, current.version - 1, entry).catch((e: unknown) => e);
    const remove = store.deleteClient('gone', 1, gone).catch((e: unknown) => e);

    // Assert
    expect(await update).toBeInstanceOf(ConcurrentModificationError);
    expect(await remove).toBeInstanceOf(ClientNotFoundError);
    expect(await store.getClient(id)).toEqual(current);
    const keys = (await items()).map((i) => i.client_id?.S);
    expect(keys).not.toContain(entry.key);
    expect(keys).not.toContain(gone.key);
  });

  it('history --json from the real program prints the trail newest first, a deleted client included', async () => {
    // Act
    const history = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', path.join(REPO, 'scripts', 'clients.ts'), 'history', ...args],
          { cwd: REPO, env: { ...process.env, ...moto.env }, timeout: 60_000 },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
        );
      });
    const one = await history([id, '--table', TABLE, '--json']);
    const deleted = await history([jwtId, '--table', TABLE, '--json']);

    // Assert
    // (stderr may hold the SDK's Node.js version notice, never a CLI message)
    expect(one.code).toBe(0);
    expect(one.stderr).not.toContain('clients:');
    expect(one.stdout.trimEnd().split('\n')).toHaveLength(1);
    const trail = JSON.parse(one.stdout) as HistoryEntryView[];
    expect(trail.map((e) => e.command)).toEqual([
      'revoke-tokens',
      'enable',
      'disable',
      'rotate-secret',
      'update',
      'update',
      'create',
      'create',
    ]);
    expect(trail.every((e) => e.actor === MOTO_CALLER && e.client_id === id)).toBe(true);
    expect(trail[0]).toMatchObject({ operation: 'update', changed: ['tokens_not_before'] });
    expect(trail.find((e) => e.command === 'rotate-secret')?.changed).toEqual(['secrets']);
    expect(trail.find((e) => e.command === 'update')?.changed).toEqual(['usage_plan']);
    const gone = JSON.parse(deleted.stdout) as HistoryEntryView[];
    expect(gone[0]).toMatchObject({ command: 'delete', operation: 'delete', client_id: jwtId });
    expect(gone[0]).not.toHaveProperty('after');
  });
});

describe('clients audit trail in the local file store (--local)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clients-audit-local-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const run = async (...argv: string[]): Promise<{ code: number; json: unknown }> => {
    const out = captureOutput();
    const code = await runCli([...argv, '--local', '--data-dir', dataDir, '--json'], {
      program: 'clients',
      out,
      env: {},
      hasher: new FakeHasher(),
      prompter: { interactive: false, ask: async () => undefined },
    });
    return { code, json: JSON.parse(out.stdoutText().trim()) };
  };

  it('records every change by `local` in clients.json, and history reads it back', async () => {
    // Act
    const { client_id: id, client_secret: secret } = (
      await run('create', '--name', 'L', '--scopes', 'a')
    ).json as { client_id: string; client_secret: string };
    await run('rotate-secret', id, '--grace', '0');
    await run('delete', id, '--yes');
    const history = await run('history', id);

    // Assert
    expect(history.code).toBe(EXIT.OK);
    expect((history.json as HistoryEntryView[]).map((e) => [e.command, e.actor])).toEqual([
      ['delete', 'local'],
      ['rotate-secret', 'local'],
      ['create', 'local'],
    ]);
    const file = fs.readFileSync(path.join(dataDir, 'clients.json'), 'utf8');
    expect(Object.keys((JSON.parse(file) as { clients: object }).clients)).toHaveLength(3);
    expect(file).not.toContain(secret);
    expect(file).not.toContain(FakeHasher.hashOf(secret));
  });
});
