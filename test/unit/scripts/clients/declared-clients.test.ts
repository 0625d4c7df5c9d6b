// Unit tests of the clients CLI on clients declared in Terraform: the edits it refuses (naming the Terraform address), the incident actions it allows, adopt, and how show and list say who owns a client.
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import type { ClientView, ListView } from '../../../../scripts/lib/clients/views';
import type { ClientRecord } from '../../../../functions/token/core/types';
import { EXIT } from '../../../../tools/cli/exit-codes';
import { clientKeyPair } from '../../../support/client-assertions';
import {
  captureOutput,
  counterRandom,
  TEST_ACTOR,
  testClock,
  type CapturedOutput,
} from '../../../support/clients-cli';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { clientRecord } from '../../../support/token-fakes';

const ADDRESS = 'clients["orders"]';
const KEY = clientKeyPair('ES256', 'k1');

/** A declared secret client before any CLI write: no runtime record yet (version 0, no times). */
const DECLARED: ClientRecord = clientRecord({
  client_id: 'orders-id',
  name: 'Orders',
  secrets: [],
  token_endpoint_auth_method: 'client_secret_basic',
  created_at: '',
  updated_at: '',
  version: 0,
  managed_by: 'terraform',
  terraform_address: ADDRESS,
});

/** A declared private_key_jwt client whose runtime record exists (last use, a revocation). */
const DECLARED_JWT: ClientRecord = clientRecord({
  client_id: 'jwt-id',
  secrets: [],
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: { keys: [KEY.jwk] },
  version: 2,
  managed_by: 'terraform',
  terraform_address: 'clients["jwt"]',
});

function setup(records: ClientRecord[] = [DECLARED, DECLARED_JWT]) {
  const store = new MemoryClientStore(records);
  let out: CapturedOutput = captureOutput();
  const options = (): CliOptions => ({
    program: 'clients',
    out,
    env: {},
    openStore: () => store,
    hasher: new FakeHasher(),
    clock: testClock(),
    randomBytes: counterRandom(),
    prompter: { interactive: false, ask: async () => undefined },
    identifyCaller: async () => TEST_ACTOR,
  });
  const run = async (...argv: string[]): Promise<{ code: number; out: CapturedOutput }> => {
    out = captureOutput();
    const code = await runCli([...argv, '--table', 'clients'], options());
    return { code, out };
  };
  return { store, run };
}

