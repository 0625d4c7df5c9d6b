// Wires the token and authorizer handlers with local adapters behind the API Gateway emulator (`npm start`).
import { createPublicKey, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { FileClientStore } from '../dev-adapters/client-store-file';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { LocalSigner } from '../dev-adapters/signer-local';
import { createTokenHandler } from '../../functions/token/create-handler';
import { TOKEN_ROUTES } from '../../functions/token/routes';
import { parseRouteMap } from '../../functions/authorizer/core/route-map';
import { ApiGatewayEmulator, type RunningGateway } from '../gateway/emulator';
import { formatAccessLog } from '../gateway/access-log';
import type { ApiDefinition, RequestAuthorizerHandler, Route } from '../gateway/types';
import { AUTHORIZER_IDENTITY_SOURCES, createLocalAuthorizer } from './local-authorizer';
import { oauthGatewayResponses } from './oauth-gateway-responses';
import { readRoutesFile } from './routes-file';
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
  routes: { key: string; scopes: string[] }[];
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
  const protectedRoutes: Route[] = routes.map((route) => ({
    method: route.method,
    resourcePath: route.resourcePath,
    authorization: 'CUSTOM',
    authorizerId: 'oauth',
    ...(usagePlansOn ? { apiKeyRequired: true } : {}),
    integration: { type: 'lambda-proxy', functionName: 'demo', handler: demoBackend },
  }));
  const api: ApiDefinition = {
    restApiId: 'local',
    stage: LOCAL_STAGE,
    region: 'us-east-1',
    accountId: '000000000000',
    routes: [...tokenRoutes, ...protectedRoutes],
    authorizers: {
      oauth: {
        type: 'REQUEST',
        name: 'authorizer',
        identitySource: AUTHORIZER_IDENTITY_SOURCES,
        resultTtlSeconds: Math.min(options.authorizerTtlSeconds, options.tokenTtlSeconds),
        handler: async (event, context) => (await ready).authorizer(event, context),
      },
    },
    // With a DPoP route every 401 also carries the DPoP challenge, as modules/authorizer deploys.
    gatewayResponses: oauthGatewayResponses({
      dpop: parseRouteMap(routeScopes).routes.some((route) => route.dpop),
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
    routes: routes.map((r) => ({ key: r.key, scopes: r.scopes })),
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

type Handlers = {
  token: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  authorizer: RequestAuthorizerHandler;
};

async function buildHandlers(settings: {
  issuer: string;
  audience: string;
  dataDir: string;
  tokenTtlSeconds: number;
  routeScopes: Record<string, string[]>;
  scopesSupported: string[];
  revocationCacheTtlSeconds: number | undefined;
  usagePlans: boolean;
  logLevel: LocalLogLevel;
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
  const authorizer = createLocalAuthorizer({
    issuer: settings.issuer,
    audience: settings.audience,
    publicKeysPem: [publicKeyPem],
    routeScopes: settings.routeScopes,
    logLevel: settings.logLevel,
    usagePlans: settings.usagePlans,
    revocation: revocationOn
      ? {
          source: { read: (clientId, jti) => store.revocationState(clientId, jti) },
          cacheTtlSeconds: settings.revocationCacheTtlSeconds as number,
        }
      : undefined,
  });
  return { token, authorizer };
}
