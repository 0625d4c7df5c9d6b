// Wires the token and authorizer handlers with local adapters behind the API Gateway emulator (`npm start`).
import { createPublicKey, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { FileClientStore } from '../dev-adapters/client-store-file';
import { FileDpopReplayCache } from '../dev-adapters/dpop-replay-file';
import { createEmfAuthorizerMetrics } from '../../functions/authorizer/metrics-emf';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { LocalSigner } from '../dev-adapters/signer-local';
import { createTokenHandler } from '../../functions/token/create-handler';
import { TOKEN_ROUTES } from '../../functions/token/routes';
import { ApiGatewayEmulator, type RunningGateway } from '../gateway/emulator';
import { formatAccessLog } from '../gateway/access-log';
import type {
  ApiDefinition,
  RequestAuthorizer,
  RequestAuthorizerHandler,
  Route,
} from '../gateway/types';
import { AUTHORIZER_IDENTITY_SOURCES, createLocalAuthorizer } from './local-authorizer';
import { oauthGatewayResponses } from './oauth-gateway-responses';
import { readRoutesFile, type RouteScopes } from './routes-file';
import { localLogLevel, type LocalLogLevel } from './log-level';
import {
  LocalUsagePlanSource,
  publishPlanNames,
  readUsagePlansFile,
  withdrawPlanNames,
} from './local-usage-plans';

/** Settings of the local server (the CLI flags, validated). */
export interface LocalServerOptions {
  port: number;
  host: string;
  dataDir: string;
  routesFile: string;
  tokenTtlSeconds: number;
  audience: string;
  /** Authorizer result cache TTL; never above the token lifetime. */
  authorizerTtlSeconds: number;
  /**
   * Issuer of the tokens (`iss`, and the base of the discovery documents' URLs); default: the
   * local URL clients reach, see {@link issuerFor}. Fixed at start: a request's `Host` header never
   * changes it.
   */
  issuer?: string;
  /**
   * The authorizer's revocation cache TTL in seconds (C), or undefined to switch revocation off
   * (no revoke route, no check). The clients CLI writes to the same clients.json.
   */
  revocationCacheTtlSeconds?: number;
  /**
   * `--usage-plans FILE`: the protected routes require an API key and are metered against the
   * client's plan in this file (the Terraform `usage_plans` shape; docs/usage-plans.md). Needs
   * revocation on: the authorizer reads the key with the revocation state.
   */
  usagePlansFile?: string;
  /** Access log and operator messages (default: none). */
  log?: (line: string) => void;
}

/** A running local server. */
export interface LocalServer extends RunningGateway {
  /** The `iss` of every token: `--issuer`, or else {@link LocalServer.localUrl}. */
  issuer: string;
  /** The URL a client on this machine reaches the server at (never a wildcard address). */
  localUrl: string;
  audience: string;
  dataDir: string;
  routes: { key: string; scopes: string[]; dpop: boolean }[];
  /** The `Host` values a DPoP proof's `htu` may name (DPOP_ALLOWED_HOSTS of the local authorizer). */
  dpopHosts: string[];
  emulator: ApiGatewayEmulator;
}

/** Stage name of the local API; `/local/hello` and `/hello` both work. */
export const LOCAL_STAGE = 'local';

/**
 * Token service resources, served by the token handler with any method (it answers 405 itself):
 * the resources it routes by, so each event's `resource` is one it serves.
 */
export const TOKEN_RESOURCES: readonly string[] = TOKEN_ROUTES.map((entry) => entry.resource);

/**
 * The demo backend of protected routes: echoes the authorizer context.
 * @param event proxy event
 * @returns 200 with `{client_id, scope, message}`
 */
export async function demoBackend(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const authorizer = (event.requestContext.authorizer ?? {}) as Record<string, unknown>;
  const clientId = String(authorizer.client_id ?? authorizer.principalId ?? '');
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      client_id: clientId,
      scope: String(authorizer.scope ?? ''),
      message: `Hello, ${clientId}: ${event.httpMethod} ${event.path} passed the authorizer`,
    }),
  };
}

