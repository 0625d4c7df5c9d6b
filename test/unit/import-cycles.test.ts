// Checks that no TypeScript file in the repository imports itself through a circle of other files, that imports point one way (scripts → tools → functions), and that the two functions share code only through functions/shared.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  buildImportGraph,
  findCycles,
  findLayerViolations,
  type ImportGraph,
  type LayerRule,
} from '../support/import-graph';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The layers, pointing one way: the entry points in scripts/ import the local tools, the tools
 * import the Lambda code, and the Lambda code imports neither (DESIGN.md, Layout). eslint.config.mjs
 * states the same rule for static imports; this graph also sees `import()` and `require()`.
 */
const LAYERS: readonly LayerRule[] = [
  { from: 'tools/', forbidden: ['scripts/'] },
  { from: 'functions/', forbidden: ['tools/', 'scripts/', 'test/'] },
];

const graphOf = (edges: Record<string, string[]>): ImportGraph =>
  new Map(Object.entries(edges).map(([file, targets]) => [file, new Set(targets)]));

describe('findCycles', () => {
  it('finds every circle, however long, and a file importing itself', () => {
    // Arrange
    const graph = graphOf({
      'a.ts': ['b.ts'],
      'b.ts': ['c.ts', 'd.ts'],
      'c.ts': ['a.ts'],
      'd.ts': ['e.ts'],
      'e.ts': [],
      'f.ts': ['f.ts'],
      'g.ts': ['h.ts'],
      'h.ts': ['g.ts', 'e.ts'],
    });

    // Act
    const cycles = findCycles(graph);

    // Assert
    expect(cycles).toEqual([['a.ts', 'b.ts', 'c.ts'], ['f.ts'], ['g.ts', 'h.ts']]);
  });

  it('finds none in a graph without circles, even with shared dependencies', () => {
    // Arrange
    const graph = graphOf({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts'], 'c.ts': [] });

    // Act / Assert
    expect(findCycles(graph)).toEqual([]);
  });
});

describe('findLayerViolations', () => {
  it('reports every import from a layer into a layer above it, and nothing else', () => {
    // Arrange
    const graph = graphOf({
      'scripts/build.ts': ['tools/cli/exit-codes.ts', 'functions/shared/types.ts'],
      'tools/from-api/cli.ts': ['scripts/lib/cli/exit-codes.ts', 'tools/cli/usage-error.ts'],
      'tools/cli/usage-error.ts': [],
      'functions/token/handler.ts': ['tools/dev-adapters/signer-local.ts', 'functions/shared/a.ts'],
      'scriptsx/other.ts': ['scripts/build.ts'],
    });

    // Act
    const violations = findLayerViolations(graph, LAYERS);

    // Assert: the downward imports and a folder that merely starts with "scripts" pass.
    expect(violations).toEqual([
      'functions/token/handler.ts -> tools/dev-adapters/signer-local.ts',
      'tools/from-api/cli.ts -> scripts/lib/cli/exit-codes.ts',
    ]);
  });
});

describe('buildImportGraph', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-')));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('follows type-only imports, re-exports, dynamic imports and index files', () => {
    // Arrange
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write('a.ts', "import type { B } from './b';\nexport const a = 1;\n");
    write('b.ts', "export type B = string;\nexport { c } from './lib';\n");
    write('lib/index.ts', "export const c = async () => import('../d');\n");
    write('d.ts', "import { a } from './a';\nimport fs from 'node:fs';\nexport { a, fs };\n");

    // Act
    const graph = buildImportGraph(dir);

    // Assert
    expect(graph).toEqual(
      graphOf({
        'a.ts': ['b.ts'],
        'b.ts': ['lib/index.ts'],
        'd.ts': ['a.ts'],
        'lib/index.ts': ['d.ts'],
      }),
    );
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'd.ts', 'lib/index.ts']]);
  });
});

