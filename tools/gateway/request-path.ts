// Reads the path of a request target the way the emulator routes it: each rule cited, and every spelling whose API Gateway routing is undocumented refused.
//
// The authorizer decides on the resource the router matched, so a spelling can never widen what a
// token may call. What these rules protect is the emulator's fidelity: where the API Gateway
// documentation does not say how a spelling is routed, the emulator does not guess (a guess could
// make a local test pass that fails on AWS, or the other way round); it answers 400 and says why.

/** A path the emulator can route, or the reason it refuses the request. */
export type RequestPath =
  | {
      /** Path without stage and query, still percent-encoded, e.g. `/orders/a%20b`. */
      path: string;
      /** Query string without `?` (may be empty). */
      rawQuery: string;
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
 *    leading `/{stage}` is removed. The emulator also accepts the path without it (a local
 *    convenience, see the README); never more than one stage prefix is removed.
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
 * @returns the path and query, or the reason it is refused
 */
export function readRequestPath(target: string, stage: string): RequestPath {
  const mark = target.indexOf('?');
  const rawPath = mark < 0 ? target : target.slice(0, mark);
  const rawQuery = mark < 0 ? '' : target.slice(mark + 1);
  if (!rawPath.startsWith('/')) return { refused: 'the request target is not an absolute path' };

  const prefix = `/${stage}`;
  let path = rawPath;
  if (rawPath === prefix) path = '/';
  else if (rawPath.startsWith(`${prefix}/`)) path = rawPath.slice(prefix.length);

  if (path === '/') return { path, rawQuery };
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
  return { path, rawQuery };
}
