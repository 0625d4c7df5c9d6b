/**
 * The authorizer's route-to-scopes map (`{"GET /orders/{id}": ["orders:read"]}`): parsing and
 * validation at cold start, and the specificity order API Gateway uses to pick a route.
 * @module
 */
import { isScopeToken } from '../../shared/access-token';

/** HTTP methods a route may name (API Gateway REST methods). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** A concrete HTTP method. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A route's method: concrete, or `ANY` (also written `*`). */
export type RouteMethod = HttpMethod | 'ANY';

/**
 * One path segment: a literal, a `{param}` (exactly one segment), or greedy (`{proxy+}` or `*`,
 * one or more segments).
 */
export interface RouteSegment {
  readonly kind: 'literal' | 'param' | 'greedy';
  /** The segment as written. */
  readonly text: string;
}

/** A validated route. */
export interface Route {
  /** Normalised key, e.g. `GET /orders/{id}`. */
  readonly key: string;
  readonly method: RouteMethod;
  /** The path as written, starting with `/`. */
  readonly path: string;
  readonly segments: readonly RouteSegment[];
  /** The route is allowed when the token holds any of these; empty means any valid token. */
  readonly scopes: readonly string[];
  /**
   * `METHOD/path` resource patterns for IAM policies: parameters and greedy segments become `*`,
   * and `ANY` is spelled out as one pattern per method (a `*` there would also match across `/`).
   */
  readonly resourcePatterns: readonly string[];
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
 * Parses and validates a route map.
 * @param input the parsed JSON value (an object of `"METHOD /path": ["scope", …]`)
 * @returns the routes, in input order
 * @throws RouteMapError naming the first bad entry
 */
export function parseRouteMap(input: unknown): Route[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RouteMapError('route map must be a JSON object of "METHOD /path": [scopes]');
  }
  const routes: Route[] = [];
  const seen = new Map<string, string>();
  for (const [entry, scopes] of Object.entries(input)) {
    const route = parseRoute(entry, scopes);
    const earlier = seen.get(route.key);
    if (earlier !== undefined) {
      throw new RouteMapError(`route "${entry}" duplicates route "${earlier}"`);
    }
    seen.set(route.key, entry);
    routes.push(route);
  }
  return routes;
}

/**
 * Parses one entry.
 * @param entry the key, `METHOD /path`
 * @param scopes the value, an array of scope tokens
 * @returns the route
 * @throws RouteMapError naming the entry
 */
function parseRoute(entry: string, scopes: unknown): Route {
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
  const segments: RouteSegment[] = [];
  if (path !== '/') {
    const parts = path.slice(1).split('/');
    parts.forEach((text, index) => {
      if (text === '*') {
        segments.push({ kind: 'greedy', text });
        return;
      }
      const param = PARAM_SEGMENT.exec(text);
      if (param) {
        if (param[2] === '+' && index !== parts.length - 1) {
          fail(`greedy parameter "${text}" must be the last segment`);
        }
        segments.push({ kind: param[2] === '+' ? 'greedy' : 'param', text });
        return;
      }
      if (text === '') fail('path has an empty segment (double or trailing "/")');
      if (!LITERAL_SEGMENT.test(text)) fail(`invalid path segment "${text}"`);
      segments.push({ kind: 'literal', text });
    });
  }

  if (!Array.isArray(scopes))
    return fail('scopes must be an array of strings ([] = any valid token)');
  for (const scope of scopes as unknown[]) {
    if (typeof scope !== 'string' || !isScopeToken(scope)) {
      fail(`invalid scope ${JSON.stringify(scope)}`);
    }
  }

  const resourcePath = segments.map((s) => (s.kind === 'literal' ? s.text : '*')).join('/');
  const methods = method === 'ANY' ? HTTP_METHODS : [method];
  return {
    key: `${method} ${path}`,
    method,
    path,
    segments,
    scopes: [...new Set(scopes as string[])],
    resourcePatterns: methods.map((m) => `${m}/${resourcePath}`),
  };
}

/** Rank of a segment kind in API Gateway's route selection: literals beat params beat greedy. */
const KIND_RANK = { literal: 2, param: 1, greedy: 0 } as const;

/**
 * Compares two routes the way API Gateway prefers one when both match a request: segment by
 * segment from the left, a literal beats `{param}`, which beats greedy; then a concrete method
 * beats `ANY`.
 * @param a a route
 * @param b another route
 * @returns a positive number when `a` is preferred, negative when `b` is, 0 when undecided
 */
export function compareSpecificity(a: Route, b: Route): number {
  const common = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < common; i++) {
    const diff =
      KIND_RANK[(a.segments[i] as RouteSegment).kind] -
      KIND_RANK[(b.segments[i] as RouteSegment).kind];
    if (diff !== 0) return diff;
  }
  if (a.segments.length !== b.segments.length) return 0;
  return (a.method === 'ANY' ? 0 : 1) - (b.method === 'ANY' ? 0 : 1);
}
