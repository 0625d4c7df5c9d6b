// A small API Gateway REST API emulator: HTTP request -> route -> TOKEN or REQUEST authorizer -> Lambda proxy or mock -> HTTP response.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { renderGatewayResponse, validateGatewayResponse } from './gateway-responses';
import { isAllowedByPolicy } from './policy-evaluation';
import {
  buildProxyEvent,
  lambdaContext,
  readProxyResult,
  type ProxyEventInput,
} from './proxy-event';
import { RequestAuthorizerRunner, requestAuthorizerEvent } from './request-authorizer';
import { readRequestPath } from './request-path';
import { RouteMatcher } from './route-matcher';
import { UsagePlanEnforcer, type UsagePlanSource } from './usage-plans';
import {
  TokenAuthorizerRunner,
  type AuthorizerOutcome,
  type AuthorizerResult,
} from './token-authorizer';
import type {
  AccessLogEntry,
  ApiDefinition,
  GatewayRequest,
  GatewayResponseType,
  GatewayResult,
  Route,
} from './types';

/** API Gateway's payload limit for REST APIs. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Options that are not part of the API itself. */
export interface EmulatorOptions {
  /** Current time in ms. */
  clock?: () => number;
  /** Called once per request, after the response is known. */
  onAccessLog?: (entry: AccessLogEntry) => void;
  /** Called when an authorizer or integration fails, with a reason for the operator (never sent to the client). */
  onError?: (message: string, error?: unknown) => void;
  /**
   * Usage plans of the stage (the API's key source is the authorizer): routes with
   * `apiKeyRequired` are metered against the key the authorizer returned. Without it such routes
   * answer 403, as a stage in no usage plan would.
   */
  usagePlans?: UsagePlanSource;
}

/** A running HTTP listener. */
export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  /** Stops accepting connections and waits for in-flight requests (idle keep-alive sockets are closed). */
  close(): Promise<void>;
}

/**
 * Builds a method ARN as API Gateway passes it to authorizers.
 * @returns `arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`
 */
export function methodArn(
  api: Pick<ApiDefinition, 'region' | 'accountId' | 'restApiId' | 'stage' | 'partition'>,
  method: string,
  path: string,
): string {
  return `arn:${api.partition ?? 'aws'}:execute-api:${api.region}:${api.accountId}:${api.restApiId}/${api.stage}/${method}/${path.replace(/^\//, '')}`;
}

/** Emulates one deployed stage of a REST API. */
export class ApiGatewayEmulator {
  private readonly matcher: RouteMatcher;
  private readonly authorizers = new Map<string, TokenAuthorizerRunner | RequestAuthorizerRunner>();
  private readonly clock: () => number;
  private readonly usage: UsagePlanEnforcer | undefined;
  readonly maxBodyBytes: number;

