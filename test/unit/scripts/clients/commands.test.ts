// Unit tests of the client admin commands on an in-memory store: records, rotation, conflicts, output.
import {
  ClientNotFoundError,
  ConcurrentModificationError,
} from '../../../../tools/dev-adapters/errors';
import { createClientAuthenticator } from '../../../../functions/token/core/authenticate-client';
import type { ClientRecord, ClientSecret } from '../../../../functions/token/core/types';
import { createClient as createAnyClient } from '../../../../scripts/lib/clients/commands/create';
import { deleteClient } from '../../../../scripts/lib/clients/commands/delete';
import { listClients } from '../../../../scripts/lib/clients/commands/list';
import {
  rotateSecret,
  rotateSecrets,
} from '../../../../scripts/lib/clients/commands/rotate-secret';
import { runCommand } from '../../../../scripts/lib/clients/commands/run-command';
import { setClientStatus } from '../../../../scripts/lib/clients/commands/set-status';
import { updateClient } from '../../../../scripts/lib/clients/commands/update';
import { generateClientId, generateClientSecret } from '../../../../scripts/lib/clients/secrets';
import { FakeHasher } from '../../../support/fake-hasher';
import type { CreateClientInput } from '../../../../scripts/lib/clients/model';
import { makeDeps, type TestClock } from '../../../support/clients-cli';

/** createClient for a secret client: its secret is always there. */
const createClient = async (
  ...args: Parameters<typeof createAnyClient>
): Promise<{ record: ClientRecord; secret: string }> => {
  const created = await createAnyClient(...args);
  return { record: created.record, secret: created.secret as string };
};

const INPUT = {
  name: 'Orders',
  scopes: ['orders:read', 'orders:write'],
  audiences: ['https://api'],
  authMethod: 'client_secret',
} as const satisfies CreateClientInput;
const LOCAL = { kind: 'local', dataDir: '/unused' } as const;

/** Does the token endpoint's authenticator accept this secret at the clock's current time? */
async function accepted(
  deps: ReturnType<typeof makeDeps>['deps'],
  clientId: string,
  clientSecret: string,
): Promise<boolean> {
  const authenticator = createClientAuthenticator({
    clientStore: deps.store,
    hasher: deps.hasher,
    clock: deps.clock,
    randomBytes: deps.randomBytes,
  });
  try {
    await authenticator.authenticate({ clientId, clientSecret, method: 'client_secret_basic' });
    return true;
  } catch (err) {
    expect(err).toMatchObject({ code: 'invalid_client' });
    return false;
  }
}

