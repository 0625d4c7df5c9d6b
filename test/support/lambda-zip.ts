// Test helpers for built Lambda zips and the scripts: run the build CLI or any scripts/ entry point, unpack a zip into a directory.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';

const run = promisify(execFile);

/** Repository root. */
export const ROOT = path.resolve(__dirname, '../..');

/** Node flags that run a TypeScript entry point through tsx from any working directory. */
export const TSX_NODE_ARGS = [
  '--import',
  pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
];

/**
 * Runs `scripts/build.ts` (as `npm run build` does) with the given flags.
 * @param args CLI flags, e.g. `['--arch', 'x86_64', '--out-dir', dir]`
 * @returns stdout
 */
export async function runBuild(args: string[], cwd = ROOT): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [...TSX_NODE_ARGS, path.join(ROOT, 'scripts/build.ts'), ...args],
    { cwd, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

/**
 * Unpacks a zip (file modes included) into a directory, which must be empty or absent.
 * @param zipFile path of the archive
 * @param dir destination
 * @returns the paths inside the archive
 */
export function unpackZip(zipFile: string, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  if (fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  const files = unzipSync(fs.readFileSync(zipFile));
  for (const [name, data] of Object.entries(files)) {
    const target = path.join(dir, name);
    if (!target.startsWith(dir + path.sep)) throw new Error(`zip entry escapes: ${name}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
  return Object.keys(files).sort();
}

/** Exit code and output of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry point under scripts/ through tsx, never throwing on a non-zero exit.
 * @param script path relative to the repository root, e.g. `scripts/package.ts`
 * @param args CLI flags
 * @param env environment of the child (default: this process's)
 * @returns exit code and output
 */
export async function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [...TSX_NODE_ARGS, path.join(ROOT, script), ...args],
      { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}
