// Unit tests of reading private_key_jwt fields back from a store: the method and the JWKS, refusing malformed or private members.
import {
  MalformedClientRecordError,
  parseClientRecord,
} from '../../../../functions/token/adapters/client-record';
import { clientKeyPair, jwtClientRecord } from '../../../support/client-assertions';

const jwk = clientKeyPair('ES256').jwk;

describe('parseClientRecord: token_endpoint_auth_method and jwks', () => {
  it('reads both back', () => {
    // Arrange
    const record = jwtClientRecord([jwk]);

    // Act / Assert
    expect(parseClientRecord(structuredClone(record))).toEqual(record);
  });

  it('treats null as absent', () => {
    // Act
    const record = parseClientRecord({
      ...jwtClientRecord([jwk]),
      token_endpoint_auth_method: null,
      jwks: null,
    });

    // Assert
    expect(record.token_endpoint_auth_method).toBeUndefined();
    expect(record.jwks).toBeUndefined();
  });

  it.each(['client_secret', 'client_secret_basic', 'client_secret_post'])(
    'reads a secret client registered with %s back',
    (method) => {
      // Arrange
      const { jwks: _jwks, ...rest } = jwtClientRecord([jwk]);
      const record = { ...rest, token_endpoint_auth_method: method };

      // Act / Assert
      expect(parseClientRecord(structuredClone(record))).toEqual(record);
    },
  );

  it.each([
    ['an unknown method', { token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method'],
    [
      'a method in another case',
      { token_endpoint_auth_method: 'Client_Secret' },
      'token_endpoint_auth_method',
    ],
    [
      'a method that is not a string',
      { token_endpoint_auth_method: 1 },
      'token_endpoint_auth_method',
    ],
    ['jwks without keys', { jwks: {} }, 'jwks'],
    ['a key that is not an object', { jwks: { keys: ['x'] } }, 'jwks'],
    ['a stored private member', { jwks: { keys: [{ ...jwk, d: 'secret' }] } }, 'jwks'],
    ['a non-string member', { jwks: { keys: [{ ...jwk, x: 5 }] } }, 'jwks'],
    ['a key without alg', { jwks: { keys: [{ ...jwk, alg: undefined }] } }, 'jwks'],
  ])('refuses %s', (_name, fields, field) => {
    // Act / Assert
    expect(() => parseClientRecord({ ...jwtClientRecord([jwk]), ...fields })).toThrow(
      new MalformedClientRecordError(field),
    );
  });
});
