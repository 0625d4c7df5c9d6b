// Extracts client credentials from a token request: HTTP Basic (RFC 6749 §2.3.1), the body, or a JWT assertion (RFC 7523 §2.2).
import { peekAssertionSubject } from './assertion-parts';
import { CLIENT_ASSERTION_TYPE } from './client-assertion';
import { InvalidClientError, InvalidRequestError } from './errors';
import { decodeUtf8, formDecode, isBase64, type TokenRequestParams } from './token-request';
import type { TokenEndpointAuthMethod } from './types';

/** RFC 7591 names of the supported client authentication methods. */
export type ClientAuthMethod = TokenEndpointAuthMethod;

/** A presented secret (not yet verified). */
export interface SecretCredentials {
  clientId: string;
  clientSecret: string;
  method: 'client_secret_basic' | 'client_secret_post';
}

/** A presented client assertion (not yet verified); `clientId` is the request's or the assertion's `sub`. */
export interface AssertionCredentials {
  clientId: string;
  assertion: string;
  method: 'private_key_jwt';
}

/** The credentials a client presented (not yet verified). */
export type ClientCredentials = SecretCredentials | AssertionCredentials;

const BASIC = /^basic(?: +(.*))?$/is;

/**
 * Reads the client's credentials from the Authorization header or the body; exactly one method
 * may be used (RFC 6749 §2.3: "MUST NOT use more than one authentication method in each request").
 * With Basic, the body may still repeat the same `client_id` without a secret.
 * @param authorization value of the Authorization header, if any
 * @param params parsed token request parameters
 * @returns the presented credentials
 * @throws InvalidRequestError for a malformed Basic header or more than one method
 * @throws InvalidClientError when no credentials, or an unsupported scheme, were presented
 */
export function extractClientCredentials(
  authorization: string | undefined,
  params: TokenRequestParams,
): ClientCredentials {
  const bodyId = params.client_id;
  const bodySecret = params.client_secret;
  const hasAuthorization = authorization !== undefined && authorization.trim() !== '';
  if (params.client_assertion !== undefined || params.client_assertion_type !== undefined) {
    if (hasAuthorization || bodySecret !== undefined) {
      throw new InvalidRequestError('use either a client assertion or a client secret, not both');
    }
    return extractAssertion(params);
  }
  if (hasAuthorization) {
    const basic = parseBasicAuthorization(authorization as string);
    if (bodySecret !== undefined) {
      throw new InvalidRequestError('use either HTTP Basic or client_secret in the body, not both');
    }
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new InvalidRequestError('client_id in the body differs from the HTTP Basic client id');
    }
    return basic;
  }
  if (bodySecret !== undefined && bodyId === undefined) {
    throw new InvalidRequestError('client_secret was sent without client_id');
  }
  if (bodyId === undefined || bodySecret === undefined) {
    // RFC 6749 §5.2: "no client authentication included" is invalid_client.
    throw new InvalidClientError('client authentication is required');
  }
  return { clientId: bodyId, clientSecret: bodySecret, method: 'client_secret_post' };
}

/**
 * Reads `client_assertion_type` and `client_assertion` (RFC 7521 §4.2). Both are required. The
 * client id is `client_id` when sent (it must then equal the assertion's `sub`, RFC 7521 §4.2),
 * else the assertion's unverified `sub`, which only chooses the record to verify against.
 * @param params the request parameters, holding at least one of the two
 * @returns the presented assertion
 * @throws InvalidRequestError when one of the two parameters is missing
 * @throws InvalidClientError for another assertion type, an assertion that names no client, or a
 *   `client_id` that differs from it
 */
function extractAssertion(params: TokenRequestParams): AssertionCredentials {
  const type = params.client_assertion_type;
  const assertion = params.client_assertion;
  if (type === undefined)
    throw new InvalidRequestError('client_assertion was sent without client_assertion_type');
  if (assertion === undefined)
    throw new InvalidRequestError('client_assertion_type was sent without client_assertion');
  if (type !== CLIENT_ASSERTION_TYPE) {
    throw new InvalidClientError(`unsupported client_assertion_type; use ${CLIENT_ASSERTION_TYPE}`);
  }
  const subject = peekAssertionSubject(assertion);
  const clientId = params.client_id ?? subject;
  // Every problem with the assertion itself is invalid_client, with the same description.
  if (clientId === undefined || clientId !== subject) {
    throw new InvalidClientError('client authentication failed', { reason: 'assertion_sub' });
  }
  return { clientId, assertion, method: 'private_key_jwt' };
}

/**
 * Parses `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 7617, RFC 6749
 * §2.3.1). The scheme is case-insensitive (RFC 9110 §11.1).
 * @param header the Authorization header value
 * @returns the credentials
 * @throws InvalidClientError for a scheme other than Basic (an unsupported method, §5.2)
 * @throws InvalidRequestError when the credentials are not base64 or have no colon
 */
export function parseBasicAuthorization(header: string): SecretCredentials {
  const match = BASIC.exec(header.trim());
  if (!match) {
    throw new InvalidClientError('unsupported authentication scheme; use Basic');
  }
  const token = (match[1] ?? '').trim();
  if (token === '' || !isBase64(token)) {
    throw new InvalidRequestError('HTTP Basic credentials are not valid base64');
  }
  const decoded = decodeUtf8(
    Buffer.from(token, 'base64'),
    'HTTP Basic credentials are not valid UTF-8',
  );
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    throw new InvalidRequestError('HTTP Basic credentials have no colon');
  }
  const clientId = formDecode(decoded.slice(0, colon), 'the HTTP Basic client id');
  const clientSecret = formDecode(decoded.slice(colon + 1), 'the HTTP Basic client secret');
  if (clientId === '') {
    throw new InvalidRequestError('HTTP Basic client id is empty');
  }
  return { clientId, clientSecret, method: 'client_secret_basic' };
}
