// Runs terraform offline for the jest terraform project: provider mirror CLI config, shared plugin cache, temp copies of the module tree.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strToU8, zipSync } from 'fflate';
import { IN_CI, findTool } from '../support/tools';

/** Repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Directories that hold a Terraform configuration, relative to the repository root. */
export const TERRAFORM_DIRS = [
  '.',
  'modules/client-table',
  'modules/signing-key',
  'modules/dpop-nonce-key',
  'modules/token-endpoint',
  'modules/authorizer',
  'modules/replay-watch',
  'modules/lambda-function',
  'modules/alarms',
  'modules/client',
  'modules/regional-domain',
  'examples/complete',
  'examples/clients-as-code',
  'examples/existing-api',
  'examples/http-api',
  'examples/multi-region',
];

const DEFAULT_MIRROR = '/opt/tf-plugins';

/**
 * Finds the unpacked provider mirror: `TF_PROVIDER_MIRROR`, else /opt/tf-plugins.
 * @returns the mirror directory, or undefined when absent
 */
export function findProviderMirror(): string | undefined {
  const dir = process.env.TF_PROVIDER_MIRROR || DEFAULT_MIRROR;
  return fs.existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws'))
    ? dir
    : undefined;
}

/**
 * `describe` when terraform and the provider mirror exist; `describe.skip` locally when not;
 * under CI a missing tool or mirror throws, so it is never silently skipped.
 * @returns a describe function
 */
export function describeWithTerraformMirror(): jest.Describe {
  const terraform = findTool('terraform', 'TERRAFORM');
  const mirror = findProviderMirror();
  if (terraform && mirror) return describe;
  const missing = !terraform
    ? 'terraform (PATH or TERRAFORM)'
    : `the hashicorp/aws provider mirror (TF_PROVIDER_MIRROR or ${DEFAULT_MIRROR})`;
  if (IN_CI) throw new Error(`${missing} is required under CI=true but was not found`);
  return describe.skip;
}

/** Result of one terraform command. */
export interface TfResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** A temporary copy of the module tree with its own CLI config; nothing is written to the repository. */
export interface TfWorkspace {
  /** Root of the copy (the root module). */
  root: string;
  /** Environment for terraform: CLI config, plugin cache, no prompts, no checkpoint calls. */
  env: NodeJS.ProcessEnv;
  /** Removes the copy. */
  cleanup(): void;
}

function copyTree(
  src: string,
  dest: string,
  filter: (rel: string, isDir: boolean) => boolean,
  rel = '',
): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    if (!filter(childRel, entry.isDirectory())) continue;
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    if (entry.isDirectory()) copyTree(from, to, filter, childRel);
    else if (entry.isFile()) fs.copyFileSync(from, to);
  }
}

/**
 * Copies the root module, modules/ (with their JSON data files), the DPoP algorithm list
 * modules/authorizer reads (functions/shared/dpop-algorithms.json), examples/ and test/terraform
 * (tftest files, mocks and fixtures) into a temporary directory and writes a CLI config that installs
 * providers only from the mirror.
 * @param extraEnv variables added to the terraform environment (e.g. the emulator's)
 * @returns the workspace
 */
