// The local store's directory (`--local [--data-dir DIR]`) as the clients CLI checks it: it must exist, except for `create`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../../tools/cli/usage-error';

/** What {@link checkDataDir} found. */
export type DataDirState = 'exists' | 'missing';

/**
 * Checks the local store's directory before a command opens it. Without the check, the file
 * store reads a missing directory as an empty one: a mistyped `--data-dir` would print
 * "No clients." (or "no client with id ...") with exit 0, and `revoke-token` would create it.
 * - Every command but `create`: the directory must exist (`npm start` creates it on its first
 *   start).
 * - `create`: a missing directory is allowed, and the store creates it with the first client, so
 *   a client can be created before the first `npm start`, as on a fresh clone; but its parent must
 *   exist, so that a mistyped path is refused rather than created.
 * @param dataDir absolute path of the directory
 * @param mayCreate true for `create`
 * @returns `missing` when `create` will make the directory, else `exists`
 * @throws UsageError naming `--data-dir` and the path
 */
export async function checkDataDir(dataDir: string, mayCreate: boolean): Promise<DataDirState> {
  const kind = await kindOf(dataDir);
  if (kind === 'directory') return 'exists';
  if (kind === 'other') throw new UsageError(`--data-dir ${dataDir} is not a directory`);
  if (!mayCreate) {
    throw new UsageError(
      `--data-dir ${dataDir} does not exist (the default is .local in the working directory, ` +
        'which `npm start` creates): check the path, or start the local server first',
    );
  }
  const parent = path.dirname(dataDir);
  if ((await kindOf(parent)) !== 'directory') {
    throw new UsageError(
      `--data-dir ${dataDir}: its parent ${parent} is not a directory (create makes only the last one)`,
    );
  }
  return 'missing';
}

/** @returns what is at `target`: a directory, something else, or nothing */
async function kindOf(target: string): Promise<'directory' | 'other' | 'none'> {
  try {
    return (await fs.stat(target)).isDirectory() ? 'directory' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a path component is a file, so nothing can be at the path.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'none';
    throw err;
  }
}
