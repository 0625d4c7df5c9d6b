// Integration tests of `npm run clients` / `create-client`: the real CLI against moto's DynamoDB and the
// local file store, concurrent writers, no plain-text secrets, and the token handler honouring every change.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { FileClientStore } from '../../tools/dev-adapters/client-store-file';
import { ConcurrentModificationError } from '../../tools/dev-adapters/errors';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { LocalSigner } from '../../tools/dev-adapters/signer-local';
import type { ClientAdminStore } from '../../tools/dev-adapters/client-admin-store';
import type { ClientRecord } from '../../functions/token/core/types';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { runCli } from '../../scripts/lib/clients/cli';
import type {
  ClientView,
  CreatedView,
  DeletedView,
  ListView,
  RotatedView,
} from '../../scripts/lib/clients/views';
import { clientKeyPair } from '../support/client-assertions';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import { basicAuthorization } from '../support/basic-auth';
import { runOnTerminal } from '../support/terminal';
import type { RevokedTokensView } from '../../scripts/lib/clients/revoked-tokens';
import { TOKENS_NOT_BEFORE_MARGIN_SECONDS } from '../../functions/shared/limits';

const REPO = path.resolve(__dirname, '../..');
const TABLE = 'oauth-clients';
const ISSUER = 'https://auth.example.test';
const DEFAULT_AUDIENCE = 'https://default.example.test';
const SERVICE_TTL = 3600;

jest.setTimeout(120_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in a child process (`node --import tsx`, which is what `npx tsx` does, in one
 * process instead of two).
 */
function cli(
  script: 'clients' | 'create-client',
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'scripts', `${script}.ts`), ...args],
      { cwd: REPO, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Parses stdout that must be exactly one JSON document and nothing else. */
function onlyJson<T>(run: Run): T {
  expect(run.code).toBe(0);
  expect(run.stdout.endsWith('\n')).toBe(true);
  expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout) as T;
}

/** A token handler with the given store; its clock can be moved to test secret expiry. */
function tokenHandler(
  clientStore: ClientAdminStore,
  dataDir: string,
  clock: () => number,
): TokenHandler {
  const signer = new LocalSigner({ dataDir });
  return createTokenHandler({
    config: {
      issuer: ISSUER,
      defaultAudience: DEFAULT_AUDIENCE,
      tokenTtlSeconds: SERVICE_TTL,
      scopesSupported: [],
    },
    clientStore,
    signer,
    publicKeys: signer,
    hasher: new Argon2PasswordHasher(),
    clock,
    randomBytes: (size) => new Uint8Array(randomBytes(size)),
  });
}

interface TokenResult {
  status: number;
  body: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** POST /oauth2/token with HTTP Basic (RFC 6749 §2.3.1 encoding). */
async function requestToken(
  handler: TokenHandler,
  clientId: string,
  clientSecret: string,
  params: Record<string, string> = {},
): Promise<TokenResult> {
  const event = {
    httpMethod: 'POST',
    path: '/oauth2/token',
    resource: '/oauth2/token',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: basicAuthorization(clientId, clientSecret),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString(),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEvent;
  const res = await handler(event);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  const result: TokenResult = { status: res.statusCode, body };
  if (typeof body.access_token === 'string') {
    result.claims = JSON.parse(
      Buffer.from(body.access_token.split('.')[1] as string, 'base64url').toString(),
    );
  }
  return result;
}

describeWithMoto()('clients CLI against DynamoDB (moto)', () => {
  let moto: Moto;
  let ddb: DynamoDBClient;
  let store: DynamoDbClientAdminStore;
  let handler: TokenHandler;
  let keyDir: string;
  let offsetMs = 0;
  const secrets: string[] = [];
  let id = '';
  let secret = '';
  let oldSecret = '';

  const target = ['--table', TABLE];
  const scanItems = async (): Promise<Record<string, AttributeValue>[]> =>
    (await ddb.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }))).Items ?? [];

  beforeAll(async () => {
    moto = await startMoto();
    ddb = new DynamoDBClient({});
    await createClientsTable(ddb, TABLE);
    store = new DynamoDbClientAdminStore({ tableName: TABLE, client: ddb });
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clients-cli-key-'));
    handler = tokenHandler(store, keyDir, () => Date.now() + offsetMs);
  }, 60_000);

  afterAll(async () => {
    ddb?.destroy();
    await moto?.stop();
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
  });

