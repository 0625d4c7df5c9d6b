// Unit tests of audience resolution against the client's audiences and the service default.
import { resolveAudience } from '../../../../functions/token/core/audience';
import { InvalidTargetError } from '../../../../functions/token/core/errors';

describe('resolveAudience', () => {
  const allowed = ['https://a.example', 'https://b.example'];

  it("defaults to the client's first audience", () => {
    // Act / Assert
    expect(resolveAudience(undefined, allowed, 'https://default.example')).toBe(
      'https://a.example',
    );
  });

  it('defaults to the service audience when the client lists none', () => {
    // Act / Assert
    expect(resolveAudience(undefined, [], 'https://default.example')).toBe(
      'https://default.example',
    );
  });

  it('accepts any listed audience', () => {
    // Act / Assert
    expect(resolveAudience('https://b.example', allowed, 'x')).toBe('https://b.example');
  });

  it('accepts the service audience when the client lists none', () => {
    // Act / Assert
    expect(resolveAudience('https://default.example', [], 'https://default.example')).toBe(
      'https://default.example',
    );
  });

  it.each([
    ['an unlisted audience', 'https://c.example', allowed],
    ['the service default when the client lists others', 'https://default.example', allowed],
    ['another audience when the client lists none', 'https://c.example', []],
  ])('rejects %s as invalid_target', (_label, requested, list) => {
    // Act / Assert
    expect(() => resolveAudience(requested, list, 'https://default.example')).toThrow(
      InvalidTargetError,
    );
  });
});
