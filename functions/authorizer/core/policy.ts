/**
 * IAM policies for the TOKEN authorizer: which routes of the route map a token's scopes permit,
 * as execute-api resource ARNs for the whole API (API Gateway caches the policy per token, for
 * every route), with `methodArn` parsing.
 * @module
 */
import { compareSpecificity, HTTP_METHODS, type Route } from './route-map';

/** One statement of an authorizer policy. */
export interface PolicyStatement {
  readonly Action: 'execute-api:Invoke';
  readonly Effect: 'Allow' | 'Deny';
  readonly Resource: readonly string[];
}

/** The policy document an authorizer returns. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** What the TOKEN authorizer returns to API Gateway. */
export interface AuthorizerResult {
  /** The client id (`sub`). */
  principalId: string;
  policyDocument: PolicyDocument;
  /** Passed to the backend as `requestContext.authorizer`; strings only. */
  context: { client_id: string; scope: string; jti: string };
}

/** The claims a policy needs. */
export interface PolicyClaims {
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
}

/** A parsed `methodArn`. */
export interface MethodArn {
  partition: string;
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  method: string;
  /** The request path without its leading `/` (may be empty). */
  resourcePath: string;
  /** `arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/`, the base of every resource. */
  prefix: string;
}

/** `methodArn` is not an execute-api method ARN. */
export class MethodArnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MethodArnError';
  }
}

const METHOD_ARN =
  /^(arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):execute-api:([a-z0-9-]+):(\d{12}):([A-Za-z0-9]+)\/([A-Za-z0-9_-]+)\/)([A-Z]+|\*)\/([^*?]*)$/;

/**
 * Parses and validates an execute-api method ARN.
 * @param methodArn e.g. `arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders/7`
 * @returns its parts
 * @throws MethodArnError when it is not one
 */
export function parseMethodArn(methodArn: string): MethodArn {
  const match = METHOD_ARN.exec(methodArn);
  if (match === null) throw new MethodArnError('methodArn is not an execute-api method ARN');
  const [, prefix, partition, region, accountId, apiId, stage, method, resourcePath] =
    match as unknown as string[];
  return {
    partition: partition as string,
    region: region as string,
    accountId: accountId as string,
    apiId: apiId as string,
    stage: stage as string,
    method: method as string,
    resourcePath: resourcePath as string,
    prefix: prefix as string,
  };
}

/** Resource patterns (relative to the ARN prefix) to allow and to deny for one scope set. */
export interface PolicyPlan {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/**
 * One step of a pattern: a character, or one/zero-or-more characters of a class
 * (`any`, or `seg`: anything but `/`).
 */
type Token = { t: 'char'; c: string } | { t: 'one' | 'star'; cls: 'any' | 'seg' };

/**
 * @param pattern an IAM resource pattern, where `*` is any run of characters (slashes included)
 * @returns its tokens
 */
function iamTokens(pattern: string): Token[] {
  return [...pattern].map((c): Token => (c === '*' ? { t: 'star', cls: 'any' } : { t: 'char', c }));
}

/**
 * The request paths API Gateway routes to a route, for one method: `{param}` is one non-empty
 * segment, greedy is one or more of anything.
 * @param route the route
 * @param method a concrete method
 * @returns the tokens of `METHOD/path`
 */
function routeTokens(route: Route, method: string): Token[] {
  const tokens: Token[] = [...`${method}/`].map((c): Token => ({ t: 'char', c }));
  route.segments.forEach((segment, index) => {
    if (index > 0) tokens.push({ t: 'char', c: '/' });
    if (segment.kind === 'literal') {
      for (const c of segment.text) tokens.push({ t: 'char', c });
    } else {
      const cls = segment.kind === 'param' ? 'seg' : 'any';
      tokens.push({ t: 'one', cls }, { t: 'star', cls });
    }
  });
  return tokens;
}

/**
 * @param a a consuming token
 * @param b another
 * @returns whether some character satisfies both
 */
function overlaps(a: Token, b: Token): boolean {
  if (a.t === 'char' && b.t === 'char') return a.c === b.c;
  const char = a.t === 'char' ? a : b.t === 'char' ? b : undefined;
  const other = char === a ? b : a;
  if (char === undefined || other.t === 'char') return true; // two classes share every non-slash char
  return other.cls === 'any' || char.c !== '/';
}

/**
 * Whether two patterns have a string in common (product automaton, breadth first).
 * @param a tokens of one pattern
 * @param b tokens of the other
 * @returns true when their languages intersect
 */
export function patternsIntersect(a: readonly Token[], b: readonly Token[]): boolean {
  const width = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * width);
  const queue: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number): void => {
    const id = i * width + j;
    if (seen[id] === 0) {
      seen[id] = 1;
      queue.push(id);
    }
  };
  while (queue.length > 0) {
    const id = queue.pop() as number;
    const i = Math.floor(id / width);
    const j = id % width;
    if (i === a.length && j === b.length) return true;
    const ta = a[i];
    const tb = b[j];
    if (ta?.t === 'star') push(i + 1, j);
    if (tb?.t === 'star') push(i, j + 1);
    if (ta !== undefined && tb !== undefined && overlaps(ta, tb)) {
      push(ta.t === 'star' ? i : i + 1, tb.t === 'star' ? j : j + 1);
    }
  }
  return false;
}

/**
 * Decides the resources for one set of scopes.
 *
 * Allowed routes become Allow patterns. IAM's `*` also matches across `/`, so an allowed
 * `GET/orders/*` (from `GET /orders/{id}`) would also cover `GET /orders/7/audit`. Every denied
 * route whose requests an Allow pattern reaches therefore gets an explicit Deny (which wins in IAM),
 * unless the allowing route is the one API Gateway prefers for those requests (a literal
 * `GET /orders/new` beats a denied `GET /orders/{id}`).
 * @param routes the route map
 * @param scopes the token's scopes
 * @returns the allow and deny patterns, relative to the ARN prefix
 */