export function createWorkspace(extraEnv: Record<string, string> = {}): TfWorkspace {
  const mirror = findProviderMirror();
  if (!mirror) throw new Error('provider mirror not found (set TF_PROVIDER_MIRROR)');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-ws-'));
  const root = path.join(base, 'repo');
  copyTree(REPO_ROOT, root, (rel, isDir) => {
    if (rel.split('/').some((part) => part === '.terraform' || part === 'node_modules'))
      return false;
    if (isDir)
      return (
        rel === 'functions' ||
        rel === 'functions/shared' ||
        ['modules', 'examples', 'test', 'test/terraform'].some(
          (d) => rel === d || rel.startsWith(`${d}/`),
        )
      );
    // modules/authorizer reads the DPoP algorithms from the verifier's own list.
    if (rel.startsWith('functions/')) return rel === 'functions/shared/dpop-algorithms.json';
    if (!rel.includes('/')) return rel.endsWith('.tf');
    // tftest files and mocks, and the fixture configurations that tests plan (fixtures/<name>/*.tf).
    if (rel.startsWith('test/terraform/fixtures/')) return rel.endsWith('.tf');
    if (rel.startsWith('test/terraform/')) return rel.endsWith('.hcl');
    // Modules read data files with file(), e.g. modules/authorizer/gateway-responses.json.
    if (rel.startsWith('modules/') && rel.endsWith('.json')) return true;
    return rel.endsWith('.tf') && !rel.endsWith('.tfstate');
  });
  const cliConfig = path.join(base, 'terraform.tfrc');
  fs.writeFileSync(
    cliConfig,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/*/*"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/*/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  // Shared across runs: with an unpacked mirror the cache holds links, so repeated inits are cheap.
  const pluginCache = path.join(REPO_ROOT, '.cache', 'terraform-plugins');
  fs.mkdirSync(pluginCache, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_PLUGIN_CACHE_DIR: pluginCache,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extraEnv,
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  delete env.TF_DATA_DIR;
  delete env.TF_LOG;
  return { root, env, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/**
 * Runs terraform with `-chdir` and a data directory outside the configuration.
 * @param ws workspace
 * @param dir configuration directory relative to the workspace root
 * @param args terraform arguments (command first)
 * @param timeoutMs kill the process after this long
 * @returns exit code and output
 */
export function terraform(
  ws: TfWorkspace,
  dir: string,
  args: string[],
  timeoutMs = 300_000,
): Promise<TfResult> {
  const bin = findTool('terraform', 'TERRAFORM') ?? 'terraform';
  const dataDir = path.join(ws.root, '..', 'data', dir.replace(/[/.]+/g, '_') || 'root');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [`-chdir=${path.join(ws.root, dir)}`, ...args], {
      env: { ...ws.env, TF_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * Throws with the command's output unless it exited with one of the expected codes.
 * @param result terraform result
 * @param what description for the message
 * @param expected accepted exit codes
 * @returns the result
 */
export function expectExit(result: TfResult, what: string, expected: number[] = [0]): TfResult {
  if (!expected.includes(result.code)) {
    throw new Error(
      `${what} exited ${result.code}\n--- stdout ---\n${result.stdout.slice(-6000)}\n--- stderr ---\n${result.stderr.slice(-6000)}`,
    );
  }
  return result;
}

/**
 * Runs async tasks with at most `limit` in flight.
 * @param items inputs
 * @param limit concurrency
 * @param task async task
 * @returns results in input order
 */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Where the Lambda zips for a test come from. */
export interface Artifacts {
  /** Directory holding token.zip and authorizer.zip. */
  dir: string;
  /** Architecture the zips were built for. */
  architecture: 'arm64' | 'x86_64';
  /** How they were obtained: the repository's dist/, a fresh build, or placeholders (plan/validate only). */
  source: 'dist' | 'build' | 'placeholder';
}

const ZIPS = ['token.zip', 'authorizer.zip', 'replay-watch.zip'];

/**
 * Provides the Lambda zips: dist/ when both exist; else a fresh `scripts/build.ts --arch x86_64`
 * into `tmpDir`; else (no build script yet) tiny placeholder zips made with fflate.
 * @param tmpDir directory for built or placeholder zips
 * @returns the artifacts
 */
export async function ensureArtifacts(tmpDir: string): Promise<Artifacts> {
  const dist = path.join(REPO_ROOT, 'dist');
  if (ZIPS.every((z) => fs.existsSync(path.join(dist, z)))) {
    return { dir: dist, architecture: 'arm64', source: 'dist' };
  }
  fs.mkdirSync(tmpDir, { recursive: true });
  if (fs.existsSync(path.join(REPO_ROOT, 'scripts', 'build.ts'))) {
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    await promisify(execFile)(tsx, ['scripts/build.ts', '--arch', 'x86_64', '--out-dir', tmpDir], {
      cwd: REPO_ROOT,
      maxBuffer: 10 * 1024 * 1024,
    });
    return { dir: tmpDir, architecture: 'x86_64', source: 'build' };
  }
  for (const zip of ZIPS) {
    const body =
      'exports.handler = async () => { throw new Error("placeholder: run npm run build"); };\n';
    fs.writeFileSync(path.join(tmpDir, zip), zipSync({ 'index.js': strToU8(body) }));
  }
  return { dir: tmpDir, architecture: 'x86_64', source: 'placeholder' };
}