describe('the repository', () => {
  it('has no import cycles among its TypeScript files', () => {
    // Arrange
    const graph = buildImportGraph(ROOT);

    // Act
    const cycles = findCycles(graph);

    // Assert: the graph covers the code, and no file reaches itself through its imports.
    expect(graph.has('scripts/lib/clients/cli.ts')).toBe(true);
    expect(graph.get('scripts/clients.ts')).toEqual(new Set(['scripts/lib/clients/cli.ts']));
    expect(cycles).toEqual([]);
  });

  it('imports downward only: tools/ never imports scripts/, functions/ neither of them', () => {
    // Arrange
    const graph = buildImportGraph(ROOT);

    // Act
    const violations = findLayerViolations(graph, LAYERS);

    // Assert: the graph holds the downward edges (scripts → tools → functions), and no upward one.
    expect(graph.get('scripts/build.ts')).toContain('tools/cli/exit-codes.ts');
    expect(graph.get('tools/from-api/cli.ts')).toContain('tools/cli/strict-flags.ts');
    expect(graph.get('tools/dev-adapters/usage-keys-apigateway.ts')).toContain(
      'tools/dev-adapters/usage-key-gateway.ts',
    );
    expect(violations).toEqual([]);
  });

  it('keeps the token function and the authorizer apart: both import only functions/shared', () => {
    // Arrange
    const graph = buildImportGraph(ROOT);

    // Act
    const tokenToAuthorizer = findLayerViolations(graph, [
      { from: 'functions/token/', forbidden: ['functions/authorizer/'] },
    ]);
    const authorizerToToken = findLayerViolations(graph, [
      { from: 'functions/authorizer/', forbidden: ['functions/token/'] },
    ]);
    const sharedToEither = findLayerViolations(graph, [
      { from: 'functions/shared/', forbidden: ['functions/token/', 'functions/authorizer/'] },
    ]);

    // Assert: the graph covers both, and no edge crosses (DESIGN.md: "The token side and the
    // authorizer side never import each other; both import the shared contract").
    expect(graph.get('functions/token/core/verify-issued-token.ts')).toContain(
      'functions/shared/access-token-verify.ts',
    );
    expect(graph.get('functions/authorizer/core/jwt-verify.ts')).toContain(
      'functions/shared/access-token-verify.ts',
    );
    expect([...tokenToAuthorizer, ...authorizerToToken, ...sharedToEither]).toEqual([]);
  });
});

describe('eslint.config.mjs', () => {
  it('refuses an upward import in tools/ and functions/, and allows the downward ones', () => {
    // Arrange: probe files linted from text (nothing is written), in one ESLint process.
    const probes: Record<string, string> = {
      'tools/from-api/probe.ts': "export { EXIT } from '../../scripts/lib/cli/exit-codes';\n",
      'tools/gateway/probe.ts': "export { x } from '../../scripts/y';\n",
      'functions/token/probe.ts': "export { EXIT } from '../../tools/cli/exit-codes';\n",
      'functions/shared/probe.ts': "export { x } from '../../scripts/y';\n",
      'scripts/probe.ts': "export { EXIT } from '../tools/cli/exit-codes';\n",
      'tools/cli/probe.ts': "export { x } from '../../functions/shared/types';\n",
    };
    const script = `
      import { ESLint } from 'eslint';
      const probes = JSON.parse(process.env.PROBES);
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = {};
      for (const [filePath, text] of Object.entries(probes)) {
        const [result] = await eslint.lintText(text, { filePath });
        out[filePath] = result.messages.map((m) => m.ruleId);
      }
      console.log(JSON.stringify(out));`;

    // Act
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, PROBES: JSON.stringify(probes) },
      encoding: 'utf8',
    });

    // Assert
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      'tools/from-api/probe.ts': ['no-restricted-imports'],
      'tools/gateway/probe.ts': ['no-restricted-imports'],
      'functions/token/probe.ts': ['no-restricted-imports'],
      'functions/shared/probe.ts': ['no-restricted-imports'],
      'scripts/probe.ts': [],
      'tools/cli/probe.ts': [],
    });
  }, 60_000);
});
