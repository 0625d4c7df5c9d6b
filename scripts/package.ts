// `npm run package`: one release of the Lambda zips (every function, arm64 and x86_64) with SHA256SUMS and manifest.json.
import path from 'node:path';
import { FUNCTIONS } from './lib/build/functions';
import { packageRelease } from './lib/build/release-package';
import { EXIT } from '../tools/cli/exit-codes';
import { parseStrictFlags } from '../tools/cli/strict-flags';
import { UsageError } from '../tools/cli/usage-error';

const ROOT = path.resolve(__dirname, '..');

const USAGE = `Usage: npm run package -- [--out-dir DIR]

  --out-dir  where the release goes (default dist/release): <function>-<arch>.zip for
             ${Object.keys(FUNCTIONS).join(', ')} on arm64 and x86_64, SHA256SUMS, manifest.json.
             The version is package.json's; two runs write identical bytes.`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseStrictFlags(argv, {
    'out-dir': { type: 'string', default: path.join('dist', 'release') },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values['out-dir']) throw new UsageError('--out-dir must not be empty');
  const outDir = path.resolve(values['out-dir']);
  const manifest = await packageRelease({
    root: ROOT,
    outDir,
    functions: FUNCTIONS,
    log: (line) => console.log(line),
  });
  console.log(`packaged ${manifest.name} ${manifest.version} into ${outDir}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`package: ${err.message}\n\n${USAGE}`);
    process.exit(EXIT.USAGE);
  }
  console.error(`package failed: ${(err as Error).message}`);
  process.exit(EXIT.FAILURE);
});
