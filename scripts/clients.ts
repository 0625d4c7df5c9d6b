// `npm run clients -- <command>`: client lifecycle (create, list, show, update, disable, enable, rotate-secret, delete).
import { processOutput, runCli } from './lib/clients/cli';

void runCli(process.argv.slice(2), { program: 'clients', out: processOutput() }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`clients: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
