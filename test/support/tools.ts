// Locates external tools (moto_server, terraform) and decides whether a test needs them or may skip.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** True when running under CI, where a missing tool is a failure and never a skip. */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Finds an executable by environment override or PATH.
 * @param name executable name, e.g. `moto_server`
 * @param envVar environment variable that may hold an explicit path
 * @returns the absolute path, or undefined when not found
 */
export function findTool(name: string, envVar?: string): string | undefined {
  const explicit = envVar ? process.env[envVar] : undefined;
  if (explicit && fs.existsSync(explicit)) return explicit;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `describe` when the tool exists; `describe.skip` locally when it does not; under CI a missing tool throws.
 * @param tool executable name
 * @param envVar optional override variable
 * @returns a describe function
 */
export function describeWithTool(tool: string, envVar?: string): jest.Describe {
  if (findTool(tool, envVar)) return describe;
  if (IN_CI)
    throw new Error(
      `${tool} is required under CI=true but was not found on PATH (or ${envVar ?? 'override'})`,
    );
  return describe.skip;
}

/**
 * Describe block for tests that need moto_server.
 * @returns describe or describe.skip
 */
export const describeWithMoto = (): jest.Describe => describeWithTool('moto_server', 'MOTO_SERVER');
