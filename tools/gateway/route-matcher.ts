// Matches request paths to REST API resources the way API Gateway does: literals before {param} before {proxy+}.
import type { Route } from './types';

/** A matched route with its decoded path parameters. */
export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string> | null;
}

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface CompiledResource {
  resourcePath: string;
  segments: Segment[];
  /** Routes of this resource by method (`ANY` included). */
  methods: Map<string, Route>;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/**
 * Parses a resource path template.
 * @param resourcePath e.g. `/orders/{id}` or `/{proxy+}`
 * @returns its segments
 */
export function compileResourcePath(resourcePath: string): Segment[] {
  if (!resourcePath.startsWith('/')) {
    throw new Error(`resource path must start with "/": ${resourcePath}`);
  }
  const parts = splitPath(resourcePath);
  return parts.map((part, index) => {
    const greedy = /^\{([A-Za-z0-9._-]+)\+\}$/.exec(part);
    if (greedy) {
      if (index !== parts.length - 1) {
        throw new Error(`{${greedy[1]}+} must be the last segment of ${resourcePath}`);
      }
      return { kind: 'greedy', name: greedy[1] as string };
    }
    const param = /^\{([A-Za-z0-9._-]+)\}$/.exec(part);
    if (param) return { kind: 'param', name: param[1] as string };
    if (/[{}]/.test(part)) throw new Error(`bad path segment "${part}" in ${resourcePath}`);
    return { kind: 'literal', value: part };
  });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Specificity of a segment kind: literal beats {param} beats {proxy+}. */
const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/** The resource tree of one REST API. */
export class RouteMatcher {
  private readonly resources: CompiledResource[] = [];

  /**
   * @param routes every method of the API; duplicates (same method and resource) are rejected
   */
  constructor(routes: readonly Route[]) {
    const byPath = new Map<string, CompiledResource>();
    for (const route of routes) {
      const method = route.method.toUpperCase();
      const key = splitPath(route.resourcePath)
        .map((s) => (s.startsWith('{') ? s.replace(/\{[^}+]+(\+?)\}/, '{$1}') : s))
        .join('/');
      let resource = byPath.get(key);
      if (!resource) {
        resource = {
          resourcePath: route.resourcePath,
          segments: compileResourcePath(route.resourcePath),
          methods: new Map(),
        };
        byPath.set(key, resource);
        this.resources.push(resource);
      } else if (resource.resourcePath !== route.resourcePath) {
        throw new Error(
          `${route.resourcePath} and ${resource.resourcePath} are the same resource with different parameter names`,
        );
      }
      if (resource.methods.has(method)) {
        throw new Error(`duplicate route ${method} ${route.resourcePath}`);
      }
      if (route.authorization === 'CUSTOM' && !route.authorizerId) {
        throw new Error(
          `${method} ${route.resourcePath} uses CUSTOM authorization without an authorizerId`,
        );
      }
      resource.methods.set(method, { ...route, method });
    }
  }

  /**
   * Finds the method for a request.
   * @param method HTTP method
   * @param path request path without stage, e.g. `/orders/42`
   * @param ignoreCase compare literal segments case-insensitively (to detect paths whose routing
   *   would depend on case sensitivity, which the emulator refuses)
   * @returns the match, or undefined (API Gateway answers MISSING_AUTHENTICATION_TOKEN)
   */
  match(method: string, path: string, ignoreCase = false): RouteMatch | undefined {
    const parts = splitPath(path);
    let best:
      { resource: CompiledResource; params: Record<string, string>; score: number[] } | undefined;
    for (const resource of this.resources) {
      const params = this.matchSegments(resource.segments, parts, ignoreCase);
      if (!params) continue;
      const score = resource.segments.map((s) => RANK[s.kind]);
      if (!best || compareScores(score, best.score) < 0) best = { resource, params, score };
    }
    if (!best) return undefined;
    const route =
      best.resource.methods.get(method.toUpperCase()) ?? best.resource.methods.get('ANY');
    if (!route) return undefined;
    return {
      route,
      pathParameters: Object.keys(best.params).length > 0 ? best.params : null,
    };
  }

  private matchSegments(
    segments: Segment[],
    parts: string[],
    ignoreCase: boolean,
  ): Record<string, string> | undefined {
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i += 1) {
      const segment = segments[i] as Segment;
      if (segment.kind === 'greedy') {
        // {proxy+} needs at least one segment and takes the rest, slashes included.
        if (i >= parts.length) return undefined;
        params[segment.name] = parts.slice(i).map(decodeSegment).join('/');
        return params;
      }
      const part = parts[i];
      if (part === undefined) return undefined;
      if (segment.kind === 'literal') {
        const text = decodeSegment(part);
        const same = ignoreCase
          ? text.toLowerCase() === segment.value.toLowerCase()
          : text === segment.value;
        if (!same) return undefined;
      } else {
        params[segment.name] = decodeSegment(part);
      }
    }
    return segments.length === parts.length ? params : undefined;
  }
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const diff = (a[i] as number) - (b[i] as number);
    if (diff !== 0) return diff;
  }
  // At equal prefixes the longer (more specific) template wins over a shorter greedy one.
  return b.length - a.length;
}
