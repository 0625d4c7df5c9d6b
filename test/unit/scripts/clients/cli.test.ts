// Unit tests of the CLI glue: exit codes, messages, help, and the real file store and argon2 in a temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDbClientAdminStore } from '../../../../tools/dev-adapters/client-admin-store-dynamodb';
import { FileClientStore } from '../../../../tools/dev-adapters/client-store-file';
import { TableNotFoundError } from '../../../../functions/token/adapters/errors';
import {
  ClientExistsError,
  ConcurrentModificationError,
} from '../../../../tools/dev-adapters/errors';
import { Argon2PasswordHasher } from '../../../../functions/token/adapters/password-hasher-argon2';
import { createClientAuthenticator } from '../../../../functions/token/core/authenticate-client';
import { ServerError } from '../../../../functions/token/core/errors';
import type { ClientAdminStore } from '../../../../tools/dev-adapters/client-admin-store';
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import { EXIT } from '../../../../tools/cli/exit-codes';
import { openStore, regionFromEnv } from '../../../../scripts/lib/clients/target';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { captureOutput, counterRandom, TEST_ACTOR, testClock } from '../../../support/clients-cli';
import { MemoryUsageKeys } from '../../../support/memory-usage-keys';

function setup(store: ClientAdminStore = new MemoryClientStore()): {
  options: CliOptions;
  out: ReturnType<typeof captureOutput>;
  opened: jest.Mock;
} {
  const out = captureOutput();
  const opened = jest.fn(() => store);
  return {
    out,
    opened,
    options: {
      program: 'clients',
      out,
      cwd: '/srv',
      env: {},
      openStore: opened,
      openUsageKeys: async () => new MemoryUsageKeys(undefined),
      hasher: new FakeHasher(),
      clock: testClock(),
      randomBytes: counterRandom(),
      prompter: { interactive: false, ask: async () => undefined },
      identifyCaller: async () => TEST_ACTOR,
    },
  };
}

/** A store whose every call fails with the given error. */
function failingStore(error: unknown): ClientAdminStore {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return {
    getClient: fail,
    createClient: fail,
    updateClient: fail,
    deleteClient: fail,
    listClients: fail,
    revokeToken: fail,
    listAuditEntries: fail,
  };
}

const CREATE = ['create', '--name', 'Orders', '--scopes', 'orders:read', '--table', 'clients'];

