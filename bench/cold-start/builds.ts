// The Lambda bundles the cold-start benchmark compares: "after", the functions/ of this checkout, and "before", functions/ at the last commit whose Lambdas used the AWS SDK, both built by the project's own bundleFunction.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bundleFunction } from '../../scripts/lib/build/bundle-function';
import { FUNCTIONS } from '../../scripts/lib/build/functions';
import type { LambdaArch } from '../../scripts/lib/build/native-argon2';
import { unpackArtifact } from '../../tools/from-api/artifacts';

/** The last commit whose functions/ used the AWS SDK (before the hand-written AWS JSON client). */
export const BEFORE_COMMIT = 'cb0338b';

/** The commit the before build comes from: BENCH_BEFORE_COMMIT, else {@link BEFORE_COMMIT}. */
export const beforeCommit = (): string => process.env.BENCH_BEFORE_COMMIT || BEFORE_COMMIT;

/** One function's zip. */
export interface BuiltFunction {
  zipPath: string;
  zipBytes: number;
  /** index.js inside the zip. */
  codeBytes: number;
}

/** One side of the comparison. */
export interface BenchBuild {
  label: 'after' | 'before';
  /** Where the code came from, for the headings. */
  source: string;
  /** Zips by function name (token, authorizer). */
  functions: Map<string, BuiltFunction>;
  /** The unpacked token zip: the Lambda task root. */
  tokenDir: string;
}

/** A build, or why there is none. */
export type BuildOutcome = { build: BenchBuild } | { skipped: string };

/** @returns this machine's Lambda architecture, whose argon2 binary loads here */
export const hostArch = (): LambdaArch => (process.arch === 'arm64' ? 'arm64' : 'x86_64');

/** Where builds go and what they are built with. */
export interface BuildSettings {
  /** Repository root: esbuild's working directory, node_modules and package-lock.json. */
  root: string;
  /** Scratch directory for the zips and the unpacked token bundles. */
  outDir: string;
  arch: LambdaArch;
  log: (line: string) => void;
}

/**
 * Bundles every function of FUNCTIONS found under `sourceDir`, as `npm run build` does (same
 * function, same options, `--sourcemap external`), writes the zips and unpacks the token zip.
 * @param label after or before
 * @param sourceDir the tree holding functions/, relative to the root ('' for this checkout)
 * @param source description for the headings
 * @param settings root, scratch directory, architecture, log
 * @returns the build
 */
async function buildTree(
  label: BenchBuild['label'],
  sourceDir: string,
  source: string,
  settings: BuildSettings,
): Promise<BenchBuild> {
  const dir = path.join(settings.outDir, label);
  fs.mkdirSync(dir, { recursive: true });
  const functions = new Map<string, BuiltFunction>();
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const sourceEntry = path.join(sourceDir, entry);
    if (!fs.existsSync(path.join(settings.root, sourceEntry))) continue;
    const result = await bundleFunction({
      root: settings.root,
      name,
      entry: sourceEntry,
      arch: settings.arch,
      sourcemap: 'external',
      cacheDir: path.join(settings.root, '.cache', 'npm-pack'),
      log: settings.log,
    });
    const zipPath = path.join(dir, `${name}.zip`);
    fs.writeFileSync(zipPath, result.zip);
    functions.set(name, {
      zipPath,
      zipBytes: result.zip.byteLength,
      codeBytes: result.code.byteLength,
    });
  }
  const token = functions.get('token');
  if (token === undefined) throw new Error(`no ${FUNCTIONS.token} in ${source}`);
  const tokenDir = path.join(dir, 'token');
  unpackArtifact(token.zipPath, tokenDir);
  return { label, source, functions, tokenDir };
}

/**
 * The current build: this checkout's functions/, bundled for this machine's architecture. Should
 * bundling fail, the zips in dist/ are used when they exist.
 * @param settings root, scratch directory, architecture, log
 * @returns the build, or why there is none
 */
export async function buildAfter(settings: BuildSettings): Promise<BuildOutcome> {
  const source = `this checkout (npm run build -- --arch ${settings.arch})`;
  try {
    return { build: await buildTree('after', '', source, settings) };
  } catch (err) {
    const dist = path.join(settings.root, 'dist');
    const distToken = path.join(dist, 'token.zip');
    if (!fs.existsSync(distToken)) {
      return {
        skipped: `bundling failed (${(err as Error).message}) and dist/token.zip is missing`,
      };
    }
    settings.log(`bundling failed (${(err as Error).message}); using the zips in dist/`);
    const functions = new Map<string, BuiltFunction>();
    for (const name of Object.keys(FUNCTIONS)) {
      const zipPath = path.join(dist, `${name}.zip`);
      if (!fs.existsSync(zipPath)) continue;
      const code = path.join(dist, name, 'index.js');
      functions.set(name, {
        zipPath,
        zipBytes: fs.statSync(zipPath).size,
        codeBytes: fs.existsSync(code) ? fs.statSync(code).size : Number.NaN,
      });
    }
    const tokenDir = path.join(settings.outDir, 'after', 'token');
    unpackArtifact(distToken, tokenDir);
    return { build: { label: 'after', source: 'dist/ (prebuilt)', functions, tokenDir } };
  }
}

/**
 * @param root repository root
 * @param args git arguments
 * @returns git's output, or undefined when git fails
 */
function git(root: string, args: string[]): Buffer | undefined {
  const run = spawnSync('git', ['-C', root, ...args], { maxBuffer: 256 * 1024 * 1024 });
  return run.status === 0 ? run.stdout : undefined;
}

/**
 * The comparison build: functions/ at {@link beforeCommit}, extracted with `git archive` into a
 * gitignored directory inside the repository (.cache/), so that its imports resolve to this
 * checkout's node_modules, and bundled with the same function and options as the current build.
 * @param settings root, scratch directory, architecture, log
 * @returns the build, or why there is none (a shallow clone, a missing commit, a failed bundle)
 */
export async function buildBefore(settings: BuildSettings): Promise<BuildOutcome> {
  const { root } = settings;
  const commit = beforeCommit();
  const shallow = git(root, ['rev-parse', '--is-shallow-repository'])?.toString().trim();
  if (shallow === undefined) return { skipped: 'git cannot read this checkout' };
  if (git(root, ['cat-file', '-e', `${commit}^{commit}`]) === undefined) {
    return {
      skipped:
        shallow === 'true'
          ? `this clone is shallow and lacks commit ${commit} (git fetch --unshallow brings it)`
          : `commit ${commit} is not in this clone's history`,
    };
  }
  const archive = git(root, ['archive', '--format=tar', commit, 'functions']);
  if (archive === undefined) return { skipped: `git archive ${commit} functions failed` };
  fs.mkdirSync(path.join(root, '.cache'), { recursive: true });
  const tree = fs.mkdtempSync(path.join(root, '.cache', 'bench-before-'));
  try {
    const untar = spawnSync('tar', ['-x', '-C', tree], { input: archive });
    if (untar.status !== 0) return { skipped: `tar failed: ${untar.stderr.toString().trim()}` };
    const source = `functions/ at ${commit}${commit === BEFORE_COMMIT ? ', the last with the AWS SDK' : ''}`;
    return { build: await buildTree('before', path.relative(root, tree), source, settings) };
  } catch (err) {
    return { skipped: `bundling functions/ at ${commit} failed: ${(err as Error).message}` };
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
}
