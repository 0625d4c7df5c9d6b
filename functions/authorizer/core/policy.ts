/**
 * The REQUEST authorizer's decision and IAM policy for one routed request: allowed when the token
 * holds a scope the route lists, and a policy of one statement covering that route only (that
 * method on that resource, path parameters as `*`). Also `methodArn` parsing.
 * @module
 */
import { lookupRoute, type RouteMap } from './route-map';

/** The one statement of an authorizer policy. */
export interface PolicyStatement {
  readonly Action: 'execute-api:Invoke';
  readonly Effect: 'Allow' | 'Deny';
  readonly Resource: readonly string[];
}

/** The policy document an authorizer returns. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly [PolicyStatement];
}

/** What the authorizer returns to API Gateway. */
export interface AuthorizerResult {
  /** The client id (`sub`). */
  principalId: string;
  policyDocument: PolicyDocument;
  /** Passed to the backend as `requestContext.authorizer`; strings only. */
  context: { client_id: string; scope: string; jti: string };
  /**
   * The client's API key value, when usage plans are on: "If the API uses a usage plan (the
   * apiKeySource is set to AUTHORIZER), the Lambda authorizer function must return one of the
   * usage plan's API keys as the usageIdentifierKey property value" ("Output from an API Gateway
   * Lambda authorizer", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
   */
  usageIdentifierKey?: string;
}

/** The claims a decision needs. */
export interface PolicyClaims {
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
}

/** The routed request, as the REQUEST event describes it. */
export interface RoutedRequest {
  /** `event.methodArn`. */
  methodArn: string;
  /** `event.httpMethod`: the request's method (also for an `ANY` method). */
  httpMethod: string;
  /** `event.resource`: the resource template API Gateway matched, e.g. `/orders/{id}`. */
  resource: string;
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

/** `methodArn` is not an execute-api method ARN, or does not agree with the event. */
export class MethodArnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MethodArnError';
  }
}

/**
 * Every AWS partition, as the AWS SDK's endpoint rules list them (`partitions.json` of
 * `@aws-sdk/util-endpoints`; test/unit/authorizer/core/policy.test.ts checks this list against
 * the installed SDK's copy, so a new partition fails the build rather than every request).
 */
export const AWS_PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;

// "arn:partition:execute-api:region:account-id:api-id/stage/http-method/resource-path"
// ("Statement reference of IAM policies for executing API in API Gateway",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).
const METHOD_ARN = new RegExp(
  `^(arn:(${AWS_PARTITIONS.join('|')}):execute-api:([a-z0-9-]+):(\\d{12}):([A-Za-z0-9]+)/([A-Za-z0-9_-]+)/)([A-Z]+)/([^*?]*)$`,
);

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

/**
 * The execute-api resource of one route: the method, then the resource template with every path
 * parameter (`{id}`, `{proxy+}`) as `*`. IAM's `*` also matches `/`, so this pattern reaches
 * further than the route; that is sound only because API Gateway reuses a cached policy for the
 * same route alone (the authorizer's cache key holds the method and resource, see
 * modules/authorizer), never because of the pattern.
 * @param prefix the ARN prefix (API and stage)
 * @param method the request's method
 * @param resource the resource template
 * @returns e.g. `arn:aws:execute-api:…:abc123/prod/GET/orders/*`
 */
export function routeResource(prefix: string, method: string, resource: string): string {
  const path = resource
    .slice(1)
    .split('/')
    .map((part) => (part.charCodeAt(0) === 123 || part === '*' ? '*' : part))
    .join('/');
  return `${prefix}${method}/${path}`;
}

/** Options of {@link createPolicyBuilder}. */
export interface PolicyBuilderOptions {
  /** Policy documents kept per (scope string, method, resource, API and stage); default 512. */
  cacheSize?: number;
}

/**
 * Builds the authorizer result for verified claims and a routed request.
 * @param claims verified token claims
 * @param request the request's method ARN, method and matched resource
 * @returns principal, a one-statement policy (Allow or Deny of that route) and context
 * @throws MethodArnError when `methodArn` is malformed or names another method
 */
export type PolicyBuilder = (claims: PolicyClaims, request: RoutedRequest) => AuthorizerResult;

/**
 * Decides one request exactly: the route is `"<httpMethod> <resource>"` in the map, else
 * `"ANY <resource>"`; it is allowed when it lists no scope or the token holds one it lists.
 * Unlisted routes are denied.
 * @param map the route map
 * @param scope the token's `scope` claim (space-delimited)
 * @param method the request's method
 * @param resource the matched resource template
 * @returns true to allow
 */
export function isRouteAllowed(
  map: RouteMap,
  scope: string,
  method: string,
  resource: string,
): boolean {
  const route = lookupRoute(map, method, resource);
  if (route === undefined) return false;
  if (route.scopes.length === 0) return true;
  const held = scope === '' ? [] : scope.split(' ');
  return route.scopes.some((wanted) => held.includes(wanted));
}

/**
 * Creates a policy builder over a route map. Documents are frozen and kept in a small map keyed
 * on everything they depend on (cleared when full), so warm calls for a known route and scope
 * set build only the context.
 * @param map the validated route map
 * @param options cache size
 * @returns the builder
 */
export function createPolicyBuilder(
  map: RouteMap,
  options: PolicyBuilderOptions = {},
): PolicyBuilder {
  const cacheSize = options.cacheSize ?? 512;
  const documents = new Map<string, PolicyDocument>();

  // A warm Lambda sees the same methodArn prefix again and again: remember the last one parsed.
  let lastMethodArn: string | undefined;
  let lastMethod: string | undefined;
  let lastPrefix = '';

  return (claims, request) => {
    const { methodArn, httpMethod, resource } = request;
    if (methodArn !== lastMethodArn || httpMethod !== lastMethod) {
      lastMethodArn = undefined;
      const arn = parseMethodArn(methodArn);
      // The ARN's method is the request's; anything else is not an event API Gateway sends.
      if (arn.method !== httpMethod) {
        throw new MethodArnError('methodArn names another method than httpMethod');
      }
      lastMethodArn = methodArn;
      lastMethod = httpMethod;
      lastPrefix = arn.prefix;
    }
    const key = `${claims.scope}\n${httpMethod}\n${resource}\n${lastPrefix}`;
    let document = documents.get(key);
    if (document === undefined) {
      const effect = isRouteAllowed(map, claims.scope, httpMethod, resource) ? 'Allow' : 'Deny';
      document = policyDocument(effect, routeResource(lastPrefix, httpMethod, resource));
      if (documents.size >= cacheSize) documents.clear();
      documents.set(key, document);
    }
    return {
      principalId: claims.sub,
      policyDocument: document,
      context: { client_id: claims.client_id, scope: claims.scope, jti: claims.jti },
    };
  };
}

/**
 * A frozen policy document of one statement.
 * @param effect Allow or Deny
 * @param resource the route's execute-api resource
 * @returns the document
 */
export function policyDocument(effect: 'Allow' | 'Deny', resource: string): PolicyDocument {
  const statement: PolicyStatement = Object.freeze({
    Action: 'execute-api:Invoke',
    Effect: effect,
    Resource: Object.freeze([resource]),
  });
  return Object.freeze({
    Version: '2012-10-17',
    Statement: Object.freeze([statement]) as unknown as readonly [PolicyStatement],
  });
}
