// The client library matrix: runs the tested snippets of docs/client-libraries.md verbatim (curl, openid-client, oauth4webapi, authlib, requests-oauthlib) and checks their tokens.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { ROOT } from '../lambda-zip';
import { IN_CI, findTool } from '../tools';

const run = promisify(execFile);

/** The document the snippets come from. */
export const CLIENT_LIBRARIES_DOC = path.join(ROOT, 'docs/client-libraries.md');

/** A library of the matrix, keyed by its `<!-- tested: NAME -->` marker in the doc. */
export type Library = 'curl' | 'openid-client' | 'oauth4webapi' | 'authlib' | 'requests-oauthlib';

/** Every tested library, in the doc's order. */
export const LIBRARIES: readonly Library[] = [
  'curl',
  'openid-client',
  'oauth4webapi',
  'authlib',
  'requests-oauthlib',
];

/** The two client authentication methods of the matrix. */
export type AuthMethod = 'client_secret_basic' | 'client_secret_post';

/** A row of the matrix: the snippet as written (basic), its post swap, or the library's defaults. */
export type SnippetVariant = AuthMethod | 'library_default';

/**
 * What each library does with no client authentication option (the doc's "With the library's
 * defaults" table): the one textual swap that drops the option from the snippet, and the method
 * the library then sends. curl has no default and oauth4webapi none either (its
 * clientCredentialsGrantRequest takes the ClientAuth as a required argument), so they have no row.
 */
export const DEFAULT_SWAP: Partial<
  Record<Library, { basic: string; defaults: string; sends: AuthMethod }>
> = {
  // discovery(server, clientId, clientSecret) with no ClientAuth uses ClientSecretPost.
  'openid-client': {
    basic: '  client.ClientSecretBasic(process.env.CLIENT_SECRET),\n',
    defaults: '  undefined,\n',
    sends: 'client_secret_post',
  },
  authlib: {
    basic: '    token_endpoint_auth_method="client_secret_basic",\n',
    defaults: '',
    sends: 'client_secret_basic',
  },
  'requests-oauthlib': {
    basic: '    include_client_id=False,\n',
    defaults: '',
    sends: 'client_secret_basic',
  },
};

/** Each snippet is written for client_secret_basic; this one textual swap makes it client_secret_post (the doc names it). */
const POST_SWAP: Record<Library, [basic: string, post: string]> = {
  curl: [
    '-u "$CLIENT_ID:$CLIENT_SECRET"',
    '-d client_id="$CLIENT_ID" -d client_secret="$CLIENT_SECRET"',
  ],
  'openid-client': ['client.ClientSecretBasic(', 'client.ClientSecretPost('],
  oauth4webapi: ['oauth.ClientSecretBasic(', 'oauth.ClientSecretPost('],
  authlib: ['"client_secret_basic"', '"client_secret_post"'],
  'requests-oauthlib': ['include_client_id=False', 'include_client_id=True'],
};

/**
 * The Python packages the Python snippets import. authlib from 1.8 on accepts plain http on
 * loopback hosts, which docs/client-libraries.md relies on; joserfc builds the DPoP proofs of
 * docs/dpop.md.
 */
export const PYTHON_PACKAGES = ['authlib>=1.8', 'requests-oauthlib', 'joserfc'] as const;

/**
 * Reads the tested snippets: the fenced block after each `<!-- tested: NAME -->` marker.
 * @param doc markdown file
 * @returns code by library
 * @throws Error when a library's snippet is missing
 */
export function readTestedSnippets(doc = CLIENT_LIBRARIES_DOC): Record<Library, string> {
  const text = fs.readFileSync(doc, 'utf8');
  const found: Partial<Record<Library, string>> = {};
  for (const m of text.matchAll(/<!-- tested: ([a-z0-9-]+) -->\s*```[a-z]*\n([\s\S]*?)```/g)) {
    found[m[1] as Library] = m[2] as string;
  }
  for (const lib of LIBRARIES) {
    if (!found[lib]) throw new Error(`${doc} has no snippet marked <!-- tested: ${lib} -->`);
  }
  return found as Record<Library, string>;
}

/**
 * The snippet for one row of the matrix.
 * @param snippets from {@link readTestedSnippets}
 * @param library which
 * @param variant basic as written, post after the documented swap, or the library's defaults
 *   (the client authentication option removed; {@link DEFAULT_SWAP})
 * @returns the code to run
 * @throws Error when the snippet no longer holds the basic form (the swap would test nothing), or
 *   for the defaults of a library without any
 */
export function snippetFor(
  snippets: Record<Library, string>,
  library: Library,
  variant: SnippetVariant,
): string {
  const code = snippets[library];
  if (variant === 'client_secret_basic') return code;
  const swap = variant === 'client_secret_post' ? POST_SWAP[library] : defaultsSwap(library);
  const [basic, replacement] = swap;
  const count = code.split(basic).length - 1;
  if (count !== 1) {
    throw new Error(`the ${library} snippet must contain ${basic} exactly once (found ${count})`);
  }
  return code.replace(basic, replacement);
}

function defaultsSwap(library: Library): [basic: string, defaults: string] {
  const swap = DEFAULT_SWAP[library];
  if (swap === undefined) throw new Error(`${library} has no default client authentication`);
  return [swap.basic, swap.defaults];
}

/** Where snippets run: the issuer, the credentials, and an optional origin mapping. */
export interface SnippetTarget {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Requests for `from` (the deployed origin) go to `to` (the local runner); see map-origin.mjs. */
  mapOrigin?: { from: string; to: string };
  /** Python with {@link PYTHON_PACKAGES}; required for the Python libraries. */
  python?: string;
}

