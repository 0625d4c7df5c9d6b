// Collects the @node-rs/argon2 loader and its prebuilt native binary for a Lambda architecture.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ZipEntry } from './reproducible-zip';

/** Lambda architectures, named as Terraform's `architectures` names them. */
export type LambdaArch = 'arm64' | 'x86_64';

/** The npm package holding the native argon2 binary for each Lambda architecture (glibc). */
export const ARGON2_NATIVE_PACKAGES: Record<LambdaArch, string> = {
  arm64: '@node-rs/argon2-linux-arm64-gnu',
  x86_64: '@node-rs/argon2-linux-x64-gnu',
};

/** The JavaScript loader package, kept external to the bundle. */
export const ARGON2_PACKAGE = '@node-rs/argon2';

/** Files of the loader package the runtime needs (plus its licence). */
const LOADER_FILES = ['package.json', 'index.js', 'LICENSE'];

interface LockEntry {
  version: string;
  integrity?: string;
}

/**
 * Reads a package's locked version and integrity from package-lock.json.
 * @param root repository root
 * @param name package name
 * @returns the lock entry
 */
export function lockedPackage(root: string, name: string): LockEntry {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, LockEntry>;
  };
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version) throw new Error(`${name} is not in package-lock.json; run npm install`);
  return entry;
}

/**
 * Checks bytes against an npm `integrity` string (SRI, e.g. `sha512-…`).
 * @param data tarball bytes
 * @param integrity SRI value from the lockfile
 * @returns true when one of the listed digests matches
 */
export function matchesIntegrity(data: Uint8Array, integrity: string): boolean {
  return integrity.split(/\s+/).some((sri) => {
    const dash = sri.indexOf('-');
    const algorithm = sri.slice(0, dash);
    if (!['sha512', 'sha384', 'sha256'].includes(algorithm)) return false;
    return createHash(algorithm).update(data).digest('base64') === sri.slice(dash + 1);
  });
}

/**
 * Reads the regular files of a gzipped tarball (ustar, as `npm pack` writes it).
 * @param tgz gzipped tar bytes
 * @returns file path (with the leading `package/` removed) to contents
 */
export function readNpmTarball(tgz: Uint8Array): Map<string, Buffer> {
  const tar = gunzipSync(tgz);
  const files = new Map<string, Buffer>();
  const text = (start: number, length: number): string =>
    tar
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const name = text(offset, 100);
    if (!name) break;
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1) || '0';
    const prefix = text(offset + 345, 155);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    let full = longName ?? (prefix ? `${prefix}/${name}` : name);
    longName = undefined;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '7') {
      full = full.replace(/^[^/]+\//, '');
      files.set(full, Buffer.from(body));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * Fetches a locked package's tarball with `npm pack` into the cache (once), verifying it against
 * the lockfile's integrity every time it is used.
 * @param root repository root
 * @param name package name
 * @param cacheDir directory for tarballs (gitignored `.cache/`)
 * @param log progress output
 * @returns the package's files
 */
export function packedPackageFiles(
  root: string,
  name: string,
  cacheDir: string,
  log: (line: string) => void,
): Map<string, Buffer> {
  const { version, integrity } = lockedPackage(root, name);
  if (!integrity) throw new Error(`package-lock.json has no integrity for ${name}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
  if (!fs.existsSync(tarball) || !matchesIntegrity(fs.readFileSync(tarball), integrity)) {
    log(`fetching ${name}@${version} with npm pack into ${path.relative(root, cacheDir)}/`);
    // npm pack honours the user's registry and proxy settings and does not touch node_modules.
    const out = execFileSync(
      'npm',
      ['pack', `${name}@${version}`, '--json', '--pack-destination', cacheDir],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [packed] = JSON.parse(out) as { filename: string }[];
    if (!packed) throw new Error(`npm pack ${name}@${version} returned nothing`);
    const written = path.join(cacheDir, packed.filename.replace(/^@/, '').replace('/', '-'));
    if (written !== tarball) fs.renameSync(written, tarball);
  }
  const data = fs.readFileSync(tarball);
  if (!matchesIntegrity(data, integrity)) {
    fs.rmSync(tarball, { force: true });
    throw new Error(`${tarball} does not match the lockfile integrity of ${name}@${version}`);
  }
  return readNpmTarball(data);
}

function installedFiles(dir: string, keep: (file: string) => boolean): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const file of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isFile() && keep(file)) files.set(file, fs.readFileSync(full));
  }
  return files;
}

/**
 * The zip entries that make `require('@node-rs/argon2')` work on Lambda for one architecture:
 * the loader under node_modules/@node-rs/argon2/ and the binary package beside it.
 * @param options.root repository root
 * @param options.arch Lambda architecture
 * @param options.cacheDir cache for fetched tarballs
 * @param options.log progress output
 * @returns zip entries
 */
export function argon2ZipEntries(options: {
  root: string;
  arch: LambdaArch;
  cacheDir: string;
  log: (line: string) => void;
}): ZipEntry[] {
  const { root, arch, cacheDir, log } = options;
  const entries: ZipEntry[] = [];
  const loaderDir = path.join(root, 'node_modules', ARGON2_PACKAGE);
  const loader = installedFiles(loaderDir, (file) => LOADER_FILES.includes(file));
  for (const [file, data] of loader) {
    entries.push({ path: `node_modules/${ARGON2_PACKAGE}/${file}`, data });
  }

  const nativeName = ARGON2_NATIVE_PACKAGES[arch];
  const { version } = lockedPackage(root, nativeName);
  const installedDir = path.join(root, 'node_modules', nativeName);
  const keepNative = (file: string): boolean =>
    file === 'package.json' || file === 'LICENSE' || file.endsWith('.node');
  let native: Map<string, Buffer>;
  const installedVersion = fs.existsSync(path.join(installedDir, 'package.json'))
    ? (JSON.parse(fs.readFileSync(path.join(installedDir, 'package.json'), 'utf8')) as LockEntry)
        .version
    : undefined;
  if (installedVersion === version) {
    native = installedFiles(installedDir, keepNative);
  } else {
    const packed = packedPackageFiles(root, nativeName, cacheDir, log);
    native = new Map([...packed].filter(([file]) => !file.includes('/') && keepNative(file)));
  }
  if (![...native.keys()].some((file) => file.endsWith('.node'))) {
    throw new Error(`${nativeName}@${version} holds no .node binary`);
  }
  for (const [file, data] of native) {
    entries.push({ path: `node_modules/${nativeName}/${file}`, data });
  }
  return entries;
}
