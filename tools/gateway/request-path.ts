// Reads the path of a request target the way the emulator routes it: each rule cited, and every spelling whose API Gateway routing is undocumented refused.
//
// The authorizer decides on the resource the router matched, so a spelling can never widen what a
// token may call. What these rules protect is the emulator's fidelity: where the API Gateway
// documentation does not say how a spelling is routed, the emulator does not guess (a guess could
// make a local test pass that fails on AWS, or the other way round); it answers 400 and says why.

/** How the request addressed the stage (see {@link readRequestPath}, rule 2). */
export type InvokedVia = 'execute-api' | 'custom-domain';

/** A path the emulator can route, or the reason it refuses the request. */
export type RequestPath =
  | {
      /** Path without stage, base path and query, still percent-encoded, e.g. `/orders/a%20b`. */
      path: string;
      /** Query string without `?` (may be empty). */
      rawQuery: string;
      /**
       * The path as the client sent it, without the query: `requestContext.path` (`$context.path`),
       * with the stage on an execute-api invocation and with the base path on a custom domain.
       */
      requestPath: string;
      /** `/{stage}/…` is an execute-api invocation; anything else a custom domain's API mapping. */
      via: InvokedVia;
    }
  | { refused: string };

/**
 * Characters a literal resource path part can hold: "Path segments can only contain alphanumeric
 * characters, underscores, hyphens, periods, commas, colons, and curly braces" (API Gateway
 * Developer Guide, "Amazon API Gateway important notes",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html),
 * plus `~` (RFC 3986 §2.3 unreserved). A percent-encoded one of these, or of `/`, could be
 * routed as its decoded character or not; the docs do not say which.
 */
const AMBIGUOUS_WHEN_ENCODED = /^[A-Za-z0-9_.,:~{}/-]$/;

/** RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG. */
const PERCENT = /%(?![0-9A-Fa-f]{2})|%([0-9A-Fa-f]{2})/g;

/**
 * Splits a request target into the routed path and the query, and applies the emulator's rules:
 *
 * 1. The query starts at the first `?` (RFC 3986 §3.4) and is not part of the path.
 * 2. A REST API stage is invoked at `https://{restapi_id}.execute-api.{region}.amazonaws.com/{stage_name}/`
 *    ("Invoking a REST API in Amazon API Gateway",
 *    https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html), so one
 *    leading `/{stage}` is removed: an execute-api invocation. A path without it is read as a
 *    call through a custom domain name whose API mapping names this stage: "When you map a custom
 *    domain name to a stage of your API, API Gateway strips the incoming base path" ("Use API
 *    mappings to connect API stages to a custom domain name for REST APIs",
 *    https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html), so a
 *    leading `/{basePath}` (when the API definition names one) is removed, and with no base path
 *    (the mapping `(none)`) nothing is. The stage prefix is tried first; never more than one
 *    prefix is removed. Either way `requestPath` keeps the path as sent, which is what
 *    `$context.path` holds ("The request path. For example, for a non-proxy request URL of
 *    https://{rest-api-id}.execute-api.{region}.amazonaws.com/{stage}/root/child, the
 *    $context.path value is /{stage}/root/child", "$context Variables for data models,
 *    authorizers, mapping templates, and CloudWatch access logging",
 *    https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html).
 *    The REQUEST example of "Input to an API Gateway Lambda authorizer"
 *    (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html,
 *    whose `requestContext` "corresponds to the $context variable") shows `"path": "/request"` beside
 *    `"stage": "test"`, without the stage; the emulator follows the variable's definition.
 *    The reference shows only the execute-api case; for a custom domain the docs do not say whether
 *    `$context.path` keeps the base path. The emulator passes the path as sent, the only value a
 *    client can sign in a DPoP proof's `htu`; if API Gateway passed another one, the deployed
 *    authorizer would refuse the proof (its `htu` would not match), never accept more.
 * 3. Empty segments (`//`, a trailing `/` other than the root `/`) are refused: the docs do not
 *    say whether API Gateway merges them, drops them or keeps them.
 * 4. Dot segments (`.`, `..`, also percent-encoded) are refused: RFC 3986 §5.2.4 has clients
 *    remove them before sending, and the docs do not say what API Gateway does with those that
 *    arrive.
 * 5. Malformed percent-encoding is refused (RFC 3986 §2.1), and so is a percent-encoded character
 *    that a literal resource path part could hold, or `/` (see {@link AMBIGUOUS_WHEN_ENCODED}).
 *    Other percent-encoded octets (a space, non-ASCII) can only fall into a path parameter, so
 *    they are routed as sent and decoded in `pathParameters`.
 * 6. Literal segments compare case-sensitively (RFC 3986 §6.2.2.1); the router refuses a path
 *    that a case-insensitive comparison would route elsewhere (see RouteMatcher).
 * @param target the request target, e.g. `/prod/orders/7?x=1`
 * @param stage the stage name
 * @param basePath the base path of a custom domain's API mapping to this stage, without slashes
 *   at either end (e.g. `orders` or `orders/v1`); undefined for the `(none)` mapping
 * @returns the path and query, or the reason it is refused
 */
export function readRequestPath(target: string, stage: string, basePath?: string): RequestPath {
  const mark = target.indexOf('?');
  const rawPath = mark < 0 ? target : target.slice(0, mark);
  const rawQuery = mark < 0 ? '' : target.slice(mark + 1);
  if (!rawPath.startsWith('/')) return { refused: 'the request target is not an absolute path' };

  const stripped = (prefix: string): string | undefined =>
    rawPath === prefix
      ? '/'
      : rawPath.startsWith(`${prefix}/`)
        ? rawPath.slice(prefix.length)
        : undefined;
  let via: InvokedVia = 'execute-api';
  let path = stripped(`/${stage}`);
  if (path === undefined) {
    via = 'custom-domain';
    path = (basePath === undefined ? undefined : stripped(`/${basePath}`)) ?? rawPath;
  }
  const read = { path, rawQuery, requestPath: rawPath, via };

  // The prefix removed is the stage or base path of the definition; the rest is the client's.
  if (path === '/') return read;
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') {
      return {
        refused: 'empty path segments (// or a trailing /) are routed in undocumented ways',
      };
    }
    let problem: string | undefined;
    const decoded = segment.replace(PERCENT, (match, hex: string | undefined) => {
      if (hex === undefined) {
        problem ??= 'malformed percent-encoding (RFC 3986 §2.1)';
        return match;
      }
      const char = String.fromCharCode(parseInt(hex, 16));
      if (AMBIGUOUS_WHEN_ENCODED.test(char)) {
        problem ??= `percent-encoded ${JSON.stringify(char)} may or may not match a literal; send it unencoded`;
      }
      return char;
    });
    if (decoded === '.' || decoded === '..') {
      return { refused: 'dot segments (. and ..) are routed in undocumented ways' };
    }
    if (problem !== undefined) return { refused: problem };
  }
  return read;
}