  /**
   * @param api the API definition (routes, authorizers, gateway responses)
   * @param options clock and log hooks
   */
  constructor(
    readonly api: ApiDefinition,
    private readonly options: EmulatorOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.usage = options.usagePlans && new UsagePlanEnforcer(options.usagePlans, this.clock);
    this.matcher = new RouteMatcher(api.routes);
    for (const [id, authorizer] of Object.entries(api.authorizers ?? {})) {
      this.authorizers.set(
        id,
        authorizer.type === 'REQUEST'
          ? new RequestAuthorizerRunner(authorizer, this.clock)
          : new TokenAuthorizerRunner(authorizer, this.clock),
      );
    }
    for (const route of api.routes) {
      if (route.authorization === 'CUSTOM' && !this.authorizers.has(route.authorizerId as string)) {
        throw new Error(
          `${route.method} ${route.resourcePath}: authorizer ${route.authorizerId} is not defined`,
        );
      }
    }
    for (const [type, response] of Object.entries(api.gatewayResponses ?? {})) {
      validateGatewayResponse(type, response);
    }
    if (
      api.basePath !== undefined &&
      !/^[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/.test(api.basePath)
    ) {
      throw new Error(
        `basePath ${JSON.stringify(api.basePath)} must be path segments without a leading or trailing slash (leave it unset for the (none) mapping)`,
      );
    }
    this.maxBodyBytes = api.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** Drops every authorizer's cached results. */
  clearAuthorizerCaches(): void {
    for (const runner of this.authorizers.values()) runner.clearCache();
  }

  /**
   * Handles one request.
   * @param request the HTTP request
   * @returns the HTTP response
   */
  async handle(request: GatewayRequest): Promise<GatewayResult> {
    const started = this.clock();
    const requestId = randomUUID();
    const target = readRequestPath(request.url, this.api.stage, this.api.basePath);
    const log: AccessLogEntry = {
      requestId,
      method: request.method,
      path: 'path' in target ? target.path : (request.url.split('?')[0] as string),
      statusCode: 0,
      latencyMs: 0,
    };
    const finish = (result: GatewayResult): GatewayResult => {
      result.headers['x-amzn-RequestId'] = [requestId];
      log.statusCode = result.statusCode;
      log.latencyMs = this.clock() - started;
      this.options.onAccessLog?.(log);
      return result;
    };
    const gatewayResponse = (type: GatewayResponseType): GatewayResult => {
      log.gatewayResponse = type;
      return finish(renderGatewayResponse(type, this.api.gatewayResponses ?? {}, requestId));
    };

    if (request.body.length > this.maxBodyBytes) return gatewayResponse('REQUEST_TOO_LARGE');
    if ('refused' in target) {
      this.options.onError?.(`refused ${request.method} ${log.path}: ${target.refused}`);
      return gatewayResponse('DEFAULT_4XX');
    }
    const { path, rawQuery, requestPath } = target;
    const match = this.matcher.match(request.method, path);
    const folded = this.matcher.match(request.method, path, true);
    if (match?.route !== folded?.route) {
      this.options.onError?.(
        `refused ${request.method} ${path}: its route would depend on the case of its literal segments, which the API Gateway documentation does not settle`,
      );
      return gatewayResponse('DEFAULT_4XX');
    }
    if (!match) return gatewayResponse('MISSING_AUTHENTICATION_TOKEN');
    const { route } = match;
    log.resourcePath = route.resourcePath;

    const proxyInput = {
      method: request.method,
      path,
      requestPath,
      rawQuery,
      rawHeaders: request.rawHeaders,
      body: request.body,
      sourceIp: request.sourceIp,
      resourcePath: route.resourcePath,
      resourceId: route.resourceId,
      pathParameters: match.pathParameters,
      stage: this.api.stage,
      stageVariables: this.api.stageVariables ?? null,
      restApiId: this.api.restApiId,
      accountId: this.api.accountId,
      requestId,
      now: this.clock(),
      binaryMediaTypes: this.api.binaryMediaTypes,
    };

    let authorizer: AuthorizerResult | undefined;
    if (route.authorization === 'CUSTOM') {
      const runner = this.authorizers.get(route.authorizerId as string) as
        TokenAuthorizerRunner | RequestAuthorizerRunner;
      const arn = methodArn(this.api, request.method, path);
      let outcome: AuthorizerOutcome;
      if (runner instanceof RequestAuthorizerRunner) {
        outcome = await runner.authorize(
          requestAuthorizerEvent(buildProxyEvent(proxyInput), arn),
          requestId,
        );
      } else {
        const headersLast: Record<string, string> = {};
        for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
          headersLast[request.rawHeaders[i] as string] = request.rawHeaders[i + 1] as string;
        }
        outcome = await runner.authorize(headersLast, arn, requestId);
      }
      if (outcome.kind === 'failure') {
        this.options.onError?.(`authorizer ${route.authorizerId} failed`);
        return gatewayResponse('AUTHORIZER_FAILURE');
      }
      if (outcome.kind === 'configuration-error') {
        this.options.onError?.(
          `authorizer ${route.authorizerId} returned bad output: ${outcome.reason}`,
        );
        return gatewayResponse('AUTHORIZER_CONFIGURATION_ERROR');
      }
      log.authorizerCache = outcome.cache;
      if (outcome.kind === 'unauthorized') return gatewayResponse('UNAUTHORIZED');
      if (!isAllowedByPolicy(outcome.result.policyDocument, arn)) {
        return gatewayResponse('ACCESS_DENIED');
      }
      authorizer = outcome.result;
    }

    if (route.apiKeyRequired === true) {
      // After authorization, before the integration: a throttled or over-quota request never
      // reaches the backend. The key comes only from the authorizer (key source AUTHORIZER), never
      // from an x-api-key header.
      const verdict =
        this.usage === undefined
          ? 'INVALID_API_KEY'
          : await this.usage.admit(
              authorizer?.usageIdentifierKey,
              request.method,
              route.resourcePath,
            );
      if (verdict !== 'ok') return gatewayResponse(verdict);
    }

    const result = await this.integrate(route, proxyInput, requestId, authorizer);
    if (!result) return gatewayResponse('INTEGRATION_FAILURE');
    return finish(result);
  }

  private async integrate(
    route: Route,
    proxyInput: Omit<ProxyEventInput, 'authorizer'>,
    requestId: string,
    authorizer: AuthorizerResult | undefined,
  ): Promise<GatewayResult | undefined> {
    const integration = route.integration;
    if (integration.type === 'mock') {
      const headers: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(integration.headers ?? {})) headers[k] = [v];
      return {
        statusCode: integration.statusCode,
        headers,
        body: Buffer.from(integration.body ?? '', 'utf8'),
      };
    }
    const event = buildProxyEvent({
      ...proxyInput,
      authorizer: authorizer && {
        principalId: authorizer.principalId,
        context: authorizer.context,
      },
    });
    const functionName = integration.functionName ?? 'function';
    let output: unknown;
    try {
      output = await integration.handler(event, lambdaContext(functionName, requestId));
    } catch (err) {
      this.options.onError?.(`${functionName} threw`, err);
      return undefined;
    }
    const result = readProxyResult(output);
    if (!result) {
      this.options.onError?.(`${functionName} returned a malformed proxy response`);
      return undefined;
    }
    return toGatewayResult(result);
  }

