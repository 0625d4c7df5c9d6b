// The token function's HTTP responses: JSON bodies with no-store headers, and OAuth errors mapped to RFC 6749 §5.2.
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  IntrospectionForbiddenError,
  OAuthError,
  RequestTooLargeError,
  TemporarilyUnavailableError,
  UseDpopNonceError,
  type OAuthErrorCode,
} from './core/errors';

/** The Content-Type of every response body. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** RFC 6749 §5.1: token responses must not be cached. */
export const NO_STORE = {
  'Content-Type': JSON_TYPE,
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
} as const;

const STATUS_BY_CODE: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  server_error: 500,
  temporarily_unavailable: 503,
};

/**
 * A JSON response that must not be cached.
 * @param statusCode the HTTP status
 * @param body the body, serialised with JSON.stringify
 * @returns the response, with the {@link NO_STORE} headers
 */
export function jsonResponse(statusCode: number, body: object): APIGatewayProxyResult {
  // NO_STORE's members as a literal: a fresh object per response, cheaper than a spread.
  return {
    statusCode,
    headers: {
      'Content-Type': NO_STORE['Content-Type'],
      'Cache-Control': NO_STORE['Cache-Control'],
      Pragma: NO_STORE.Pragma,
    },
    body: JSON.stringify(body),
  };
}

/**
 * The OAuth error code of a failure, as logged and counted.
 * @param err the error
 * @returns its code when it is an OAuthError, else `server_error`
 */
export function errorCodeOf(err: unknown): OAuthErrorCode {
  return err instanceof OAuthError ? err.code : 'server_error';
}

/**
 * Maps an error to an RFC 6749 §5.2 response. Internal failures get a generic description.
 * @param err the error
 * @param realm the Basic realm (the issuer)
 * @returns the response
 */
export function errorResponse(err: unknown, realm: string): APIGatewayProxyResult {
  // Unknown errors and ServerError alike: no internal detail reaches the client.
  if (!(err instanceof OAuthError) || err.code === 'server_error') {
    return jsonResponse(500, { error: 'server_error', error_description: 'internal error' });
  }
  if (err.code === 'temporarily_unavailable') {
    // A wait the core knows (a revoke's tokens_not_before) is told; an AWS throttle or timeout
    // is not described, and a client retries after a second.
    const retryAfter =
      err instanceof TemporarilyUnavailableError ? err.retryAfterSeconds : undefined;
    return {
      ...jsonResponse(503, {
        error: 'temporarily_unavailable',
        error_description:
          retryAfter === undefined
            ? 'the service is temporarily unavailable; retry later'
            : err.message,
      }),
      headers: { ...NO_STORE, 'Retry-After': String(retryAfter ?? 1) },
    };
  }
  const statusCode =
    err instanceof RequestTooLargeError
      ? 413
      : err instanceof IntrospectionForbiddenError
        ? 403
        : STATUS_BY_CODE[err.code];
  const response = jsonResponse(statusCode, { error: err.code, error_description: err.message });
  // RFC 9449 §8: the nonce to use, in exactly one DPoP-Nonce header.
  if (err instanceof UseDpopNonceError) {
    response.headers = { ...response.headers, 'DPoP-Nonce': err.nonce };
  }
  if (statusCode === 401) {
    // RFC 6749 §5.2 requires the challenge when Basic was tried; RFC 9110 §15.5.2 requires one on
    // every 401, so it is always sent, naming the scheme this server supports.
    response.headers = { ...response.headers, 'WWW-Authenticate': `Basic realm="${realm}"` };
  }
  return response;
}
