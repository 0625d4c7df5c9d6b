// Checks the Lambda environment table's source against the code and Terraform: every variable a function reads or the module sets is listed, and nothing else.
import fs from 'node:fs';
import path from 'node:path';
import {
  LAMBDA_ENV_VARIABLES,
  type LambdaFunctionName,
} from '../../../scripts/lib/tf-docs/lambda-env';
import {
  LAMBDA_ENV_BEGIN_MARKER,
  LAMBDA_ENV_END_MARKER,
  renderLambdaEnvTable,
} from '../../../scripts/lib/tf-docs/lambda-env-table';
import { buildImportGraph, listTypeScriptFiles } from '../../support/import-graph';

const ROOT = path.resolve(__dirname, '../../..');
const FUNCTIONS: readonly LambdaFunctionName[] = ['token', 'authorizer', 'replay-watch'];

/** The Terraform file that sets each function's environment. */
const TERRAFORM_FILES: Record<LambdaFunctionName, string> = {
  token: 'modules/token-endpoint/main.tf',
  authorizer: 'modules/authorizer/main.tf',
  'replay-watch': 'modules/replay-watch/main.tf',
};

/** Variables each function's code is sure to read (so the scan below cannot pass by reading nothing). */
const SURELY_READ: Record<LambdaFunctionName, string[]> = {
  token: ['ISSUER', 'CLOCK_SKEW_SECONDS'],
  authorizer: ['ISSUER', 'CLOCK_SKEW_SECONDS'],
  'replay-watch': ['AWS_REGION', 'POWERTOOLS_METRICS_NAMESPACE'],
};

/** Variables Terraform is sure to set for each function. */
const SURELY_SET: Record<LambdaFunctionName, string[]> = {
  token: ['ISSUER', 'LOG_LEVEL', 'CLOCK_SKEW_SECONDS'],
  authorizer: ['ISSUER', 'LOG_LEVEL', 'CLOCK_SKEW_SECONDS'],
  'replay-watch': ['LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE'],
};

/**
 * The files whose reads count for a function: its own folder and, for token and authorizer, all
 * of functions/shared (both use most of it). The replay watcher uses three small shared modules
 * and none of their imports read the environment, so for it only the shared files its own files
 * import count: the whole folder would claim it reads the AWS credentials and the DPoP settings.
 * @param fn the function
 * @returns absolute paths
 */
function filesOf(fn: LambdaFunctionName): string[] {
  const own = listTypeScriptFiles(path.join(ROOT, 'functions', fn));
  if (fn !== 'replay-watch') {
    return own.concat(listTypeScriptFiles(path.join(ROOT, 'functions', 'shared')));
  }
  const imported = new Set<string>();
  for (const edges of buildImportGraph(ROOT, own).values()) {
    for (const target of edges) if (target.startsWith('functions/shared/')) imported.add(target);
  }
  return own.concat([...imported].map((file) => path.join(ROOT, file)));
}

/**
 * The variables a function's code reads by name: the env helpers' `(env, 'NAME'` calls,
 * `process.env.NAME` and `env.NAME`, in the files of {@link filesOf}.
 * @param fn the function
 * @returns variable names, sorted
 */
function readByCode(fn: LambdaFunctionName): string[] {
  const names = new Set<string>();
  for (const file of filesOf(fn)) {
    const text = fs.readFileSync(file, 'utf8');
    const patterns = [/\(\s*env\s*,\s*'([A-Z][A-Z0-9_]*)'/g, /\benv\.([A-Z][A-Z0-9_]*)\b/g];
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) names.add(match[1] as string);
    }
  }
  return [...names].sort();
}

/**
 * The variables Terraform puts into a function's environment: the upper-case keys of the map
 * assigned to `environment_variables` or `environment`, up to the line that closes it at the
 * same indentation.
 * @param fn the function
 * @returns variable names, sorted
 */
