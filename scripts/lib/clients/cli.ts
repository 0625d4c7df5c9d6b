// Entry logic shared by scripts/clients.ts and scripts/create-client.ts: parse, run, map errors to exit codes.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { ClientStoreError, TableNotFoundError } from '../../../functions/token/adapters/errors';
import type { Clock, RandomBytes } from '../../../functions/shared/types';
import type { ClientAdminStore } from '../../../tools/dev-adapters/client-admin-store';
import type { PasswordHasher } from '../../../functions/token/core/types';
import { EXIT, type ExitCode } from '../../../tools/cli/exit-codes';
import { UsageError } from '../../../tools/cli/usage-error';
import { parseCommandLine } from './args';
import { runCommand } from './commands/run-command';
import { terminalPrompter, type Prompter } from './confirm';
import { helpText, invocation } from './help';
import type { Output, ParsedCommand, ProgramName, Target } from './model';
import { regionFromEnv, type OpenStoreOptions } from './target';
import type { RegionalRevocations } from '../../../tools/dev-adapters/regional-revocations-dynamodb';
import {
  needsRegions,
  refuseOutsideControlRegion,
  RegionsIncompleteError,
  type RegionLayout,
} from './regions';
import type { UsageKeyGateway } from '../../../tools/dev-adapters/usage-key-gateway';
import { refuseSkipControlRegion } from './emergency';

/** Everything the CLI needs from its surroundings; tests inject fakes. */
export interface CliOptions {
  program: ProgramName;
  out: Output;
  /** Directory a relative `--data-dir` is resolved against (default: process.cwd()). */
  cwd?: string;
  /** Environment for the AWS region (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Opens the store of a target (default: DynamoDB or file adapter, see target.ts). */
  openStore?: (
    target: Target,
    env: NodeJS.ProcessEnv,
    options: OpenStoreOptions,
  ) => ClientAdminStore | Promise<ClientAdminStore>;
  /** Opens the API key gateway of a target (default: API Gateway for a table, none locally). */
  openUsageKeys?: (target: Target, env: NodeJS.ProcessEnv) => Promise<UsageKeyGateway>;
  /** Password hasher (default: argon2id). */
  hasher?: PasswordHasher | (() => Promise<PasswordHasher>);
  clock?: Clock;
  randomBytes?: RandomBytes;
  /** Asks the operator to confirm `delete` (default: the terminal, when stdin is one). */
  prompter?: Prompter;
  /**
   * Names the caller for the audit trail (default: `local` for `--local`, else the ARN that STS
   * GetCallerIdentity returns for the standard AWS credentials).
   */
  identifyCaller?: (target: Target, env: NodeJS.ProcessEnv) => Promise<string>;
  /**
   * Opens the Regions of a DynamoDB target (`config#regions`, the revocation items of every
   * Region). Default: DynamoDB clients from the standard environment, unless `openStore` is given
   * (a test's store), in which case there are none unless this is given too.
   */
  openRegions?: (
    target: Extract<Target, { kind: 'dynamodb' }>,
    env: NodeJS.ProcessEnv,
  ) => Promise<RegionalRevocations>;
}

