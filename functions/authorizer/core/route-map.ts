/**
 * The authorizer's route-to-scopes map (`{"GET /orders/{id}": ["orders:read"]}`): parsing and
 * validation at cold start, and the exact lookup of the route API Gateway matched.
 *
 * There is no path matching here. API Gateway has already routed the request when it calls a
 * REQUEST authorizer and passes the matched resource template as `event.resource` ("Input to an
 * Amazon API Gateway Lambda authorizer", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html),
 * so the decision is a lookup of `"<httpMethod> <resource>"`, with `ANY <resource>` as fallback.
 * @module
 */
import { isScopeToken } from '../../shared/access-token';

/** HTTP methods a route may name (API Gateway REST methods). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** A concrete HTTP method. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A route's method: concrete, or `ANY` (also written `*`). */
export type RouteMethod = HttpMethod | 'ANY';

/** A validated route. */
export interface Route {
  /** The key as written, e.g. `get /orders/{id}`. */
  readonly entry: string;
  /** Normalised key, e.g. `GET /orders/{id}`. */
  readonly key: string;
  readonly method: RouteMethod;
  /** The path as written, starting with `/`. */
  readonly path: string;
  /**
   * The resource's shape, the lookup key's path part: literals as written, `{name}` as `{}`,
   * `{name+}` (or `*`) as `{+}`. See {@link resourceShape}.
   */
  readonly shape: string;
  /** The route is allowed when the token holds any of these; empty means any valid token. */
  readonly scopes: readonly string[];
  /**
   * The route's sender constraint (issue 25): true means the request must present a DPoP-bound
   * token with `Authorization: DPoP` and a proof (RFC 9449 §7), false a Bearer token.
   */
  readonly dpop: boolean;
}

/** The route map, indexed for exact lookup. */
export interface RouteMap {
  /** The routes, in input order. */
  readonly routes: readonly Route[];
  /** `"<METHOD> <shape>"` to route. */
  readonly byKey: ReadonlyMap<string, Route>;
}

/** The route map is invalid; the message names the bad entry. */
export class RouteMapError extends Error {
  /**
   * @param message what is wrong, naming the entry
   */
  constructor(message: string) {
    super(message);
    this.name = 'RouteMapError';
  }
}

/** Literal path segment characters (RFC 3986 pchar without `*`, `?` and `{}`, which mean more). */
const LITERAL_SEGMENT = /^[A-Za-z0-9._~!$&'()+,;=:@%-]+$/;
/** `{name}` or `{name+}`. */
const PARAM_SEGMENT = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

/**
 * The shape of a resource path template: the same resource whatever its parameters are called.
 * Parameter names are not compared, so `GET /orders/{id}` in the map also covers a deployed
 * `/orders/{orderId}`: a resource has at most one variable child (the emulator's router enforces
 * this; the API Gateway docs do not state the rule, so the map's semantics are defined by shape
 * either way: a route gets the scopes of the map entry of its shape, and a shape that no entry
 * has is denied). `*` is accepted as another spelling of a greedy `{proxy+}`.
 * @param path a resource path template such as `/orders/{id}` (event `resource`)
 * @returns e.g. `/orders/{}`, `/files/{+}`, `/`; undefined when it is not a template
 */
export function resourceShape(path: string): string | undefined {
  if (path === '/') return '/';
  if (path.charCodeAt(0) !== 47) return undefined;
  const parts = path.slice(1).split('/');
  let shape = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part === '*') {
      if (i !== parts.length - 1) return undefined;
      shape += '/{+}';
      continue;
    }
    const param = PARAM_SEGMENT.exec(part);
    if (param !== null) {
      if (param[2] === '+' && i !== parts.length - 1) return undefined;
      shape += param[2] === '+' ? '/{+}' : '/{}';
    } else if (LITERAL_SEGMENT.test(part)) {
      shape += `/${part}`;
    } else {
      return undefined;
    }
  }
  return shape;
}

/**
 * The settings a route may carry in its object form, `{"scopes": [...], "dpop": true}`. The array
 * form `["scope", ...]` is short for `{"scopes": [...]}` (no sender constraint). `dpop` is the
 * route's sender constraint (RFC 9449 §7; issue 25), a JSON boolean, false when absent. Any other
 * setting is refused, with the whole map, so that an authorizer never ignores a constraint it does
 * not know (docs/authorizer.md).
 */
export const ROUTE_SETTINGS = ['scopes', 'dpop'] as const;

