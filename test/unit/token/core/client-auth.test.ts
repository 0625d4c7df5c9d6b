// Unit tests of client credential extraction: HTTP Basic (RFC 6749 §2.3.1) and client_secret_post.
import {
  extractClientCredentials,
  parseBasicAuthorization,
} from '../../../../functions/token/core/client-auth';
import { InvalidClientError, InvalidRequestError } from '../../../../functions/token/core/errors';
import { basicAuthorization } from '../../../support/basic-auth';

const raw = (text: string): string => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('parseBasicAuthorization', () => {
  it('decodes id and secret', () => {
    // Act
    const creds = parseBasicAuthorization(basicAuthorization('client-1', 's3cret'));

    // Assert
    expect(creds).toEqual({
      clientId: 'client-1',
      clientSecret: 's3cret',
      method: 'client_secret_basic',
    });
  });

  it('form-urlencoding-decodes id and secret, so %3A is a colon inside them', () => {
    // Act
    const creds = parseBasicAuthorization(raw('my%3Aclient:pa%3Ass+w%25rd%2B'));

    // Assert
    expect(creds.clientId).toBe('my:client');
    expect(creds.clientSecret).toBe('pa:ss w%rd+');
  });

  it('round-trips any id and secret encoded the RFC 6749 way', () => {
    // Arrange
    const id = 'id with:colon&ü+';
    const secret = 'sec:ret/=?%+ é';

    // Act
    const creds = parseBasicAuthorization(basicAuthorization(id, secret));

    // Assert
    expect([creds.clientId, creds.clientSecret]).toEqual([id, secret]);
  });

  it('splits at the first colon; a raw colon later belongs to the secret', () => {
    // Act / Assert
    expect(parseBasicAuthorization(raw('id:a:b')).clientSecret).toBe('a:b');
  });

  it('accepts an empty secret (it simply will not verify)', () => {
    // Act / Assert
    expect(parseBasicAuthorization(raw('id:')).clientSecret).toBe('');
  });

  it.each(['basic', 'BASIC', 'bAsIc'])('treats the scheme %s case-insensitively', (scheme) => {
    // Act / Assert
    expect(
      parseBasicAuthorization(basicAuthorization('a', 'b').replace('Basic', scheme)).clientId,
    ).toBe('a');
  });

  it('tolerates several spaces and surrounding whitespace', () => {
    // Act / Assert
    expect(parseBasicAuthorization(`  Basic    ${raw('a:b').slice(6)}  `).clientSecret).toBe('b');
  });

  it.each([
    ['no colon', raw('justanid'), /no colon/],
    ['not base64', 'Basic !!!notbase64', /not valid base64/],
    ['base64 with a bad length', 'Basic YWJj=', /not valid base64/],
    ['base64url alphabet', 'Basic YT-_Yg==', /not valid base64/],
    ['no credentials', 'Basic', /not valid base64/],
    ['blank credentials', 'Basic    ', /not valid base64/],
    ['not UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`, /UTF-8/],
    ['a bad escape in the id', raw('%zz:b'), /client id has a malformed/],
    ['a bad escape in the secret', raw('a:%zz'), /client secret has a malformed/],
    ['an empty id', raw(':secret'), /client id is empty/],
  ])('rejects %s as invalid_request', (_label, header, message) => {
    // Act
    const act = (): unknown => parseBasicAuthorization(header);

    // Assert
    expect(act).toThrow(InvalidRequestError);
    expect(act).toThrow(message);
  });

  it.each(['Bearer abc', 'Digest username="a"', 'Basicfoo', 'Negotiate'])(
    'rejects scheme %j as invalid_client',
    (header) => {
      // Act
      let error: unknown;
      try {
        parseBasicAuthorization(header);
      } catch (err) {
        error = err;
      }

      // Assert
      expect(error).toBeInstanceOf(InvalidClientError);
    },
  );
});

describe('extractClientCredentials', () => {
  it('uses HTTP Basic when the header is present', () => {
    // Act
    const creds = extractClientCredentials(basicAuthorization('a', 'b'), {
      grant_type: 'client_credentials',
    });

    // Assert
    expect(creds).toEqual({ clientId: 'a', clientSecret: 'b', method: 'client_secret_basic' });
  });

  it('accepts Basic plus the same client_id in the body', () => {
    // Act / Assert
    expect(extractClientCredentials(basicAuthorization('a', 'b'), { client_id: 'a' }).method).toBe(
      'client_secret_basic',
    );
  });

  it('uses the body credentials without a header (client_secret_post)', () => {
    // Act
    const creds = extractClientCredentials(undefined, { client_id: 'a', client_secret: 'b' });

    // Assert
    expect(creds).toEqual({ clientId: 'a', clientSecret: 'b', method: 'client_secret_post' });
  });

  it('treats a blank Authorization header as absent', () => {
    // Act / Assert
    expect(extractClientCredentials(' ', { client_id: 'a', client_secret: 'b' }).method).toBe(
      'client_secret_post',
    );
  });

  it('rejects both methods at once as invalid_request', () => {
    // Act / Assert
    expect(() =>
      extractClientCredentials(basicAuthorization('a', 'b'), {
        client_id: 'a',
        client_secret: 'b',
      }),
    ).toThrow(InvalidRequestError);
    expect(() =>
      extractClientCredentials(basicAuthorization('a', 'b'), { client_secret: 'b' }),
    ).toThrow(/not both/);
  });

  it('rejects a body client_id that differs from the Basic id as invalid_request', () => {
    // Act / Assert
    expect(() =>
      extractClientCredentials(basicAuthorization('a', 'b'), { client_id: 'other' }),
    ).toThrow(InvalidRequestError);
  });

  it('rejects client_secret without client_id as invalid_request', () => {
    // Act / Assert
    expect(() => extractClientCredentials(undefined, { client_secret: 'b' })).toThrow(
      InvalidRequestError,
    );
  });

  it.each([
    ['no credentials at all', {}],
    ['client_id without a secret', { client_id: 'a' }],
  ])('rejects %s as invalid_client', (_label, params) => {
    // Act
    let error: unknown;
    try {
      extractClientCredentials(undefined, params);
    } catch (err) {
      error = err;
    }

    // Assert
    expect(error).toBeInstanceOf(InvalidClientError);
    expect(error).toMatchObject({ code: 'invalid_client' });
  });
});
