// Unit tests of token request body parsing: content types, base64, size limit, repeats, malformed input.
import fc from 'fast-check';
import { InvalidRequestError, RequestTooLargeError } from '../../../../functions/token/core/errors';
import {
  formDecode,
  MAX_BODY_BYTES,
  parseTokenRequest,
} from '../../../../functions/token/core/token-request';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('parseTokenRequest', () => {
  describe('form-urlencoded', () => {
    it('parses parameters with + and percent-encoding', () => {
      // Arrange
      const body = 'grant_type=client_credentials&scope=a+b%3Ac&client_id=x%26y';

      // Act
      const params = parseTokenRequest({ contentType: FORM, body });

      // Assert
      expect({ ...params }).toEqual({
        grant_type: 'client_credentials',
        scope: 'a b:c',
        client_id: 'x&y',
      });
    });

    it.each([
      ['charset param', `${FORM}; charset=UTF-8`],
      ['quoted charset', `${FORM};charset="utf-8"`],
      ['upper-case type', 'Application/X-WWW-Form-Urlencoded'],
      ['us-ascii', `${FORM}; charset=us-ascii`],
      ['other params ignored', `${FORM}; foo=bar; charset=utf8`],
      ['param without value', `${FORM}; foo`],
    ])('accepts a content type with %s', (_label, contentType) => {
      // Act
      const params = parseTokenRequest({ contentType, body: 'grant_type=x' });

      // Assert
      expect(params.grant_type).toBe('x');
    });

    it('treats empty values as omitted and skips empty pairs (RFC 6749 §3.2)', () => {
      // Act
      const params = parseTokenRequest({
        contentType: FORM,
        body: '&scope=&audience&grant_type=g&',
      });

      // Assert
      expect({ ...params }).toEqual({ grant_type: 'g' });
    });

    it('accepts an empty or missing body (no parameters)', () => {
      // Act / Assert
      expect({ ...parseTokenRequest({ contentType: FORM, body: '' }) }).toEqual({});
      expect({ ...parseTokenRequest({ contentType: FORM, body: null }) }).toEqual({});
      expect({ ...parseTokenRequest({ contentType: FORM, body: undefined }) }).toEqual({});
    });

    it('keeps a parameter named __proto__ as a plain parameter', () => {
      // Act
      const params = parseTokenRequest({ contentType: FORM, body: '__proto__=x&grant_type=g' });

      // Assert
      expect(params['__proto__']).toBe('x');
      expect(params.grant_type).toBe('g');
    });

    it.each([
      ['the same name twice', 'grant_type=a&grant_type=b'],
      ['a repeat with an empty value', 'scope=a&scope='],
      ['an encoded repeat', 'scope=a&sc%6Fpe=b'],
    ])('rejects %s as invalid_request', (_label, body) => {
      // Act / Assert
      expect(() => parseTokenRequest({ contentType: FORM, body })).toThrow(InvalidRequestError);
      expect(() => parseTokenRequest({ contentType: FORM, body })).toThrow(/repeated/);
    });

    it('does not echo a strange parameter name in the description', () => {
      // Act / Assert
      expect(() => parseTokenRequest({ contentType: FORM, body: 'a%20b=1&a+b=2' })).toThrow(
        'parameter (an unrecognised parameter) is repeated',
      );
    });

    it('echoes only the names the endpoints read, never a secret-shaped one (issue 21 review)', () => {
      // Arrange: a client secret as the CLI generates them, sent as a parameter name
      const secret = 'pz2ATy1TC4SZTMGKMdGlU3ppN7FDHjkrZvszRn1mffk';

      // Act
      const messages = [
        { contentType: FORM, body: `grant_type=client_credentials&${secret}&${secret}` },
        { contentType: JSON_TYPE, body: JSON.stringify({ grant_type: 'g', [secret]: true }) },
        { contentType: FORM, body: 'scope=a&scope=b' },
      ].map((request) => {
        try {
          parseTokenRequest(request);
          return 'accepted';
        } catch (err) {
          return (err as Error).message;
        }
      });

      // Assert
      expect(messages).toEqual([
        'parameter (an unrecognised parameter) is repeated',
        'parameter (an unrecognised parameter) must be a JSON string',
        'parameter scope is repeated',
      ]);
    });

    it.each([
      ['a bad percent escape in a value', 'grant_type=%zz'],
      ['a truncated escape', 'client_secret=abc%'],
      ['invalid UTF-8', 'client_secret=%FF'],
      ['a bad escape in a name', 'gr%ant=1'],
    ])('rejects %s as invalid_request without echoing it', (_label, body) => {
      // Act
      const act = (): unknown => parseTokenRequest({ contentType: FORM, body });

      // Assert
      expect(act).toThrow(InvalidRequestError);
      expect(act).toThrow(/malformed percent-encoding/);
      expect(act).not.toThrow(/abc|%FF|%zz/);
    });
  });

  describe('JSON', () => {
    it('parses an object of strings', () => {
      // Arrange
      const body = JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'c"1\\',
        client_secret: 's\u00e9cret',
      });

      // Act
      const params = parseTokenRequest({ contentType: `${JSON_TYPE}; charset=utf-8`, body });

      // Assert
      expect({ ...params }).toEqual({
        grant_type: 'client_credentials',
        client_id: 'c"1\\',
        client_secret: 's\u00e9cret',
      });
    });

    it('treats empty strings as omitted and accepts an empty object', () => {
      // Act / Assert
      expect({ ...parseTokenRequest({ contentType: JSON_TYPE, body: '{"scope":""}' }) }).toEqual(
        {},
      );
      expect({ ...parseTokenRequest({ contentType: JSON_TYPE, body: ' { } ' }) }).toEqual({});
    });

    it.each([
      ['repeated keys', '{"grant_type":"a","grant_type":"b"}'],
      ['repeated keys spelled with escapes', '{"scope":"a", "sc\\u006fpe":"b"}'],
    ])('rejects %s as invalid_request', (_label, body) => {
      // Act / Assert
      expect(() => parseTokenRequest({ contentType: JSON_TYPE, body })).toThrow(/repeated/);
    });

    it.each([
      ['malformed JSON', '{"client_secret":"hunter2"', /not valid JSON/],
      ['an empty body', '', /not valid JSON/],
      ['an array', '["a"]', /JSON object/],
      ['null', 'null', /JSON object/],
      ['a string', '"grant_type"', /JSON object/],
      ['a number value', '{"grant_type":1}', /must be a JSON string/],
      ['a null value', '{"scope":null}', /must be a JSON string/],
      ['a nested object', '{"scope":{"a":"b"}}', /must be a JSON string/],
      ['an array value', '{"scope":["a"]}', /must be a JSON string/],
    ])('rejects %s as invalid_request', (_label, body, message) => {
      // Act
      const act = (): unknown => parseTokenRequest({ contentType: JSON_TYPE, body });

      // Assert
      expect(act).toThrow(InvalidRequestError);
      expect(act).toThrow(message);
      expect(act).not.toThrow(/hunter2/);
    });
  });

  describe('content type', () => {
    it.each([
      ['missing', undefined],
      ['blank', '  '],
      ['text/plain', 'text/plain'],
      ['multipart', 'multipart/form-data; boundary=x'],
      ['a JSON suffix type', 'application/jwt+json'],
      ['a non-UTF-8 charset', `${FORM}; charset=iso-8859-1`],
      ['a UTF-16 JSON charset', `${JSON_TYPE}; charset=utf-16`],
    ])('rejects %s as invalid_request', (_label, contentType) => {
      // Act / Assert
      expect(() => parseTokenRequest({ contentType, body: 'grant_type=x' })).toThrow(
        InvalidRequestError,
      );
    });
  });

  describe('base64 bodies', () => {
    it('decodes a base64 form body', () => {
      // Act
      const params = parseTokenRequest({
        contentType: FORM,
        body: b64('grant_type=client_credentials&scope=a'),
        isBase64Encoded: true,
      });

      // Assert
      expect({ ...params }).toEqual({ grant_type: 'client_credentials', scope: 'a' });
    });

    it('decodes a base64 JSON body', () => {
      // Act
      const params = parseTokenRequest({
        contentType: JSON_TYPE,
        body: b64('{"grant_type":"client_credentials"}'),
        isBase64Encoded: true,
      });

      // Assert
      expect(params.grant_type).toBe('client_credentials');
    });

    it.each([
      ['characters outside the alphabet', 'Z3Jh*nQ='],
      ['a bad length', 'Z3Jhbn'],
      ['base64url characters', 'Z3J_bnQ-'],
    ])('rejects a body with %s as invalid_request', (_label, body) => {
      // Act / Assert
      expect(() => parseTokenRequest({ contentType: FORM, body, isBase64Encoded: true })).toThrow(
        /not valid base64/,
      );
    });

    it('rejects a body that is not UTF-8', () => {
      // Arrange
      const body = Buffer.from([0x61, 0x3d, 0xff]).toString('base64');

      // Act / Assert
      expect(() => parseTokenRequest({ contentType: FORM, body, isBase64Encoded: true })).toThrow(
        /not valid UTF-8/,
      );
    });
  });

  describe('size limit', () => {
    const filler = (bytes: number): string =>
      `grant_type=${'a'.repeat(bytes - 'grant_type='.length)}`;

    it('accepts a body of exactly 16 KiB', () => {
      // Act
      const params = parseTokenRequest({ contentType: FORM, body: filler(MAX_BODY_BYTES) });

      // Assert
      expect(params.grant_type).toHaveLength(MAX_BODY_BYTES - 'grant_type='.length);
    });

    it.each([
      // 5461 code units: at most 16383 bytes, so the length alone clears it.
      ['short enough never to need a byte count', `scope=${'€'.repeat(5455)}`, 16371],
      ['long enough to be counted, and under', `scope=${'€'.repeat(5459)}`, 16383],
    ])('accepts a multi-byte body %s', (_label, body, bytes) => {
      // Arrange
      expect(Buffer.byteLength(body, 'utf8')).toBe(bytes);

      // Act
      const params = parseTokenRequest({ contentType: FORM, body });

      // Assert
      expect(params.scope).toBe(body.slice('scope='.length));
    });

    it('refuses a body exactly when its UTF-8 bytes are over the limit (property)', () => {
      // Arrange: 1- to 4-byte characters and lone surrogates (3 bytes as U+FFFD) near the limit.
      const unit = fc.constantFrom('a', 'é', '€', '😀', '\uD800');
      const body = fc
        .array(unit, { minLength: 4000, maxLength: 16500 })
        .map((units) => `scope=${units.join('')}`);

      fc.assert(
        fc.property(body, (text) => {
          // Act
          let tooLarge = false;
          try {
            parseTokenRequest({ contentType: FORM, body: text });
          } catch (err) {
            if (!(err instanceof RequestTooLargeError)) throw err;
            tooLarge = true;
          }

          // Assert: Buffer.byteLength is the oracle.
          expect(tooLarge).toBe(Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES);
        }),
        { numRuns: 200 },
      );
    });

    it('accepts a base64 body that decodes to exactly 16 KiB', () => {
      // Act
      const params = parseTokenRequest({
        contentType: FORM,
        body: b64(filler(MAX_BODY_BYTES)),
        isBase64Encoded: true,
      });

      // Assert
      expect(params.grant_type).toBeDefined();
    });

    it.each([
      ['a plain body one byte over', () => filler(MAX_BODY_BYTES + 1), false],
      ['a multi-byte body over in bytes only', () => 'é'.repeat(MAX_BODY_BYTES / 2 + 1), false],
      // 3-byte characters: the first length whose bytes can exceed the limit, and does.
      ['a body of 3-byte characters one byte over', () => 'a€'.repeat(4097), false],
      ['a body of 4-byte characters over in bytes only', () => '😀'.repeat(4097), false],
      ['a huge plain body', () => 'a'.repeat(10 * 1024 * 1024), false],
      ['a base64 body decoding to one byte over', () => b64(filler(MAX_BODY_BYTES + 1)), true],
      ['a base64 body decoding to two bytes over', () => b64(filler(MAX_BODY_BYTES + 2)), true],
      ['a huge base64 body', () => 'A'.repeat(10 * 1024 * 1024), true],
      ['a huge body that is not even base64', () => '*'.repeat(30000), true],
    ])('rejects %s with RequestTooLargeError', (_label, makeBody, isBase64Encoded) => {
      // Act
      const act = (): unknown =>
        parseTokenRequest({ contentType: FORM, body: makeBody(), isBase64Encoded });

      // Assert
      expect(act).toThrow(RequestTooLargeError);
      expect(act).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    });
  });
});

describe('formDecode', () => {
  it('decodes + as a space and percent escapes, including an encoded colon', () => {
    // Act / Assert
    expect(formDecode('a+b%2Bc%3A', 'x')).toBe('a b+c:');
  });

  it('agrees with decodeURIComponent after + to space, with or without escapes (property)', () => {
    // Arrange: text with and without `%` and `+`, and the encoding of any string.
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'binary' }).map(encodeURIComponent),
      fc.stringMatching(/^[A-Za-z0-9._~+-]*$/),
    );

    fc.assert(
      fc.property(text, (t) => {
        // Act
        let expected: string | undefined;
        try {
          expected = decodeURIComponent(t.replace(/\+/g, ' '));
        } catch {
          expected = undefined;
        }
        const act = (): string => formDecode(t, 'x');

        // Assert: the oracle's result, or its refusal as invalid_request.
        if (expected === undefined) expect(act).toThrow(InvalidRequestError);
        else expect(act()).toBe(expected);
      }),
    );
  });
});