export function planPolicy(routes: readonly Route[], scopes: ReadonlySet<string>): PolicyPlan {
  const allowed: Route[] = [];
  const denied: Route[] = [];
  for (const route of routes) {
    const ok = route.scopes.length === 0 || route.scopes.some((scope) => scopes.has(scope));
    (ok ? allowed : denied).push(route);
  }
  const allow = allowed.flatMap((route) => route.resourcePatterns);
  const allowTokens = allowed.map((route) => route.resourcePatterns.map(iamTokens));
  const deny: string[] = [];
  for (const route of denied) {
    const methods = route.method === 'ANY' ? HTTP_METHODS : [route.method];
    const reached = allowed.some(
      (other, index) =>
        compareSpecificity(other, route) <= 0 &&
        methods.some((method) => {
          const target = routeTokens(route, method);
          return (allowTokens[index] as Token[][]).some((tokens) =>
            patternsIntersect(tokens, target),
          );
        }),
    );
    if (reached) deny.push(...route.resourcePatterns);
  }
  return { allow, deny };
}

/** Options of {@link createPolicyBuilder}. */
export interface PolicyBuilderOptions {
  /** Policies kept per (scope string, API and stage); least recently used ones are dropped. */
  cacheSize?: number;
}

/**
 * Builds the authorizer result for verified claims and a request.
 * @param claims verified token claims
 * @param methodArn the request's method ARN
 * @returns principal, policy and context
 * @throws MethodArnError when `methodArn` is malformed
 */
export type PolicyBuilder = (claims: PolicyClaims, methodArn: string) => AuthorizerResult;

/**
 * Creates a policy builder over a route map, with a small LRU of policy documents keyed on the
 * scope string and the ARN prefix (API, stage), so warm calls with a known token shape only
 * parse the ARN.
 * @param routes the validated route map
 * @param options cache size (default 256)
 * @returns the builder
 */
export function createPolicyBuilder(
  routes: readonly Route[],
  options: PolicyBuilderOptions = {},
): PolicyBuilder {
  const cacheSize = options.cacheSize ?? 256;
  // LRU without reordering a Map on every hit: each entry remembers when it was last used, and a
  // miss on a full cache evicts the oldest (a scan, but misses are rare: scope sets are few).
  // Entries are grouped by ARN prefix (API and stage), which in a Lambda is nearly always the same,
  // so a warm call hashes only the scope string.
  const byPrefix = new Map<string, Map<string, { document: PolicyDocument; used: number }>>();
  let size = 0;
  let tick = 0;

  const documentFor = (scope: string, arn: MethodArn, methodArn: string): PolicyDocument => {
    let entries = byPrefix.get(arn.prefix);
    const cached = entries?.get(scope);
    if (cached !== undefined) {
      cached.used = ++tick;
      return cached.document;
    }
    const plan = planPolicy(routes, new Set(scope.split(' ')));
    if (plan.allow.length === 0) {
      // Nothing allowed: an explicit Deny, so API Gateway answers 403 (not cached: per methodArn).
      return denyDocument(methodArn);
    }
    const statements: PolicyStatement[] = [statement('Allow', arn.prefix, plan.allow)];
    if (plan.deny.length > 0) statements.push(statement('Deny', arn.prefix, plan.deny));
    const document: PolicyDocument = Object.freeze({
      Version: '2012-10-17',
      Statement: Object.freeze(statements),
    });
    if (size >= cacheSize) evictOldest();
    if (entries === undefined) {
      entries = new Map();
      byPrefix.set(arn.prefix, entries);
    }
    entries.set(scope, { document, used: ++tick });
    size++;
    return document;
  };

  const evictOldest = (): void => {
    let oldest = Infinity;
    let oldestPrefix = '';
    let oldestScope = '';
    for (const [prefix, entries] of byPrefix) {
      for (const [scope, entry] of entries) {
        if (entry.used < oldest) {
          oldest = entry.used;
          oldestPrefix = prefix;
          oldestScope = scope;
        }
      }
    }
    const entries = byPrefix.get(oldestPrefix) as Map<string, unknown>;
    entries.delete(oldestScope);
    if (entries.size === 0) byPrefix.delete(oldestPrefix);
    size--;
  };

  // A warm Lambda sees the same methodArn again and again: remember the last one parsed.
  let lastMethodArn: string | undefined;
  let lastArn: MethodArn | undefined;

  return (claims, methodArn) => {
    if (methodArn !== lastMethodArn) {
      lastArn = parseMethodArn(methodArn);
      lastMethodArn = methodArn;
    }
    const arn = lastArn as MethodArn;
    return {
      principalId: claims.sub,
      policyDocument: documentFor(claims.scope, arn, methodArn),
      context: { client_id: claims.client_id, scope: claims.scope, jti: claims.jti },
    };
  };
}

/**
 * @param effect Allow or Deny
 * @param prefix the ARN prefix
 * @param patterns resource patterns relative to it
 * @returns a frozen statement
 */
function statement(
  effect: 'Allow' | 'Deny',
  prefix: string,
  patterns: readonly string[],
): PolicyStatement {
  return Object.freeze({
    Action: 'execute-api:Invoke',
    Effect: effect,
    Resource: Object.freeze([...new Set(patterns)].map((pattern) => prefix + pattern)),
  });
}

/**
 * An explicit Deny of one method ARN.
 * @param methodArn the request's method ARN
 * @returns the policy document
 */
export function denyDocument(methodArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [methodArn] }],
  };
}
