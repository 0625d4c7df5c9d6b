// Unit tests of the file store's replay caches (private_key_jwt assertions, DPoP proofs at both functions): once per key, expired entries dropped, concurrent uses serialised by the lock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileClientStore } from '../../../../tools/dev-adapters/client-store-file';
import { FileDpopReplayCache } from '../../../../tools/dev-adapters/dpop-replay-file';
import { dpopJtiKey } from '../../../../functions/authorizer/core/dpop-request';
import { assertionJtiKey } from '../../../../functions/token/core/replay-keys';
import { jwtClientRecord, clientKeyPair } from '../../../support/client-assertions';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const now = (): number => Math.floor(Date.now() / 1000);

describe('FileClientStore.useOnce', () => {
  it('accepts a jti once per client', async () => {
    // Arrange
    const store = new FileClientStore({ dataDir: dir });
    const use = { clientId: 'c1', jti: 'j1', expiresAt: now() + 60 };

    // Act
    const results = [
      await store.useOnce(use),
      await store.useOnce(use),
      await store.useOnce({ ...use, clientId: 'c2' }),
    ];

    // Assert
    expect(results).toEqual([true, false, true]);
  });

  it('lets one of many concurrent uses through, across two store instances on one file', async () => {
    // Arrange
    const a = new FileClientStore({ dataDir: dir });
    const b = new FileClientStore({ dataDir: dir });
    const use = { clientId: 'c1', jti: 'race', expiresAt: now() + 60 };

    // Act
    const results = await Promise.all([a, b, a, b, a, b].map((s) => s.useOnce(use)));

    // Assert
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('drops expired entries on the next write, so the file does not grow', async () => {
    // Arrange
    const store = new FileClientStore({ dataDir: dir });
    await store.useOnce({ clientId: 'c1', jti: 'old', expiresAt: now() - 1 });

    // Act
    await store.useOnce({ clientId: 'c1', jti: 'new', expiresAt: now() + 60 });

    // Assert
    const file = JSON.parse(fs.readFileSync(store.filePath, 'utf8')) as { clients: object };
    expect(Object.keys(file.clients)).toEqual([assertionJtiKey('c1', 'new')]);
  });

  it('keeps jti entries out of the client list, and stores and reads a JWKS record', async () => {
    // Arrange
    const store = new FileClientStore({ dataDir: dir });
    const record = jwtClientRecord([clientKeyPair('ES256').jwk]);
    await store.createClient(record);
    await store.useOnce({ clientId: record.client_id, jti: 'j', expiresAt: now() + 60 });

    // Act
    const listed = await store.listClients();

    // Assert
    expect(listed).toEqual([record]);
    expect(await store.getClient(assertionJtiKey(record.client_id, 'j'))).toBeUndefined();
  });
});

describe('FileDpopReplayCache (the authorizer side, npm start)', () => {
  it('records a dpopjti# key once, beside the token side, and refuses any other key', async () => {
    // Arrange
    const store = new FileClientStore({ dataDir: dir });
    const cache = new FileDpopReplayCache(store);
    const use = { key: dpopJtiKey('jkt', 'j1'), expiresAt: now() + 60 };
    await store.useOnce({ clientId: 'c1', jti: 'j1', expiresAt: now() + 60 });

    // Act
    const results = [await cache.useOnce(use), await cache.useOnce(use)];
    const foreign = cache.useOnce({ key: assertionJtiKey('c1', 'j2'), expiresAt: now() + 60 });
    const client = store.useKeyOnce('c1', now() + 60);

    // Assert
    expect(results).toEqual([true, false]);
    await expect(foreign).rejects.toThrow(/dpopjti# entries only/);
    await expect(client).rejects.toThrow(/must hold "#"/);
    const file = JSON.parse(fs.readFileSync(store.filePath, 'utf8')) as { clients: object };
    expect(Object.keys(file.clients).sort()).toEqual([assertionJtiKey('c1', 'j1'), use.key].sort());
  });
});
