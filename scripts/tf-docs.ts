// `npx tsx scripts/tf-docs.ts [--check]`: regenerates the README's Terraform inputs/outputs tables from variables.tf and outputs.tf.
import fs from 'node:fs';
import path from 'node:path';
import { EXIT, type ExitCode } from './lib/cli/exit-codes';
import { parseStrictFlags } from './lib/cli/strict-flags';
import { UsageError } from './lib/cli/usage-error';
import { parseHclBlocks } from './lib/tf-docs/hcl-blocks';
import { renderTables, replaceBetweenMarkers } from './lib/tf-docs/render';

const ROOT = path.resolve(__dirname, '..');

const USAGE = `Usage: npx tsx scripts/tf-docs.ts [--check] [--module DIR] [--readme FILE]

  Rewrites the tables between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS --> in the README
  from the module's variables.tf and outputs.tf (terraform-docs' markdown table format).
  --check   do not write; exit 1 when the README is stale
  --module  module directory (default: the repository root)
  --readme  README to update (default: <module>/README.md)`;

/**
 * Builds the README contents the module's current variables and outputs call for.
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
  return replaceBetweenMarkers(readme, renderTables(variables, outputs));
}

/** Parses the flags into the module directory and README path, or 'help'. */
function parseOptions(
  argv: string[],
): { check: boolean; moduleDir: string; readmePath: string } | 'help' {
  const { values } = parseStrictFlags(argv, {
    check: { type: 'boolean', default: false },
    module: { type: 'string', default: ROOT },
    readme: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const moduleDir = path.resolve(values.module);
  if (!fs.statSync(moduleDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--module ${values.module} is not a directory`);
  }
  const readmePath = path.resolve(values.readme ?? path.join(moduleDir, 'README.md'));
  if (!fs.statSync(readmePath, { throwIfNoEntry: false })?.isFile()) {
    throw new UsageError(`--readme ${readmePath} is not a file`);
  }
  return { check: values.check, moduleDir, readmePath };
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
  const { moduleDir, readmePath } = options;
  const current = fs.readFileSync(readmePath, 'utf8');
  const next = regenerateReadme(moduleDir, current);
  if (options.check) {
    if (next !== current) {
      console.error(
        `${path.relative(process.cwd(), readmePath)}: Terraform tables are stale; run \`npx tsx scripts/tf-docs.ts\``,
      );
      return EXIT.FAILURE;
    }
    console.log('README Terraform tables are up to date');
    return EXIT.OK;
  }
  if (next !== current) fs.writeFileSync(readmePath, next);
  console.log(next !== current ? `updated ${readmePath}` : 'README already up to date');
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
