// Builds the import graph of the repository's TypeScript files with the TypeScript compiler API, and finds its cycles and the imports that cross a layer.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Directories that hold no source of ours (dependencies, build output, caches, local data). */
const SKIPPED_DIRS = new Set([
  'node_modules',
  'dist',
  'coverage',
  '.cache',
  '.local',
  '.terraform',
  '.git',
]);

/** File path (relative to the root, `/`-separated) to the repository files it imports. */
export type ImportGraph = Map<string, Set<string>>;

/**
 * Lists the `.ts` files under a directory, skipping dependencies, build output and caches.
 * @param root directory to walk
 * @returns absolute paths, sorted
 */
export function listTypeScriptFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.ts')) {
        files.push(path.join(dir, entry.name));
      }
    }
  };
  walk(root);
  return files.sort();
}

/**
 * Builds the import graph: one edge for every `import`, `import type`, `export ... from`,
 * `import()` and `require()` whose module resolves (with the project's compiler options) to a
 * file under the root. Type-only imports count: a circle of types is still a circle to a reader.
 * @param root repository root (where tsconfig.json is)
 * @param files absolute paths of the files to read (default: every `.ts` file under the root)
 * @returns the graph, keyed by root-relative paths
 */
export function buildImportGraph(
  root: string,
  files: string[] = listTypeScriptFiles(root),
): ImportGraph {
  const configPath = path.join(root, 'tsconfig.json');
  const compilerOptions = fs.existsSync(configPath)
    ? ts.parseJsonConfigFileContent(
        ts.readConfigFile(configPath, ts.sys.readFile).config,
        ts.sys,
        root,
      ).options
    : {};
  const relative = (file: string): string => path.relative(root, file).split(path.sep).join('/');
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const edges = new Set<string>();
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      const resolved = ts.resolveModuleName(
        specifier,
        file,
        compilerOptions,
        ts.sys,
      ).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const target = path.resolve(resolved.resolvedFileName);
      if (target.startsWith(root + path.sep)) edges.add(relative(target));
    }
    graph.set(relative(file), edges);
  }
  return graph;
}

/**
 * Finds the import cycles: the strongly connected components with more than one file, and files
 * that import themselves (Tarjan's algorithm, iterative so deep graphs cannot overflow the stack).
 * @param graph file to the files it imports
 * @returns each cycle's files, sorted; the cycles sorted by their first file
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: Iterator<string> }[] = [];
    const visit = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: (graph.get(node) ?? new Set<string>()).values() });
    };
    visit(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const step = frame.next.next();
      if (!step.done) {
        const target = step.value;
        if (!index.has(target)) visit(target);
        else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const selfLoop = graph.get(frame.node)?.has(frame.node) ?? false;
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A layering rule: no file under `from` imports a file under any of `forbidden` (folder prefixes ending in `/`). */
export interface LayerRule {
  from: string;
  forbidden: readonly string[];
}

/**
 * Finds the imports that break layering rules.
 * @param graph file to the files it imports
 * @param rules the rules, e.g. `{ from: 'tools/', forbidden: ['scripts/'] }`
 * @returns each offending edge as `importer -> imported`, sorted
 */
export function findLayerViolations(graph: ImportGraph, rules: readonly LayerRule[]): string[] {
  const violations = new Set<string>();
  for (const [file, targets] of graph) {
    for (const rule of rules) {
      if (!file.startsWith(rule.from)) continue;
      for (const target of targets) {
        if (rule.forbidden.some((layer) => target.startsWith(layer))) {
          violations.add(`${file} -> ${target}`);
        }
      }
    }
  }
  return [...violations].sort();
}
