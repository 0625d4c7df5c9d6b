// Unit tests of the file store's audit trail: entries written in the same file write as their change, never one without the other, read back newest first, and kept.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServerError } from '../../../../functions/token/core/errors';
import type { ClientRecord } from '../../../../functions/token/core/types';
import {
  auditKey,
  clientSnapshot,
  type AuditEntry,
} from '../../../../tools/dev-adapters/audit-entry';
import { FileClientStore } from '../../../../tools/dev-adapters/client-store-file';
import { ConcurrentModificationError } from '../../../../tools/dev-adapters/errors';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$YQ$Yg';

function record(id: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    client_id: id,
    name: `client ${id}`,
    status: 'active',
    secrets: [{ hash: HASH, created_at: '2025-01-01T00:00:00.000Z' }],
    scopes: ['a'],
    audiences: [],
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

let n = 0;
/** An entry of one write, with its own key. */
function entry(
  at: string,
  fields: Omit<AuditEntry, 'key' | 'at' | 'actor'>,
  actor = 'local',
): AuditEntry {
  n += 1;
  return { key: auditKey(at, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, n)), at, actor, ...fields };
}

describe('FileClientStore audit trail', () => {
  let dataDir: string;
  let store: FileClientStore;
  const file = (): string => path.join(dataDir, 'clients.json');
  const stored = async (): Promise<Record<string, unknown>> =>
    (JSON.parse(await fs.readFile(file(), 'utf8')) as { clients: Record<string, unknown> }).clients;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-store-audit-'));
    store = new FileClientStore({ dataDir });
  });
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('writes each entry with its change, in the same file, and reads the trail back newest first', async () => {
    // Arrange
    const v1 = record('c1');
    const v2 = record('c1', {
      scopes: ['a', 'b'],
      updated_at: '2025-01-02T00:00:00.000Z',
      version: 2,
    });
    const created = entry('2025-01-01T00:00:00.000Z', {
      command: 'create',
      operation: 'create',
      client_id: 'c1',
      after: clientSnapshot(v1),
    });
    const updated = entry('2025-01-02T00:00:00.000Z', {
      command: 'update',
      operation: 'update',
      client_id: 'c1',
      before: clientSnapshot(v1),
      after: clientSnapshot(v2),
    });
    const other = entry('2025-01-03T00:00:00.000Z', {
      command: 'create',
      operation: 'create',
      client_id: 'c2',
      after: clientSnapshot(record('c2')),
    });
    const revoked = entry('2025-01-04T00:00:00.000Z', {
      command: 'revoke-token',
      operation: 'revoke-token',
      jti: 'j1',
    });
    const deleted = entry('2025-01-05T00:00:00.000Z', {
      command: 'delete',
      operation: 'delete',
      client_id: 'c2',
      before: clientSnapshot(record('c2')),
    });

    // Act
    await store.createClient(v1, created);
    await store.updateClient(v2, 1, updated);
    await store.createClient(record('c2'), other);
    await store.revokeToken({ jti: 'j1', clientId: '', expiresAt: 1 }, revoked);
    await store.deleteClient('c2', 1, deleted);

    // Assert: the trail, newest first, per client and whole
    await expect(store.listAuditEntries('c1')).resolves.toEqual([updated, created]);
    await expect(store.listAuditEntries('c2')).resolves.toEqual([deleted, other]);
    await expect(store.listAuditEntries()).resolves.toEqual([
      deleted,
      revoked,
      other,
      updated,
      created,
    ]);
    // ... stored under audit# keys beside the records, the key not repeated inside ...
    const clients = await stored();
    expect(clients[created.key]).toEqual({ ...created, key: undefined });
    expect(Object.keys(clients).filter((k) => k.startsWith('audit#'))).toHaveLength(5);
    // ... never a client, never a hash, and kept past a write that drops expired reserved entries
    await expect(store.listClients()).resolves.toEqual([v2]);
    await expect(store.getClient(created.key)).resolves.toBeUndefined();
    const text = await fs.readFile(file(), 'utf8');
    const trail = text.slice(text.indexOf('"audit#'));
    expect(trail).not.toContain(HASH);
    await store.revokeToken({ jti: 'j2', clientId: '', expiresAt: 1 });
    await expect(store.listAuditEntries()).resolves.toHaveLength(5);
  });

  it('writes neither the change nor its entry when the change is refused', async () => {
    // Arrange
    await store.createClient(record('c1'));
    const stale = entry('2025-01-02T00:00:00.000Z', {
      command: 'update',
      operation: 'update',
      client_id: 'c1',
    });

    // Act
    const update = store.updateClient(record('c1', { name: 'x', version: 8 }), 7, stale);

    // Assert
    await expect(update).rejects.toBeInstanceOf(ConcurrentModificationError);
    await expect(store.listAuditEntries()).resolves.toEqual([]);
    await expect(store.getClient('c1')).resolves.toMatchObject({ name: 'client c1', version: 1 });
  });

  it('writes neither when the entry cannot be written: an entry is never overwritten', async () => {
    // Arrange
    const first = entry('2025-01-01T00:00:00.000Z', {
      command: 'create',
      operation: 'create',
      client_id: 'c1',
      after: clientSnapshot(record('c1')),
    });
    await store.createClient(record('c1'), first);
    const sameKey: AuditEntry = {
      ...first,
      command: 'update',
      operation: 'update',
      before: clientSnapshot(record('c1')),
      after: clientSnapshot(record('c1', { name: 'renamed', version: 2 })),
    };

    // Act
    const update = store.updateClient(record('c1', { name: 'renamed', version: 2 }), 1, sameKey);
    const notAnEntry = store.createClient(record('c3'), { ...first, key: 'revoked#x' });

    // Assert: the change is not made, and the first entry is intact
    await expect(update).rejects.toThrow(
      new ServerError(`the audit entry ${first.key} already exists; nothing was changed`),
    );
    await expect(notAnEntry).rejects.toBeInstanceOf(ServerError);
    await expect(store.getClient('c1')).resolves.toMatchObject({ name: 'client c1', version: 1 });
    await expect(store.getClient('c3')).resolves.toBeUndefined();
    await expect(store.listAuditEntries()).resolves.toEqual([first]);
  });

  it('reports an entry it cannot read, naming it, and still serves the clients', async () => {
    // Arrange: an entry edited by hand (no actor)
    const good = entry('2025-01-01T00:00:00.000Z', {
      command: 'create',
      operation: 'create',
      client_id: 'c1',
      after: clientSnapshot(record('c1')),
    });
    await store.createClient(record('c1'), good);
    const clients = await stored();
    const { actor: _dropped, ...forged } = clients[good.key] as Record<string, unknown>;
    clients[good.key] = forged;
    await fs.writeFile(file(), JSON.stringify({ clients }));

    // Act
    const trail = store.listAuditEntries('c1');

    // Assert
    await expect(trail).rejects.toThrow(`audit entry ${good.key} is malformed (actor)`);
    await expect(trail).rejects.toBeInstanceOf(ServerError);
    await expect(store.listClients()).resolves.toHaveLength(1);
  });
});