describe('runCli', () => {
  it('prints help on stdout with exit 0', async () => {
    // Arrange
    const { options, out } = setup();
    // Act
    const code = await runCli(['help'], options);
    const codeCommand = await runCli(['rotate-secret', '--help'], options);
    // Assert
    expect([code, codeCommand]).toEqual([EXIT.OK, EXIT.OK]);
    expect(out.stdoutText()).toMatch(/Usage: npm run clients -- <command>/);
    expect(out.stdoutText()).toMatch(/rotate-secret CLIENT_ID \[--grace SECONDS\]/);
    expect(out.stdoutText()).toMatch(/3 {2}the client was changed by someone else/);
  });

  it('create-client is `clients create` with its own help', async () => {
    // Arrange
    const { options, out, opened } = setup();
    const createClient = { ...options, program: 'create-client' as const };
    // Act
    const help = await runCli(['--help'], createClient);
    const created = await runCli([...CREATE.slice(1), '--json'], createClient);
    // Assert
    expect([help, created]).toEqual([EXIT.OK, EXIT.OK]);
    expect(out.stdoutText()).toMatch(/Usage: npm run create-client -- --name NAME/);
    expect(opened).toHaveBeenCalledWith(
      { kind: 'dynamodb', table: 'clients' },
      {},
      expect.objectContaining({ mayCreateDataDir: true }),
    );
    expect(JSON.parse(out.stdoutText().trimEnd().split('\n').pop() as string)).toHaveProperty(
      'client_secret',
    );
  });

  it.each([
    [
      ['create', '--name', 'Orders', '--scopes', 'bad"scope', '--table', 'clients'],
      /not a valid scope/,
    ],
    [['create', '--name', 'Orders', '--scopes', 'a', '--table', 'clients', '--local'], /not both/],
    [['create', '--name', 'Orders', '--scopes', 'a'], /--table TABLE \(DynamoDB\) or --local/],
    [
      ['create', '--name', 'Orders', '--scopes', 'a', '--local', '--token-ttl', '59'],
      /--token-ttl/,
    ],
    [['update', 'abc', '--local', '--frob'], /unknown option --frob/],
    [[], /no command given/],
  ])('rejects %j with exit 2 on stderr, before opening any store', async (argv, message) => {
    // Arrange
    const store = new MemoryClientStore();
    const { options, out, opened } = setup(store);
    // Act
    const code = await runCli(argv, options);
    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toMatch(message);
    expect(out.stderrText()).toMatch(/Run `npm run clients -- help.*` for usage/);
    expect(out.stdoutText()).toBe('');
    expect(opened).not.toHaveBeenCalled();
    expect(store.writes).toBe(0);
  });

  it('points create-client usage errors at its --help', async () => {
    const { options, out } = setup();
    const code = await runCli(['--name', 'x', '--local'], { ...options, program: 'create-client' });
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toMatch(
      /^create-client: --scopes .* is required\nRun `npm run create-client -- --help`/,
    );
  });

  it('answers an unknown client id with exit 2 and writes nothing', async () => {
    // Arrange
    const store = new MemoryClientStore();
    const { options, out } = setup(store);
    // Act
    const codes = [];
    for (const command of ['show', 'disable', 'enable', 'rotate-secret']) {
      codes.push(await runCli([command, 'deadbeef', '--local'], options));
    }
    codes.push(await runCli(['delete', 'deadbeef', '--local', '--yes'], options));
    codes.push(await runCli(['update', 'deadbeef', '--local', '--name', 'x'], options));
    // Assert
    expect(codes).toEqual(Array(6).fill(EXIT.USAGE));
    expect(out.stderrText()).toMatch(/^clients: no client with id deadbeef$/m);
    expect(store.writes).toBe(0);
  });

  it('answers a concurrent change with exit 3 and a request to retry', async () => {
    // Arrange
    const store = new MemoryClientStore();
    const { options, out } = setup(store);
    await runCli(CREATE, options);
    const [id] = [...store.records.keys()] as [string];
    store.beforeWrite = () => {
      const current = store.records.get(id)!;
      store.records.set(id, { ...current, version: current.version + 1 });
    };
    // Act
    const code = await runCli(['disable', id, '--table', 'clients'], options);
    // Assert
    expect(code).toBe(EXIT.CONFLICT);
    expect(out.stderrText()).toMatch(/changed by someone else .*retry the command/);
    expect(store.records.get(id)?.status).toBe('active');
  });

  it.each([
    [
      new TableNotFoundError('clients', 'eu-west-1'),
      EXIT.USAGE,
      /DynamoDB table clients does not exist in region eu-west-1/,
    ],
    [
      Object.assign(new Error('Requested resource not found'), {
        name: 'ResourceNotFoundException',
      }),
      EXIT.USAGE,
      /DynamoDB table clients does not exist in region eu-central-1/,
    ],
    [new Error('Region is missing'), EXIT.USAGE, /no AWS region configured: set AWS_REGION/],
    [new ConcurrentModificationError('abc'), EXIT.CONFLICT, /retry/],
    [new ClientExistsError('abc'), EXIT.CONFLICT, /already exists; run the command again/],
    [
      new ServerError('the client store failed', {
        cause: Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }),
      }),
      EXIT.FAILURE,
      /could not load AWS credentials: set AWS_PROFILE/,
    ],
    [
      new ServerError('the client store failed', { cause: new Error('Region is missing') }),
      EXIT.USAGE,
      /no AWS region configured/,
    ],
    [
      new ServerError('the client store failed', { cause: new TypeError('socket hang up') }),
      EXIT.FAILURE,
      /the client store failed \(TypeError: socket hang up\)/,
    ],
    [
      new ServerError('the client store failed', { cause: 'odd' }),
      EXIT.FAILURE,
      /^clients: the client store failed$/m,
    ],
    [new Error('disk full'), EXIT.FAILURE, /^clients: disk full$/m],
  ])('maps %p to its exit code and message', async (error, exitCode, message) => {
    // Arrange
    const { options, out } = setup(failingStore(error));
    // Act
    const code = await runCli(['list', '--table', 'clients'], {
      ...options,
      env: { AWS_DEFAULT_REGION: 'eu-central-1' },
    });
    // Assert
    expect(code).toBe(exitCode);
    expect(out.stderrText()).toMatch(message);
    expect(out.stdoutText()).toBe('');
  });

  it('names an unset region in the fallback table message', async () => {
    const notFound = Object.assign(new Error('x'), { name: 'ResourceNotFoundException' });
    const { options, out } = setup(failingStore(notFound));
    await runCli(['list', '--table', 'clients'], options);
    expect(out.stderrText()).toMatch(/in region \(unset\)/);
  });

  it('accepts a lazily built hasher', async () => {
    const { options } = setup();
    const code = await runCli(CREATE, { ...options, hasher: async () => new FakeHasher() });
    expect(code).toBe(EXIT.OK);
  });
});

