// Unit tests of the local file client store: format, conditional writes, atomic replace, locking, two-process writers.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FileClientStore } from '../../../../tools/dev-adapters/client-store-file';
import {
  ClientExistsError,
  ClientNotFoundError,
  ConcurrentModificationError,
} from '../../../../tools/dev-adapters/errors';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import type { ClientRecord } from '../../../../functions/token/core/types';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const WRITER = path.join(__dirname, 'fixtures/file-store-writer.ts');

function record(id: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    client_id: id,
    name: `client ${id}`,
    status: 'active',
    secrets: [
      { hash: '$argon2id$v=19$m=19456,t=2,p=1$YQ$Yg', created_at: '2025-01-01T00:00:00.000Z' },
    ],
    scopes: ['a'],
    audiences: [],
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

describe('FileClientStore', () => {
  let dataDir: string;
  let store: FileClientStore;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-store-'));
    store = new FileClientStore({ dataDir: path.join(dataDir, 'data') });
  });

  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const file = (): string => path.join(dataDir, 'data', 'clients.json');

  it('reads nothing before the first write', async () => {
    // Act / Assert
    await expect(store.getClient('c1')).resolves.toBeUndefined();
    await expect(store.listClients()).resolves.toEqual([]);
  });

  it('creates the data dir and writes {"clients": {...}} with mode 0600', async () => {
    // Arrange
    const created = record('c1', { token_ttl_seconds: 300 });

    // Act
    await store.createClient(created);

    // Assert
    const content = JSON.parse(await fs.readFile(file(), 'utf8'));
    expect(content).toEqual({ clients: { c1: created } });
    expect((await fs.stat(file())).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(dataDir, 'data'))).mode & 0o077).toBe(0);
    expect(await fs.readdir(path.join(dataDir, 'data'))).toEqual(['clients.json']);
  });

  it('round-trips create, get, update, list and delete', async () => {
    // Arrange
    await store.createClient(record('b'));
    await store.createClient(record('a'));

    // Act
    await store.updateClient(record('a', { name: 'renamed', version: 2, status: 'disabled' }), 1);
    const afterUpdate = await store.getClient('a');
    const listed = await store.listClients();
    await store.deleteClient('b', 1);

    // Assert
    expect(afterUpdate).toEqual(record('a', { name: 'renamed', version: 2, status: 'disabled' }));
    expect(listed.map((c) => c.client_id)).toEqual(['a', 'b']);
    await expect(store.getClient('b')).resolves.toBeUndefined();
    await expect(store.listClients()).resolves.toHaveLength(1);
  });

  it('has the same conditional semantics as the DynamoDB store', async () => {
    // Arrange
    await store.createClient(record('c1'));

    // Act / Assert
    await expect(store.createClient(record('c1', { name: 'x' }))).rejects.toBeInstanceOf(
      ClientExistsError,
    );
    await expect(store.updateClient(record('ghost', { version: 2 }), 1)).rejects.toBeInstanceOf(
      ClientNotFoundError,
    );
    await expect(store.deleteClient('ghost', 1)).rejects.toBeInstanceOf(ClientNotFoundError);
    await expect(store.updateClient(record('c1', { version: 3 }), 2)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    await expect(store.deleteClient('c1', 0)).rejects.toBeInstanceOf(ConcurrentModificationError);
    await expect(store.getClient('c1')).resolves.toEqual(record('c1'));
  });

  it('sees changes written by another instance (another process) at once', async () => {
    // Arrange
    await store.createClient(record('c1'));
    await store.getClient('c1');
    const other = new FileClientStore({ dataDir: path.join(dataDir, 'data') });

    // Act: same-size change, so only the inode/mtime tells the cache apart
    await other.updateClient(record('c1', { name: 'client c2', version: 2 }), 1);
    const seen = await store.getClient('c1');

    // Assert
    expect(seen?.name).toBe('client c2');
  });

  it('serves repeated reads from its cache while the file is unchanged', async () => {
    // Arrange
    await store.createClient(record('c1'));
    await store.getClient('c1');
    const readFile = jest.spyOn(fs, 'open');

    // Act
    await store.getClient('c1');
    await store.getClient('c1');

    // Assert
    expect(readFile).not.toHaveBeenCalled();
    readFile.mockRestore();
  });

  it.each([
    ['invalid JSON', '{"clients": '],
    ['no clients object', '{"client": {}}'],
    ['an array', '[]'],
  ])('fails with ServerError on a file with %s, and never overwrites it', async (_label, text) => {
    // Arrange
    await fs.mkdir(path.join(dataDir, 'data'));
    await fs.writeFile(file(), text);

    // Act / Assert
    await expect(store.getClient('c1')).rejects.toBeInstanceOf(ServerError);
    await expect(store.createClient(record('c1'))).rejects.toBeInstanceOf(ServerError);
    expect(await fs.readFile(file(), 'utf8')).toBe(text);
  });

  it('keeps the file content (hashes) out of the error of an unparseable file', async () => {
    // Arrange: V8's SyntaxError message would quote the text around "tru".
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
    await fs.mkdir(path.join(dataDir, 'data'));
    await fs.writeFile(file(), `{"clients": {"c1": {"secrets": [{"hash": "${hash}", "x": tru}]}}}`);

    // Act
    const error = await store.getClient('c1').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toBe('the local client store file is not valid JSON');
    expect((error as Error).cause).toBeUndefined();
  });

  it.each([
    ['a record of the wrong shape', { c1: { client_id: 'c1', name: 1 } }],
    ['a record under another id', { c1: record('c2') }],
    ['a null record', { c1: null }],
  ])('fails safely with ServerError on %s', async (_label, clients) => {
    // Arrange
    await fs.mkdir(path.join(dataDir, 'data'));
    await fs.writeFile(file(), JSON.stringify({ clients }));

    // Act
    const error = await store.getClient('c1').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toBe('client store returned a malformed record');
    await expect(store.listClients()).rejects.toBeInstanceOf(ServerError);
  });

  it('does not treat Object.prototype members as clients', async () => {
    // Arrange
    await store.createClient(record('c1'));

    // Act / Assert
    await expect(store.getClient('constructor')).resolves.toBeUndefined();
    await expect(store.getClient('__proto__')).resolves.toBeUndefined();
  });

  it('maps file system failures to ServerError', async () => {
    // Arrange: the data dir path is a file
    await fs.writeFile(path.join(dataDir, 'data'), 'not a directory');

    // Act / Assert
    await expect(store.getClient('c1')).rejects.toBeInstanceOf(ServerError);
    await expect(store.createClient(record('c1'))).rejects.toBeInstanceOf(ServerError);
  });

  it('removes its temporary file when the rename fails', async () => {
    // Arrange
    const rename = jest.spyOn(fs, 'rename').mockRejectedValueOnce(new Error('disk full'));

    // Act
    const error = await store.createClient(record('c1')).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ServerError);
    expect(await fs.readdir(path.join(dataDir, 'data'))).toEqual([]);
    rename.mockRestore();
  });

  it('waits for a held lock, then gives up with TemporarilyUnavailableError', async () => {
    // Arrange
    const locked = new FileClientStore({ dataDir: path.join(dataDir, 'data'), lockTimeoutMs: 150 });
    await fs.mkdir(path.join(dataDir, 'data'));
    await fs.writeFile(`${file()}.lock`, 'someone else\n');

    // Act
    const started = Date.now();
    const error = await locked.createClient(record('c1')).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await fs.readFile(`${file()}.lock`, 'utf8')).toBe('someone else\n');
    await expect(locked.getClient('c1')).resolves.toBeUndefined();
  });

  it('proceeds as soon as the holder releases the lock', async () => {
    // Arrange
    await fs.mkdir(path.join(dataDir, 'data'));
    await fs.writeFile(`${file()}.lock`, 'someone else\n');
    setTimeout(() => void fs.rm(`${file()}.lock`), 100);

    // Act
    await store.createClient(record('c1'));

    // Assert
    await expect(store.getClient('c1')).resolves.toEqual(record('c1'));
  });

  it('breaks a stale lock left by a crashed writer', async () => {
    // Arrange
    const stale = new FileClientStore({ dataDir: path.join(dataDir, 'data'), staleLockMs: 1_000 });
    await fs.mkdir(path.join(dataDir, 'data'));
    await fs.writeFile(`${file()}.lock`, 'crashed\n');
    const past = new Date(Date.now() - 60_000);
    await fs.utimes(`${file()}.lock`, past, past);

    // Act
    await stale.createClient(record('c1'));

    // Assert
    await expect(stale.getClient('c1')).resolves.toEqual(record('c1'));
    await expect(fs.stat(`${file()}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never leaves the lock behind, even when the change is refused', async () => {
    // Arrange
    await store.createClient(record('c1'));

    // Act
    await store.createClient(record('c1')).catch(() => undefined);

    // Assert
    expect(await fs.readdir(path.join(dataDir, 'data'))).toEqual(['clients.json']);
  });

  it('loses no update with many concurrent writers in one process', async () => {
    // Arrange
    await store.createClient(record('counter', { scopes: [] }));
    const writers = Array.from(
      { length: 8 },
      () => new FileClientStore({ dataDir: path.join(dataDir, 'data') }),
    );

    // Act
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < 5; i++) {
          for (;;) {
            const current = (await writer.getClient('counter')) as ClientRecord;
            try {
              await writer.updateClient(
                {
                  ...current,
                  scopes: [...current.scopes, `${w}-${i}`],
                  version: current.version + 1,
                },
                current.version,
              );
              break;
            } catch (err) {
              if (!(err instanceof ConcurrentModificationError)) throw err;
            }
          }
        }
      }),
    );

    // Assert
    const final = (await store.getClient('counter')) as ClientRecord;
    expect(final.version).toBe(41);
    expect(final.scopes).toHaveLength(40);
    expect(new Set(final.scopes).size).toBe(40);
  });

  it('loses no update with two writer processes, and readers never see a partial file', async () => {
    // Arrange
    const dir = path.join(dataDir, 'data');
    await store.createClient(record('counter', { scopes: [], name: 'x'.repeat(50_000) }));
    const perWriter = 25;

    // Act: two processes update while this one keeps reading
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      const observer = new FileClientStore({ dataDir: dir });
      while (reading) {
        const seen = await observer.getClient('counter');
        expect(seen?.scopes.length).toBe((seen?.version ?? 0) - 1);
        reads += 1;
      }
    })();
    const [a, b] = await Promise.all([
      run(TSX, [WRITER, dir, 'A', String(perWriter)], { cwd: ROOT }),
      run(TSX, [WRITER, dir, 'B', String(perWriter)], { cwd: ROOT }),
    ]).finally(() => {
      reading = false;
    });
    await reader;

    // Assert
    const final = (await store.getClient('counter')) as ClientRecord;
    expect(final.version).toBe(1 + 2 * perWriter);
    expect(final.scopes).toHaveLength(2 * perWriter);
    expect(new Set(final.scopes).size).toBe(2 * perWriter);
    expect(reads).toBeGreaterThan(0);
    expect(await fs.readdir(dir)).toEqual(['clients.json']);
    // Each writer reports the conflicts it retried; how many depends on scheduling, so none are required.
    for (const out of [a, b])
      expect(JSON.parse(out.stdout)).toEqual({ conflicts: expect.any(Number) });
  }, 60_000);
});
