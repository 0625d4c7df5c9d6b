// Command line of `npm start -- --from-api REST_API_ID`: flags, start-up banner and signal handling.
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dpopSummary } from './dpop-settings';
import { FromApiError } from './errors';
import { startFromApi, type FromApiOptions, type FromApiServer } from './start-from-api';
import { stopOnSignals } from '../gateway/stop-on-signals';
import { EXIT } from '../cli/exit-codes';
import { hostFlag, integerFlag, parseStrictFlags } from '../cli/strict-flags';
import { UsageError } from '../cli/usage-error';

/** Usage of the --from-api mode (appended to `npm start -- --help`). */
export const FROM_API_USAGE = `Usage: npm start -- --from-api REST_API_ID [options]

  Serves a deployed REST API on 127.0.0.1: its resources, methods, TOKEN and REQUEST authorizers, Lambda
  proxy and MOCK integrations, gateway responses and stage, read through the AWS APIs (region,
  credentials and AWS_ENDPOINT_URL from the standard AWS environment). Each Lambda function runs
  from the built zip whose digest equals its deployed CodeSha256, with its deployed environment.

  --from-api REST_API_ID    the API to serve
  --stage STAGE             stage to serve (default: the API's only stage)
  --artifacts-dir DIR       where the built zips are (default dist)
  --port N                  port to listen on (default 8080; 0 picks a free one)
  --host HOST               interface to bind (default 127.0.0.1)`;

const ROOT = path.resolve(__dirname, '../..');

/**
 * Whether the arguments ask for the --from-api mode.
 * @param argv arguments after `npm start --`
 * @returns true when `--from-api` is present
 */
export function isFromApiInvocation(argv: string[]): boolean {
  return argv.some((arg) => arg === '--from-api' || arg.startsWith('--from-api='));
}

/**
 * Parses the --from-api flags.
 * @param argv arguments after `npm start --`
 * @returns the options, or 'help'
 * @throws UsageError naming the flag
 */
