// The emulator's authorizer result TTL range (API Gateway's) equals the service's shared limit.
import { AUTHORIZER_RESULT_TTL_SECONDS } from '../../../../functions/shared/limits';
import { resultTtlMs, RESULT_TTL_SECONDS } from '../../../../tools/gateway/token-authorizer';

describe('authorizer result TTL', () => {
  it('is the same range and default in the emulator and in functions/shared/limits.ts', () => {
    // Act / Assert
    expect({ ...RESULT_TTL_SECONDS }).toEqual({ ...AUTHORIZER_RESULT_TTL_SECONDS });
  });

  it.each([
    [undefined, 300_000],
    [0, 0],
    [3600, 3_600_000],
  ])('accepts %p', (ttl, ms) => {
    // Act / Assert
    expect(resultTtlMs('a', ttl)).toBe(ms);
  });

  it.each([[-1], [3601], [1.5]])('refuses %p, naming the authorizer', (ttl) => {
    // Act / Assert
    expect(() => resultTtlMs('auth', ttl)).toThrow(
      'authorizer auth: resultTtlSeconds must be 0..3600',
    );
  });
});
