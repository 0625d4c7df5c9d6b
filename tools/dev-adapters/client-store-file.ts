// Local file client store (<dataDir>/clients.json) for `npm start`: atomic, lock-protected, versioned writes.
import {
  isReservedKey,
  revokedJtiKey,
  type RevocationState,
} from '../../functions/shared/revocation';
import type {
  AssertionReplayCache,
  AssertionUse,
  LastUse,
  LastUseRecorder,
  RevokedToken,
} from '../../functions/token/core/types';
import { replayEntryKey } from '../../functions/token/core/replay-keys';
import { promises as fs, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { ServerError, TemporarilyUnavailableError } from '../../functions/token/core/errors';
import type { ClientAdminStore } from './client-admin-store';
import type { ClientRecord } from '../../functions/token/core/types';
import { byClientId, isObject } from '../../functions/token/adapters/client-record';
import { ClientExistsError, ClientNotFoundError, ConcurrentModificationError } from './errors';
import { acquireFileLock, writeFileAtomically } from './file-lock';
import {
  addAuditEntry,
  checked,
  dropExpired,
  expectVersion,
  parseFile,
  statKey,
  type ClientsMap,
  type RevokedEntry,
} from './client-file-entries';
import {
  isAuditKey,
  MalformedAuditEntryError,
  newestFirst,
  parseAuditEntry,
  type AuditEntry,
} from './audit-entry';

/** File name of the client records inside the data directory. */
export const CLIENTS_FILE = 'clients.json';

/** Options of {@link FileClientStore}. */
export interface FileClientStoreOptions {
  /** Directory holding `clients.json` (created with mode 0700 on the first write). */
  dataDir: string;
  /** How long a writer waits for the lock before giving up (default 10 s). */
  lockTimeoutMs?: number;
  /** A lock file older than this is considered left behind by a crashed writer (default 30 s). */
  staleLockMs?: number;
}

interface CacheEntry {
  key: string;
  clients: ClientsMap;
}

/**
 * Client store on a JSON file: `{"clients": {"<client_id>": ClientRecord}}`.
 * Reads see every change at once (the file is re-read when its inode, size or mtime change), so a
 * client created by the CLI works without a restart. Writes take a lock file (exclusive create) for
 * the read-modify-write, compare `version` exactly like the DynamoDB store, and replace the file
 * atomically (temporary file with mode 0600, then rename), so readers never see a partial file.
 * An audit entry given with a write goes into the same file write, under its `audit#` key, so the
 * change and its entry land together or not at all, as in the DynamoDB store's transaction.
 */
export class FileClientStore implements ClientAdminStore, AssertionReplayCache, LastUseRecorder {
  /** Path of `clients.json`. */
  readonly filePath: string;
  private readonly dataDir: string;
  private readonly lockPath: string;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;
  private cache: CacheEntry | undefined;

  /**
   * @param options data directory and lock tuning
   */
  constructor(options: FileClientStoreOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.filePath = path.join(this.dataDir, CLIENTS_FILE);
    this.lockPath = `${this.filePath}.lock`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
  }

  /**
   * Reads one client from the current file.
   * @param clientId the client id
   * @returns the record, or undefined when no such client exists (or the file does not exist yet)
   * @throws ServerError when the file or the record is malformed or unreadable
   */
  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    if (isReservedKey(clientId)) return undefined;
    const clients = await this.guard(() => this.readCached());
    return clients.has(clientId) ? checked(clientId, clients.get(clientId)) : undefined;
  }

  /**
   * Adds a client unless its id is taken.
   * @param record the new client
   * @param audit the change's audit entry, written with it
   * @throws ClientExistsError when the id is taken
   */
  async createClient(record: ClientRecord, audit?: AuditEntry): Promise<void> {
    await this.modify((clients) => {
      if (clients.has(record.client_id)) throw new ClientExistsError(record.client_id);
      clients.set(record.client_id, record);
    }, audit);
  }

  /**
   * Replaces a client if its stored version is still `expectedVersion`.
   * @param record the new record (with `version = expectedVersion + 1`)
   * @param expectedVersion the version the caller read
   * @param audit the change's audit entry, written with it
   * @throws ClientNotFoundError or ConcurrentModificationError
   */
  async updateClient(
    record: ClientRecord,
    expectedVersion: number,
    audit?: AuditEntry,
  ): Promise<void> {
    await this.modify((clients) => {
      expectVersion(clients, record.client_id, expectedVersion);
      clients.set(record.client_id, record);
    }, audit);
  }

  /**
   * Deletes a client if its stored version is still `expectedVersion`.
   * @param clientId the client id
   * @param expectedVersion the version the caller read
   * @param audit the change's audit entry, written with it
   * @throws ClientNotFoundError or ConcurrentModificationError
   */
  async deleteClient(clientId: string, expectedVersion: number, audit?: AuditEntry): Promise<void> {
    await this.modify((clients) => {
      expectVersion(clients, clientId, expectedVersion);
      clients.delete(clientId);
    }, audit);
  }

  /**
   * @returns every client, sorted by client id
   */
  async listClients(): Promise<ClientRecord[]> {
    const clients = await this.guard(() => this.readCached());
    return [...clients.entries()]
      .filter(([id]) => !isReservedKey(id))
      .map(([id, raw]) => checked(id, raw))
      .sort(byClientId);
  }

  /**
   * The audit trail kept in the file (`audit#` entries).
   * @param clientId one client's entries, or every entry when undefined
   * @returns the entries, newest first
   * @throws ServerError when an entry cannot be read
   */
  async listAuditEntries(clientId?: string): Promise<AuditEntry[]> {
    const clients = await this.guard(() => this.readCached());
    const entries: AuditEntry[] = [];
    for (const [key, raw] of clients) {
      if (!isAuditKey(key)) continue;
      let entry: AuditEntry;
      try {
        entry = parseAuditEntry(key, raw);
      } catch (err) {
        /* istanbul ignore next -- parseAuditEntry throws nothing else */
        if (!(err instanceof MalformedAuditEntryError)) throw err;
        throw new ServerError(err.message, { cause: err });
      }
      if (clientId === undefined || entry.client_id === clientId) entries.push(entry);
    }
    return entries.sort(newestFirst);
  }

  /**
   * Records a revoked token as a `revoked#<jti>` entry, as the DynamoDB table does (idempotent).
   * Expired entries are dropped on each write, the file's stand-in for DynamoDB TTL.
   * @param token the revoked token
   * @param audit the revocation's audit entry (`revoke-token`), written with it
   */
  async revokeToken(token: RevokedToken, audit?: AuditEntry): Promise<void> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    await this.modify((clients) => {
      dropExpired(clients, nowSeconds);
      clients.set(revokedJtiKey(token.jti), {
        revoked_client_id: token.clientId,
        expires_at: token.expiresAt,
      });
    }, audit);
  }

  /**
   * The local replay cache of `private_key_jwt` assertions and DPoP proofs: a `jti#<digest>` entry (replayEntryKey) written
   * under the file lock, as the DynamoDB adapter's conditional PutItem does. Expired entries (of
   * any reserved kind) are dropped on each write, the file's stand-in for DynamoDB TTL.
   * @param use client, jti and expiry
   * @returns true on the first use, false on a replay
   */
  async useOnce(use: AssertionUse): Promise<boolean> {
    return this.useKeyOnce(replayEntryKey(use), use.expiresAt);
  }

  /**
   * Writes a reserved single-use entry (`jti#…`, `dpopjti#…`) unless it exists and has not
   * expired: the file's stand-in for the conditional PutItem both functions' replay writes make.
   * @param key the entry's key; it must hold `#`, so that it can never name a client
   * @param expiresAt epoch seconds after which the entry may go
   * @returns true on the first use, false on a replay
   * @throws Error for a key without `#`
   */
  async useKeyOnce(key: string, expiresAt: number): Promise<boolean> {
    if (!isReservedKey(key)) throw new Error('a single-use entry key must hold "#"');
    const nowSeconds = Math.floor(Date.now() / 1000);
    let first = false;
    await this.modify((clients) => {
      dropExpired(clients, nowSeconds);
      if (clients.has(key)) return;
      clients.set(key, { expires_at: expiresAt });
      first = true;
    });
    return first;
  }

  /**
   * The local last-use record: sets `last_used_at` under the file lock when the client exists and
   * its stored last use is absent or before `staleBefore`, as the DynamoDB adapter's conditional
   * UpdateItem does; otherwise writes nothing. Only that field changes: not `version` or
   * `updated_at`, so a CLI command that read the client before still writes after it.
   * @param use the client and the times
   * @returns true when written, false when the stored value was kept
   */
  async recordUse(use: LastUse): Promise<boolean> {
    if (isReservedKey(use.clientId)) return false;
    let written = false;
    await this.modify((clients) => {
      const raw = clients.get(use.clientId);
      if (!isObject(raw)) return false;
      const stored = raw.last_used_at;
      if (typeof stored === 'string' && !(Date.parse(stored) < Date.parse(use.staleBefore))) {
        return false;
      }
      clients.set(use.clientId, { ...raw, last_used_at: use.usedAt });
      written = true;
      return true;
    });
    return written;
  }

  /**
   * @param jti a token id
   * @returns epoch seconds until which it is revoked, or undefined
   */
  async revokedUntil(jti: string): Promise<number | undefined> {
    const clients = await this.guard(() => this.readCached());
    const raw = clients.get(revokedJtiKey(jti)) as RevokedEntry | undefined;
    if (raw === undefined) return undefined;
    const n = Number(raw?.expires_at);
    return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
  }

  /**
   * What the authorizer reads (the local stand-in for its BatchGetItem).
   * @param clientId the token's client
   * @param jti the token's id
   * @returns the revocation state
   */
  async revocationState(clientId: string, jti: string): Promise<RevocationState> {
    const client = isReservedKey(clientId) ? undefined : await this.getClient(clientId);
    return {
      client: client?.status === 'active' ? 'active' : 'inactive',
      tokensNotBefore: client?.tokens_not_before,
      jtiRevokedUntil: await this.revokedUntil(jti),
      usageKey: client?.usage_key,
    };
  }

  /**
   * Runs a read-modify-write under the lock; the change function throws to abort without writing,
   * or returns false when there is nothing to write.
   * @param change the change to the entries
   * @param audit an audit entry to add in the same write; its key must be new
   */
  private async modify(
    change: (clients: ClientsMap) => void | boolean,
    audit?: AuditEntry,
  ): Promise<void> {
    await this.guard(async () => {
      await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      const release = await this.lock();
      try {
        // Read the file itself (not the cache) while holding the lock: it is the truth to compare with.
        const { clients } = await this.readFile();
        if (change(clients) === false) return;
        if (audit !== undefined) addAuditEntry(clients, audit);
        await this.writeAtomically(clients);
      } finally {
        await release();
      }
    });
  }

  /** Maps unexpected failures (fs errors, malformed file) to ServerError; store errors pass through. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (
        err instanceof ClientExistsError ||
        err instanceof ClientNotFoundError ||
        err instanceof ConcurrentModificationError ||
        err instanceof ServerError ||
        err instanceof TemporarilyUnavailableError
      ) {
        throw err;
      }
      throw new ServerError('the local client store failed', { cause: err });
    }
  }

  private async readCached(): Promise<ClientsMap> {
    let stats: BigIntStats;
    try {
      stats = await fs.stat(this.filePath, { bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    const key = statKey(stats);
    if (this.cache?.key === key) return this.cache.clients;
    const read = await this.readFile();
    // Cache what was read under the key of the file that was read (it may have been replaced since the stat).
    if (read.key !== undefined) this.cache = { key: read.key, clients: read.clients };
    return read.clients;
  }

  private async readFile(): Promise<{ key?: string; clients: ClientsMap }> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.filePath, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { clients: new Map() };
      throw err;
    }
    try {
      // Stat and read the same open file, so the cache key always matches the content.
      const stats = await handle.stat({ bigint: true });
      const text = await handle.readFile('utf8');
      return { key: statKey(stats), clients: parseFile(text) };
    } finally {
      await handle.close();
    }
  }

  private async writeAtomically(clients: ClientsMap): Promise<void> {
    await writeFileAtomically(
      this.filePath,
      `${JSON.stringify({ clients: Object.fromEntries(clients) }, null, 2)}\n`,
    );
    this.cache = undefined;
  }

  private lock(): Promise<() => Promise<void>> {
    return acquireFileLock({
      lockPath: this.lockPath,
      timeoutMs: this.lockTimeoutMs,
      staleMs: this.staleLockMs,
      busyMessage: 'the local client store is busy; retry later',
    });
  }
}