  /**
   * Serves the API over HTTP.
   * @param options.port port (0 picks a free one)
   * @param options.host interface to bind (default 127.0.0.1)
   * @returns the running server
   */
  async listen(options: { port: number; host?: string }): Promise<RunningGateway> {
    const host = options.host ?? '127.0.0.1';
    const server = http.createServer((req, res) => {
      void this.serve(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return {
      url: `http://${urlHost}:${port}`,
      port,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // In-flight requests get a moment to finish; then every socket goes.
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        }),
    };
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > this.maxBodyBytes;
    if (!tooLarge) {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          tooLarge = true;
          break;
        }
        chunks.push(chunk);
      }
    }
    const request: GatewayRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      // A body over the limit is not read further; an oversized stand-in triggers REQUEST_TOO_LARGE.
      body: tooLarge ? Buffer.alloc(this.maxBodyBytes + 1) : Buffer.concat(chunks),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    };
    let result: GatewayResult;
    try {
      result = await this.handle(request);
    } catch (err) {
      this.options.onError?.('emulator failure', err);
      result = renderGatewayResponse('DEFAULT_5XX', this.api.gatewayResponses ?? {}, randomUUID());
    }
    for (const [name, values] of Object.entries(result.headers)) {
      if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'transfer-encoding')
        continue;
      res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
    }
    res.setHeader('Content-Length', result.body.length);
    if (tooLarge) res.setHeader('Connection', 'close');
    res.statusCode = result.statusCode;
    res.end(req.method === 'HEAD' ? undefined : result.body, () => {
      if (tooLarge) req.socket.destroy();
    });
  }
}

/**
 * Converts a proxy result to HTTP: `headers` and `multiValueHeaders` merge, base64 bodies decode.
 * @param result Lambda proxy result
 * @returns the HTTP result
 */
export function toGatewayResult(result: APIGatewayProxyResult): GatewayResult {
  const headers: Record<string, string[]> = {};
  const names = new Map<string, string>();
  const add = (name: string, value: unknown): void => {
    const key = names.get(name.toLowerCase()) ?? name;
    names.set(name.toLowerCase(), key);
    (headers[key] ??= []).push(String(value));
  };
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    for (const value of values) add(name, value);
  }
  // API Gateway merges both maps; for a name present in both, multiValueHeaders wins.
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (!names.has(name.toLowerCase())) add(name, value);
  }
  const body = result.body ?? '';
  return {
    statusCode: result.statusCode,
    headers,
    body: result.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
  };
}
