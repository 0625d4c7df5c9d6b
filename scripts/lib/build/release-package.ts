// Builds one release of the Lambda zips: every function for every architecture, SHA256SUMS and manifest.json.
import fs from 'node:fs';
import path from 'node:path';
import { bundleFunction } from './bundle-function';
import type { LambdaArch } from './native-argon2';
import { digestZip } from './reproducible-zip';

/** Architectures a release holds, named as Terraform's `architectures` names them. */
export const RELEASE_ARCHES: LambdaArch[] = ['arm64', 'x86_64'];

/** Name of the manifest file of a release. */
export const MANIFEST_FILE = 'manifest.json';

/** Name of the checksum file of a release (the format `sha256sum --check` reads). */
export const SUMS_FILE = 'SHA256SUMS';

/** Format of manifest.json; the Terraform modules read `artifacts[*]` of this format. */
export const MANIFEST_SCHEMA = 1;

/** One zip of a release, as manifest.json lists it. */
export interface ManifestArtifact {
  function: string;
  architecture: LambdaArch;
  /** File name inside the release (and last part of its S3 key): `<function>-<architecture>.zip`. */
  file: string;
  /** Hex SHA-256 of the zip. */
  sha256: string;
  /** Base64 SHA-256 of the zip: Terraform's `filebase64sha256()`, Lambda's `source_code_hash`. */
  filebase64sha256: string;
  /** Size in bytes. */
  size: number;
}

/** manifest.json of a release. */
export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  name: string;
  version: string;
  artifacts: ManifestArtifact[];
}

/** Semantic version (with an optional pre-release part): it becomes part of S3 keys. */
const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/**
 * Reads name and version from package.json.
 * @param root repository root
 * @returns the package name and its version
 */
export function packageVersion(root: string): { name: string; version: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    name?: string;
    version?: string;
  };
  if (!pkg.name || !pkg.version || !VERSION_PATTERN.test(pkg.version)) {
    throw new Error(
      `package.json needs a name and a version like 1.2.3 (got "${pkg.name}" "${pkg.version}")`,
    );
  }
  return { name: pkg.name, version: pkg.version };
}

/**
 * The release file name of one function's zip.
 * @param fn function name
 * @param arch architecture
 * @returns `<function>-<architecture>.zip`
 */
export function artifactFile(fn: string, arch: LambdaArch): string {
  return `${fn}-${arch}.zip`;
}

/**
 * Formats SHA256SUMS: one `<hex>  <file>` line per file, sorted by file name.
 * @param sums file name to hex SHA-256
 * @returns the file contents
 */
export function formatSums(sums: Record<string, string>): string {
  return Object.keys(sums)
    .sort()
    .map((file) => `${sums[file]}  ${file}\n`)
    .join('');
}

/**
 * Builds every function for every architecture into `outDir` and writes SHA256SUMS and
 * manifest.json beside the zips. The output depends only on the sources, the lockfile and
 * package.json, so two runs write identical bytes.
 * @param options.root repository root
 * @param options.outDir directory for the release files (created when absent)
 * @param options.functions function name to handler entry point
 * @param options.log progress output
 * @returns the manifest written
 */
export async function packageRelease(options: {
  root: string;
  outDir: string;
  functions: Record<string, string>;
  log: (line: string) => void;
}): Promise<Manifest> {
  const { root, outDir, functions, log } = options;
  const { name, version } = packageVersion(root);
  fs.mkdirSync(outDir, { recursive: true });
  const artifacts: ManifestArtifact[] = [];
  for (const arch of RELEASE_ARCHES) {
    for (const fn of Object.keys(functions).sort()) {
      // `external` source maps stay out of the zip, so each zip is byte-identical to the one
      // `npm run build -- --arch <arch>` writes as <function>.zip.
      const built = await bundleFunction({
        root,
        name: fn,
        entry: functions[fn] as string,
        arch,
        sourcemap: 'external',
        cacheDir: path.join(root, '.cache', 'npm-pack'),
        log,
      });
      const file = artifactFile(fn, arch);
      fs.writeFileSync(path.join(outDir, file), built.zip);
      const digest = digestZip(built.zip);
      artifacts.push({
        function: fn,
        architecture: arch,
        file,
        sha256: digest.sha256,
        filebase64sha256: digest.base64Sha256,
        size: digest.bytes,
      });
      log(`${file}: ${digest.bytes} bytes, sha256 ${digest.sha256}`);
    }
  }
  const manifest: Manifest = { schema: MANIFEST_SCHEMA, name, version, artifacts };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, MANIFEST_FILE), manifestBytes);
  const sums: Record<string, string> = Object.fromEntries(artifacts.map((a) => [a.file, a.sha256]));
  sums[MANIFEST_FILE] = digestZip(manifestBytes).sha256;
  fs.writeFileSync(path.join(outDir, SUMS_FILE), formatSums(sums));
  log(`${MANIFEST_FILE} and ${SUMS_FILE}: ${name} ${version}, ${artifacts.length} zips`);
  return manifest;
}

/**
 * Reads and checks a packaged release: manifest.json, and each listed zip against its hash.
 * @param dir directory written by `npm run package`
 * @returns the manifest
 */
export function readRelease(dir: string): Manifest {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`${manifestPath} does not exist: run \`npm run package -- --out-dir ${dir}\``);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch {
    throw new Error(`${manifestPath} is not JSON`);
  }
  if (
    manifest.schema !== MANIFEST_SCHEMA ||
    typeof manifest.version !== 'string' ||
    !VERSION_PATTERN.test(manifest.version) ||
    !Array.isArray(manifest.artifacts) ||
    manifest.artifacts.length === 0
  ) {
    throw new Error(
      `${manifestPath} is not a manifest of \`npm run package\` (schema ${MANIFEST_SCHEMA})`,
    );
  }
  for (const artifact of manifest.artifacts) {
    const file = path.join(dir, path.basename(String(artifact.file)));
    if (artifact.file !== path.basename(file) || !fs.existsSync(file)) {
      throw new Error(`${file}, listed in ${MANIFEST_FILE}, does not exist`);
    }
    const digest = digestZip(fs.readFileSync(file));
    if (digest.sha256 !== artifact.sha256 || digest.base64Sha256 !== artifact.filebase64sha256) {
      throw new Error(`${file} does not match ${MANIFEST_FILE} (sha256 ${digest.sha256})`);
    }
  }
  return manifest;
}