describe('the clients CLI on a client declared in Terraform', () => {
  it.each([
    [['update', 'orders-id', '--scopes', 'x'], 'change its settings there and run terraform apply'],
    [
      ['enable', 'orders-id'],
      'set enabled = true there and run terraform apply, which restores the declared status',
    ],
    [['add-key', 'jwt-id', '--public-key-file', 'missing.pem'], undefined],
    [['remove-key', 'jwt-id', 'k1'], 'change its public_keys there and run terraform apply'],
    [
      ['delete', 'orders-id', '--yes'],
      'remove it from the clients input and run terraform apply, which deletes it and its API key',
    ],
  ])('refuses %j, naming where it is declared, and writes nothing', async (argv, instead) => {
    // Arrange
    const { store, run } = setup();

    // Act
    const { code, out } = await run(...argv);

    // Assert
    expect(code).toBe(EXIT.USAGE);
    if (instead !== undefined) {
      const id = argv[1] as string;
      const at = id === 'jwt-id' ? 'clients["jwt"]' : ADDRESS;
      expect(out.stderrText()).toBe(
        `clients: client ${id} is declared in Terraform at ${at}: ${instead}. The CLI only ` +
          'disables a declared client, revokes its tokens and rotates its secret. Nothing was written.\n',
      );
    }
    expect(store.writes).toBe(0);
  });

  it('refuses add-key with keys it can read too, naming the address', async () => {
    // Arrange: a key file the CLI accepts, so only ownership can refuse it
    const { store, run } = setup();
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'declared-'));
    const file = path.join(dir, 'k2.json');
    fs.writeFileSync(file, JSON.stringify(clientKeyPair('ES256', 'k2').jwk));

    // Act
    const { code, out } = await run('add-key', 'jwt-id', '--jwks-file', file);

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain(
      'is declared in Terraform at clients["jwt"]: change its public_keys there',
    );
    expect(store.writes).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('disables it as an incident action: runtime record and declaration, and says the next plan shows it', async () => {
    // Arrange
    const { store, run } = setup();

    // Act
    const { code, out } = await run('disable', 'orders-id');

    // Assert
    expect(code).toBe(EXIT.OK);
    const stored = store.records.get('orders-id');
    expect(stored).toMatchObject({ status: 'disabled', version: 1, managed_by: 'terraform' });
    expect(stored?.tokens_not_before).toBe(Date.parse('2030-01-01T00:00:00.000Z') / 1000);
    // Its runtime record is created now: it has times from this write.
    expect(stored?.created_at).toBe('2030-01-01T00:00:00.000Z');
    expect(store.updateOptions).toEqual([{ disableDeclaration: true }]);
    expect(out.stdoutText()).toContain(
      `It is declared in Terraform at ${ADDRESS}: the next terraform plan shows its status as changed`,
    );
    expect(store.audit.map((e) => [e.command, e.after?.managed_by])).toEqual([
      ['disable', 'terraform'],
    ]);
  });

  it('revokes its tokens without touching the declaration', async () => {
    // Arrange
    const { store, run } = setup();

    // Act
    const { code } = await run('revoke-tokens', 'jwt-id');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(store.records.get('jwt-id')).toMatchObject({ status: 'active', version: 3 });
    expect(store.records.get('jwt-id')?.tokens_not_before).toBeGreaterThan(0);
    expect(store.updateOptions).toEqual([{}]);
  });

  it('gives a declared secret client its first secret with rotate-secret, shown once', async () => {
    // Arrange
    const { store, run } = setup();

    // Act
    const { code, out } = await run('rotate-secret', 'orders-id', '--json');

    // Assert
    expect(code).toBe(EXIT.OK);
    const rotated = JSON.parse(out.stdoutText()) as {
      client_secret: string;
      previous_secret_expires_at: string | null;
    };
    expect(rotated.previous_secret_expires_at).toBeNull();
    const stored = store.records.get('orders-id') as ClientRecord;
    expect(stored.secrets).toEqual([
      { hash: FakeHasher.hashOf(rotated.client_secret), created_at: '2030-01-01T00:00:00.000Z' },
    ]);
    expect(store.dump()).not.toContain(rotated.client_secret);
  });

  it('still refuses rotate-secret on a declared private_key_jwt client', async () => {
    // Arrange
    const { store, run } = setup();

    // Act
    const { code, out } = await run('rotate-secret', 'jwt-id');

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain('authenticates with private_key_jwt and has no secret');
    expect(store.writes).toBe(0);
  });

  it('shows who owns it in show, show --json and list', async () => {
    // Arrange
    const { run } = setup([DECLARED, clientRecord({ client_id: 'cli-id' })]);

    // Act
    const shown = await run('show', 'orders-id');
    const json = await run('show', 'orders-id', '--json');
    const listed = await run('list');
    const listJson = await run('list', '--json');

    // Assert
    expect(shown.out.stdoutText()).toContain(
      `managed by:  Terraform at ${ADDRESS}: change it there; the CLI only disables it, revokes its tokens and rotates its secret`,
    );
    expect(shown.out.stdoutText()).toContain('created:     (no CLI change yet)');
    expect(JSON.parse(json.out.stdoutText())).toMatchObject({
      managed_by: 'terraform',
      terraform_address: ADDRESS,
    } satisfies Partial<ClientView>);
    expect(listed.out.stdoutText()).toMatch(/orders-id +Orders +active \(terraform\) /);
    expect(listed.out.stdoutText()).toMatch(/cli-id +Client one +active {2}/);
    const views = JSON.parse(listJson.out.stdoutText()) as ListView[];
    expect(views.find((v) => v.client_id === 'cli-id')).not.toHaveProperty('managed_by');
  });
});

describe('clients adopt', () => {
  const adopting = clientRecord({
    client_id: 'legacy-id',
    version: 7,
    managed_by: 'terraform',
    terraform_address: 'clients["legacy"]',
    adoption_unfinished: true,
  });

  it('reduces the record of an adopted client to its runtime fields, with an audit entry', async () => {
    // Arrange
    const { store, run } = setup([adopting]);

    // Act
    const before = await run('show', 'legacy-id');
    const { code, out } = await run('adopt', 'legacy-id');
    const again = await run('adopt', 'legacy-id');

    // Assert
    expect(before.out.stdoutText()).toContain('adoption:    unfinished: run adopt legacy-id');
    expect(code).toBe(EXIT.OK);
    expect(out.stdoutText()).toContain(
      'Client legacy-id is now managed by Terraform at clients["legacy"]',
    );
    const stored = store.records.get('legacy-id');
    expect(stored).toMatchObject({ version: 8, secrets: adopting.secrets });
    expect(stored).not.toHaveProperty('adoption_unfinished');
    expect(store.audit.map((e) => [e.command, e.operation])).toEqual([['adopt', 'update']]);
    expect(again.code).toBe(EXIT.OK);
    expect(again.out.stdoutText()).toContain('is already managed by Terraform');
    expect(store.writes).toBe(1);
  });

  it('refuses a client Terraform does not declare, saying how to declare it', async () => {
    // Arrange
    const { store, run } = setup([clientRecord({ client_id: 'cli-id' })]);

    // Act
    const { code, out } = await run('adopt', 'cli-id');

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain(
      'client cli-id is not declared in Terraform: add it to the clients input with client_id = "cli-id"',
    );
    expect(store.writes).toBe(0);
  });
});
