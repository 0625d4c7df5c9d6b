// Writes byte-for-byte reproducible zip archives: sorted entries, fixed time, fixed Unix permissions.
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';

/** One file to put in a zip archive. */
export interface ZipEntry {
  /** Path inside the archive, with `/` separators and no leading slash. */
  path: string;
  data: Uint8Array;
}

/** Summary of an archive, in the forms Terraform and humans compare. */
export interface ZipDigest {
  bytes: number;
  /** Hex SHA-256. */
  sha256: string;
  /** Base64 SHA-256, equal to Terraform's `filebase64sha256()` (Lambda `source_code_hash`). */
  base64Sha256: string;
}

/**
 * DOS time stamps hold local wall-clock fields and fflate reads them with local-time getters, so
 * the date is built from local fields: every time zone then writes 1980-01-01 00:00:00.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Host system "Unix" (APPNOTE 4.4.2.2), so the external attributes carry permissions. */
const OS_UNIX = 3;

/** Regular file, rw-r--r--: Lambda needs every file world-readable; nothing needs to execute. */
const FILE_ATTRS = (0o100644 << 16) >>> 0;

/**
 * Builds a zip whose bytes depend only on the entries' paths and contents.
 * @param entries files to store; order does not matter (they are sorted by path)
 * @returns the archive bytes
 */
export function reproducibleZip(entries: readonly ZipEntry[]): Uint8Array {
  const seen = new Set<string>();
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const zippable: Zippable = {};
  for (const entry of sorted) {
    if (
      entry.path.startsWith('/') ||
      entry.path.includes('\\') ||
      entry.path.split('/').includes('..')
    ) {
      throw new Error(`invalid zip entry path: ${entry.path}`);
    }
    if (seen.has(entry.path)) throw new Error(`duplicate zip entry: ${entry.path}`);
    seen.add(entry.path);
    zippable[entry.path] = [
      entry.data,
      { level: 9, mtime: FIXED_MTIME, os: OS_UNIX, attrs: FILE_ATTRS },
    ];
  }
  return zipSync(zippable);
}

/**
 * Digests of an archive.
 * @param data archive bytes
 * @returns size, hex SHA-256 and base64 SHA-256
 */
export function digestZip(data: Uint8Array): ZipDigest {
  const hash = createHash('sha256').update(data).digest();
  return {
    bytes: data.byteLength,
    sha256: hash.toString('hex'),
    base64Sha256: hash.toString('base64'),
  };
}
