// `npx tsx scripts/tf-docs.ts [--check]`: regenerates the docs' Terraform inputs/outputs tables from variables.tf and outputs.tf, and the Lambda environment table.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT, type ExitCode } from '../tools/cli/exit-codes';
import { parseStrictFlags } from '../tools/cli/strict-flags';
import { UsageError } from '../tools/cli/usage-error';
import { parseHclBlocks } from './lib/tf-docs/hcl-blocks';
import {
  LAMBDA_ENV_BEGIN_MARKER,
  LAMBDA_ENV_END_MARKER,
  renderLambdaEnvTable,
} from './lib/tf-docs/lambda-env-table';
import { renderTables, replaceBetweenMarkers } from './lib/tf-docs/render';

const ROOT = path.resolve(__dirname, '..');

/**
 * The documents whose tables the script keeps in step by default: module directory and the
 * markdown file holding its tables, both relative to the repository root.
 */
export const TF_DOCS_TARGETS: ReadonlyArray<{ module: string; readme: string }> = [
  { module: '.', readme: 'docs/deploy.md' },
  { module: 'modules/authorizer', readme: 'modules/authorizer/README.md' },
  { module: 'modules/replay-watch', readme: 'modules/replay-watch/README.md' },
  { module: 'modules/client', readme: 'modules/client/README.md' },
  { module: 'modules/regional-domain', readme: 'modules/regional-domain/README.md' },
  { module: 'examples/complete', readme: 'examples/complete/README.md' },
  { module: 'examples/existing-api', readme: 'examples/existing-api/README.md' },
  { module: 'examples/http-api', readme: 'examples/http-api/README.md' },
  { module: 'examples/clients-as-code', readme: 'examples/clients-as-code/README.md' },
  { module: 'examples/multi-region', readme: 'examples/multi-region/README.md' },
];

const USAGE = `Usage: npx tsx scripts/tf-docs.ts [--check] [--module DIR] [--readme FILE]

  Rewrites the tables between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS --> in a README
  from the module's variables.tf and outputs.tf (terraform-docs' markdown table format), and
  the table between ${LAMBDA_ENV_BEGIN_MARKER} and ${LAMBDA_ENV_END_MARKER}, where present,
  from the Lambda functions' environment variables (scripts/lib/tf-docs/lambda-env.ts).
  Without --module and --readme it does so for every target: ${TF_DOCS_TARGETS.map((t) => t.readme).join(', ')}.
  --check   do not write; exit 1 when a README is stale
  --module  module directory (only this module; its README is <module>/README.md unless --readme)
  --readme  README to update`;

/**
 * Builds the README contents the module's current variables and outputs call for, and the
 * Lambda environment table when the README holds its markers.
 * @param moduleDir directory with variables.tf and outputs.tf
 * @param readme current README contents
 * @returns the README with regenerated tables
 */
export function regenerateReadme(moduleDir: string, readme: string): string {
  const read = (file: string): string => {
    const full = path.join(moduleDir, file);
    return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : '';
  };
  const variables = parseHclBlocks(read('variables.tf')).filter((b) => b.type === 'variable');
  const outputs = parseHclBlocks(read('outputs.tf')).filter((b) => b.type === 'output');
  const withTables = replaceBetweenMarkers(readme, renderTables(variables, outputs));
  if (!withTables.includes(LAMBDA_ENV_BEGIN_MARKER)) return withTables;
  return replaceBetweenMarkers(withTables, renderLambdaEnvTable(), {
    begin: LAMBDA_ENV_BEGIN_MARKER,
    end: LAMBDA_ENV_END_MARKER,
  });
}

/** One module and the document holding its tables. */
interface Target {
  moduleDir: string;
  readmePath: string;
}

/** Parses the flags into the targets to process, or 'help'. */
function parseOptions(argv: string[]): { check: boolean; targets: Target[] } | 'help' {
  const { values } = parseStrictFlags(argv, {
    check: { type: 'boolean', default: false },
    module: { type: 'string' },
    readme: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (values.module === undefined && values.readme === undefined) {
    const targets = TF_DOCS_TARGETS.map((t) => ({
      moduleDir: path.join(ROOT, t.module),
      readmePath: path.join(ROOT, t.readme),
    }));
    return { check: values.check, targets };
  }
  const moduleDir = path.resolve(values.module ?? ROOT);
  if (!fs.statSync(moduleDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--module ${values.module} is not a directory`);
  }
  const readmePath = path.resolve(values.readme ?? path.join(moduleDir, 'README.md'));
  if (!fs.statSync(readmePath, { throwIfNoEntry: false })?.isFile()) {
    throw new UsageError(`--readme ${readmePath} is not a file`);
  }
  return { check: values.check, targets: [{ moduleDir, readmePath }] };
}

/**
 * CLI entry point.
 * @param argv arguments after the script name
 * @returns process exit code: OK, FAILURE when `--check` finds the README stale, USAGE for bad flags
 */
export function main(argv: string[]): ExitCode {
  let options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`tf-docs: ${err.message}\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  if (options === 'help') {
    console.log(USAGE);
    return EXIT.OK;
  }
  const stale: string[] = [];
  for (const { moduleDir, readmePath } of options.targets) {
    const shown = path.relative(process.cwd(), readmePath);
    const current = fs.readFileSync(readmePath, 'utf8');
    const next = regenerateReadme(moduleDir, current);
    if (next === current) continue;
    stale.push(shown);
    if (!options.check) {
      fs.writeFileSync(readmePath, next);
      console.log(`updated ${shown}`);
    }
  }
  if (options.check && stale.length > 0) {
    for (const shown of stale) {
      console.error(`${shown}: Terraform tables are stale; run \`npx tsx scripts/tf-docs.ts\``);
    }
    return EXIT.FAILURE;
  }
  if (stale.length === 0) console.log('Terraform tables are up to date');
  return EXIT.OK;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`tf-docs failed: ${(err as Error).message}`);
    process.exitCode = EXIT.FAILURE;
  }
}
