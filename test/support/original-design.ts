// The original design's sequence, shared by the npm start and --from-api end-to-end tests: a client created the README's way, a JSON token request, then 200, 403 and 401 at the gateway.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './lambda-zip';
import type { CreatedClient } from './local-server';

/**
 * The arguments of the README's `npm run create-client -- --local …` (Try it with curl), so the
 * test creates its client exactly as a newcomer does.
 * @returns the arguments after `--`, unquoted
 * @throws Error when the README no longer has that command
 */
export function readmeCreateClientArgs(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const line = /^npm run create-client -- (--local [^#\n]*)/m.exec(readme)?.[1];
  if (line === undefined)
    throw new Error('README.md has no `npm run create-client -- --local` line');
  return [...line.trim().matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string));
}

/**
 * Runs the README's create-client command through npm, pointed at a data directory.
 * @param dataDir the local server's data directory
 * @returns the new client's id and secret (`--json`)
 */
export async function createClientTheReadmeWay(dataDir: string): Promise<CreatedClient> {
  const { stdout } = await promisify(execFile)(
    'npm',
    [
      'run',
      '--silent',
      'create-client',
      '--',
      ...readmeCreateClientArgs(),
      '--data-dir',
      dataDir,
      '--json',
    ],
    { cwd: ROOT },
  );
  return JSON.parse(stdout) as CreatedClient;
}

/** What each step of the sequence answered. */
export interface SequenceResult {
  token: { status: number; body: Record<string, unknown> };
  allowed: number;
  forbidden: { status: number; challenge: string | null };
  noToken: { status: number; challenge: string | null };
}

/**
 * The original design's request: `POST /oauth2/token` with a JSON body carrying the credentials,
 * then the token on a route its scope allows, on one it does not, and no token.
 * @param base the gateway's base URL
 * @param client the credentials
 * @param routes the allowed route's path, and the method and path of a route needing another scope
 * @returns each answer
 */
export async function walkOriginalDesign(
  base: string,
  client: CreatedClient,
  routes: { allowed: string; forbidden: { method: string; path: string } },
): Promise<SequenceResult> {
  const tokenRes = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
    }),
  });
  const body = (await tokenRes.json()) as Record<string, unknown>;
  const bearer = { Authorization: `Bearer ${String(body.access_token)}` };
  const allowed = await fetch(`${base}${routes.allowed}`, { headers: bearer });
  const forbidden = await fetch(`${base}${routes.forbidden.path}`, {
    method: routes.forbidden.method,
    headers: bearer,
  });
  const noToken = await fetch(`${base}${routes.allowed}`);
  return {
    token: { status: tokenRes.status, body },
    allowed: allowed.status,
    forbidden: { status: forbidden.status, challenge: forbidden.headers.get('www-authenticate') },
    noToken: { status: noToken.status, challenge: noToken.headers.get('www-authenticate') },
  };
}

/**
 * @param scope the scope the token must carry
 * @param unauthorizedChallenge the 401's WWW-Authenticate (an API with DPoP routes adds the DPoP
 *   challenge to the Bearer one)
 * @returns what the sequence must answer
 */
export function expectedSequence(
  scope: string,
  unauthorizedChallenge = 'Bearer error="invalid_token"',
): SequenceResult {
  return {
    token: {
      status: 200,
      body: expect.objectContaining({
        access_token: expect.any(String),
        token_type: 'Bearer',
        scope,
      }) as Record<string, unknown>,
    },
    allowed: 200,
    forbidden: { status: 403, challenge: 'Bearer error="insufficient_scope"' },
    noToken: { status: 401, challenge: unauthorizedChallenge },
  };
}
