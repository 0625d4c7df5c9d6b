// The token function's routes, chosen by the API Gateway resource that matched the request, never by the request path.
import {
  DISCOVERY_PATHS,
  INTROSPECT_PATH,
  JWKS_PATH,
  REVOKE_PATH,
  TOKEN_PATH,
} from './core/metadata';

/** What the token function serves. */
export type TokenRoute = 'token' | 'revoke' | 'introspect' | 'jwks' | 'metadata';

/** One served resource: the route it is and the one method it answers. */
export interface TokenRouteEntry {
  /** The API Gateway resource path (template) of the route, e.g. `/oauth2/token`. */
  readonly resource: string;
  readonly route: TokenRoute;
  readonly method: 'GET' | 'POST';
}

/**
 * Every resource the token function serves. The Terraform module (modules/token-endpoint) creates
 * exactly these resources below the API's root, so they are also the `resource` of the events.
 */
export const TOKEN_ROUTES: readonly TokenRouteEntry[] = [
  { resource: TOKEN_PATH, route: 'token', method: 'POST' },
  { resource: REVOKE_PATH, route: 'revoke', method: 'POST' },
  { resource: INTROSPECT_PATH, route: 'introspect', method: 'POST' },
  { resource: JWKS_PATH, route: 'jwks', method: 'GET' },
  // RFC 8414 metadata and the OpenID discovery document: one definition, the same bytes.
  ...DISCOVERY_PATHS.map((resource) => ({
    resource,
    route: 'metadata' as const,
    method: 'GET' as const,
  })),
];

const BY_RESOURCE: ReadonlyMap<string, TokenRouteEntry> = new Map(
  TOKEN_ROUTES.map((entry) => [entry.resource, entry]),
);

/**
 * Finds the route of a REST API proxy event by its `resource`: the resource template API Gateway
 * matched ("resource": "Resource path", "Input format of a Lambda function for proxy integration",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format),
 * which holds neither the stage nor a custom domain's base path. The match is exact: a catch-all
 * resource such as `/{proxy+}` pointed at this function serves nothing, whatever the request path
 * ends with, so a route exists only where the API declares it.
 * @param resource the event's `resource`
 * @returns the route, or undefined when the function does not serve that resource
 */
export function matchTokenRoute(resource: unknown): TokenRouteEntry | undefined {
  return typeof resource === 'string' ? BY_RESOURCE.get(resource) : undefined;
}
