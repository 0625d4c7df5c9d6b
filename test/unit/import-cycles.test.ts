// Checks that no TypeScript file in the repository imports itself through a circle of other files, and that the two functions share code only through functions/shared.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildImportGraph, findCycles, type ImportGraph } from '../support/import-graph';

const ROOT = path.resolve(__dirname, '../..');

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

  it('keeps the token function and the authorizer apart: both import only functions/shared', () => {
    // Arrange
    const graph = buildImportGraph(ROOT);
    const crossing = (from: string, to: string): string[] =>
      [...graph]
        .filter(([file]) => file.startsWith(from))
        .flatMap(([file, targets]) =>
          [...targets].filter((target) => target.startsWith(to)).map((t) => `${file} -> ${t}`),
        );

    // Act
    const tokenToAuthorizer = crossing('functions/token/', 'functions/authorizer/');
    const authorizerToToken = crossing('functions/authorizer/', 'functions/token/');
    const sharedToEither = [
      ...crossing('functions/shared/', 'functions/token/'),
      ...crossing('functions/shared/', 'functions/authorizer/'),
    ];

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
