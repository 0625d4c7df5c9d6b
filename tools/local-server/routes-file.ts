// Reads the local server's routes file: {"METHOD /path": ["scope", ...] or {"scopes": [...], "dpop": true}}, exactly the authorizer's ROUTE_SCOPES format.
import fs from 'node:fs';
import { parseRouteMap } from '../../functions/authorizer/core/route-map';

/**
 * Route key to the scopes that allow it (any one of them; `[]` means any valid token), or to
 * `{"scopes": [...], "dpop": true}` for a route that takes DPoP-bound tokens with a proof.
 */
export type RouteScopes = Record<string, string[] | { scopes: string[]; dpop?: boolean }>;

/** A route of the routes file, as the emulator serves it. */
export interface LocalRoute {
  /** Normalised key, e.g. `GET /orders/{id}`. */
  key: string;
  /** HTTP method, or ANY. */
  method: string;
  /** API Gateway resource path: a greedy `*` becomes `{proxy+}`. */
  resourcePath: string;
  scopes: string[];
  /** The route's sender constraint is DPoP (RFC 9449 §7): served by the uncached authorizer. */
  dpop: boolean;
}

/**
 * Parses and validates routes with the authorizer's own parser, so the file means the same to both.
 * @param value parsed JSON
 * @param source file name for messages
 * @returns the routes
 * @throws Error naming the file and the bad entry
 */
export function parseRoutes(value: unknown, source: string): LocalRoute[] {
  let routes;
  try {
    routes = parseRouteMap(value).routes;
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`);
  }
  if (routes.length === 0) throw new Error(`${source}: no routes`);
  return routes.map((route) => ({
    key: route.key,
    method: route.method,
    // A greedy `*` (only ever the last segment) is API Gateway's `{proxy+}`.
    resourcePath: route.path.replace(/\/\*$/, '/{proxy+}'),
    scopes: [...route.scopes],
    dpop: route.dpop,
  }));
}

/**
 * Reads a routes file.
 * @param file path to the JSON file
 * @returns the raw map (the authorizer's ROUTE_SCOPES) and the parsed routes
 * @throws Error naming the file and the problem
 */
export function readRoutesFile(file: string): { routeScopes: RouteScopes; routes: LocalRoute[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const routes = parseRoutes(json, file);
  return { routeScopes: json as RouteScopes, routes };
}
