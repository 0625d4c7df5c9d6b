// What the token function reads from a REST proxy event: the two headers and the body its POST endpoints parse.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidRequestError } from './core/errors';
import type { TokenHttpRequest } from './core/issue-token';
import type { RevocationHttpRequest } from './core/revoke-token';
import { MULTIPLE_VALUES, singleHeader } from '../shared/request-header';

/**
 * Reads a request header case-insensitively (REST API events keep the client's spelling), by the
 * authorizer's rule (functions/shared/request-header.ts).
 * @param event the proxy event
 * @param name the header name as written in messages, e.g. `Authorization`
 * @returns the value, or undefined when absent
 * @throws InvalidRequestError when the header was sent more than once: two Authorization headers
 *   are two credentials, two Content-Type headers two ways to read the body
 */
export function requestHeader(
  event: APIGatewayProxyEvent,
  name: 'Authorization' | 'Content-Type',
): string | undefined {
  const value = singleHeader(event, name.toLowerCase());
  if (value === MULTIPLE_VALUES) {
    throw new InvalidRequestError(`the request has more than one ${name} header`);
  }
  return value;
}

/**
 * The request a POST endpoint (token, revoke, introspect) hands to the core.
 * @param event the proxy event
 * @returns its Content-Type and Authorization headers and its body
 * @throws InvalidRequestError when either header was sent more than once
 */
export function postRequest(event: APIGatewayProxyEvent): TokenHttpRequest & RevocationHttpRequest {
  return {
    contentType: requestHeader(event, 'Content-Type'),
    authorization: requestHeader(event, 'Authorization'),
    // RFC 9449 §4.3 step 1 refuses more than one DPoP header: passed on as MULTIPLE_VALUES, so the
    // refusal is the proof's (invalid_dpop_proof), not a generic invalid_request.
    dpop: singleHeader(event, 'dpop'),
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
  };
}
