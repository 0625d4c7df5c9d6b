// `npm run create-client -- --name NAME --scopes "A B" ...`: onboards a client (same as `clients create`).
import { processOutput, runCli } from './lib/clients/cli';

void runCli(process.argv.slice(2), { program: 'create-client', out: processOutput() }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`create-client: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
