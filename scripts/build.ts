// `npm run build`: bundles each Lambda handler with esbuild into a reproducible dist/<name>.zip.
import fs from 'node:fs';
import path from 'node:path';
import { bundleFunction, type SourcemapMode } from './lib/build/bundle-function';
import { FUNCTIONS } from './lib/build/functions';
import type { LambdaArch } from './lib/build/native-argon2';
import { EXIT } from '../tools/cli/exit-codes';
import { parseStrictFlags } from '../tools/cli/strict-flags';
import { UsageError } from '../tools/cli/usage-error';

export { FUNCTIONS };

const ROOT = path.resolve(__dirname, '..');
const ARCHES: LambdaArch[] = ['arm64', 'x86_64'];
const SOURCEMAPS: SourcemapMode[] = ['external', 'linked', 'none'];

const USAGE = `Usage: npm run build -- [--arch arm64|x86_64] [--out-dir DIR] [--function NAME]... [--sourcemap external|linked|none]

  --arch       Lambda architecture of the native argon2 binary (default arm64)
  --out-dir    where the zips go (default dist)
  --function   build only this function (${Object.keys(FUNCTIONS).join(', ')}); repeatable
  --sourcemap  external (default): dist/<name>/index.js.map beside the zip, not in it;
               linked: the map inside the zip, for NODE_OPTIONS=--enable-source-maps; none`;

interface BuildOptions {
  arch: LambdaArch;
  outDir: string;
  functions: string[];
  sourcemap: SourcemapMode;
}

function parseOptions(argv: string[]): BuildOptions {
  const { values } = parseStrictFlags(argv, {
    arch: { type: 'string', default: 'arm64' },
    'out-dir': { type: 'string', default: 'dist' },
    function: { type: 'string', multiple: true },
    sourcemap: { type: 'string', default: 'external' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(EXIT.OK);
  }
  if (!ARCHES.includes(values.arch as LambdaArch)) {
    throw new UsageError(`--arch must be one of ${ARCHES.join(', ')} (got "${values.arch}")`);
  }
  if (!SOURCEMAPS.includes(values.sourcemap as SourcemapMode)) {
    throw new UsageError(
      `--sourcemap must be one of ${SOURCEMAPS.join(', ')} (got "${values.sourcemap}")`,
    );
  }
  if (!values['out-dir']) throw new UsageError('--out-dir must not be empty');
  const functions = values.function ?? Object.keys(FUNCTIONS);
  for (const name of functions) {
    if (!FUNCTIONS[name]) {
      throw new UsageError(
        `--function must be one of ${Object.keys(FUNCTIONS).join(', ')} (got "${name}")`,
      );
    }
  }
  return {
    arch: values.arch as LambdaArch,
    outDir: path.resolve(values['out-dir']),
    functions: [...new Set(functions)],
    sourcemap: values.sourcemap as SourcemapMode,
  };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  const log = (line: string): void => console.log(line);
  fs.mkdirSync(options.outDir, { recursive: true });
  for (const name of options.functions) {
    const entry = FUNCTIONS[name] as string;
    const result = await bundleFunction({
      root: ROOT,
      name,
      entry,
      arch: options.arch,
      sourcemap: options.sourcemap,
      cacheDir: path.join(ROOT, '.cache', 'npm-pack'),
      log,
    });
    const zipPath = path.join(options.outDir, `${name}.zip`);
    fs.writeFileSync(zipPath, result.zip);
    // The unzipped bundle and its map, for inspection, benchmarks and mapping stack traces.
    const looseDir = path.join(options.outDir, name);
    fs.rmSync(looseDir, { recursive: true, force: true });
    fs.mkdirSync(looseDir, { recursive: true });
    fs.writeFileSync(path.join(looseDir, 'index.js'), result.code);
    if (result.map) fs.writeFileSync(path.join(looseDir, 'index.js.map'), result.map);
    const { bytes, sha256, base64Sha256 } = result.digest;
    const shown = path.relative(process.cwd(), zipPath);
    log(
      `${shown.startsWith('..') ? zipPath : shown}: ${bytes} bytes (${kib(bytes)}), ` +
        `index.js ${kib(result.code.byteLength)}, arch ${options.arch}, ${result.entries.length} files`,
    );
    log(`  sha256 ${sha256}`);
    log(`  filebase64sha256 ${base64Sha256}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`build: ${err.message}\n\n${USAGE}`);
    process.exit(EXIT.USAGE);
  }
  console.error(`build failed: ${(err as Error).message}`);
  process.exit(EXIT.FAILURE);
});
