// Unit tests of client assertion extraction (RFC 7521 §4.2): both parameters, one method per request, client_id matching the assertion.
import { CLIENT_ASSERTION_TYPE } from '../../../../functions/token/core/client-assertion';
import { extractClientCredentials } from '../../../../functions/token/core/client-auth';
import { InvalidClientError, InvalidRequestError } from '../../../../functions/token/core/errors';
import { basicAuthorization } from '../../../support/basic-auth';
import { assertionClaims, clientKeyPair, signAssertion } from '../../../support/client-assertions';

const pair = clientKeyPair('ES256');
const assertion = signAssertion(pair, assertionClaims('jwt-client', 'https://as', 1_700_000_000));
const params = (extra: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_assertion_type: CLIENT_ASSERTION_TYPE,
  client_assertion: assertion,
  ...extra,
});

describe('extractClientCredentials with a client assertion', () => {
  it('takes the client id from the assertion when client_id is absent', () => {
    // Act / Assert
    expect(extractClientCredentials(undefined, params())).toEqual({
      clientId: 'jwt-client',
      assertion,
      method: 'private_key_jwt',
    });
  });

  it('accepts a client_id equal to the assertion sub', () => {
    // Act / Assert
    expect(extractClientCredentials(undefined, params({ client_id: 'jwt-client' })).clientId).toBe(
      'jwt-client',
    );
  });

  it.each([
    ['a client_id that differs from the assertion', params({ client_id: 'other' })],
    ['an assertion that names no client', params({ client_assertion: 'not-a-jwt' })],
  ])('refuses %s as invalid_client', (_name, p) => {
    // Act / Assert
    expect(() => extractClientCredentials(undefined, p)).toThrow(InvalidClientError);
  });

  it('refuses another client_assertion_type as invalid_client, naming the supported one', () => {
    // Act / Assert
    expect(() =>
      extractClientCredentials(undefined, params({ client_assertion_type: 'urn:example:saml' })),
    ).toThrow(`unsupported client_assertion_type; use ${CLIENT_ASSERTION_TYPE}`);
  });

  it.each([
    [
      'an assertion with HTTP Basic',
      basicAuthorization('jwt-client', 's'),
      params(),
      'use either a client assertion or a client secret, not both',
    ],
    [
      'an assertion with client_secret',
      undefined,
      params({ client_secret: 's' }),
      'use either a client assertion or a client secret, not both',
    ],
    [
      'client_assertion without its type',
      undefined,
      { client_assertion: assertion },
      'client_assertion was sent without client_assertion_type',
    ],
    [
      'client_assertion_type without the assertion',
      undefined,
      { client_assertion_type: CLIENT_ASSERTION_TYPE },
      'client_assertion_type was sent without client_assertion',
    ],
  ])('refuses %s as invalid_request', (_name, authorization, p, message) => {
    // Act / Assert
    expect(() => extractClientCredentials(authorization, p)).toThrow(
      new InvalidRequestError(message),
    );
  });
});
