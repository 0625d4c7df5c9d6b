// `npm start`: serves the token endpoint, JWKS, metadata and authorizer-protected demo routes on 127.0.0.1.
import path from 'node:path';
import {
  startLocalServer,
  type LocalServer,
  type LocalServerOptions,
} from '../tools/local-server/local-server';
import { readRoutesFile } from '../tools/local-server/routes-file';
import { readUsagePlansFile } from '../tools/local-server/local-usage-plans';
import { isFromApiInvocation, runFromApi } from '../tools/from-api/cli';
import { stopOnSignals } from '../tools/gateway/stop-on-signals';
import {
  AUTHORIZER_RESULT_TTL_SECONDS,
  REVOCATION_AUTHORIZER_RESULT_TTL_SECONDS,
  REVOCATION_CACHE_TTL_SECONDS,
  TOKEN_TTL_SECONDS,
} from '../functions/shared/limits';
import { EXIT } from '../tools/cli/exit-codes';
import { hostFlag, integerFlag, parseStrictFlags } from '../tools/cli/strict-flags';
import { UsageError } from '../tools/cli/usage-error';

const USAGE = `Usage: npm start -- [options]

  --port N                  port to listen on (default 8080; 0 picks a free one)
  --host HOST               interface to bind (default 127.0.0.1)
  --data-dir DIR            clients.json and signing-key.pem (default .local/)
  --routes FILE             protected routes {"METHOD /path": ["scope", ...]}
                            (default examples/local/routes.json)
  --token-ttl SECONDS       access token lifetime, ${TOKEN_TTL_SECONDS.min}..${TOKEN_TTL_SECONDS.max} (default ${TOKEN_TTL_SECONDS.default})
  --audience AUD            default token audience, and the one the authorizer requires (default local)
  --issuer URL              iss of the tokens and base of the discovery documents, an http(s) origin
                            such as http://localhost:8080 (default http://<host>:<port>, with
                            127.0.0.1 for --host 0.0.0.0); the request's Host header never changes it
  --authorizer-ttl SECONDS  authorizer result cache per token, ${AUTHORIZER_RESULT_TTL_SECONDS.min}..${AUTHORIZER_RESULT_TTL_SECONDS.max}, capped at the token
                            lifetime; 0 disables the cache (default ${REVOCATION_AUTHORIZER_RESULT_TTL_SECONDS} with revocation on,
                            ${AUTHORIZER_RESULT_TTL_SECONDS.default} with it off)
  --revocation on|off       check client status, tokens_not_before and revoked jti in the authorizer,
                            and serve POST /oauth2/revoke (default on)
  --revocation-cache-ttl SECONDS  the authorizer's revocation cache, ${REVOCATION_CACHE_TTL_SECONDS.min}..${REVOCATION_CACHE_TTL_SECONDS.max} (default ${REVOCATION_CACHE_TTL_SECONDS.default})
  --usage-plans FILE        per-client rate limits and quotas: a JSON file shaped like the Terraform
                            usage_plans input; protected routes then require the client's API key
                            (create-client --local --plan NAME); see docs/usage-plans.md

Or serve a deployed REST API: npm start -- --from-api REST_API_ID (add --help for its options)`;

const ROOT = path.resolve(__dirname, '..');

/**
 * Parses and validates the flags.
 * @param argv arguments after `npm start --`
 * @returns the server options, or 'help'
 * @throws UsageError naming the flag
 */
