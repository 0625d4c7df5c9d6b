/**
 * The DPoP side of a REQUEST authorizer event (RFC 9449 §7): the authorization scheme, the target
 * URI a proof's `htu` must name, rebuilt from an allow-listed `Host` and the client-visible path,
 * and the replay-cache key of a proof's `jti`. Pure: no AWS client, no environment.
 *
 * What the event carries. "Input to an API Gateway Lambda authorizer"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html)
 * says that for a REQUEST authorizer "API Gateway passes request parameters to the authorizer
 * Lambda function as part of the event object. The request parameters include headers, path
 * parameters, query string parameters, stage variables, and some of request context variables";
 * its example event has `headers`, `multiValueHeaders` and a `requestContext` with `path`,
 * `stage` and `resourcePath`. The page does not say what `requestContext.path` holds: with or
 * without the stage on an execute-api host, with or without the base path on a custom domain,
 * and it does not list `domainName`. Where the docs are silent this code takes the refusing side:
 * - `htu` is `https://` + the `Host` header + `requestContext.path`, the path as the client sent
 *   it (a public account of REST API events, not an AWS page, reports that `requestContext.path`
 *   keeps the stage on execute-api and the base path on a custom domain, unlike the top-level
 *   `path`). If API Gateway ever passed another path, the client's `htu` would not match and the
 *   request would be refused, never allowed.
 * - `Host` must be one of the configured hosts; any other, a missing one, or two are refused, so
 *   a client cannot choose the authority its proof is checked against.
 * - A missing or non-string `requestContext.path`, or one with a query or fragment, is refused.
 * - The scheme is `https`: API Gateway's REST endpoints (execute-api and custom domains) are
 *   served over TLS; a proof naming `http://` fails the `htu` check.
 * @module
 */
import { createHash } from 'node:crypto';
import { MULTIPLE_VALUES, singleHeader, type EventHeaders } from '../../shared/request-header';

/** The authorization scheme of a request (RFC 6750 §2.1 Bearer, RFC 9449 §7.1 DPoP). */
export type AuthorizationScheme = 'bearer' | 'dpop';

/** A parsed Authorization header. */
export interface PresentedToken {
  readonly scheme: AuthorizationScheme;
  /** The access token text (not yet verified). */
  readonly token: string;
}

/**
 * Reads `Bearer <token>` or `DPoP <token>`: the scheme name case-insensitively (RFC 9110 §11.1),
 * then exactly one space. The verifier accepts only three base64url segments joined by dots, so a
 * second space or a comma-joined duplicate value is refused there.
 * @param header the Authorization header value
 * @returns the scheme and token, or undefined for any other scheme or a malformed value
 */
export function parseAuthorization(header: unknown): PresentedToken | undefined {
  if (typeof header !== 'string') return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || space === header.length - 1) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'dpop') return undefined;
  return { scheme, token: header.slice(space + 1) };
}

/**
 * Why the target URI could not be rebuilt; the request is refused. `mapping`: with a public base
 * URL, the request did not arrive on the API's execute-api host, where the part of the path the
 * client sees cannot be told from the event.
 */
export type TargetUriProblem = 'host' | 'path' | 'mapping';

/** The target URI of a request cannot be rebuilt from the event. */
export class DpopTargetUriError extends Error {
  /**
   * @param problem which part is missing, ambiguous or not allowed
   */
  constructor(readonly problem: TargetUriProblem) {
    super(`the request's ${problem} cannot give a DPoP target URI`);
    this.name = 'DpopTargetUriError';
  }
}

/** The event members the target URI is rebuilt from. */
export interface TargetUriEvent extends EventHeaders {
  requestContext?: { path?: unknown; stage?: unknown; apiId?: unknown } | null;
}

/**
 * A path the proof comparison cannot be fooled by: no dot segment in any encoding (`.`, `..`,
 * `%2e`), no backslash, and nothing outside RFC 3986's path characters (no space or control
 * character). The proof's `htu` is normalised (RFC 3986 §6.2.2, dot segments removed), but API
 * Gateway routes on the path as sent: `/files/../orders/7` would reach `/files/{proxy+}` while
 * matching a proof made for `/orders/7`. Such a path is refused, never normalised.
 */