export function parseFromApiFlags(
  argv: string[],
): Omit<FromApiOptions, 'log' | 'apiGateway' | 'lambda'> | 'help' {
  const { values } = parseStrictFlags(
    argv,
    {
      'from-api': { type: 'string' },
      stage: { type: 'string' },
      'artifacts-dir': { type: 'string', default: path.join(ROOT, 'dist') },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
    { hint: '(with --from-api only --stage, --artifacts-dir, --port and --host apply)' },
  );
  if (values.help) return 'help';
  const restApiId = values['from-api'] ?? '';
  if (!/^[A-Za-z0-9]+$/.test(restApiId)) {
    throw new UsageError(
      `--from-api must be a REST API id such as a1b2c3d4e5 (got "${restApiId}")`,
    );
  }
  if (values.stage !== undefined && !/^[A-Za-z0-9_-]+$/.test(values.stage)) {
    throw new UsageError(`--stage must be a stage name (got "${values.stage}")`);
  }
  const port = integerFlag('port', values.port, 0, 65535);
  const host = hostFlag(values.host);
  if (!values['artifacts-dir'].trim()) throw new UsageError('--artifacts-dir must not be empty');
  return {
    restApiId,
    ...(values.stage ? { stage: values.stage } : {}),
    artifactsDir: path.resolve(values['artifacts-dir']),
    port,
    host,
  };
}

/** A path relative to the working directory when it is inside it, else absolute. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/**
 * An authorizer's route map as its environment holds it: ROUTE_SCOPES, or the routes of the inline
 * AUTHORIZER_CONFIG document (gzip, base64). A map in a configuration table is not read here.
 */
function routeMapOf(environment: Record<string, string>): Record<string, unknown> {
  if (environment.AUTHORIZER_CONFIG !== undefined) {
    const json = gunzipSync(Buffer.from(environment.AUTHORIZER_CONFIG, 'base64')).toString('utf8');
    return (JSON.parse(json) as { routes: Record<string, unknown> }).routes;
  }
  return JSON.parse(environment.ROUTE_SCOPES ?? '{}') as Record<string, unknown>;
}

function scopeForRoute(server: FromApiServer, method: string, resourcePath: string): string {
  for (const { fn } of server.functions) {
    try {
      const route = routeMapOf(fn.environment)[`${method} ${resourcePath}`] as
        string[] | { scopes: string[] } | undefined;
      const scopes = Array.isArray(route) ? route : route?.scopes;
      if (scopes?.[0]) return scopes[0];
    } catch {
      // not an authorizer of this product; no hint
    }
  }
  return '<scope>';
}

/**
 * How to call a DPoP route through the runner: the proof names the deployed URL, and the request
 * carries its Host, as it would through a TLS terminator in front of this port (docs/local.md).
 * @param server the running server
 * @returns the hint, or empty when no authorizer has DPoP settings
 */
function dpopHint(server: FromApiServer): string {
  const host = server.dpop?.find((d) => d.allowedHosts.length > 0)?.allowedHosts[0];
  if (host === undefined) return '';
  let dpopRoute: string | undefined;
  for (const { fn } of server.functions) {
    try {
      const routes = routeMapOf(fn.environment);
      dpopRoute ??= Object.keys(routes).find(
        (key) => (routes[key] as { dpop?: unknown } | undefined)?.dpop === true,
      );
    } catch {
      // not an authorizer of this product
    }
  }
  const path = dpopRoute?.split(' ')[1] ?? '/<dpop route>';
  const stage = server.plan.stage;
  return `  # DPoP routes${dpopRoute ? ` (${dpopRoute})` : ''}: a DPoP-bound token, and a proof whose htu is the deployed
  # https://${host}/${stage}${path}, sent here with that Host (as a TLS terminator would):
  curl -i -H "Host: ${host}" -H "Authorization: DPoP $TOKEN" -H "DPoP: $PROOF" ${server.url}/${stage}${path}
`;
}

/**
 * The start-up banner: what is served, from which code, and a walk-through.
 * @param server the running server
 * @returns printable text
 */
export function fromApiBanner(server: FromApiServer): string {
  const { plan, url } = server;
  const routeLines = plan.routes.map((route) => {
    const auth =
      route.authorization === 'CUSTOM'
        ? `authorizer ${plan.authorizers[route.authorizerId as string]?.name}`
        : 'no authorization';
    const target =
      route.integration.type === 'lambda'
        ? `Lambda ${route.integration.function.functionName}`
        : 'MOCK';
    return `    ${`${route.method} ${route.resourcePath}`.padEnd(48)} ${auth.padEnd(34)} -> ${target}`;
  });
  const functionLines = server.functions.map(
    ({ fn, zip }) =>
      `    ${fn.name.padEnd(32)} ${fn.handler} from ${displayPath(zip)} (${fn.architecture}, CodeSha256 ${fn.codeSha256})`,
  );
  const authorizerLines = Object.values(plan.authorizers).map(
    (a) =>
      `    ${a.name.padEnd(32)} ${a.type} on ${a.identitySource}, cache ${a.resultTtlSeconds}s${dpopSummary(server.dpop?.find((d) => d.authorizer === a.name))}`,
  );
  const token = server.functions.find((f) => f.fn.environment.CLIENTS_TABLE);
  const protectedGet = plan.routes.find(
    (r) => r.authorization === 'CUSTOM' && r.method === 'GET' && !r.resourcePath.includes('{'),
  );
  const tokenRoute = plan.routes.find((r) => r.resourcePath === '/oauth2/token');
  const walkThrough =
    token && tokenRoute
      ? `
Try it (in another terminal, with the same AWS environment as this server):
  npm run create-client -- --table ${token.fn.environment.CLIENTS_TABLE} --name demo --scopes "${protectedGet ? scopeForRoute(server, 'GET', protectedGet.resourcePath) : '<scope>'}"
  export CLIENT_ID=<client_id> CLIENT_SECRET=<client_secret>
  TOKEN=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \\
    ${url}/oauth2/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
${protectedGet ? `  curl -i -H "Authorization: Bearer $TOKEN" ${url}${protectedGet.resourcePath}\n` : ''}${dpopHint(server)}`
      : '';
  const issuer = token?.fn.environment.ISSUER;
  return `
Deployed REST API ${plan.restApiId} (${plan.name}), stage "${plan.stage}", served by the API Gateway emulator
  base URL            ${url}   (${url}/${plan.stage}/... works too)
  read from           ${process.env.AWS_ENDPOINT_URL ?? `AWS ${plan.region}`}
${issuer ? `  issuer (deployed)   ${issuer}   (tokens and metadata name it; send requests to the base URL)\n` : ''}  routes:
${routeLines.join('\n')}
  authorizers:
${authorizerLines.join('\n') || '    none'}
  functions (deployed environment, local code matched by digest):
${functionLines.join('\n') || '    none'}
${walkThrough}
Press Ctrl+C to stop.
`;
}

/**
 * Runs the --from-api mode until SIGINT or SIGTERM; exits the process on failure.
 * @param argv arguments after `npm start --`
 */
export async function runFromApi(argv: string[]): Promise<void> {
  let options;
  try {
    options = parseFromApiFlags(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`npm start: ${err.message}\n\n${FROM_API_USAGE}`);
    process.exit(EXIT.USAGE);
  }
  if (options === 'help') {
    console.log(FROM_API_USAGE);
    return;
  }
  let server: FromApiServer;
  try {
    server = await startFromApi({ ...options, log: (line) => console.log(line) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof FromApiError) {
      console.error(`npm start: --from-api ${options.restApiId}: ${e.message}`);
      process.exit(EXIT.FAILURE);
    }
    if (e.code === 'EADDRINUSE') {
      console.error(
        `npm start: --port ${options.port} is already in use; pick another with --port N`,
      );
      process.exit(EXIT.USAGE);
    }
    console.error(
      `npm start: --from-api ${options.restApiId}: could not start: ${e.name}: ${e.message}`,
    );
    process.exit(EXIT.FAILURE);
  }
  console.log(fromApiBanner(server));
  stopOnSignals(server);
}
