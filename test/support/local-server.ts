// Starts `npm start` (scripts/local.ts) as a child process and waits for its banner, for end-to-end tests.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, TSX_NODE_ARGS } from './lambda-zip';

/** scripts/local.ts, the `npm start` entry point. */
export const LOCAL_SCRIPT = path.join(ROOT, 'scripts/local.ts');

/** scripts/create-client.ts. */
const CREATE_CLIENT = path.join(ROOT, 'scripts/create-client.ts');

/** What `create-client --json` prints. */
export interface CreatedClient {
  client_id: string;
  client_secret: string;
}

/**
 * Creates a client in a local data directory with `create-client --local --json`.
 * @param dataDir the local server's data directory
 * @param name client name
 * @param scopes space-delimited scopes
 * @param auth a pinned secret transport (`--auth`); default: none, so either transport
 * @returns the new client's id and secret
 */
export async function createLocalClient(
  dataDir: string,
  name: string,
  scopes: string,
  auth?: 'client_secret_basic' | 'client_secret_post',
): Promise<CreatedClient> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...TSX_NODE_ARGS,
      CREATE_CLIENT,
      '--local',
      '--data-dir',
      dataDir,
      '--name',
      name,
      '--scopes',
      scopes,
      ...(auth !== undefined ? ['--auth', auth] : []),
      '--json',
    ],
    { cwd: ROOT },
  );
  return JSON.parse(stdout) as CreatedClient;
}

/** A running local server. */
export interface LocalServer {
  process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/**
 * Spawns `npm start -- <args>` and resolves once it prints "Press Ctrl+C".
 * @param args flags after `npm start --`
 * @param env environment of the child (default: this process's, with LOG_LEVEL=ERROR)
 * @returns the server; rejects with its output when it exits or takes over 30 s
 */
export async function startLocalServer(
  args: string[],
  env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'ERROR' },
): Promise<LocalServer> {
  const child = spawn(process.execPath, [...TSX_NODE_ARGS, LOCAL_SCRIPT, ...args], {
    cwd: ROOT,
    env,
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = (): void => {
      if (output.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`server exited:\n${output}`));
      } else setTimeout(check, 50);
    };
    check();
  });
  return { process: child, output: () => output };
}