  it('create-client --json prints exactly one object; the token endpoint honours scopes, audience and TTL', async () => {
    // Act
    const run = await cli('create-client', [
      '--name',
      'Orders service',
      '--scopes',
      'orders:read orders:write',
      '--audience',
      'https://orders.example.test',
      '--audience',
      'https://billing.example.test',
      '--token-ttl',
      '900',
      ...target,
      '--json',
    ]);
    // Assert
    const created = onlyJson<CreatedView>(run);
    expect(Object.keys(created).sort()).toEqual([
      'accepted_auth_methods',
      'audiences',
      'client_id',
      'client_secret',
      'name',
      'scopes',
      'token_endpoint_auth_method',
    ]);
    expect(created).toMatchObject({
      // Without --auth: a secret client that sends its secret either way.
      token_endpoint_auth_method: 'client_secret',
      accepted_auth_methods: ['client_secret_basic', 'client_secret_post'],
      name: 'Orders service',
      scopes: ['orders:read', 'orders:write'],
      audiences: ['https://orders.example.test', 'https://billing.example.test'],
    });
    expect(created.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    ({ client_id: id, client_secret: secret } = created as {
      client_id: string;
      client_secret: string;
    });
    secrets.push(secret);
    const token = await requestToken(handler, id, secret);
    expect(token).toMatchObject({
      status: 200,
      body: { expires_in: 900, scope: 'orders:read orders:write' },
    });
    expect(token.claims).toMatchObject({
      sub: id,
      client_id: id,
      aud: 'https://orders.example.test',
    });
    expect((token.claims!.exp as number) - (token.claims!.iat as number)).toBe(900);
  });

  it('list --json shows the client without secrets or hashes; show prints its settings', async () => {
    // Act
    const list = await cli('clients', ['list', ...target, '--json']);
    const show = await cli('clients', ['show', id, ...target]);
    // Assert
    const entries = onlyJson<ListView[]>(list);
    expect(entries).toEqual([
      expect.objectContaining({
        client_id: id,
        name: 'Orders service',
        status: 'active',
        token_endpoint_auth_method: 'client_secret',
        accepted_auth_methods: ['client_secret_basic', 'client_secret_post'],
        token_ttl_seconds: 900,
      }),
    ]);
    expect(Object.keys(entries[0] as ListView).sort()).toEqual([
      'accepted_auth_methods',
      'audiences',
      'client_id',
      'created_at',
      'dpop_bound_access_tokens',
      'last_used_at',
      'name',
      'scopes',
      'secrets',
      'status',
      'token_endpoint_auth_method',
      'token_ttl_seconds',
      'updated_at',
    ]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/status: +active/);
    expect(show.stdout).toMatch(/token TTL: +900 s/);
    expect(show.stdout).toMatch(
      /auth method: +client_secret: the secret by HTTP Basic, or in a form or JSON body\n/,
    );
    for (const run of [list, show]) {
      expect(run.stdout).not.toContain('argon2');
      expect(run.stdout).not.toContain(secret);
    }
  });

  it('update changes scopes, audiences and TTL; the token endpoint follows without a restart', async () => {
    // Act
    const run = await cli('clients', [
      'update',
      id,
      '--scopes',
      'orders:read',
      '--audience',
      'https://billing.example.test',
      '--clear-token-ttl',
      ...target,
      '--json',
    ]);
    // Assert
    expect(onlyJson<ClientView>(run)).toMatchObject({
      client_id: id,
      scopes: ['orders:read'],
      audiences: ['https://billing.example.test'],
      token_ttl_seconds: null,
      dpop_bound_access_tokens: false,
      version: 2,
    });
    const token = await requestToken(handler, id, secret);
    expect(token).toMatchObject({
      status: 200,
      body: { expires_in: SERVICE_TTL, scope: 'orders:read' },
    });
    expect(token.claims).toMatchObject({ aud: 'https://billing.example.test' });
    const wrongAudience = await requestToken(handler, id, secret, {
      audience: 'https://orders.example.test',
    });
    expect(wrongAudience.status).toBe(400);
    expect(['invalid_target', 'invalid_request']).toContain(wrongAudience.body.error);
    const wrongScope = await requestToken(handler, id, secret, { scope: 'orders:write' });
    expect(wrongScope.body.error).toBe('invalid_scope');
  });

  it('disable gets invalid_client at once; enable restores access', async () => {
    // Act / Assert
    expect(
      onlyJson<ClientView>(await cli('clients', ['disable', id, ...target, '--json'])),
    ).toMatchObject({
      status: 'disabled',
    });
    expect(await requestToken(handler, id, secret)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(
      onlyJson<ClientView>(await cli('clients', ['enable', id, ...target, '--json'])),
    ).toMatchObject({
      status: 'active',
    });
    expect((await requestToken(handler, id, secret)).status).toBe(200);
  });

  it('rotate-secret: both secrets work within the grace period, only the new one after it', async () => {
    // Act
    const rotated = onlyJson<RotatedView>(
      await cli('clients', ['rotate-secret', id, '--grace', '3600', ...target, '--json']),
    );
    // Assert
    expect(Object.keys(rotated).sort()).toEqual([
      'client_id',
      'client_secret',
      'previous_secret_expires_at',
    ]);
    oldSecret = secret;
    secret = rotated.client_secret;
    secrets.push(secret);
    const expiresAt = Date.parse(rotated.previous_secret_expires_at as string);
    expect(Math.abs(expiresAt - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    const record = (await store.getClient(id)) as ClientRecord;
    expect(record.secrets).toHaveLength(2);
    expect(record.secrets[1]?.expires_at).toBe(rotated.previous_secret_expires_at);
    // within the grace period
    offsetMs = expiresAt - 5_000 - Date.now();
    expect((await requestToken(handler, id, oldSecret)).status).toBe(200);
    expect((await requestToken(handler, id, secret)).status).toBe(200);
    // after it
    offsetMs = expiresAt + 1_000 - Date.now();
    expect((await requestToken(handler, id, oldSecret)).body.error).toBe('invalid_client');
    expect((await requestToken(handler, id, secret)).status).toBe(200);
    offsetMs = 0;
  });

  it('no item in the table holds a plain-text secret; every secret is an argon2id hash', async () => {
    // Act
    const items = await scanItems();
    // Assert
    const dump = JSON.stringify(items);
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    for (const plain of secrets) expect(dump).not.toContain(plain);
    for (const item of items) {
      for (const entry of item.secrets?.L ?? [])
        expect(entry.M?.hash?.S).toMatch(/^\$argon2id\$v=19\$/);
    }
  });

  it('bad arguments exit 2 with a clear message and write nothing', async () => {
    // Arrange
    const before = (await scanItems()).length;
    // Act
    const [badScope, bothTargets, noTarget] = await Promise.all([
      cli('create-client', ['--name', 'x', '--scopes', 'ok bad"scope', ...target, '--json']),
      cli('clients', ['create', '--name', 'x', '--scopes', 'a', ...target, '--local']),
      cli('clients', ['update', id, '--token-ttl', '30']),
    ]);
    // Assert
    expect(badScope).toMatchObject({ code: 2, stdout: '' });
    expect(badScope.stderr).toMatch(/--scopes: "bad\\"scope" is not a valid scope/);
    expect(bothTargets).toMatchObject({ code: 2, stdout: '' });
    expect(bothTargets.stderr).toMatch(/either --table TABLE or --local, not both/);
    expect(noTarget).toMatchObject({ code: 2, stdout: '' });
    expect(noTarget.stderr).toMatch(/--table TABLE \(DynamoDB\) or --local/);
    expect((await scanItems()).length).toBe(before);
    expect((await store.getClient(id))?.version).toBe(5);
  });

  it('an unknown client id exits 2; a missing table exits 2 naming table and region', async () => {
    // Act
    const [unknown, missing] = await Promise.all([
      cli('clients', ['rotate-secret', '0123456789abcdef0123456789abcdef', ...target]),
      cli('clients', ['list', '--table', 'no-such-table']),
    ]);
    // Assert
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/no client with id 0123456789abcdef0123456789abcdef/);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(
      /DynamoDB table no-such-table does not exist in region us-east-1/,
    );
  });

  it('two writers: the stale one loses cleanly with ConcurrentModificationError', async () => {
    // Arrange: writer A reads, writer B changes the client, A writes what it read
    const writerA = new DynamoDbClientAdminStore({ tableName: TABLE, client: ddb });
    const writerB = new DynamoDbClientAdminStore({
      tableName: TABLE,
      client: new DynamoDBClient({}),
    });
    const seenByA = (await writerA.getClient(id)) as ClientRecord;
    const seenByB = (await writerB.getClient(id)) as ClientRecord;
    await writerB.updateClient(
      { ...seenByB, name: 'Changed by B', version: seenByB.version + 1 },
      seenByB.version,
    );
    // Act
    const staleUpdate = writerA.updateClient(
      { ...seenByA, status: 'disabled', version: seenByA.version + 1 },
      seenByA.version,
    );
    const staleDelete = writerA.deleteClient(id, seenByA.version);
    // Assert
    await expect(staleUpdate).rejects.toBeInstanceOf(ConcurrentModificationError);
    await expect(staleDelete).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await store.getClient(id)).toMatchObject({
      name: 'Changed by B',
      status: 'active',
      version: seenByA.version + 1,
    });
  });

  it('the CLI reports a lost race with exit 3 and a request to retry, keeping the other change', async () => {
    // Arrange: the CLI's store reads, then another operator writes before the CLI's write
    const other = new DynamoDbClientAdminStore({ tableName: TABLE, client: ddb });
    class RacedStore extends DynamoDbClientAdminStore {
      override async getClient(clientId: string): Promise<ClientRecord | undefined> {
        const seen = await super.getClient(clientId);
        if (seen)
          await other.updateClient(
            { ...seen, name: 'Other operator', version: seen.version + 1 },
            seen.version,
          );
        return seen;
      }
    }
    const stderr: string[] = [];
    // Act
    const code = await runCli(['update', id, '--scopes', 'lost:update', ...target], {
      program: 'clients',
      out: { stdout: () => undefined, stderr: (t) => void stderr.push(t) },
      openStore: () => new RacedStore({ tableName: TABLE, client: ddb }),
      hasher: new Argon2PasswordHasher(),
    });
    // Assert
    expect(code).toBe(3);
    expect(stderr.join('\n')).toMatch(
      /changed by someone else since it was read; retry the command/,
    );
    expect(await store.getClient(id)).toMatchObject({
      name: 'Other operator',
      scopes: ['orders:read'],
    });
  });

  it('clients create, then delete: without --yes (no terminal) it refuses; with it the token endpoint rejects the deleted client', async () => {
    // Arrange
    const created = onlyJson<CreatedView>(
      await cli('clients', ['create', '--name', 'Temp', '--scopes', 'x', ...target, '--json']),
    );
    expect(
      (await requestToken(handler, created.client_id, created.client_secret as string)).status,
    ).toBe(200);
    // Act
    const refused = await cli('clients', ['delete', created.client_id, ...target, '--json']);
    const kept = await store.getClient(created.client_id);
    const deleted = onlyJson<DeletedView>(
      await cli('clients', ['delete', created.client_id, ...target, '--json', '--yes']),
    );
    // Assert: stdin is a pipe here, so nobody could have typed the id
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(
      `clients: delete asks to type the client id, and stdin is not a terminal: pass --yes`,
    );
    expect(kept?.status).toBe('active');
    // The disabled cutoff (a tombstone) is written before the record goes, and reported.
    expect(deleted).toEqual({
      client_id: created.client_id,
      name: 'Temp',
      deleted: true,
      regions: [{ region: expect.any(String), result: 'ok' }],
    });
    expect(await store.getClient(created.client_id)).toBeUndefined();
    expect(
      await requestToken(handler, created.client_id, created.client_secret as string),
    ).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
  });

  it('refuses a public key another client holds, writing nothing, unless --allow-shared-key (issue 21)', async () => {
    // Arrange
    const keyFile = path.join(keyDir, 'shared-key.json');
    fs.writeFileSync(keyFile, JSON.stringify(clientKeyPair('ES256', 'shared').jwk));
    const create = (name: string, ...extra: string[]) =>
      cli('clients', [
        'create',
        '--name',
        name,
        '--scopes',
        'a',
        '--jwks-file',
        keyFile,
        ...extra,
        ...target,
        '--json',
      ]);
    const holder = onlyJson<CreatedView>(await create('Key holder'));
    // Client items only: each create also writes its audit entry (docs/audit.md).
    const clientItems = async (): Promise<number> =>
      (await scanItems()).filter((i) => !i.client_id?.S?.startsWith('audit#')).length;
    const before = await clientItems();

    // Act
    const refused = await create('Key borrower');
    const after = await clientItems();
    const allowed = await create('Key borrower', '--allow-shared-key');

    // Assert
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toContain(`is already registered for client ${holder.client_id}.`);
    expect(refused.stderr).toContain('--allow-shared-key');
    expect(after).toBe(before);
    expect(allowed.code).toBe(0);
    expect(await clientItems()).toBe(before + 1);
  });
});

describe('clients CLI against the local file store', () => {
  let dir: string;
  let dataDir: string;
  let handler: TokenHandler;
  let id = '';
  let secret = '';
  const all: string[] = [];
  const target = (): string[] => ['--local', '--data-dir', dataDir];
  const file = (): string => fs.readFileSync(path.join(dataDir, 'clients.json'), 'utf8');

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clients-cli-local-'));
    dataDir = path.join(dir, 'data');
    handler = tokenHandler(new FileClientStore({ dataDir }), dataDir, Date.now);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('create-client prints the id and the secret once in human form; the server accepts them at once', async () => {
    // Act
    const run = await cli('create-client', [
      '--name',
      'Local demo',
      '--scopes',
      'demo:read',
      ...target(),
    ]);
    // Assert: the first client creates the data dir, and says so on stderr
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(`creating the local data directory ${dataDir} (--data-dir)`);
    id = /client_id: +(\S+)/.exec(run.stdout)?.[1] ?? '';
    secret = /client_secret: +(\S+)/.exec(run.stdout)?.[1] ?? '';
    all.push(secret);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(run.stdout).toMatch(/shown only this once/);
    const token = await requestToken(handler, id, secret);
    expect(token).toMatchObject({
      status: 200,
      body: { expires_in: SERVICE_TTL, scope: 'demo:read' },
    });
    expect(token.claims).toMatchObject({ aud: DEFAULT_AUDIENCE });
  });

  it('list, update, rotate-secret --grace 0, disable, delete', async () => {
    // Act / Assert: list
    const list = onlyJson<ListView[]>(await cli('clients', ['list', ...target(), '--json']));
    expect(list).toEqual([
      expect.objectContaining({ client_id: id, name: 'Local demo', status: 'active' }),
    ]);
    // update: per-client TTL
    const updated = onlyJson<ClientView>(
      await cli('clients', ['update', id, '--token-ttl', '120', ...target(), '--json']),
    );
    expect(updated).toMatchObject({ token_ttl_seconds: 120, version: 2 });
    expect((await requestToken(handler, id, secret)).body.expires_in).toBe(120);
    // rotate with grace 0: the old secret stops working at once
    const rotated = onlyJson<RotatedView>(
      await cli('clients', ['rotate-secret', id, '--grace', '0', ...target(), '--json']),
    );
    expect(rotated.previous_secret_expires_at).toBeNull();
    all.push(rotated.client_secret);
    expect((await requestToken(handler, id, secret)).body.error).toBe('invalid_client');
    secret = rotated.client_secret;
    expect((await requestToken(handler, id, secret)).status).toBe(200);
    for (const plain of all) expect(file()).not.toContain(plain);
    // disable (human output)
    const disabled = await cli('clients', ['disable', id, ...target()]);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/Disabled client/);
    expect((await requestToken(handler, id, secret)).status).toBe(401);
    // delete, then the id is unknown
    const deleted = onlyJson<DeletedView>(
      await cli('clients', ['delete', id, ...target(), '--json', '--yes']),
    );
    expect(deleted).toMatchObject({ client_id: id, deleted: true });
    const show = await cli('clients', ['show', id, ...target()]);
    expect(show).toMatchObject({ code: 2, stdout: '' });
    expect(show.stderr).toMatch(`no client with id ${id}`);
    // Only the audit trail is left (docs/audit.md): the client and its secrets are gone.
    const left = Object.keys((JSON.parse(file()) as { clients: object }).clients);
    expect(left.filter((key) => !key.startsWith('audit#'))).toEqual([]);
  });

  it('revoke-tokens prints until when new tokens get 503; the token endpoint refuses exactly until then', async () => {
    // Arrange
    const created = onlyJson<CreatedView>(
      await cli('clients', ['create', '--name', 'Revoked', '--scopes', 'x', ...target(), '--json']),
    );
    const secret = created.client_secret as string;
    let now = Date.now();
    const handler = tokenHandler(new FileClientStore({ dataDir }), dataDir, () => now);
    const before = await requestToken(handler, created.client_id, secret);

    // Act: text, then --json (the later run's time is the one stored)
    const started = Date.now();
    const text = await cli('clients', ['revoke-tokens', created.client_id, ...target()]);
    const json = onlyJson<RevokedTokensView>(
      await cli('clients', ['revoke-tokens', created.client_id, ...target(), '--json']),
    );
    const finished = Date.now();
    const until = Date.parse(json.new_tokens_refused_until);
    now = until - 1;
    const justBefore = await requestToken(handler, created.client_id, secret);
    now = until;
    const atThen = await requestToken(handler, created.client_id, secret);

    // Assert
    expect(before.status).toBe(200);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^New tokens for this client are refused with 503 temporarily_unavailable until \S+Z \(3[01] s\)/m,
    );
    expect(json).toMatchObject({
      client_id: created.client_id,
      tokens_not_before: json.new_tokens_refused_until,
    });
    expect(until).toBeGreaterThanOrEqual(started + TOKENS_NOT_BEFORE_MARGIN_SECONDS * 1000);
    expect(until).toBeLessThanOrEqual(finished + (TOKENS_NOT_BEFORE_MARGIN_SECONDS + 1) * 1000);
    expect([30, 31]).toContain(json.new_tokens_refused_seconds);
    expect(justBefore).toMatchObject({
      status: 503,
      body: {
        error: 'temporarily_unavailable',
        error_description:
          "this client's tokens were revoked moments ago; new tokens are issued again in 1 s",
      },
    });
    expect(atThen.status).toBe(200);
  });

  it('on a terminal, delete asks to type the id: another answer or Ctrl-D deletes nothing, the id deletes', async () => {
    // Arrange
    const created = onlyJson<CreatedView>(
      await cli('clients', ['create', '--name', 'Asked', '--scopes', 'x', ...target(), '--json']),
    );
    const id = created.client_id;
    const clients = path.join(REPO, 'scripts', 'clients.ts');
    const onTerminal = (keys: string) =>
      runOnTerminal([process.execPath, '--import', 'tsx', clients, 'delete', id, ...target()], {
        cwd: REPO,
        prompt: 'Type the client id to confirm',
        keys,
      });

    // Act
    const wrong = await onTerminal('yes\r');
    const ended = await onTerminal('\x04');
    const kept = JSON.parse(file()).clients[id];
    const confirmed = await onTerminal(`${id}\r`);

    // Assert
    expect(wrong.screen).toContain(
      `Delete client ${id} ("Asked", active)? It can no longer get tokens, and this cannot be undone.`,
    );
    expect(wrong).toMatchObject({ code: 2 });
    expect(wrong.screen).toContain(`delete cancelled: "yes" is not the client id ${id}`);
    expect(ended).toMatchObject({ code: 2 });
    expect(ended.screen).toContain('clients: delete cancelled; nothing was deleted');
    expect(kept).toMatchObject({ name: 'Asked', status: 'active' });
    expect(confirmed).toMatchObject({ code: 0 });
    expect(confirmed.screen).toContain(`Deleted client ${id} ("Asked")`);
    expect(JSON.parse(file()).clients[id]).toBeUndefined();
  });

  it('a --data-dir that does not exist: list, show, revoke-token and delete exit 2 naming it and create nothing', async () => {
    // Arrange
    const typo = path.join(dir, 'dtaa');
    const args = ['--local', '--data-dir', typo];

    // Act
    const runs = await Promise.all([
      cli('clients', ['list', ...args]),
      cli('clients', ['show', 'abc', ...args, '--json']),
      cli('clients', ['revoke-token', 'some-jti', ...args]),
      cli('clients', ['delete', 'abc', ...args, '--yes']),
    ]);

    // Assert
    for (const run of runs) {
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(`clients: --data-dir ${typo} does not exist`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(fs.existsSync(typo)).toBe(false);
  });

  it('help prints usage with exit 0; bad arguments exit 2 and create no data dir', async () => {
    // Arrange
    const fresh = path.join(dir, 'never-created');
    // Act
    const [help, bad] = await Promise.all([
      cli('clients', ['help']),
      cli('create-client', [
        '--name',
        'x',
        '--scopes',
        'a',
        '--token-ttl',
        '86401',
        '--local',
        '--data-dir',
        fresh,
      ]),
    ]);
    // Assert
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/rotate-secret CLIENT_ID \[--grace SECONDS\]/);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/--token-ttl must be a whole number of seconds from 60 to 86400/);
    expect(fs.existsSync(fresh)).toBe(false);
  });
});
