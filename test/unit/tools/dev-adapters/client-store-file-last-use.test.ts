// Unit tests of the local file store's last-use record (npm start): the same condition as the DynamoDB update, under the file lock, and nothing else changed.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileClientStore } from '../../../../tools/dev-adapters/client-store-file';
import { clientRecord } from '../../../support/token-fakes';

const USED_AT = '2026-01-02T03:04:05.678Z';
const STALE_BEFORE = '2026-01-02T02:04:05.678Z';
const use = (clientId = 'client-1') => ({ clientId, usedAt: USED_AT, staleBefore: STALE_BEFORE });

describe('FileClientStore.recordUse', () => {
  let dataDir: string;
  let store: FileClientStore;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-store-last-use-'));
    store = new FileClientStore({ dataDir });
  });

  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('records the first use, and changes nothing else (not version, not updated_at)', async () => {
    // Arrange
    await store.createClient(clientRecord());

    // Act
    const written = await store.recordUse(use());

    // Assert
    expect(written).toBe(true);
    await expect(store.getClient('client-1')).resolves.toEqual(
      clientRecord({ last_used_at: USED_AT }),
    );
  });

  it('replaces a last use older than an hour', async () => {
    // Arrange
    await store.createClient(clientRecord({ last_used_at: '2026-01-01T00:00:00.000Z' }));

    // Act / Assert
    await expect(store.recordUse(use())).resolves.toBe(true);
    expect((await store.getClient('client-1'))?.last_used_at).toBe(USED_AT);
  });

  it.each([
    ['within the hour', '2026-01-02T02:30:00.000Z'],
    ['exactly at the bound', STALE_BEFORE],
  ])('keeps a last use %s and does not rewrite the file', async (_label, recent) => {
    // Arrange
    await store.createClient(clientRecord({ last_used_at: recent }));
    const before = await fs.stat(path.join(dataDir, 'clients.json'), { bigint: true });

    // Act
    const written = await store.recordUse(use());

    // Assert
    expect(written).toBe(false);
    expect((await store.getClient('client-1'))?.last_used_at).toBe(recent);
    const after = await fs.stat(path.join(dataDir, 'clients.json'), { bigint: true });
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeNs).toBe(before.mtimeNs);
  });

  it('creates nothing for a client that does not exist, nor for a reserved key', async () => {
    // Arrange
    await store.createClient(clientRecord());

    // Act / Assert
    await expect(store.recordUse(use('gone'))).resolves.toBe(false);
    await expect(store.recordUse(use('revoked#j1'))).resolves.toBe(false);
    expect((await store.listClients()).map((r) => r.client_id)).toEqual(['client-1']);
  });

  it('lets a CLI write that read the client before still succeed, keeping the last use it read', async () => {
    // Arrange
    await store.createClient(clientRecord());
    const read = (await store.getClient('client-1'))!;
    await store.recordUse(use());

    // Act: the version is unchanged by the last-use write
    await store.updateClient({ ...read, name: 'renamed', version: read.version + 1 }, read.version);

    // Assert
    expect((await store.getClient('client-1'))?.name).toBe('renamed');
  });
});
