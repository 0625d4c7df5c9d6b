// Data model of the API Gateway REST emulator: routes, integrations, authorizers and gateway responses.
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';

/** A Lambda proxy integration handler (REST API, payload format 1.0). */
export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/** A TOKEN authorizer Lambda handler. Its output is validated by the emulator, as API Gateway does. */
export type TokenAuthorizerHandler = (
  event: APIGatewayTokenAuthorizerEvent,
  context: Context,
) => Promise<unknown>;

/** A REQUEST authorizer Lambda handler. Its output is validated by the emulator, as API Gateway does. */
export type RequestAuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEvent,
  context: Context,
) => Promise<unknown>;

/** `AWS_PROXY` integration: the whole request goes to a Lambda handler as a proxy event. */
export interface LambdaProxyIntegration {
  type: 'lambda-proxy';
  /** Name reported as the Lambda function name in the context object. */
  functionName?: string;
  handler: ProxyHandler;
}

/** `MOCK` integration: a fixed response, without a backend. */
export interface MockIntegration {
  type: 'mock';
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

/** What a method forwards to. */
export type Integration = LambdaProxyIntegration | MockIntegration;

/** One method on one resource, as `aws_api_gateway_method` + `aws_api_gateway_integration`. */
export interface Route {
  /** HTTP method, or `ANY`. */
  method: string;
  /** Resource path template: `/orders/{id}`, `/files/{proxy+}`, `/`. */
  resourcePath: string;
  /** The resource's id (`$context.resourceId`); defaults to the resource path. */
  resourceId?: string;
  /** `NONE` or `CUSTOM` (a Lambda authorizer). */
  authorization: 'NONE' | 'CUSTOM';
  /** Key in `ApiDefinition.authorizers`; required for `CUSTOM`. */
  authorizerId?: string;
  /**
   * `api_key_required`: the request is metered against the API key the authorizer returned
   * (`usageIdentifierKey`), and refused without one (see usage-plans.ts).
   */
  apiKeyRequired?: boolean;
  integration: Integration;
}

/** A TOKEN Lambda authorizer, as `aws_api_gateway_authorizer` with `type = "TOKEN"`. */
export interface TokenAuthorizer {
  /** Absent means TOKEN (API Gateway's default type). */
  type?: 'TOKEN';
  name: string;
  handler: TokenAuthorizerHandler;
  /** Only `method.request.header.<Name>` is supported (default Authorization). */
  identitySource?: string;
  /** Regex the token must match before the authorizer runs; a mismatch answers 401. */
  identityValidationExpression?: string;
  /** Seconds a result is cached per token (`authorizer_result_ttl_in_seconds`); 0 = no cache. Default 300. */
  resultTtlSeconds?: number;
}

/** A REQUEST Lambda authorizer, as `aws_api_gateway_authorizer` with `type = "REQUEST"`. */
export interface RequestAuthorizer {
  type: 'REQUEST';
  name: string;
  handler: RequestAuthorizerHandler;
  /**
   * Comma-separated identity sources: `method.request.header.<Name>`,
   * `method.request.querystring.<name>`, `stageVariables.<name>`, `context.<variable>` (see
   * request-authorizer.ts for the context variables the emulator supplies). Required when the
   * result is cached.
   */
  identitySource?: string;
  /** Seconds a result is cached per identity-source values; 0 = no cache. Default 300. */
  resultTtlSeconds?: number;
}

/** A Lambda authorizer of either type. */
export type LambdaAuthorizer = TokenAuthorizer | RequestAuthorizer;

/** Gateway response types the emulator produces (a subset of API Gateway's). */
export type GatewayResponseType =
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX'
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'REQUEST_TOO_LARGE'
  | 'INTEGRATION_FAILURE'
  | 'BAD_REQUEST_BODY'
  | 'INVALID_API_KEY'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED';

/**
 * A gateway response in API Gateway's own shape (`aws_api_gateway_gateway_response`, or
 * `GetGatewayResponses`), so definitions read from a deployed API need no translation.
 */
export interface GatewayResponse {
  statusCode?: number;
  /** `{"gatewayresponse.header.WWW-Authenticate": "'Bearer error=\"invalid_token\"'"}` */
  responseParameters?: Record<string, string>;
  /** `{"application/json": "{\"message\":$context.error.messageString}"}` */
  responseTemplates?: Record<string, string>;
}

/** A REST API as the emulator serves it. Everything is data, so it can come from a file or from AWS. */
export interface ApiDefinition {
  restApiId: string;
  stage: string;
  region: string;
  accountId: string;
  /** AWS partition of the method ARNs (default `aws`). */
  partition?: string;
  stageVariables?: Record<string, string>;
  /**
   * The base path of a custom domain name's API mapping to this stage (e.g. `orders` or
   * `orders/v1`, no slash at either end): a request to `/{basePath}/…` is routed without it and
   * its `requestContext.path` keeps it (request-path.ts). Unset: a request without the stage
   * prefix is read as a call through a mapping with no base path, `(none)`.
   */
  basePath?: string;
  /** Content types whose bodies reach Lambda base64-encoded. Unset: every non-text type. */
  binaryMediaTypes?: string[];
  /** Largest accepted request body (API Gateway: 10 MiB). */
  maxBodyBytes?: number;
  routes: Route[];
  authorizers?: Record<string, LambdaAuthorizer>;
  /** Overrides of the default gateway responses, by type. */
  gatewayResponses?: Partial<Record<GatewayResponseType, GatewayResponse>>;
}

/** An HTTP request as the emulator sees it (independent of node:http, so it is testable without sockets). */
export interface GatewayRequest {
  method: string;
  /** Path and query as sent, e.g. `/hello?x=1`. */
  url: string;
  /** Header name/value pairs in arrival order, names in their original case (`rawHeaders`). */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
}

/** The emulator's answer. */
export interface GatewayResult {
  statusCode: number;
  /** Header name to values. */
  headers: Record<string, string[]>;
  body: Buffer;
}

/** One line of the access log: what happened, without tokens or bodies. */
export interface AccessLogEntry {
  requestId: string;
  method: string;
  path: string;
  statusCode: number;
  latencyMs: number;
  resourcePath?: string;
  /** `hit`, `miss` or `none` (no cache), when an authorizer ran or was answered from cache. */
  authorizerCache?: 'hit' | 'miss' | 'none';
  gatewayResponse?: GatewayResponseType;
}
