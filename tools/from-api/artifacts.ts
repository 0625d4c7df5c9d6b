// Finds the built zip a deployed function runs (by Lambda's CodeSha256), unpacks it and checks its native binaries fit this machine.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { FromApiError } from './errors';

/** A built zip and its digest in Lambda's `CodeSha256` form (base64 SHA-256 of the zip file). */
export interface Artifact {
  file: string;
  codeSha256: string;
}

/**
 * Digest of a zip as Lambda reports it in `CodeSha256` (and Terraform's `filebase64sha256`).
 * @param data zip bytes
 * @returns base64 SHA-256
 */
export function lambdaCodeSha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

/**
 * Lists the zips of an artifacts directory (not recursive) with their digests.
 * @param dir directory, e.g. `dist/`
 * @returns the artifacts; none when the directory does not exist
 */
export function listArtifacts(dir: string): Artifact[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.zip'))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      return { file, codeSha256: lambdaCodeSha256(fs.readFileSync(file)) };
    });
}

/**
 * Picks the zip whose digest equals the deployed function's, so the code that runs locally is
 * byte for byte the code that was deployed.
 * @param fn function name, deployed digest and architecture
 * @param artifacts candidates from {@link listArtifacts}
 * @param dir the directory searched, for the message
 * @returns the matching artifact
 * @throws FromApiError naming the function and how to rebuild
 */
export function findArtifact(
  fn: { name: string; codeSha256: string; architecture: string },
  artifacts: Artifact[],
  dir: string,
): Artifact {
  const match = artifacts.find((a) => a.codeSha256 === fn.codeSha256);
  if (match) return match;
  const searched = artifacts.length
    ? `none of ${artifacts.map((a) => path.basename(a.file)).join(', ')} in ${dir} matches`
    : `${dir} holds no zip`;
  throw new FromApiError(
    `function ${fn.name}: its deployed code (CodeSha256 ${fn.codeSha256}) was not found: ${searched}. ` +
      `Run \`npm run build -- --arch ${fn.architecture}\` on the same commit as the deployment ` +
      '(builds are reproducible), or pass --artifacts-dir DIR with the zips that were deployed.',
  );
}

/**
 * Unpacks a zip into an empty directory; entries may not escape it.
 * @param file zip path
 * @param dir destination (created)
 * @returns paths inside the archive
 */
export function unpackArtifact(file: string, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const root = path.resolve(dir);
  const entries = unzipSync(fs.readFileSync(file));
  for (const [name, data] of Object.entries(entries)) {
    const target = path.resolve(root, name);
    if (!target.startsWith(root + path.sep)) {
      throw new FromApiError(`${file}: entry ${name} would unpack outside the directory`);
    }
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
  return Object.keys(entries).sort();
}

/** ELF `e_machine` values of the Lambda architectures, as Node's `process.arch` names them. */
const ELF_MACHINES: Record<number, string> = { 0x3e: 'x64', 0xb7: 'arm64' };

/**
 * Describes a native addon's platform from its header.
 * @param data the `.node` file
 * @returns e.g. `linux-x64`, `linux-arm64`, or `unknown` (not ELF: macOS, Windows)
 */
export function nativePlatform(data: Uint8Array): string {
  const isElf = data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
  if (!isElf || data.length < 20) return 'unknown';
  // e_machine is at offset 18; little-endian for both Lambda architectures (EI_DATA = 1).
  const machine = (data[18] as number) | ((data[19] as number) << 8);
  return `linux-${ELF_MACHINES[machine] ?? `machine-${machine}`}`;
}

/**
 * Checks that every native addon in an unpacked function loads on this machine. A Lambda zip
 * carries Linux binaries for its architecture only: an arm64 build cannot run on x64 here.
 * @param fn function name and deployed architecture, for the message
 * @param dir unpacked zip
 * @param host this machine, default `process.platform-process.arch`
 * @throws FromApiError naming the function, the binary and what to do
 */
export function checkNativeAddons(
  fn: { name: string; architecture: string },
  dir: string,
  host = `${process.platform}-${process.arch}`,
): void {
  const walk = (current: string): string[] =>
    fs.readdirSync(current, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.name.endsWith('.node') ? [full] : [];
    });
  for (const file of walk(dir)) {
    const platform = nativePlatform(fs.readFileSync(file));
    if (platform === host) continue;
    const hostArch = process.arch === 'x64' ? 'x86_64' : process.arch;
    throw new FromApiError(
      `function ${fn.name} (${fn.architecture}): its zip holds the native module ` +
        `${path.relative(dir, file)} built for ${platform}, which cannot load on this machine ` +
        `(${host}). To run it here, deploy a build for this machine's architecture ` +
        `(\`npm run build -- --arch ${hostArch}\` and lambda_architecture = "${hostArch}"), or run ` +
        `\`npm start -- --from-api\` on a ${platform} machine.`,
    );
  }
}