/**
 * Parses and validates a route map.
 * @param input the parsed JSON value (an object of `"METHOD /path": ["scope", …]` or
 *   `"METHOD /path": {"scopes": ["scope", …], "dpop": true}`)
 * @returns the routes, indexed by method and shape
 * @throws RouteMapError naming the first bad entry
 */
export function parseRouteMap(input: unknown): RouteMap {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RouteMapError('route map must be a JSON object of "METHOD /path": [scopes]');
  }
  const routes: Route[] = [];
  const byKey = new Map<string, Route>();
  for (const [entry, scopes] of Object.entries(input)) {
    const route = parseRoute(entry, scopes);
    const lookupKey = `${route.method} ${route.shape}`;
    const earlier = byKey.get(lookupKey);
    if (earlier !== undefined) {
      throw new RouteMapError(`route "${entry}" duplicates route "${earlier.entry}"`);
    }
    byKey.set(lookupKey, route);
    routes.push(route);
  }
  return { routes, byKey };
}

/**
 * Parses one entry.
 * @param entry the key, `METHOD /path`
 * @param value the value: an array of scope tokens, or `{"scopes": [...], "dpop": boolean}`
 * @returns the route
 * @throws RouteMapError naming the entry
 */
function parseRoute(entry: string, value: unknown): Route {
  const fail = (problem: string): never => {
    throw new RouteMapError(`route "${entry}": ${problem}`);
  };
  const space = entry.indexOf(' ');
  if (space < 0 || entry.indexOf(' ', space + 1) >= 0) fail('must be "METHOD /path"');
  const rawMethod = entry.slice(0, space).toUpperCase();
  const path = entry.slice(space + 1);
  let method: RouteMethod;
  if (rawMethod === 'ANY' || rawMethod === '*') method = 'ANY';
  else if ((HTTP_METHODS as readonly string[]).includes(rawMethod))
    method = rawMethod as HttpMethod;
  else
    return fail(
      `unknown method "${entry.slice(0, space)}" (use ${HTTP_METHODS.join(', ')}, ANY or *)`,
    );

  if (!path.startsWith('/')) fail('path must start with "/"');
  if (path !== '/') {
    const parts = path.slice(1).split('/');
    parts.forEach((text, index) => {
      const greedy = text === '*' || PARAM_SEGMENT.exec(text)?.[2] === '+';
      if (greedy && index !== parts.length - 1) {
        fail(`greedy parameter "${text}" must be the last segment`);
      }
      if (text === '') fail('path has an empty segment (double or trailing "/")');
      if (!greedy && !PARAM_SEGMENT.test(text) && !LITERAL_SEGMENT.test(text)) {
        fail(`invalid path segment "${text}"`);
      }
    });
  }

  let scopes = value;
  let dpop = false;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const settings = value as Record<string, unknown>;
    const unknown = Object.keys(settings).find(
      (name) => !(ROUTE_SETTINGS as readonly string[]).includes(name),
    );
    if (unknown !== undefined) {
      fail(`unknown setting "${unknown}" (this authorizer knows ${ROUTE_SETTINGS.join(', ')})`);
    }
    scopes = settings.scopes;
    if (settings.dpop !== undefined) {
      // Only a JSON boolean: a string such as "required" or "false" is a mistake to refuse, not
      // a truthy value to guess about.
      if (typeof settings.dpop !== 'boolean') fail('dpop must be true or false');
      dpop = settings.dpop as boolean;
    }
  }
  if (!Array.isArray(scopes))
    return fail('scopes must be an array of strings ([] = any valid token)');
  for (const scope of scopes as unknown[]) {
    if (typeof scope !== 'string' || !isScopeToken(scope)) {
      fail(`invalid scope ${JSON.stringify(scope)}`);
    }
  }

  return {
    entry,
    key: `${method} ${path}`,
    method,
    path,
    shape: resourceShape(path) as string,
    scopes: [...new Set(scopes as string[])],
    dpop,
  };
}

/**
 * Finds the route of a request exactly: `"<method> <shape of resource>"`, else
 * `"ANY <shape of resource>"`. Nothing else matches: routes not in the map are not found.
 * @param map the route map
 * @param method the request's HTTP method (event `httpMethod`)
 * @param resource the resource template API Gateway matched (event `resource`)
 * @returns the route, or undefined (the request is denied)
 */
export function lookupRoute(map: RouteMap, method: string, resource: string): Route | undefined {
  const shape = resourceShape(resource);
  if (shape === undefined) return undefined;
  return map.byKey.get(`${method} ${shape}`) ?? map.byKey.get(`ANY ${shape}`);
}