/**
 * Starts the local server. Handlers are built once, like a Lambda cold start, after the port is
 * known (the issuer is the base URL); requests wait for them.
 * @param options validated settings
 * @returns the running server
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const log = options.log ?? ((): void => undefined);
  // Before listening, so a bad LOG_LEVEL stops the start with a message naming it.
  const logLevel = localLogLevel();
  const dataDir = path.resolve(options.dataDir);
  const { routeScopes, routes } = readRoutesFile(options.routesFile);
  const usagePlansOn = options.usagePlansFile !== undefined;
  if (usagePlansOn && options.revocationCacheTtlSeconds === undefined) {
    throw new Error(
      '--usage-plans needs --revocation on: the authorizer reads each key with the revocation state',
    );
  }
  let usagePlans: LocalUsagePlanSource | undefined;
  // Without --usage-plans, the plan names of an earlier run must not steer the clients CLI.
  if (options.usagePlansFile === undefined) withdrawPlanNames(dataDir);
  else {
    publishPlanNames(dataDir, readUsagePlansFile(options.usagePlansFile));
    usagePlans = new LocalUsagePlanSource(
      new FileClientStore({ dataDir }),
      options.usagePlansFile,
      (message) => log(`error: ${message}`),
    );
  }

  let resolveReady!: (handlers: Handlers) => void;
  let rejectReady!: (err: unknown) => void;
  const ready = new Promise<Handlers>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);

  const tokenRoutes: Route[] = TOKEN_RESOURCES.map((resourcePath) => ({
    method: 'ANY',
    resourcePath,
    authorization: 'NONE',
    integration: {
      type: 'lambda-proxy',
      functionName: 'token',
      handler: async (event) => (await ready).token(event),
    },
  }));
  // DPoP routes go to a second authorizer of the same function whose result TTL is 0: a cached
  // decision would skip the proof and its single use (docs/dpop.md, "No cached bypass"). The
  // Bearer routes keep the cached one, which refuses every DPoP request (its TTL is not 0).
  const protectedRoutes: Route[] = routes.map((route) => ({
    method: route.method,
    resourcePath: route.resourcePath,
    authorization: 'CUSTOM',
    authorizerId: route.dpop ? DPOP_AUTHORIZER_ID : 'oauth',
    ...(usagePlansOn ? { apiKeyRequired: true } : {}),
    integration: { type: 'lambda-proxy', functionName: 'demo', handler: demoBackend },
  }));
  const authorizerTtlSeconds = Math.min(options.authorizerTtlSeconds, options.tokenTtlSeconds);
  const dpopAuthorizer: RequestAuthorizer = {
    type: 'REQUEST',
    name: 'authorizer-dpop',
    identitySource: AUTHORIZER_IDENTITY_SOURCES,
    resultTtlSeconds: 0,
    handler: async (event, context) => (await ready).dpopAuthorizer(event, context),
  };
  const api: ApiDefinition = {
    restApiId: 'local',
    stage: LOCAL_STAGE,
    region: 'us-east-1',
    accountId: '000000000000',
    routes: [...tokenRoutes, ...protectedRoutes],
    authorizers: {
      ...(routes.some((route) => route.dpop) ? { [DPOP_AUTHORIZER_ID]: dpopAuthorizer } : {}),
      oauth: {
        type: 'REQUEST',
        name: 'authorizer',
        identitySource: AUTHORIZER_IDENTITY_SOURCES,
        resultTtlSeconds: authorizerTtlSeconds,
        handler: async (event, context) => (await ready).authorizer(event, context),
      },
    },
    // With a DPoP route every 401 also carries the DPoP challenge, as modules/authorizer deploys.
    gatewayResponses: oauthGatewayResponses({
      dpop: routes.some((route) => route.dpop),
    }),
  };
  const emulator = new ApiGatewayEmulator(api, {
    ...(usagePlans ? { usagePlans } : {}),
    onAccessLog: (entry) => log(formatAccessLog(entry)),
    onError: (message, err) =>
      log(`error: ${message}${err instanceof Error ? ` (${err.name}: ${err.message})` : ''}`),
  });
  const running = await emulator.listen({ port: options.port, host: options.host });
  const localUrl = issuerFor(options.host, running.port);
  const issuer = options.issuer ?? localUrl;
  const dpopHosts = dpopHostsFor(running.port, issuer);

  try {
    const handlers = await buildHandlers({
      issuer,
      audience: options.audience,
      dataDir,
      tokenTtlSeconds: options.tokenTtlSeconds,
      routeScopes,
      scopesSupported: [...new Set(routes.flatMap((r) => r.scopes))].sort(),
      revocationCacheTtlSeconds: options.revocationCacheTtlSeconds,
      usagePlans: usagePlansOn,
      logLevel,
      authorizerTtlSeconds,
      dpopHosts,
    });
    resolveReady(handlers);
  } catch (err) {
    rejectReady(err);
    await running.close();
    throw err;
  }
  return {
    ...running,
    issuer,
    localUrl,
    audience: options.audience,
    dataDir,
    routes: routes.map((r) => ({ key: r.key, scopes: r.scopes, dpop: r.dpop })),
    dpopHosts,
    emulator,
  };
}

/**
 * The default issuer is the base URL clients on this machine use; a wildcard bind address is
 * reached as 127.0.0.1 (or [::1]).
 * @returns e.g. `http://127.0.0.1:8080`
 */
