// Bundles one Lambda handler with esbuild and packs it, with its native dependencies, into a zip.
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { argon2ZipEntries, ARGON2_PACKAGE, type LambdaArch } from './native-argon2';
import { digestZip, reproducibleZip, type ZipDigest, type ZipEntry } from './reproducible-zip';

/**
 * Where source maps go.
 * - `external`: `index.js.map` is written beside the zip (dist/<name>/), not into it, and
 *   index.js has no `sourceMappingURL`: small zips and fast cold starts; stack traces are
 *   mapped offline with the map of the same (reproducible) build.
 * - `linked`: the map goes into the zip with a `sourceMappingURL`, for Lambda functions that
 *   set `NODE_OPTIONS=--enable-source-maps`.
 * - `none`: no map.
 */
export type SourcemapMode = 'external' | 'linked' | 'none';

/** Packages never bundled: native code that must be loaded from node_modules at run time. */
export const EXTERNAL_PACKAGES = [ARGON2_PACKAGE];

/** What one function build produced. */
export interface FunctionBuild {
  name: string;
  zip: Uint8Array;
  digest: ZipDigest;
  /** Paths inside the zip, sorted. */
  entries: string[];
  /** index.js bytes (also inside the zip). */
  code: Uint8Array;
  /** index.js.map bytes, when a map was requested. */
  map?: Uint8Array;
}

/**
 * Bundles `entry` into index.js (CJS, node20, minified) and zips it reproducibly.
 * @param options.root repository root (esbuild's working directory, so paths stay relative)
 * @param options.name function name (token, authorizer)
 * @param options.entry handler source file
 * @param options.arch Lambda architecture for native binaries
 * @param options.sourcemap see SourcemapMode
 * @param options.cacheDir cache for fetched native packages
 * @param options.log progress output
 * @returns the built archive
 */
export async function bundleFunction(options: {
  root: string;
  name: string;
  entry: string;
  arch: LambdaArch;
  sourcemap: SourcemapMode;
  cacheDir: string;
  log: (line: string) => void;
}): Promise<FunctionBuild> {
  const { root, name, entry, arch, sourcemap } = options;
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: path.relative(root, path.resolve(root, entry)) },
    // Nothing is written: outdir only fixes the (relative) paths inside the source map, so the
    // map is the same whichever --out-dir is used.
    outdir: path.join(root, 'dist', name),
    entryNames: '[name]',
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    external: EXTERNAL_PACKAGES,
    sourcemap: sourcemap === 'none' ? false : sourcemap === 'linked' ? 'linked' : 'external',
    sourcesContent: true,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
    // esbuild's output depends only on its inputs and options (no time stamps or absolute
    // paths); ASCII output keeps it independent of the terminal's locale too.
    charset: 'ascii',
  });
  const code = result.outputFiles.find((file) => path.basename(file.path) === 'index.js');
  const map = result.outputFiles.find((file) => path.basename(file.path) === 'index.js.map');
  if (!code) throw new Error(`esbuild produced no index.js for ${name}`);

  const entries: ZipEntry[] = [{ path: 'index.js', data: code.contents }];
  if (sourcemap === 'linked' && map) entries.push({ path: 'index.js.map', data: map.contents });
  if (importsExternal(result.metafile, ARGON2_PACKAGE)) {
    entries.push(...argon2ZipEntries({ root, arch, cacheDir: options.cacheDir, log: options.log }));
  }
  const zip = reproducibleZip(entries);
  return {
    name,
    zip,
    digest: digestZip(zip),
    entries: entries.map((e) => e.path).sort(),
    code: code.contents,
    map: map?.contents,
  };
}

/**
 * @param metafile esbuild metafile
 * @param pkg package name
 * @returns true when the output imports the external package (so it must ship in the zip)
 */
function importsExternal(metafile: Metafile, pkg: string): boolean {
  return Object.values(metafile.outputs).some((output) =>
    output.imports.some(
      (imp) => imp.external && (imp.path === pkg || imp.path.startsWith(`${pkg}/`)),
    ),
  );
}
