// The cutoff item's contract (functions/shared/revocation.ts): its key, its parser (fails closed on anything the CLI would not write) and the rule that the record OR the cutoff kills a token, with properties over random states.
import fc from 'fast-check';
import {
  cutoffKey,
  isReservedKey,
  MalformedCutoffError,
  parseCutoff,
  withCutoff,
  type ClientKillState,
} from '../../../functions/shared/revocation';

describe('cutoff#<client_id>', () => {
  it('is a reserved key, never a client id', () => {
    // Act / Assert
    expect(cutoffKey('c0ffee')).toBe('cutoff#c0ffee');
    expect(isReservedKey(cutoffKey('c0ffee'))).toBe(true);
  });

  it.each<[string, unknown, unknown, object]>([
    ['numbers', 'disabled', 1_700_000_000, { status: 'disabled', tokensNotBefore: 1_700_000_000 }],
    ['a DynamoDB N string', 'active', '42', { status: 'active', tokensNotBefore: 42 }],
    ['zero', 'active', '0', { status: 'active', tokensNotBefore: 0 }],
  ])('parses %s', (_name, status, notBefore, expected) => {
    // Act / Assert
    expect(parseCutoff(status, notBefore)).toEqual(expected);
  });

  it.each<[string, unknown, unknown, string]>([
    ['no status', undefined, 1, 'status'],
    ['a status of another case', 'Disabled', 1, 'status'],
    ['no tokens_not_before', 'active', undefined, 'tokens_not_before'],
    ['an empty string (Number("") is 0)', 'active', '', 'tokens_not_before'],
    ['a blank string', 'active', ' ', 'tokens_not_before'],
    ['an exponent', 'active', '1e3', 'tokens_not_before'],
    ['a negative number', 'disabled', -1, 'tokens_not_before'],
    ['a fraction', 'disabled', 1.5, 'tokens_not_before'],
    ['an unsafe integer', 'disabled', '9007199254740993', 'tokens_not_before'],
    ['NaN', 'disabled', NaN, 'tokens_not_before'],
    ['a boolean', 'disabled', true, 'tokens_not_before'],
  ])('refuses %s, naming the attribute', (_name, status, notBefore, field) => {
    // Act / Assert
    expect(() => parseCutoff(status, notBefore)).toThrow(MalformedCutoffError);
    expect(() => parseCutoff(status, notBefore)).toThrow(`malformed: ${field}`);
  });

  it('without a cutoff, the record alone decides', () => {
    // Arrange
    const state: ClientKillState = { active: true, tokensNotBefore: 5 };

    // Act / Assert
    expect(withCutoff(state, undefined)).toBe(state);
  });

  it('keeps an absent tokens_not_before absent under a cutoff of 0', () => {
    // Act / Assert
    expect(
      withCutoff(
        { active: true, tokensNotBefore: undefined },
        { status: 'active', tokensNotBefore: 0 },
      ),
    ).toEqual({ active: true, tokensNotBefore: undefined });
  });

  const state = fc.record({
    active: fc.boolean(),
    tokensNotBefore: fc.option(fc.nat(), { nil: undefined }),
  });
  const cutoff = fc.record({
    status: fc.constantFrom('active' as const, 'disabled' as const),
    tokensNotBefore: fc.nat(),
  });

  it('kills a token when the record or the cutoff kills it, and only then (property)', () => {
    fc.assert(
      fc.property(state, cutoff, fc.nat(), (s, c, iat) => {
        // Act
        const merged = withCutoff(s, c);
        const dead = (k: ClientKillState): boolean =>
          !k.active || (k.tokensNotBefore !== undefined && iat < k.tokensNotBefore);

        // Assert
        const byRecord = dead(s);
        const byCutoff = c.status === 'disabled' || iat < c.tokensNotBefore;
        expect(dead(merged)).toBe(byRecord || byCutoff);
      }),
    );
  });

  it('never lowers tokens_not_before nor revives a disabled client (property)', () => {
    fc.assert(
      fc.property(state, cutoff, (s, c) => {
        // Act
        const merged = withCutoff(s, c);

        // Assert
        if (!s.active) expect(merged.active).toBe(false);
        if (s.tokensNotBefore !== undefined) {
          expect(merged.tokensNotBefore).toBeGreaterThanOrEqual(s.tokensNotBefore);
        }
        expect(merged.tokensNotBefore ?? 0).toBeGreaterThanOrEqual(c.tokensNotBefore);
      }),
    );
  });
});
