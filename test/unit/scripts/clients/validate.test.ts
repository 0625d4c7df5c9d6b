// Unit tests of operator input validation: RFC 6749 §3.3 scopes, audiences, TTLs, names, ids.
import { UsageError } from '../../../../tools/cli/usage-error';
import {
  parseAudiences,
  parseClientId,
  parseGrace,
  parseName,
  parseScopes,
  parseTokenTtl,
} from '../../../../scripts/lib/clients/validate';

describe('parseScopes', () => {
  it('splits on spaces, keeps order and drops duplicates', () => {
    // Act
    const scopes = parseScopes(' orders:read  orders:write orders:read ');
    // Assert
    expect(scopes).toEqual(['orders:read', 'orders:write']);
  });

  it('accepts every character RFC 6749 §3.3 allows', () => {
    // Arrange: %x21 / %x23-5B / %x5D-7E
    const all = [0x21, ...range(0x23, 0x5b), ...range(0x5d, 0x7e)]
      .map((c) => String.fromCharCode(c))
      .join('');
    // Act / Assert
    expect(parseScopes(all)).toEqual([all]);
  });

  it.each([
    ['a double quote', 'orders"read'],
    ['a backslash', 'orders\\read'],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['a non-ASCII letter', 'commandes:lü'],
    ['DEL', 'a\x7f'],
  ])('rejects %s', (_label, value) => {
    // Act / Assert
    expect(() => parseScopes(value)).toThrow(UsageError);
    expect(() => parseScopes(value)).toThrow(/--scopes.*not a valid scope.*RFC 6749/);
  });

  it('rejects an empty list', () => {
    expect(() => parseScopes('   ')).toThrow(/--scopes needs at least one scope/);
  });
});

describe('parseAudiences', () => {
  it('keeps order (the first is the default) and drops duplicates', () => {
    expect(parseAudiences(['https://a', 'https://b', 'https://a'])).toEqual([
      'https://a',
      'https://b',
    ]);
  });

  it('accepts none', () => {
    expect(parseAudiences([])).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'https://a b'],
    ['with a tab', 'aud\t'],
    ['with a control character', 'aud\x01'],
    ['with a C1 control character', 'aud\u0085'],
    ['too long', 'a'.repeat(1025)],
  ])('rejects an audience %s', (_label, value) => {
    // Act / Assert
    expect(() => parseAudiences([value])).toThrow(UsageError);
    expect(() => parseAudiences([value])).toThrow(/--audience/);
  });
});

describe('parseTokenTtl', () => {
  it.each([
    ['60', 60],
    ['3600', 3600],
    ['86400', 86400],
  ])('accepts %s', (value, expected) => {
    expect(parseTokenTtl(value)).toBe(expected);
  });

  it.each(['59', '86401', '0', '-60', '60.5', '1e3', '0x3c', '', 'abc', '99999999999999999999'])(
    'rejects %j',
    (value) => {
      // Act / Assert
      expect(() => parseTokenTtl(value)).toThrow(UsageError);
      expect(() => parseTokenTtl(value)).toThrow(
        /--token-ttl must be a whole number of seconds from 60 to 86400/,
      );
    },
  );
});

describe('parseGrace', () => {
  it('accepts 0 (revoke now) up to 30 days', () => {
    expect(parseGrace('0')).toBe(0);
    expect(parseGrace('2592000')).toBe(2_592_000);
  });

  it('rejects negatives and more than 30 days', () => {
    expect(() => parseGrace('-1')).toThrow(/--grace/);
    expect(() => parseGrace('2592001')).toThrow(/--grace/);
  });
});

describe('parseName', () => {
  it('trims and accepts printable Unicode up to 128 characters', () => {
    expect(parseName('  Orders service  ')).toBe('Orders service');
    expect(parseName('Café ☕'.padEnd(128, 'x'))).toHaveLength(128);
  });

  it.each([
    ['empty', '   '],
    ['too long', 'x'.repeat(129)],
    ['with a newline', 'a\nb'],
    ['with an escape sequence', 'a\x1b[31mred'],
    ['with a zero-width format character', 'a\u200bb'],
  ])('rejects a name %s', (_label, value) => {
    expect(() => parseName(value)).toThrow(UsageError);
    expect(() => parseName(value)).toThrow(/--name/);
  });
});

describe('parseClientId', () => {
  it('accepts printable ASCII', () => {
    expect(parseClientId('0123abcd')).toBe('0123abcd');
  });

  it.each(['', 'a b', 'a\n', 'é', 'x'.repeat(129), 'revoked#abc'])('rejects %j', (value) => {
    expect(() => parseClientId(value)).toThrow(/not a valid client id/);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
