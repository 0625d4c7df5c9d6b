// DPOP_PUBLIC_BASE_URL's validation: https, no query/fragment/userinfo/trailing slash, and already in the normal form of RFC 3986 §6.2.2-6.2.3 that htu is compared in (WHATWG URL as the oracle), with adversarial encodings.
import fc from 'fast-check';
import { publicBaseUrlProblem } from '../../../../functions/authorizer/core/dpop-public-base-url';
import { normalizeHtu } from '../../../../functions/shared/dpop-proof';

describe('publicBaseUrlProblem', () => {
  it.each([
    'https://cdn.example.com',
    'https://cdn.example.com/api',
    'https://cdn.example.com:8443/api/v1',
    'https://cdn.example.com/a%20b/~user/x-y_z.v1',
    'https://cdn.example.com/%2F',
    'https://10.0.0.1/api',
  ])('accepts %s', (value) => {
    // Act / Assert
    expect(publicBaseUrlProblem(value)).toBeUndefined();
  });

  it.each([
    ['http, not https', 'http://cdn.example.com'],
    ['no scheme', 'cdn.example.com/api'],
    ['an upper-case scheme', 'HTTPS://cdn.example.com'],
    ['a trailing slash', 'https://cdn.example.com/'],
    ['a trailing slash after a path', 'https://cdn.example.com/api/'],
    ['an empty segment', 'https://cdn.example.com//api'],
    ['a query', 'https://cdn.example.com/api?x=1'],
    ['an empty query', 'https://cdn.example.com/api?'],
    ['a fragment', 'https://cdn.example.com/api#x'],
    ['userinfo', 'https://user@cdn.example.com/api'],
    ['an upper-case host', 'https://CDN.example.com'],
    ['a port with a leading zero', 'https://cdn.example.com:0443'],
    ['a port of 0', 'https://cdn.example.com:0'],
    ['a space', 'https://cdn.example.com/a b'],
    ['a backslash', 'https://cdn.example.com\\api'],
    ['lower-case percent-encoding', 'https://cdn.example.com/a%2fb'],
    ['a malformed percent-encoding', 'https://cdn.example.com/a%zz'],
    ['a truncated percent-encoding', 'https://cdn.example.com/a%2'],
    ['a non-ASCII host', 'https://bücher.example/api'],
    ['an empty string', ''],
  ])('refuses %s (shape)', (_name, value) => {
    // Act / Assert
    expect(publicBaseUrlProblem(value)).toMatch(/^must be an https URL/);
  });

  it.each([
    ['the default port', 'https://cdn.example.com:443/api'],
    ['a port past 65535', 'https://cdn.example.com:70000'],
    ['a dot-dot segment', 'https://cdn.example.com/a/../api'],
    ['a dot segment', 'https://cdn.example.com/./api'],
    ['a final dot-dot segment', 'https://cdn.example.com/api/..'],
    ['an encoded dot-dot segment', 'https://cdn.example.com/a/%2E%2E/api'],
    ['a half-encoded dot segment', 'https://cdn.example.com/a/.%2E/api'],
    ['an encoded unreserved letter', 'https://cdn.example.com/%41pi'],
    ['an encoded tilde', 'https://cdn.example.com/%7Euser'],
    ['an encoded hyphen', 'https://cdn.example.com/a%2Db'],
    ['a numeric host that URL rewrites', 'https://0x7f.1/api'],
  ])('refuses %s (not normalised)', (_name, value) => {
    // Act / Assert
    expect(publicBaseUrlProblem(value)).toMatch(/^must be normalised per RFC 3986/);
  });

  // Oracle: whatever it accepts, URL-based normalisation (the comparison htu goes through) leaves
  // unchanged, so base + path is compared exactly as configured.
  it('accepts only values that normalisation leaves unchanged (property)', () => {
    const segment = fc.oneof(
      { arbitrary: fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:@]{1,8}$/), weight: 4 },
      { arbitrary: fc.constantFrom('.', '..', '%2e', '%2E%2E'), weight: 1 },
      { arbitrary: fc.stringMatching(/^(?:[a-z]|%[0-9A-Fa-f]{2}){1,4}$/), weight: 2 },
    );
    const candidate = fc
      .tuple(
        fc.constantFrom('https://', 'http://', 'HTTPS://'),
        fc.constantFrom('cdn.example.com', 'CDN.example.com', 'a.b'),
        fc.constantFrom('', ':443', ':8443', ':0'),
        fc.array(segment, { maxLength: 4 }),
        fc.constantFrom('', '/', '?q', '#f'),
      )
      .map(([scheme, host, port, segments, tail]) =>
        [scheme, host, port, ...segments.map((s) => `/${s}`), tail].join(''),
      );
    let accepted = 0;
    fc.assert(
      fc.property(candidate, (value) => {
        if (publicBaseUrlProblem(value) !== undefined) return;
        accepted += 1;
        const withPath = value.indexOf('/', 'https://'.length) >= 0 ? value : `${value}/`;
        expect(normalizeHtu(value)).toBe(withPath);
        expect(value.startsWith('https://')).toBe(true);
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: the generator reaches accepted values too.
    expect(accepted).toBeGreaterThan(10);
  });
});