function setByTerraform(fn: LambdaFunctionName): string[] {
  const lines = fs.readFileSync(path.join(ROOT, TERRAFORM_FILES[fn]), 'utf8').split('\n');
  const start = lines.findIndex((l) => /^\s*environment(_variables)?\s*=.*\{\s*$/.test(l));
  if (start === -1) throw new Error(`${TERRAFORM_FILES[fn]} sets no environment map`);
  const indent = /^\s*/.exec(lines[start] as string)?.[0] ?? '';
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (new RegExp(`^${indent}\\}\\)?\\s*$`).test(line)) break;
    const key = /^\s*([A-Z][A-Z0-9_]*)\s*=/.exec(line)?.[1];
    if (key) names.push(key);
  }
  return names.sort();
}

/** The catalogue's names for a function. */
function listedFor(
  fn: LambdaFunctionName,
  only?: (v: (typeof LAMBDA_ENV_VARIABLES)[0]) => boolean,
) {
  return LAMBDA_ENV_VARIABLES.filter((v) => v.functions.includes(fn) && (only?.(v) ?? true)).map(
    (v) => v.name,
  );
}

describe('LAMBDA_ENV_VARIABLES', () => {
  test('lists each variable once', () => {
    // Act
    const names = LAMBDA_ENV_VARIABLES.map((v) => v.name);

    // Assert
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(FUNCTIONS)('lists every variable the %s code reads', (fn) => {
    // Arrange
    const read = readByCode(fn);

    // Act
    const missing = read.filter((name) => !listedFor(fn).includes(name));

    // Assert
    expect(read).toEqual(expect.arrayContaining(SURELY_READ[fn]));
    expect(missing).toEqual([]);
  });

  test.each(FUNCTIONS)('lists every variable Terraform sets for %s, as set by Terraform', (fn) => {
    // Arrange
    const set = setByTerraform(fn);

    // Act
    const listed = listedFor(fn, (v) => typeof v.source === 'object').sort();

    // Assert
    expect(set).toEqual(expect.arrayContaining(SURELY_SET[fn]));
    expect(listed).toEqual(set);
  });

  test.each(FUNCTIONS)(
    'lists nothing for %s that its code does not read, unless Terraform sets it or a library reads it',
    (fn) => {
      // Arrange
      const read = readByCode(fn);
      const set = setByTerraform(fn);

      // Act
      const unexplained = LAMBDA_ENV_VARIABLES.filter(
        (v) =>
          v.functions.includes(fn) &&
          !read.includes(v.name) &&
          !set.includes(v.name) &&
          !(v.readByLibrary ?? []).includes(fn),
      ).map((v) => v.name);

      // Assert
      expect(unexplained).toEqual([]);
    },
  );
});

describe('docs/deploy.md', () => {
  test('holds the generated table between its markers', () => {
    // Arrange
    const doc = fs.readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');

    // Act
    const between = doc.slice(
      doc.indexOf(LAMBDA_ENV_BEGIN_MARKER) + LAMBDA_ENV_BEGIN_MARKER.length,
      doc.indexOf(LAMBDA_ENV_END_MARKER),
    );

    // Assert
    expect(doc).toContain(LAMBDA_ENV_BEGIN_MARKER);
    expect(between.trim()).toBe(renderLambdaEnvTable());
  });
});

describe('renderLambdaEnvTable', () => {
  test('renders one row per variable with its functions, source and meaning', () => {
    // Act
    const table = renderLambdaEnvTable([
      { name: 'A_B', functions: ['token'], source: { terraform: '`a`' }, meaning: 'x | y' },
      { name: 'C', functions: ['token', 'authorizer'], source: 'lambda', meaning: 'z' },
      { name: 'D', functions: ['authorizer'], source: 'tests', meaning: 'w' },
    ]);

    // Assert
    expect(table.split('\n')).toEqual([
      '| Variable | Function | Set by | Meaning |',
      '| --- | --- | --- | --- |',
      '| `A_B` | token | Terraform, from `a` | x \\| y |',
      '| `C` | token, authorizer | the Lambda runtime | z |',
      '| `D` | authorizer | nobody in AWS; tests and emulators | w |',
    ]);
  });
});
