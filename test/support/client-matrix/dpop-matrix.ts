// The DPoP client library matrix: runs the tested snippets of docs/dpop.md verbatim (openid-client and oauth4webapi with their own DPoP support, Python with joserfc proofs), each getting a DPoP-bound token and calling a DPoP route with its own proofs.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../lambda-zip';

const run = promisify(execFile);

/** The document the snippets come from. */
export const DPOP_DOC = path.join(ROOT, 'docs/dpop.md');

/** A library of the DPoP matrix, keyed by its `<!-- tested: NAME -->` marker in docs/dpop.md. */
export type DpopLibrary = 'dpop-openid-client' | 'dpop-oauth4webapi' | 'dpop-joserfc';

/** Every tested library, in the doc's order. */
export const DPOP_LIBRARIES: readonly DpopLibrary[] = [
  'dpop-openid-client',
  'dpop-oauth4webapi',
  'dpop-joserfc',
];

/** Whether a library's snippet is Python (it then needs the matrix's Python, with joserfc). */
export const isPythonDpop = (library: DpopLibrary): boolean => library === 'dpop-joserfc';

/**
 * Reads the tested DPoP snippets: the fenced block after each marker.
 * @returns code by library
 * @throws Error when a library's snippet is missing
 */
export function readDpopSnippets(): Record<DpopLibrary, string> {
  const text = fs.readFileSync(DPOP_DOC, 'utf8');
  const found: Partial<Record<DpopLibrary, string>> = {};
  for (const m of text.matchAll(/<!-- tested: (dpop-[a-z0-9-]+) -->\s*```[a-z]*\n([\s\S]*?)```/g)) {
    found[m[1] as DpopLibrary] = m[2] as string;
  }
  for (const lib of DPOP_LIBRARIES) {
    if (!found[lib]) throw new Error(`${DPOP_DOC} has no snippet marked <!-- tested: ${lib} -->`);
  }
  return found as Record<DpopLibrary, string>;
}

/** Where a snippet runs. */
export interface DpopSnippetTarget {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The DPoP route's URL, as clients address it (the URL its proofs name). */
  resourceUrl: string;
  /** Requests for `from` go to `to`, with `from`'s Host (see map-origin.mjs, map_origin.py). */
  mapOrigin?: { from: string; to: string };
  /** Python with joserfc, for the Python row. */
  python?: string;
}

/** What a snippet printed. */
export interface DpopSnippetOutput {
  token_type: string;
  access_token: string;
  /** The DPoP route's answer. */
  status: number;
  body: unknown;
}

/**
 * Runs one snippet in a child process and parses the JSON it prints.
 * @param library which snippet
 * @param code its code
 * @param target issuer, client, resource, mapping, python
 * @returns the token type, the token and the resource's answer
 */
export async function runDpopSnippet(
  library: DpopLibrary,
  code: string,
  target: DpopSnippetTarget,
): Promise<DpopSnippetOutput> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ISSUER: target.issuer,
    CLIENT_ID: target.clientId,
    CLIENT_SECRET: target.clientSecret,
    RESOURCE_URL: target.resourceUrl,
    ...(target.mapOrigin
      ? { MAP_ORIGIN_FROM: target.mapOrigin.from, MAP_ORIGIN_TO: target.mapOrigin.to }
      : {}),
  };
  // Below the repository so that `import 'openid-client'` resolves to node_modules.
  const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.dpop-matrix-'));
  try {
    let stdout: string;
    if (isPythonDpop(library)) {
      if (!target.python) throw new Error(`${library} needs target.python`);
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
    return JSON.parse(stdout.trim().split('\n').at(-1) as string) as DpopSnippetOutput;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
