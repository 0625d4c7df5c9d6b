// Unit tests of scope syntax (RFC 6749 §3.3) and resolution against the client's allowed scopes.
import { InvalidScopeError } from '../../../../functions/token/core/errors';
import { parseScope, resolveScopes } from '../../../../functions/token/core/scope';

describe('parseScope', () => {
  it('returns undefined when omitted', () => {
    // Act / Assert
    expect(parseScope(undefined)).toBeUndefined();
  });

  it('splits on single spaces, keeps order and drops duplicates', () => {
    // Act / Assert
    expect(parseScope('b a:read b !#[]~')).toEqual(['b', 'a:read', '!#[]~']);
  });

  it.each([
    ['a double space', 'a  b'],
    ['a leading space', ' a'],
    ['a trailing space', 'a '],
    ['a tab', 'a\tb'],
    ['a double quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['a non-ASCII character', 'caf\u00e9'],
    ['a control character', 'a\u0000'],
    ['only spaces', '   '],
  ])('rejects %s as invalid_scope', (_label, scope) => {
    // Act / Assert
    expect(() => parseScope(scope)).toThrow(InvalidScopeError);
  });
});

describe('resolveScopes', () => {
  const allowed = ['orders:read', 'orders:write', 'orders:read'];

  it('grants every allowed scope (once) when none was requested', () => {
    // Act / Assert
    expect(resolveScopes(undefined, allowed)).toEqual(['orders:read', 'orders:write']);
  });

  it('grants a requested subset', () => {
    // Act / Assert
    expect(resolveScopes(['orders:write'], allowed)).toEqual(['orders:write']);
  });

  it('rejects a scope the client does not have as invalid_scope', () => {
    // Act / Assert
    expect(() => resolveScopes(['orders:read', 'admin'], allowed)).toThrow(
      expect.objectContaining({ code: 'invalid_scope' }),
    );
  });

  it('grants nothing to a client without scopes', () => {
    // Act / Assert
    expect(resolveScopes(undefined, [])).toEqual([]);
  });
});