/** What a snippet printed: the token response plus the jwks_uri the library discovered. */
export interface SnippetOutput {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  jwks_uri?: string;
}

/**
 * Runs one snippet in a child process and parses the JSON it prints.
 * @param library which snippet
 * @param code the code (from {@link snippetFor})
 * @param target issuer, credentials, mapping, python
 * @returns the parsed output
 */
export async function runSnippet(
  library: Library,
  code: string,
  target: SnippetTarget,
): Promise<SnippetOutput> {
  const local = new URL(target.issuer).protocol === 'http:';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ISSUER: target.issuer,
    CLIENT_ID: target.clientId,
    CLIENT_SECRET: target.clientSecret,
    // The documented switch for local plain http; never set against an https issuer. authlib
    // needs none on loopback (1.8 accepts http there), so its snippet runs exactly as documented.
    ...(local ? { OAUTHLIB_INSECURE_TRANSPORT: '1' } : {}),
    ...(target.mapOrigin
      ? { MAP_ORIGIN_FROM: target.mapOrigin.from, MAP_ORIGIN_TO: target.mapOrigin.to }
      : {}),
  };
  // Below the repository so that `import 'openid-client'` resolves to node_modules.
  const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.client-matrix-'));
  try {
    let stdout: string;
    if (library === 'curl') {
      if (target.mapOrigin) throw new Error('curl is run against the local server only');
      ({ stdout } = await run('/bin/sh', ['-c', code], { env, timeout: 30_000 }));
    } else if (library === 'openid-client' || library === 'oauth4webapi') {
      const file = path.join(dir, 'snippet.mjs');
      fs.writeFileSync(file, code);
      const preload = path.join(__dirname, 'map-origin.mjs');
      ({ stdout } = await run(process.execPath, ['--import', preload, file], {
        env,
        timeout: 30_000,
      }));
    } else {
      if (!target.python) throw new Error(`${library} needs target.python`);
      const file = path.join(dir, 'snippet.py');
      fs.writeFileSync(file, code);
      ({ stdout } = await run(target.python, [path.join(__dirname, 'map_origin.py'), file], {
        env,
        timeout: 30_000,
      }));
    }
    return JSON.parse(stdout.trim().split('\n').at(-1) as string) as SnippetOutput;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Verifies a token against the JWKS at `jwksUri` (fetched through the origin mapping, if any).
 * @returns the payload and header
 */
export async function verifyWithJwks(
  token: string,
  jwksUri: string,
  expected: { issuer: string; audience: string; mapOrigin?: { from: string; to: string } },
): Promise<{ payload: JWTPayload; alg: string }> {
  const { mapOrigin } = expected;
  const url =
    mapOrigin && jwksUri.startsWith(`${mapOrigin.from}/`)
      ? mapOrigin.to + jwksUri.slice(mapOrigin.from.length)
      : jwksUri;
  const jwks = (await (await fetch(url)).json()) as JSONWebKeySet;
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: expected.issuer,
    audience: expected.audience,
    typ: 'at+jwt',
    algorithms: ['RS256'],
  });
  return { payload, alg: protectedHeader.alg };
}

/**
 * A Python interpreter with authlib, requests-oauthlib and joserfc (the DPoP row of docs/dpop.md):
 * a venv in a cache directory, made once with `pip install` (a local package mirror serves them
 * here). Synchronous, so that a test file
 * can decide at collection time whether the Python rows run.
 * @returns the interpreter, or a reason why there is none
 */
export function pythonWithClientPackages(): { python?: string; reason?: string } {
  const python3 = findTool('python3');
  if (!python3) return { reason: 'python3 is not on PATH' };
  const key = createHash('sha256').update(PYTHON_PACKAGES.join(' ')).digest('hex').slice(0, 12);
  const venv = path.join(
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
    'apigw-m2m-auth',
    `client-matrix-venv-${key}`,
  );
  const python = path.join(venv, 'bin', 'python');
  const probe = 'import authlib, requests_oauthlib, oauthlib, joserfc';
  try {
    execFileSync(python, ['-c', probe], { stdio: 'ignore' });
    return { python };
  } catch {
    // Not there yet (or broken): (re)create it.
  }
  try {
    fs.rmSync(venv, { recursive: true, force: true });
    execFileSync(python3, ['-m', 'venv', venv], { stdio: 'ignore', timeout: 120_000 });
    execFileSync(
      python,
      ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--timeout', '15', ...PYTHON_PACKAGES],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 },
    );
    execFileSync(python, ['-c', probe], { stdio: 'ignore' });
    return { python };
  } catch (err) {
    return { reason: `pip install ${PYTHON_PACKAGES.join(' ')} failed: ${(err as Error).message}` };
  }
}

/**
 * `it` for the Python rows when the libraries are installed; otherwise `it.skip` with a loud
 * warning, and under CI=true an error (never a silent skip there).
 * @returns it, or it.skip
 * @throws Error under CI=true when the libraries cannot be installed
 */
export function itWithPython(found: { python?: string; reason?: string }): jest.It {
  if (found.python) return it;
  const message = `client matrix: the Python libraries (${PYTHON_PACKAGES.join(', ')}) are not available: ${found.reason ?? 'unknown'}`;
  if (IN_CI) throw new Error(`${message} (required under CI=true)`);
  console.warn(`SKIPPING the Python rows of the ${message}`);
  return it.skip;
}

/**
 * Whether a library's snippet is Python.
 * @param library which
 * @returns true for authlib and requests-oauthlib
 */
export const isPython = (library: Library): boolean =>
  library === 'authlib' || library === 'requests-oauthlib';