describe('secrets', () => {
  it('makes 128-bit hex ids and 256-bit base64url secrets', () => {
    // Arrange
    const random = (size: number): Uint8Array => new Uint8Array(size).fill(0xfb);
    // Act
    const id = generateClientId(random);
    const secret = generateClientSecret(random);
    // Assert
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('refuses a random source that returns too few bytes', () => {
    expect(() => generateClientSecret(() => new Uint8Array(16))).toThrow(/16 bytes instead of 32/);
  });
});

describe('createClient', () => {
  it('stores an active client with only the hash of its secret', async () => {
    // Arrange
    const { deps, store } = makeDeps();
    // Act
    const { record, secret } = await createClient(deps, { ...INPUT, tokenTtlSeconds: 600 });
    // Assert
    expect(store.records.get(record.client_id)).toEqual({
      client_id: record.client_id,
      name: 'Orders',
      status: 'active',
      secrets: [{ hash: FakeHasher.hashOf(secret), created_at: '2030-01-01T00:00:00.000Z' }],
      token_endpoint_auth_method: 'client_secret',
      scopes: ['orders:read', 'orders:write'],
      audiences: ['https://api'],
      token_ttl_seconds: 600,
      created_at: '2030-01-01T00:00:00.000Z',
      updated_at: '2030-01-01T00:00:00.000Z',
      version: 1,
    });
    expect(store.dump()).not.toContain(secret);
    expect(await accepted(deps, record.client_id, secret)).toBe(true);
  });

  it('omits token_ttl_seconds when not given', async () => {
    const { deps } = makeDeps();
    const { record } = await createClient(deps, INPUT);
    expect(record).not.toHaveProperty('token_ttl_seconds');
  });
});

describe('listClients', () => {
  it('lists oldest first', async () => {
    // Arrange
    const { deps, clock } = makeDeps();
    const b = await createClient(deps, { ...INPUT, name: 'B' });
    clock.advance(-10);
    const a = await createClient(deps, { ...INPUT, name: 'A' });
    // Act
    const names = (await listClients(deps)).map((r) => r.name);
    // Assert
    expect(names).toEqual(['A', 'B']);
    expect([a.record.name, b.record.name]).toEqual(['A', 'B']);
  });
});

describe('updateClient', () => {
  it('changes only what is given and bumps version and updated_at', async () => {
    // Arrange
    const { deps, clock } = makeDeps();
    const { record } = await createClient(deps, { ...INPUT, tokenTtlSeconds: 600 });
    clock.advance(60);
    // Act
    const updated = await updateClient(deps, record.client_id, { scopes: ['orders:read'] });
    // Assert
    expect(updated).toEqual({
      ...record,
      scopes: ['orders:read'],
      updated_at: '2030-01-01T00:01:00.000Z',
      version: 2,
    });
  });

  it('sets, replaces and clears the TTL, audiences and name', async () => {
    // Arrange
    const { deps } = makeDeps();
    const { record } = await createClient(deps, INPUT);
    // Act
    const a = await updateClient(deps, record.client_id, { tokenTtlSeconds: 120, name: 'New' });
    const b = await updateClient(deps, record.client_id, { tokenTtlSeconds: null, audiences: [] });
    // Assert
    expect(a).toMatchObject({ token_ttl_seconds: 120, name: 'New', version: 2 });
    expect(b).not.toHaveProperty('token_ttl_seconds');
    expect(b).toMatchObject({ audiences: [], name: 'New', version: 3 });
  });

  it('fails with ClientNotFoundError for an unknown id and writes nothing', async () => {
    const { deps, store } = makeDeps();
    await expect(updateClient(deps, 'nope', { name: 'x' })).rejects.toBeInstanceOf(
      ClientNotFoundError,
    );
    expect(store.writes).toBe(0);
  });

  it('loses cleanly to a concurrent writer: ConcurrentModificationError, other change kept', async () => {
    // Arrange: another operator renames the client between our read and our write
    const { deps, store } = makeDeps();
    const { record } = await createClient(deps, INPUT);
    store.beforeWrite = () => {
      const other = store.records.get(record.client_id) as ClientRecord;
      store.records.set(record.client_id, { ...other, name: 'Theirs', version: other.version + 1 });
    };
    // Act
    const attempt = updateClient(deps, record.client_id, { scopes: ['mine'] });
    // Assert
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentModificationError);
    await expect(attempt).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
    expect(store.records.get(record.client_id)).toMatchObject({
      name: 'Theirs',
      scopes: INPUT.scopes,
      version: 2,
    });
  });
});

describe('setClientStatus', () => {
  it('disables and enables; the authenticator follows without a restart', async () => {
    // Arrange
    const { deps, store } = makeDeps();
    const { record, secret } = await createClient(deps, INPUT);
    // Act / Assert
    const disabled = await setClientStatus(deps, record.client_id, 'disabled');
    expect(disabled).toMatchObject({ changed: true, record: { status: 'disabled', version: 2 } });
    expect(await accepted(deps, record.client_id, secret)).toBe(false);
    const enabled = await setClientStatus(deps, record.client_id, 'active');
    expect(enabled).toMatchObject({ changed: true, record: { status: 'active', version: 3 } });
    expect(await accepted(deps, record.client_id, secret)).toBe(true);
    expect(store.writes).toBe(3);
  });

  it('writes nothing when the status is already the wanted one', async () => {
    const { deps, store } = makeDeps();
    const { record } = await createClient(deps, INPUT);
    const result = await setClientStatus(deps, record.client_id, 'active');
    expect(result.changed).toBe(false);
    expect(store.writes).toBe(1);
  });
});

describe('rotateSecret', () => {
  async function rotated(grace: number): Promise<{
    deps: ReturnType<typeof makeDeps>['deps'];
    clock: TestClock;
    id: string;
    oldSecret: string;
    newSecret: string;
  }> {
    const { deps, clock } = makeDeps();
    const { record, secret } = await createClient(deps, INPUT);
    clock.advance(3600);
    const result = await rotateSecret(deps, record.client_id, grace);
    return { deps, clock, id: record.client_id, oldSecret: secret, newSecret: result.secret };
  }

  it('within the grace period both secrets work; after it only the new one', async () => {
    // Arrange
    const { deps, clock, id, oldSecret, newSecret } = await rotated(600);
    // Act / Assert: just before the end of the grace period
    clock.advance(599);
    expect(await accepted(deps, id, oldSecret)).toBe(true);
    expect(await accepted(deps, id, newSecret)).toBe(true);
    // Act / Assert: at the end of the grace period
    clock.advance(1);
    expect(await accepted(deps, id, oldSecret)).toBe(false);
    expect(await accepted(deps, id, newSecret)).toBe(true);
  });

  it('with grace 0 revokes the old secret at once', async () => {
    // Arrange / Act
    const { deps, id, oldSecret, newSecret } = await rotated(0);
    // Assert
    expect(await accepted(deps, id, oldSecret)).toBe(false);
    expect(await accepted(deps, id, newSecret)).toBe(true);
    expect((await deps.store.getClient(id))?.secrets).toHaveLength(1);
  });

  it('records the expiry, prints it, and keeps at most two secrets', async () => {
    // Arrange
    const { deps, store, clock } = makeDeps();
    const { record, secret: first } = await createClient(deps, INPUT);
    clock.set('2030-01-02T00:00:00.000Z');
    const second = await rotateSecret(deps, record.client_id, 86_400);
    clock.set('2030-01-02T01:00:00.000Z');
    // Act
    const third = await rotateSecret(deps, record.client_id, 86_400);
    // Assert
    expect(second.previousExpiresAt).toBe('2030-01-03T00:00:00.000Z');
    expect(third.previousExpiresAt).toBe('2030-01-03T01:00:00.000Z');
    const stored = store.records.get(record.client_id) as ClientRecord;
    expect(stored.secrets).toHaveLength(2);
    expect(stored.version).toBe(3);
    expect(await accepted(deps, record.client_id, first)).toBe(false);
    expect(await accepted(deps, record.client_id, second.secret)).toBe(true);
    expect(await accepted(deps, record.client_id, third.secret)).toBe(true);
    for (const plain of [first, second.secret, third.secret])
      expect(store.dump()).not.toContain(plain);
  });

  it('fails with ClientNotFoundError for an unknown id', async () => {
    const { deps } = makeDeps();
    await expect(rotateSecret(deps, 'nope', 10)).rejects.toMatchObject({
      code: 'CLIENT_NOT_FOUND',
    });
  });
});

describe('rotateSecrets', () => {
  const NOW = Date.parse('2030-01-01T00:00:00.000Z');
  const fresh: ClientSecret = { hash: 'new', created_at: '2030-01-01T00:00:00.000Z' };
  const secret = (hash: string, created: string, expires?: string): ClientSecret => ({
    hash,
    created_at: created,
    ...(expires ? { expires_at: expires } : {}),
  });

  it('keeps the current secret for the grace period and drops the older expiring one', () => {
    // Arrange
    const secrets = [
      secret('current', '2029-12-31T00:00:00.000Z'),
      secret('older', '2029-12-01T00:00:00.000Z', '2030-01-01T06:00:00.000Z'),
    ];
    // Act
    const result = rotateSecrets(secrets, fresh, NOW, 3600);
    // Assert
    expect(result).toEqual([
      fresh,
      {
        hash: 'current',
        created_at: '2029-12-31T00:00:00.000Z',
        expires_at: '2030-01-01T01:00:00.000Z',
      },
    ]);
  });

  it('prefers the newest of several current secrets', () => {
    const secrets = [
      secret('a', '2029-01-01T00:00:00.000Z'),
      secret('b', '2029-06-01T00:00:00.000Z'),
    ];
    expect(rotateSecrets(secrets, fresh, NOW, 60)[1]?.hash).toBe('b');
    expect(rotateSecrets([...secrets].reverse(), fresh, NOW, 60)[1]?.hash).toBe('b');
  });

  it('never extends an expiring secret and drops expired ones', () => {
    // Arrange: no current secret, one expiring soon, one expired
    const secrets = [
      secret('expired', '2029-01-01T00:00:00.000Z', '2029-12-31T00:00:00.000Z'),
      secret('soon', '2029-06-01T00:00:00.000Z', '2030-01-01T00:10:00.000Z'),
      secret('sooner', '2029-07-01T00:00:00.000Z', '2030-01-01T00:05:00.000Z'),
    ];
    // Act
    const result = rotateSecrets(secrets, fresh, NOW, 86_400);
    // Assert
    expect(result).toEqual([fresh, { ...secrets[1], expires_at: '2030-01-01T00:10:00.000Z' }]);
  });

  it('leaves only the new secret when nothing is live', () => {
    expect(rotateSecrets([], fresh, NOW, 60)).toEqual([fresh]);
  });
});

describe('deleteClient', () => {
  it('deletes conditionally; the authenticator rejects the client at once', async () => {
    // Arrange
    const { deps, store } = makeDeps();
    const { record, secret } = await createClient(deps, INPUT);
    // Act
    await deleteClient(deps, record.client_id);
    // Assert
    expect(store.records.size).toBe(0);
    expect(await accepted(deps, record.client_id, secret)).toBe(false);
  });

  it('loses cleanly to a concurrent change', async () => {
    // Arrange
    const { deps, store } = makeDeps();
    const { record } = await createClient(deps, INPUT);
    store.beforeWrite = () =>
      store.records.set(record.client_id, { ...record, status: 'disabled', version: 2 });
    // Act / Assert
    await expect(deleteClient(deps, record.client_id)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect(store.records.has(record.client_id)).toBe(true);
  });
});

describe('runCommand output', () => {
  it('create --json prints exactly one object with the five keys and the method', async () => {
    // Arrange
    const { deps, out, store } = makeDeps();
    // Act
    await runCommand({ command: 'create', target: LOCAL, json: true, ...INPUT }, deps);
    // Assert
    const lines = out.stdoutText().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const body = JSON.parse(lines[0] as string);
    expect(Object.keys(body).sort()).toEqual([
      'accepted_auth_methods',
      'audiences',
      'client_id',
      'client_secret',
      'name',
      'scopes',
      'token_endpoint_auth_method',
    ]);
    expect(body).toMatchObject({
      token_endpoint_auth_method: 'client_secret',
      accepted_auth_methods: ['client_secret_basic', 'client_secret_post'],
      name: 'Orders',
      scopes: INPUT.scopes,
      audiences: INPUT.audiences,
    });
    expect(store.dump()).not.toContain(body.client_secret);
    expect(out.stderrText()).toBe('');
  });

  it('create prints the secret once in human form', async () => {
    const { deps, out } = makeDeps();
    await runCommand(
      { command: 'create', target: LOCAL, json: false, ...INPUT, audiences: [] },
      deps,
    );
    const text = out.stdoutText();
    expect(text).toMatch(/client_secret: +[A-Za-z0-9_-]{43}\n/);
    expect(text).toMatch(
      /auth method: +client_secret: the secret by HTTP Basic, or in a form or JSON body\n/,
    );
    expect(text).toMatch(/audiences: +\(service default\)/);
    expect(text).toMatch(/shown only this once/);
  });

  it('list, show, update, disable, enable, rotate-secret and delete print no hashes', async () => {
    // Arrange
    const { deps, out, store } = makeDeps();
    const { record } = await createClient(deps, { ...INPUT, tokenTtlSeconds: 300 });
    const id = record.client_id;
    const common = { target: LOCAL };
    // Act
    for (const json of [false, true]) {
      await runCommand({ command: 'list', ...common, json }, deps);
      await runCommand({ command: 'show', ...common, json, clientId: id }, deps);
      await runCommand(
        { command: 'update', ...common, json, clientId: id, changes: { name: 'N' } },
        deps,
      );
      await runCommand({ command: 'disable', ...common, json, clientId: id }, deps);
      await runCommand({ command: 'disable', ...common, json, clientId: id }, deps);
      await runCommand({ command: 'enable', ...common, json, clientId: id }, deps);
      await runCommand(
        { command: 'rotate-secret', ...common, json, clientId: id, graceSeconds: 60 },
        deps,
      );
      await runCommand(
        { command: 'rotate-secret', ...common, json, clientId: id, graceSeconds: 0 },
        deps,
      );
    }
    // The stored hashes (current and rotated-out), read before the delete removes them.
    const hashes = store.dump().match(/\$fake\$[^"]+/g) ?? [];
    await runCommand({ command: 'delete', ...common, json: false, clientId: id, yes: true }, deps);
    await runCommand({ command: 'list', ...common, json: false }, deps);
    // Assert
    const text = out.stdoutText();
    expect(hashes.length).toBeGreaterThan(0);
    for (const hash of hashes) expect(text).not.toContain(hash);
    expect(text).not.toContain('$fake$');
    expect(text).toMatch(
      /^CLIENT_ID +NAME +STATUS +AUTH +SCOPES +AUDIENCES +CREATED +LAST USED +CREDENTIAL AGES$/m,
    );
    expect(text).toMatch(/^[0-9a-f]{32} +Orders +active +secret +orders:read/m);
    expect(text).toMatch(/auth method: +client_secret: the secret by HTTP Basic/);
    expect(text).toMatch(/already disabled; nothing changed/);
    expect(text).toMatch(/Disabled client .*invalid_client/);
    expect(text).toMatch(
      /previous secret: +keeps working until 2030-01-01T00:01:00.000Z \(grace 60 s\)/,
    );
    expect(text).toMatch(/previous secret: +revoked now/);
    expect(text).toMatch(/token TTL: +300 s/);
    expect(text).toMatch(/Deleted client/);
    expect(text.trimEnd().endsWith('No clients.')).toBe(true);
  });

  it('prints the JSON shapes of list, show, rotate-secret and delete', async () => {
    // Arrange
    const { deps, out } = makeDeps();
    const { record } = await createClient(deps, INPUT);
    const id = record.client_id;
    // Act
    await runCommand({ command: 'list', target: LOCAL, json: true }, deps);
    await runCommand({ command: 'show', target: LOCAL, json: true, clientId: id }, deps);
    await runCommand(
      { command: 'rotate-secret', target: LOCAL, json: true, clientId: id, graceSeconds: 60 },
      deps,
    );
    await runCommand(
      { command: 'delete', target: LOCAL, json: true, clientId: id, yes: true },
      deps,
    );
    // Assert
    const [list, show, rotate, del] = out
      .stdoutText()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(list).toEqual([
      {
        client_id: id,
        name: 'Orders',
        status: 'active',
        token_endpoint_auth_method: 'client_secret',
        accepted_auth_methods: ['client_secret_basic', 'client_secret_post'],
        scopes: INPUT.scopes,
        audiences: INPUT.audiences,
        token_ttl_seconds: null,
        dpop_bound_access_tokens: false,
        created_at: record.created_at,
        updated_at: record.updated_at,
        last_used_at: null,
        secrets: [{ created_at: record.created_at, expires_at: null }],
      },
    ]);
    expect(show).toEqual({
      ...list[0],
      version: 1,
      usage_plan: null,
      usage_key_id: null,
      pending_since: null,
    });
    expect(Object.keys(rotate).sort()).toEqual([
      'client_id',
      'client_secret',
      'previous_secret_expires_at',
    ]);
    expect(rotate.previous_secret_expires_at).toBe('2030-01-01T00:01:00.000Z');
    expect(del).toEqual({ client_id: id, name: 'Orders', deleted: true });
  });
});