describe('runCli with the real file store and argon2id', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clients-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates and rotates through the default ports; within grace both secrets verify, after it only the new', async () => {
    // Arrange: default openStore (FileClientStore) and hasher (argon2id); clock injected
    const out = captureOutput();
    const clock = testClock('2030-05-01T00:00:00.000Z');
    const base: CliOptions = { program: 'clients', out, cwd: dir, env: {}, clock };
    const json = (): Record<string, string> =>
      JSON.parse(out.stdoutText().trimEnd().split('\n').pop() as string);
    // Act
    expect(
      await runCli(
        ['create', '--name', 'A', '--scopes', 's', '--local', '--data-dir', 'd', '--json'],
        base,
      ),
    ).toBe(0);
    const { client_id: id, client_secret: oldSecret } = json();
    clock.advance(60);
    expect(
      await runCli(
        ['rotate-secret', id!, '--grace', '300', '--local', '--data-dir', 'd', '--json'],
        base,
      ),
    ).toBe(0);
    const { client_secret: newSecret, previous_secret_expires_at: expiresAt } = json();
    // Assert
    expect(expiresAt).toBe('2030-05-01T00:06:00.000Z');
    const file = fs.readFileSync(path.join(dir, 'd', 'clients.json'), 'utf8');
    expect(file).toMatch(/\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(file).not.toContain(oldSecret);
    expect(file).not.toContain(newSecret);
    const authenticator = createClientAuthenticator({
      clientStore: new FileClientStore({ dataDir: path.join(dir, 'd') }),
      hasher: new Argon2PasswordHasher(),
      clock,
      randomBytes: counterRandom(),
    });
    const works = (secret: string): Promise<boolean> =>
      authenticator
        .authenticate({ clientId: id!, clientSecret: secret, method: 'client_secret_basic' })
        .then(
          () => true,
          () => false,
        );
    clock.advance(299);
    expect([await works(oldSecret!), await works(newSecret!)]).toEqual([true, true]);
    clock.advance(1);
    expect([await works(oldSecret!), await works(newSecret!)]).toEqual([false, true]);
  });
});

describe('runCli with a --data-dir that does not exist', () => {
  let dir: string;
  let base: CliOptions;
  let out: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clients-cli-dir-'));
    out = captureOutput();
    // The default openStore (the file store); a fake hasher keeps create fast.
    base = { program: 'clients', out, cwd: dir, env: {}, hasher: new FakeHasher() };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['list'],
    ['show', 'abc'],
    ['update', 'abc', '--name', 'x'],
    ['disable', 'abc'],
    ['enable', 'abc'],
    ['rotate-secret', 'abc'],
    ['revoke-tokens', 'abc'],
    ['revoke-token', 'some-jti'],
    ['delete', 'abc', '--yes'],
    ['usage', 'abc'],
  ])('%s exits 2 naming --data-dir and the path, and creates nothing', async (...argv) => {
    // Arrange
    const missing = path.join(dir, 'typo');

    // Act
    const code = await runCli([...argv, '--local', '--data-dir', 'typo'], base);

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toBe(
      `clients: --data-dir ${missing} does not exist (the default is .local in the working ` +
        'directory, which `npm start` creates): check the path, or start the local server first\n',
    );
    expect(out.stdoutText()).toBe('');
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('names the default .local when --data-dir is not given', async () => {
    // Act
    const code = await runCli(['list', '--local'], base);

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toMatch(`--data-dir ${path.join(dir, '.local')} does not exist`);
  });

  it('create makes the default .local on a fresh clone, saying so on stderr; list then reads it', async () => {
    // Act
    const created = await runCli(
      ['create', '--name', 'demo', '--scopes', 'demo:read', '--local', '--json'],
      base,
    );
    const listed = await runCli(['list', '--local', '--json'], base);

    // Assert
    expect([created, listed]).toEqual([EXIT.OK, EXIT.OK]);
    expect(fs.statSync(path.join(dir, '.local')).isDirectory()).toBe(true);
    expect(out.stderrText()).toBe(
      `clients: creating the local data directory ${path.join(dir, '.local')} (--data-dir): ` +
        '`npm start` serves the clients in it when given the same --data-dir (default .local)\n',
    );
    const [createdJson, listJson] = out.stdoutText().trimEnd().split('\n');
    expect(JSON.parse(listJson as string)).toEqual([
      expect.objectContaining({ client_id: JSON.parse(createdJson as string).client_id }),
    ]);
  });

  it('create refuses a --data-dir whose parent does not exist, creating nothing', async () => {
    // Act
    const code = await runCli(
      ['--name', 'demo', '--scopes', 'a', '--local', '--data-dir', 'typo/data'],
      { ...base, program: 'create-client' },
    );

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toMatch(
      `create-client: --data-dir ${path.join(dir, 'typo', 'data')}: its parent ${path.join(dir, 'typo')} is not a directory`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('openStore', () => {
  it('opens the file store for --local and DynamoDB for --table', async () => {
    await expect(openStore({ kind: 'local', dataDir: os.tmpdir() }, {})).resolves.toBeInstanceOf(
      FileClientStore,
    );
    await expect(
      openStore({ kind: 'dynamodb', table: 'clients' }, { AWS_REGION: 'eu-west-1' }),
    ).resolves.toBeInstanceOf(DynamoDbClientAdminStore);
    await expect(openStore({ kind: 'dynamodb', table: 'clients' }, {})).resolves.toBeInstanceOf(
      DynamoDbClientAdminStore,
    );
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(regionFromEnv({ AWS_REGION: 'a', AWS_DEFAULT_REGION: 'b' })).toBe('a');
    expect(regionFromEnv({ AWS_DEFAULT_REGION: 'b' })).toBe('b');
    expect(regionFromEnv({ AWS_REGION: '' })).toBeUndefined();
  });
});
