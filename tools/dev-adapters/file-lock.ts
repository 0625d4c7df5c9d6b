// A lock file and atomic replacement for the local JSON stores: exclusive create, stale-lock breaking, temporary file then rename.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { TemporarilyUnavailableError } from '../../functions/token/core/errors';

/** Where the lock is and how long to wait for it. */
export interface FileLockOptions {
  /** Path of the lock file, e.g. `clients.json.lock`. */
  lockPath: string;
  /** How long a writer waits for the lock before giving up. */
  timeoutMs: number;
  /** A lock file older than this is considered left behind by a crashed writer. */
  staleMs: number;
  /** The message of the TemporarilyUnavailableError thrown when the wait times out. */
  busyMessage: string;
}

/**
 * Takes the lock file by exclusive create, retrying with jittered backoff; breaks a lock older
 * than `staleMs` (a writer that crashed). Holders keep it for milliseconds only.
 * @param options the lock file and its timings
 * @returns a function that releases the lock
 * @throws TemporarilyUnavailableError when another writer holds the lock past the timeout
 */
export async function acquireFileLock(options: FileLockOptions): Promise<() => Promise<void>> {
  const { lockPath } = options;
  const deadline = Date.now() + options.timeoutMs;
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(token, 'utf8');
      } finally {
        await handle.close();
      }
      return () => unlock(lockPath, token);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await breakStaleLock(lockPath, options.staleMs)) continue;
    if (Date.now() >= deadline) {
      throw new TemporarilyUnavailableError(options.busyMessage, {
        cause: new Error(`lock file ${lockPath} is held by another writer`),
      });
    }
    const backoff = Math.min(100, 2 ** Math.min(attempt, 7)) * (0.5 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, backoff));
  }
}

/**
 * Replaces a file atomically: a temporary file with mode 0600, synced, then renamed over it, so
 * readers never see a partial file.
 * @param filePath the file to replace
 * @param body its new content
 */
export async function writeFileAtomically(filePath: string, body: string): Promise<void> {
  const tmp = `${filePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(body, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, filePath);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** @returns true when a stale lock was removed (or vanished), so the caller retries at once */
async function breakStaleLock(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const stats = await fs.stat(lockPath);
    if (Date.now() - stats.mtimeMs <= staleMs) return false;
    // Re-check just before removing, so a lock that was replaced meanwhile is not broken.
    const again = await fs.stat(lockPath);
    if (again.ino !== stats.ino || again.mtimeMs !== stats.mtimeMs) return false;
    await fs.rm(lockPath, { force: true });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** Removes the lock only if it is still ours (a stale-lock breaker may have taken it over). */
async function unlock(lockPath: string, token: string): Promise<void> {
  try {
    if ((await fs.readFile(lockPath, 'utf8')) === token) await fs.rm(lockPath);
  } catch {
    // Already gone: nothing to release.
  }
}