export function issuerFor(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
  const formatted =
    reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return `http://${formatted}:${port}`;
}

/** The emulator's id of the uncached authorizer that serves the DPoP routes. */
export const DPOP_AUTHORIZER_ID = 'oauth-dpop';

/**
 * The `Host` values a client on this machine sends, which a DPoP proof's `htu` may name: the
 * loopback names with the port, and the issuer's host (`--issuer`), lower case as the authorizer
 * compares them. IPv6 literals are left out (DPOP_ALLOWED_HOSTS holds host names and IPv4).
 * @param port the listening port
 * @param issuer the issuer URL
 * @returns the hosts, without duplicates
 */
export function dpopHostsFor(port: number, issuer: string): string[] {
  const issuerUrl = new URL(issuer);
  const defaultPort = issuerUrl.protocol === 'https:' ? '443' : '80';
  const issuerHost = `${issuerUrl.hostname}:${issuerUrl.port || defaultPort}`.replace(/:443$/, '');
  return [...new Set([`127.0.0.1:${port}`, `localhost:${port}`, issuerHost])].filter((host) =>
    /^[a-z0-9.-]+(:\d{1,5})?$/.test(host),
  );
}

type Handlers = {
  token: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  authorizer: RequestAuthorizerHandler;
  dpopAuthorizer: RequestAuthorizerHandler;
};

async function buildHandlers(settings: {
  issuer: string;
  audience: string;
  dataDir: string;
  tokenTtlSeconds: number;
  routeScopes: RouteScopes;
  scopesSupported: string[];
  revocationCacheTtlSeconds: number | undefined;
  usagePlans: boolean;
  logLevel: LocalLogLevel;
  authorizerTtlSeconds: number;
  dpopHosts: string[];
}): Promise<Handlers> {
  const store = new FileClientStore({ dataDir: settings.dataDir });
  const revocationOn = settings.revocationCacheTtlSeconds !== undefined;
  const signer = new LocalSigner({ dataDir: settings.dataDir });
  // Creates signing-key.pem on first start; its public key is what the authorizer trusts.
  const { publicJwk } = await signer.keyInfo();
  const publicKeyPem = createPublicKey({ key: { ...publicJwk }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const token = createTokenHandler({
    config: {
      issuer: settings.issuer,
      defaultAudience: settings.audience,
      tokenTtlSeconds: settings.tokenTtlSeconds,
      scopesSupported: settings.scopesSupported,
    },
    clientStore: store,
    revocations: revocationOn ? store : undefined,
    // private_key_jwt assertions' jti, as `jti#` entries of clients.json (docs/private-key-jwt.md).
    replayCache: store,
    // last_used_at in clients.json, at most hourly, as the deployed function writes it.
    lastUse: store,
    signer,
    publicKeys: signer,
    hasher: new Argon2PasswordHasher(),
    clock: Date.now,
    randomBytes: (size) => new Uint8Array(randomBytes(size)),
    logger: new Logger({ serviceName: 'token', logLevel: settings.logLevel }),
  });
  // As in the Lambda: EMF metric lines only when POWERTOOLS_METRICS_NAMESPACE is set.
  const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE;
  const metrics = namespace
    ? createEmfAuthorizerMetrics({ namespace, serviceName: 'authorizer' })
    : undefined;
  // One function, two authorizers (DPOP_AUTHORIZER_ID): each handler is told the TTL of the
  // authorizer it serves, as the module tells the deployed function.
  const authorizerFor = (resultTtlSeconds: number): RequestAuthorizerHandler =>
    createLocalAuthorizer({
      issuer: settings.issuer,
      audience: settings.audience,
      publicKeysPem: [publicKeyPem],
      routeScopes: settings.routeScopes,
      logLevel: settings.logLevel,
      usagePlans: settings.usagePlans,
      resultTtlSeconds,
      metrics,
      dpop: { allowedHosts: settings.dpopHosts, replayCache: new FileDpopReplayCache(store) },
      revocation: revocationOn
        ? {
            source: { read: (clientId, jti) => store.revocationState(clientId, jti) },
            cacheTtlSeconds: settings.revocationCacheTtlSeconds as number,
          }
        : undefined,
    });
  return {
    token,
    authorizer: authorizerFor(settings.authorizerTtlSeconds),
    dpopAuthorizer: authorizerFor(0),
  };
}
