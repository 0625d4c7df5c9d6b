// The private_key_jwt client library matrix: runs the tested snippets of docs/private-key-jwt.md verbatim (openid-client, oauth4webapi, authlib) with a client key pair per library, and onboards the client with the clients CLI.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { jwkThumbprint } from '../../../functions/shared/jwk';
import { ROOT, TSX_NODE_ARGS } from '../lambda-zip';

const run = promisify(execFile);

/** The document the snippets come from. */
export const PRIVATE_KEY_JWT_DOC = path.join(ROOT, 'docs/private-key-jwt.md');

/** A library of the private_key_jwt matrix, keyed by its `<!-- tested: NAME -->` marker. */
export type JwtLibrary = 'openid-client' | 'oauth4webapi' | 'authlib';

/** Every tested library, with the key its snippet imports (RS256, ES256, PS256). */
export const JWT_LIBRARIES: readonly JwtLibrary[] = ['openid-client', 'oauth4webapi', 'authlib'];

/** A client key pair on disk: the private key for the snippet, the public key for the operator. */
export interface ClientKeyFiles {
  privateKeyFile: string;
  /** The public key file given to `clients create` (a PEM, or a JWK with `alg` for PS256). */
  publicKeyFile: string;
  /** What `clients create` registers as kid (the RFC 7638 thumbprint). */
  kid: string;
}

/**
 * Generates the key pair a library's snippet uses and writes both halves into `dir`.
 * @param library which snippet
 * @param dir a temporary directory
 * @returns the files and kid
 */
export function keyFilesFor(library: JwtLibrary, dir: string): ClientKeyFiles {
  const pair =
    library === 'oauth4webapi'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyFile = path.join(dir, `${library}-key.pem`);
  fs.writeFileSync(privateKeyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  const jwk = pair.publicKey.export({ format: 'jwk' }) as { kty: string };
  const kid = jwkThumbprint(jwk);
  let publicKeyFile: string;
  if (library === 'authlib') {
    // PSS must be asked for: a PEM is registered as RS256.
    publicKeyFile = path.join(dir, `${library}-pub.json`);
    fs.writeFileSync(publicKeyFile, JSON.stringify({ ...jwk, alg: 'PS256' }));
  } else {
    publicKeyFile = path.join(dir, `${library}-pub.pem`);
    fs.writeFileSync(publicKeyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return { privateKeyFile, publicKeyFile, kid };
}

/**
 * Registers a private_key_jwt client with `create-client --public-key-file F --json`.
 * @param target `['--local', '--data-dir', D]` or `['--table', T]`
 * @param name client name
 * @param scopes space-delimited scopes
 * @param keys the key files
 * @param env environment of the CLI (AWS endpoint for a table)
 * @returns the client id and the kids it printed
 */
export async function createJwtClient(
  target: string[],
  name: string,
  scopes: string,
  keys: ClientKeyFiles,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ client_id: string; keys: { kid: string }[]; client_secret?: string }> {
  const { stdout } = await run(
    process.execPath,
    [
      ...TSX_NODE_ARGS,
      path.join(ROOT, 'scripts/create-client.ts'),
      ...target,
      '--name',
      name,
      '--scopes',
      scopes,
      '--auth',
      'private_key_jwt',
      '--public-key-file',
      keys.publicKeyFile,
      '--json',
    ],
    { cwd: ROOT, env },
  );
  return JSON.parse(stdout) as { client_id: string; keys: { kid: string }[] };
}

/**
 * Reads the tested snippets of docs/private-key-jwt.md.
 * @returns code by library
 * @throws Error when a library's snippet is missing
 */
export function readJwtSnippets(): Record<JwtLibrary, string> {
  const text = fs.readFileSync(PRIVATE_KEY_JWT_DOC, 'utf8');
  const found: Partial<Record<JwtLibrary, string>> = {};
  for (const m of text.matchAll(/<!-- tested: ([a-z0-9-]+) -->\s*```[a-z]*\n([\s\S]*?)```/g)) {
    found[m[1] as JwtLibrary] = m[2] as string;
  }
  for (const lib of JWT_LIBRARIES) {
    if (!found[lib]) throw new Error(`${PRIVATE_KEY_JWT_DOC} has no snippet marked ${lib}`);
  }
  return found as Record<JwtLibrary, string>;
}

/** Where a snippet runs. */
export interface JwtSnippetTarget {
  issuer: string;
  clientId: string;
  keys: ClientKeyFiles;
  /** Requests for `from` go to `to` (see map-origin.mjs). */
  mapOrigin?: { from: string; to: string };
  /** Python with authlib, for the authlib row. */
  python?: string;
}

/**
 * Runs one snippet in a child process and parses the JSON it prints.
 * @param library which snippet
 * @param code its code
 * @param target issuer, client, keys, mapping, python
 * @returns the token response (plus `jwks_uri`)
 */
export async function runJwtSnippet(
  library: JwtLibrary,
  code: string,
  target: JwtSnippetTarget,
): Promise<{ access_token: string; token_type: string; jwks_uri?: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ISSUER: target.issuer,
    CLIENT_ID: target.clientId,
    PRIVATE_KEY_FILE: target.keys.privateKeyFile,
    KEY_ID: target.keys.kid,
    ...(target.mapOrigin
      ? { MAP_ORIGIN_FROM: target.mapOrigin.from, MAP_ORIGIN_TO: target.mapOrigin.to }
      : {}),
  };
  // Below the repository so that `import 'openid-client'` resolves to node_modules.
  const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.pkjwt-matrix-'));
  try {
    let stdout: string;
    if (library === 'authlib') {
      if (!target.python) throw new Error('authlib needs target.python');
      const file = path.join(dir, 'snippet.py');
      fs.writeFileSync(file, code);
      ({ stdout } = await run(target.python, [path.join(__dirname, 'map_origin.py'), file], {
        env,
        timeout: 30_000,
      }));
    } else {
      const file = path.join(dir, 'snippet.mjs');
      fs.writeFileSync(file, code);
      ({ stdout } = await run(
        process.execPath,
        ['--import', path.join(__dirname, 'map-origin.mjs'), file],
        { env, timeout: 30_000 },
      ));
    }
    return JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      access_token: string;
      token_type: string;
      jwks_uri?: string;
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
