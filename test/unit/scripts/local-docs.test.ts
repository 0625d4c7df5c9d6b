// Checks that docs/local.md lists every flag `npm start` and `--from-api` accept and every environment variable their code reads.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { buildImportGraph, listTypeScriptFiles } from '../../support/import-graph';

const ROOT = path.resolve(__dirname, '../../..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs/local.md'), 'utf8');

/** The entry points whose command lines docs/local.md documents. */
const ENTRY_POINTS = ['scripts/local.ts', 'tools/from-api/cli.ts'];

/**
 * The flags a file passes to parseStrictFlags: the property names of its second argument.
 * @param file repository-relative path
 * @returns flag names without dashes
 */
function flagsOf(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(path.join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const flags: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      node.expression.getText(source) === 'parseStrictFlags' &&
      node.arguments[1] !== undefined &&
      ts.isObjectLiteralExpression(node.arguments[1])
    ) {
      for (const property of node.arguments[1].properties) {
        if (property.name !== undefined)
          flags.push(property.name.getText(source).replace(/'/g, ''));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return flags;
}

/**
 * The environment variables a file reads by name: `process.env.NAME`, `env.NAME`, `env['NAME']`.
 * @param file repository-relative path
 * @returns variable names
 */
function variablesOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const names: string[] = [];
  for (const match of text.matchAll(
    /\benv(?:\.([A-Z][A-Z0-9_]*)\b|\[\s*'([A-Z][A-Z0-9_]*)'\s*\])/g,
  )) {
    names.push((match[1] ?? match[2]) as string);
  }
  return names;
}

/**
 * Files `npm start` runs: the entry point and what it imports, transitively, outside `functions/`
 * (the Lambda code's own variables are documented in docs/deploy.md; the local server passes
 * their values in code).
 * @returns repository-relative paths
 */
function npmStartFiles(): string[] {
  const files = listTypeScriptFiles(ROOT).filter((f) =>
    /^(scripts|tools|functions)\//.test(path.relative(ROOT, f).split(path.sep).join('/')),
  );
  const graph = buildImportGraph(ROOT, files);
  const seen = new Set<string>();
  const queue = [...ENTRY_POINTS];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...(graph.get(file) ?? []));
  }
  return [...seen].filter((f) => !f.startsWith('functions/')).sort();
}

/**
 * Whether a table row of docs/local.md names this flag or variable in its first cell, as a code
 * span of its own or followed by its argument (`--port N`).
 * @param name `--flag` or `VARIABLE`
 * @returns true when a row lists it
 */
function hasRow(name: string): boolean {
  // Names are letters, digits, `_` and `-`: nothing to escape.
  const named = new RegExp(`\`${name}[\` ]`);
  return DOC.split('\n').some((line) => {
    // Cells split at pipes that are not escaped (`on\|off`).
    const firstCell = line.startsWith('|') ? line.split(/(?<!\\)\|/)[1] : undefined;
    return firstCell !== undefined && named.test(firstCell);
  });
}

describe('docs/local.md', () => {
  test.each(ENTRY_POINTS)('has a table row for every flag %s accepts', (file) => {
    // Arrange
    const flags = flagsOf(file);

    // Act
    const missing = flags.filter((flag) => !hasRow(`--${flag}`));

    // Assert
    expect(flags).toEqual(expect.arrayContaining(['port', 'host', 'help']));
    expect(missing).toEqual([]);
  });

  test('matches whole names only: a prefix of a listed flag is not listed', () => {
    // Act / Assert
    expect(hasRow('--revocation-cache-ttl')).toBe(true);
    expect(hasRow('--revocation-cache')).toBe(false);
    expect(hasRow('LOG')).toBe(false);
  });

  test('has a table row for every environment variable the npm start code reads', () => {
    // Arrange
    const files = npmStartFiles();
    const variables = [...new Set(files.flatMap(variablesOf))].sort();

    // Act
    const missing = variables.filter((name) => !hasRow(name));

    // Assert
    expect(files).toEqual(
      expect.arrayContaining(['scripts/local.ts', 'tools/local-server/log-level.ts']),
    );
    expect(variables).toEqual(expect.arrayContaining(['LOG_LEVEL', 'AWS_ENDPOINT_URL']));
    expect(missing).toEqual([]);
  });
});