const CANONICAL_PATH =
  /^(?:\/(?!\.{1,2}(?:\/|$))(?!%2e)(?!\.%2e)(?![^/]*%2e(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,;=:@%]*)+$/i;

/**
 * Rebuilds the URI a client addressed: `https://<Host><requestContext.path>` (see the module
 * comment for what the API Gateway docs say and do not say about these members), or, with a
 * public base URL, that base followed by the path below the stage ({@link pathBelowStage}).
 * @param event the REQUEST event
 * @param allowedHosts lower-case hosts (with a port when not 443) a proof may name
 * @param publicBaseUrl DPOP_PUBLIC_BASE_URL, already validated (publicBaseUrlProblem), or undefined
 * @returns the target URI, for {@link createDpopProofVerifier}, which normalises it
 * @throws DpopTargetUriError when the host is absent, sent twice or not allowed, the path is
 *   unusable, or (with a public base URL) the request did not come in on the execute-api host
 */
export function dpopTargetUri(
  event: TargetUriEvent,
  allowedHosts: readonly string[],
  publicBaseUrl?: string,
): string {
  const host = singleHeader(event, 'host');
  if (host === undefined || host === MULTIPLE_VALUES) throw new DpopTargetUriError('host');
  const normalized = host.toLowerCase().replace(/:443$/, '');
  if (!allowedHosts.includes(normalized)) throw new DpopTargetUriError('host');
  const path = event.requestContext?.path;
  if (
    typeof path !== 'string' ||
    path.charCodeAt(0) !== 47 ||
    path.includes('?') ||
    path.includes('#') ||
    !CANONICAL_PATH.test(path)
  ) {
    throw new DpopTargetUriError('path');
  }
  if (publicBaseUrl === undefined) return `https://${normalized}${path}`;
  return `${publicBaseUrl}${pathBelowStage(event, normalized, path)}`;
}

/**
 * The part of the path a client behind a proxy (CloudFront, or another mapping) sees, for a
 * public base URL: `requestContext.path` without the stage, on the API's execute-api host only.
 *
 * What the docs say. The `requestContext` "corresponds to the $context variable" ("Input to an
 * API Gateway Lambda authorizer", above), and for a request URL of
 * `https://{rest-api-id}.execute-api.{region}.amazonaws.com/{stage}/root/child` "the $context.path
 * value is /{stage}/root/child" while `$context.resourcePath` is `/root/child` ("API Gateway
 * mapping template and access logging variable reference",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html).
 * `$context.stage` is "The deployment stage of the API request" and `$context.apiId` "The
 * identifier API Gateway assigns to your API" (same page). A CloudFront origin path is "An
 * optional path that CloudFront appends to the origin domain name when CloudFront requests
 * content from the origin" (CloudFront API Reference, Origin, OriginPath,
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html), and an API Gateway
 * origin without a custom domain must not get the viewer's Host header ("Otherwise, you get a 403
 * Error": https://repost.aws/knowledge-center/configure-cloudfront-to-forward-headers), so behind
 * CloudFront the Host is the execute-api host and `requestContext.path` is `/{stage}` followed by
 * the rest of the origin path and the viewer's path.
 *
 * What they do not say: what `requestContext.path` holds on a custom domain (with or without the
 * base path of its mapping; the page's own REQUEST example even shows a path without the stage).
 * So on any other host the part the client sees cannot be known, and the request is refused
 * (`mapping`); a path that does not start with the stage is refused too (`path`).
 * @param event the REQUEST event
 * @param host the allow-listed Host, normalised
 * @param path `requestContext.path`, already checked to be canonical
 * @returns the path below the stage, `/` for the stage itself
 * @throws DpopTargetUriError (`mapping`, `path`)
 */
function pathBelowStage(event: TargetUriEvent, host: string, path: string): string {
  const apiId = event.requestContext?.apiId;
  // API ids are lower-case letters and digits (e.g. "s4x3opwd6i" in the REQUEST example).
  if (typeof apiId !== 'string' || !/^[a-z0-9]+$/.test(apiId)) {
    throw new DpopTargetUriError('mapping');
  }
  if (!host.startsWith(`${apiId}.execute-api.`)) throw new DpopTargetUriError('mapping');
  const stage = event.requestContext?.stage;
  // "The name of the stage is the first path segment in the Uniform Resource Identifier (URI) of a
  // call to API Gateway. Stage names can only contain alphanumeric characters, hyphens, and
  // underscores" (API Gateway API Reference, Stage, stageName,
  // https://docs.aws.amazon.com/apigateway/latest/api/API_Stage.html): never a dot segment or an
  // escape, so the prefix compares exactly.
  if (typeof stage !== 'string' || !/^[A-Za-z0-9_-]+$/.test(stage)) {
    throw new DpopTargetUriError('path');
  }
  const prefix = `/${stage}`;
  if (path === prefix) return '/';
  if (!path.startsWith(`${prefix}/`)) throw new DpopTargetUriError('path');
  return path.slice(prefix.length);
}

/** Partition key prefix of a proof `jti` the authorizer has seen; IAM lets it write nothing else. */
export const DPOP_JTI_PREFIX = 'dpopjti#';

/**
 * The replay-cache key of a proof's `jti`: `dpopjti#` and a SHA-256 digest of the key's thumbprint
 * and the `jti`, so that keys stay short whatever the `jti` (at most 256 characters) and two keys'
 * `jti`s never meet (RFC 9449 §11.1 makes a `jti` unique per key). The prefix differs from the
 * token function's `jti#`, so neither function can use up the other's entries, and the
 * authorizer's IAM policy allows PutItem on `dpopjti#` keys only.
 * @param jkt RFC 7638 thumbprint of the proof's key
 * @param jti the proof's `jti`
 * @returns the partition key
 */
export function dpopJtiKey(jkt: string, jti: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([jkt, jti]))
    .digest('base64url');
  return `${DPOP_JTI_PREFIX}${digest}`;
}

/**
 * The `jkt` a token is bound to (RFC 9449 §6.1: `cnf` with a `jkt` member).
 * @param cnf the token's `cnf` claim
 * @returns the thumbprint, or undefined when the token is not DPoP-bound
 */
export function boundJkt(cnf: unknown): string | undefined {
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as Record<string, unknown>).jkt;
  return typeof jkt === 'string' && jkt !== '' ? jkt : undefined;
}