/** Message for an error of the store or the AWS SDK, and its exit code. */
function describeFailure(err: unknown, target: Target, env: NodeJS.ProcessEnv): [ExitCode, string] {
  // Refused after reading the deployment or the client: a plan it does not have, or removing a
  // client's last key.
  if (err instanceof UsageError) return [EXIT.USAGE, err.message];
  // The report is printed; the Regions not written are named again on stderr.
  if (err instanceof RegionsIncompleteError) return [EXIT.INCOMPLETE, err.message];
  if (err instanceof ClientStoreError) {
    switch (err.code) {
      case 'CLIENT_NOT_FOUND':
      case 'TABLE_NOT_FOUND':
        return [EXIT.USAGE, err.message];
      case 'CONCURRENT_MODIFICATION':
        return [EXIT.CONFLICT, err.message];
      case 'CLIENT_EXISTS':
        return [EXIT.CONFLICT, `${err.message}; run the command again`];
    }
  }
  const error = err as { name?: string; message?: string; cause?: unknown };
  // Fallback for an SDK error that reached us unmapped.
  if (error?.name === 'ResourceNotFoundException' && target.kind === 'dynamodb') {
    const region = regionFromEnv(env) ?? '(unset)';
    return [EXIT.USAGE, new TableNotFoundError(target.table, region).message];
  }
  const cause = error?.cause as { name?: string; message?: string } | undefined;
  // The store wraps SDK failures in ServerError; look at the cause for configuration problems.
  if ([error, cause].some((e) => /region is missing/i.test(e?.message ?? ''))) {
    return [EXIT.USAGE, 'no AWS region configured: set AWS_REGION (or AWS_PROFILE with a region)'];
  }
  if ([error, cause].some((e) => e?.name === 'CredentialsProviderError')) {
    return [
      EXIT.FAILURE,
      'could not load AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ];
  }
  // Operators need the underlying reason; SDK messages carry no secrets (we never send one).
  const detail = cause?.message ? ` (${cause.name ?? 'cause'}: ${cause.message})` : '';
  return [EXIT.FAILURE, `${error?.message ?? String(err)}${detail}`];
}

async function defaultOpenStore(
  target: Target,
  env: NodeJS.ProcessEnv,
  options: OpenStoreOptions,
): Promise<ClientAdminStore> {
  // Loaded lazily so that `help` and bad arguments answer without loading the AWS SDK.
  const { openStore } = await import('./target');
  return openStore(target, env, options);
}

async function defaultOpenUsageKeys(
  target: Target,
  env: NodeJS.ProcessEnv,
): Promise<UsageKeyGateway> {
  const { openUsageKeys } = await import('./target');
  return openUsageKeys(target, env);
}

async function defaultIdentifyCaller(target: Target, env: NodeJS.ProcessEnv): Promise<string> {
  // Loaded lazily, like the store: reads and `--local` never load the STS client.
  const { identifyCaller } = await import('./caller');
  return identifyCaller(target, env);
}

async function defaultOpenRegions(
  target: Extract<Target, { kind: 'dynamodb' }>,
  env: NodeJS.ProcessEnv,
): Promise<RegionalRevocations> {
  const { openRegions } = await import('./target');
  return openRegions(target, env);
}

/**
 * The Regions a writing command of a DynamoDB target works with: `config#regions` read from the
 * table in the CLI's Region (none: single-Region).
 */
async function regionLayout(
  options: CliOptions,
  target: Target,
  command: Exclude<ParsedCommand, { command: 'help' }>['command'],
  env: NodeJS.ProcessEnv,
): Promise<RegionLayout | undefined> {
  if (target.kind !== 'dynamodb' || !needsRegions(command)) return undefined;
  const open = options.openRegions ?? (options.openStore ? undefined : defaultOpenRegions);
  if (open === undefined) return undefined;
  const port = await open(target, env);
  return { port, config: await port.readConfig() };
}

async function defaultHasher(): Promise<PasswordHasher> {
  const { Argon2PasswordHasher } =
    await import('../../../functions/token/adapters/password-hasher-argon2');
  return new Argon2PasswordHasher();
}

/**
 * Runs one command line.
 * @param argv arguments after the program name (for `create-client`, the create flags)
 * @param options program name, output and injectable ports
 * @returns the process exit code (see EXIT)
 */
export async function runCli(argv: readonly string[], options: CliOptions): Promise<ExitCode> {
  const { program, out } = options;
  const env = options.env ?? process.env;
  const args = program === 'create-client' ? ['create', ...argv] : argv;

  let parsed;
  try {
    parsed = parseCommandLine(args, options.cwd ?? process.cwd());
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const topic = err.command ? ` help ${err.command}` : ' help';
    const hint =
      program === 'create-client'
        ? `${invocation(program)} --help`
        : `${invocation(program)}${topic}`;
    out.stderr(`${program}: ${err.message}\nRun \`${hint}\` for usage.`);
    return EXIT.USAGE;
  }
  if (parsed.command === 'help') {
    out.stdout(helpText(program, parsed.topic));
    return EXIT.OK;
  }

  try {
    const store = await (options.openStore ?? defaultOpenStore)(parsed.target, env, {
      mayCreateDataDir: parsed.command === 'create',
      notice: (text) => out.stderr(`${program}: ${text}`),
    });
    // Admin writes go to the control Region only (docs/multi-region.md), checked before any write.
    const regions = await regionLayout(options, parsed.target, parsed.command, env);
    // ... except the emergency path, which writes no record and needs another Region.
    if ('skipControlRegion' in parsed && parsed.skipControlRegion === true) {
      refuseSkipControlRegion(parsed.command, regions);
    } else if (regions !== undefined) refuseOutsideControlRegion(parsed.command, regions);
    const hasher =
      typeof options.hasher === 'function'
        ? await options.hasher()
        : (options.hasher ?? (await defaultHasher()));
    await runCommand(parsed, {
      store,
      hasher,
      clock: options.clock ?? Date.now,
      randomBytes: options.randomBytes ?? ((size) => new Uint8Array(nodeRandomBytes(size))),
      out,
      prompter: options.prompter ?? terminalPrompter(),
      ...(regions === undefined ? {} : { regions }),
      actor: (() => {
        let identified: Promise<string> | undefined;
        return () =>
          (identified ??= (options.identifyCaller ?? defaultIdentifyCaller)(parsed.target, env));
      })(),
      usageKeys: (() => {
        let opened: Promise<UsageKeyGateway> | undefined;
        return () =>
          (opened ??= (options.openUsageKeys ?? defaultOpenUsageKeys)(parsed.target, env));
      })(),
    });
    return EXIT.OK;
  } catch (err) {
    const [code, message] = describeFailure(err, parsed.target, env);
    out.stderr(`${program}: ${message}`);
    return code;
  }
}

/**
 * Output on the process streams.
 * @returns an Output writing lines to stdout and stderr
 */
export function processOutput(): Output {
  return {
    stdout: (text) => void process.stdout.write(`${text}\n`),
    stderr: (text) => void process.stderr.write(`${text}\n`),
  };
}

/**
 * Runs the program on the process arguments and streams and sets the exit code.
 * @param program `clients` or `create-client`
 */
export function runProcess(program: ProgramName): void {
  void runCli(process.argv.slice(2), { program, out: processOutput() }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${program}: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = EXIT.FAILURE;
    },
  );
}