export function parseFlags(argv: string[]): LocalServerOptions | 'help' {
  const { values } = parseStrictFlags(argv, {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string', default: '.local' },
    routes: { type: 'string', default: path.join(ROOT, 'examples/local/routes.json') },
    'token-ttl': { type: 'string', default: String(TOKEN_TTL_SECONDS.default) },
    audience: { type: 'string', default: 'local' },
    issuer: { type: 'string' },
    'authorizer-ttl': { type: 'string' },
    revocation: { type: 'string', default: 'on' },
    'revocation-cache-ttl': {
      type: 'string',
      default: String(REVOCATION_CACHE_TTL_SECONDS.default),
    },
    'usage-plans': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (values['usage-plans'] !== undefined && !values['usage-plans'].trim()) {
    throw new UsageError('--usage-plans must not be empty');
  }
  if (values['usage-plans'] !== undefined && values.revocation === 'off') {
    throw new UsageError(
      '--usage-plans needs --revocation on (the authorizer reads each client key with its revocation state)',
    );
  }
  const host = hostFlag(values.host);
  if (!values['data-dir'].trim()) throw new UsageError('--data-dir must not be empty');
  if (!values.routes.trim()) throw new UsageError('--routes must not be empty');
  if (!/^[\x21-\x7e]+$/.test(values.audience)) {
    throw new UsageError(
      `--audience must be a non-empty string without spaces (got "${values.audience}")`,
    );
  }
  const issuer = values.issuer === undefined ? undefined : issuerFlag(values.issuer);
  if (values.revocation !== 'on' && values.revocation !== 'off') {
    throw new UsageError(`--revocation must be on or off (got "${values.revocation}")`);
  }
  const revocation = values.revocation === 'on';
  return {
    ...(issuer === undefined ? {} : { issuer }),
    port: integerFlag('port', values.port, 0, 65535),
    host,
    dataDir: path.resolve(values['data-dir']),
    routesFile: path.resolve(values.routes),
    tokenTtlSeconds: integerFlag(
      'token-ttl',
      values['token-ttl'],
      TOKEN_TTL_SECONDS.min,
      TOKEN_TTL_SECONDS.max,
    ),
    audience: values.audience,
    authorizerTtlSeconds: integerFlag(
      'authorizer-ttl',
      values['authorizer-ttl'] ??
        String(
          revocation
            ? REVOCATION_AUTHORIZER_RESULT_TTL_SECONDS
            : AUTHORIZER_RESULT_TTL_SECONDS.default,
        ),
      AUTHORIZER_RESULT_TTL_SECONDS.min,
      AUTHORIZER_RESULT_TTL_SECONDS.max,
    ),
    ...(values['usage-plans'] !== undefined
      ? { usagePlansFile: path.resolve(values['usage-plans']) }
      : {}),
    revocationCacheTtlSeconds: revocation
      ? integerFlag(
          'revocation-cache-ttl',
          values['revocation-cache-ttl'],
          REVOCATION_CACHE_TTL_SECONDS.min,
          REVOCATION_CACHE_TTL_SECONDS.max,
        )
      : undefined,
  };
}

/**
 * Validates `--issuer`: an http or https origin. The local server serves its endpoints at the root
 * (and below the stage), so an issuer with a path would advertise endpoints it does not serve.
 * @param raw the flag's value
 * @returns the issuer, unchanged
 * @throws UsageError naming the flag
 */
export function issuerFlag(raw: string): string {
  const problem = (why: string): UsageError =>
    new UsageError(
      `--issuer must be an http or https origin such as http://localhost:8080, ${why} (got "${raw}")`,
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw problem('an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw problem('http or https');
  // On the raw text: the URL parser reports an empty `?` or `#` as none.
  if (raw.includes('?') || raw.includes('#') || url.username || url.password) {
    throw problem('without query, fragment or credentials');
  }
  if (url.pathname !== '/' || raw.endsWith('/')) {
    throw problem('without a path or trailing slash (the endpoints are served at the root)');
  }
  return raw;
}

function banner(server: LocalServer): string {
  const url = server.localUrl;
  const readRoute = server.routes.find((r) => r.key.startsWith('GET ') && !r.dpop);
  const readScope = readRoute?.scopes[0] ?? 'demo:read';
  const dataDirFlag =
    path.relative(process.cwd(), server.dataDir) === '.local'
      ? ''
      : ` --data-dir "${server.dataDir}"`;
  const routeLines = server.routes
    .map(
      (r) =>
        `    ${r.key.padEnd(22)} needs ${r.scopes.length ? r.scopes.join(' or ') : 'any valid token'}${r.dpop ? ', DPoP-bound with a proof (uncached authorizer; docs/dpop.md)' : ''}`,
    )
    .join('\n');
  return `
Local OAuth 2.0 client credentials service (API Gateway emulator, stage "local")
  issuer (iss)        ${server.issuer}${server.issuer === url ? '' : `\n  local URL           ${url}`}
  token endpoint      POST ${server.issuer}/oauth2/token
  JWKS                ${server.issuer}/.well-known/jwks.json
  discovery           ${server.issuer}/.well-known/openid-configuration
                      ${server.issuer}/.well-known/oauth-authorization-server (RFC 8414, same document)
  audience            ${server.audience}
  data dir            ${server.dataDir}
  protected routes (authorizer on the Authorization header):
${routeLines}

Try it (in another terminal):
  # 1. create a client; it prints the secret once and an export line: paste that line
  npm run create-client -- --local${dataDirFlag} --name demo --scopes "${readScope}"
  export CLIENT_ID=… CLIENT_SECRET=…
  # 2. get an access token (client_secret_basic)
  TOKEN=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \\
    ${url}/oauth2/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
  # 3. call the protected route
  curl -i -H "Authorization: Bearer $TOKEN" ${url}${readRoute ? readRoute.key.slice(4).replace(/\*|\{[^}]*\}/g, 'x') : '/hello'}

Press Ctrl+C to stop.
`;
}

async function main(argv: string[]): Promise<void> {
  // A deployed API instead of the embedded one: its own flags, see tools/from-api/cli.ts.
  if (isFromApiInvocation(argv)) return runFromApi(argv);
  let options: LocalServerOptions | 'help';
  try {
    options = parseFlags(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`npm start: ${err.message}\n\n${USAGE}`);
      process.exit(EXIT.USAGE);
    }
    throw err;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  try {
    readRoutesFile(options.routesFile);
  } catch (err) {
    console.error(`npm start: --routes: ${(err as Error).message}`);
    process.exit(EXIT.USAGE);
  }
  if (options.usagePlansFile !== undefined) {
    try {
      readUsagePlansFile(options.usagePlansFile);
    } catch (err) {
      console.error(`npm start: --usage-plans: ${(err as Error).message}`);
      process.exit(EXIT.USAGE);
    }
  }
  let server: LocalServer;
  try {
    server = await startLocalServer({ ...options, log: (line) => console.log(line) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      console.error(
        `npm start: --port ${options.port} is already in use on ${options.host}; pick another with --port N`,
      );
      process.exit(EXIT.USAGE);
    }
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
      console.error(`npm start: --host ${options.host} is not an address of this machine`);
      process.exit(EXIT.USAGE);
    }
    console.error(`npm start: could not start: ${e.message}`);
    process.exit(EXIT.FAILURE);
  }
  console.log(banner(server));
  stopOnSignals(server);
}

// Imported by tests for parseFlags; run only as the `npm start` entry point.
if (require.main === module) void main(process.argv.slice(2));
