// The authorizer's revocation check: cache TTL, shared reads, the stale window under failures, fail closed, eviction, and the revocation rule.
import fc from 'fast-check';
import {
  createRevocationCheck,
  type RevocationCheck,
  type RevocationStateSource,
} from '../../../../functions/authorizer/core/revocation-check';
import { isRevoked, type RevocationState } from '../../../../functions/shared/revocation';

const LIVE: RevocationState = {
  client: 'active',
  tokensNotBefore: undefined,
  jtiRevokedUntil: undefined,
};
const T0 = 1_750_000_000_000;
const token = { client_id: 'c1', jti: 'j1', iat: 1_750_000_000 };

/** The verdicts of a check, without the usage key. */
function verdictsOf(check: RevocationCheck): (t: typeof token) => Promise<string> {
  return async (t) => (await check(t)).verdict;
}

/** A source whose answers a test scripts; counts reads. */
function scripted(): RevocationStateSource & {
  reads: number;
  next: RevocationState | Error;
} {
  const source = {
    reads: 0,
    next: LIVE as RevocationState | Error,
    read: async (): Promise<RevocationState> => {
      source.reads += 1;
      if (source.next instanceof Error) throw source.next;
      return source.next;
    },
  };
  return source;
}

describe('createRevocationCheck', () => {
  let now = T0;
  const clock = (): number => now;
  beforeEach(() => {
    now = T0;
  });

  it('reads once per cache TTL and sees a change after it', async () => {
    // Arrange
    const source = scripted();
    const check = verdictsOf(
      createRevocationCheck({ source, cacheTtlMs: 10_000, staleMs: 20_000, clock }),
    );

    // Act
    const first = await check(token);
    source.next = { ...LIVE, client: 'inactive' };
    now += 9_999;
    const cached = await check(token);
    now += 1;
    const after = await check(token);

    // Assert
    expect([first, cached, after]).toEqual(['live', 'live', 'disabled']);
    expect(source.reads).toBe(2);
  });

  it('concurrent checks of one token share one read', async () => {
    // Arrange
    const source = scripted();
    const check = verdictsOf(
      createRevocationCheck({ source, cacheTtlMs: 1000, staleMs: 0, clock }),
    );

    // Act
    const verdicts = await Promise.all([check(token), check(token), check(token)]);

    // Assert
    expect(verdicts).toEqual(['live', 'live', 'live']);
    expect(source.reads).toBe(1);
  });

  it('serves the last state for C + W while the source fails, then fails closed, then recovers', async () => {
    // Arrange
    const source = scripted();
    const check = verdictsOf(
      createRevocationCheck({ source, cacheTtlMs: 10_000, staleMs: 20_000, clock }),
    );
    await check(token);
    source.next = new Error('DynamoDB down');

    // Act
    now = T0 + 29_999;
    const stale = await check(token);
    now = T0 + 30_000;
    const closed = await check(token);
    source.next = LIVE;
    const recovered = await check(token);

    // Assert
    expect([stale, closed, recovered]).toEqual(['live', 'unavailable', 'live']);
  });

  it('a stale dead state stays dead while the source fails', async () => {
    // Arrange
    const source = scripted();
    source.next = { ...LIVE, client: 'inactive' };
    const check = verdictsOf(
      createRevocationCheck({ source, cacheTtlMs: 1000, staleMs: 5000, clock }),
    );
    await check(token);
    source.next = new Error('down');

    // Act
    now += 2000;

    // Assert
    expect(await check(token)).toBe('disabled');
  });

  it('an unseen token is unavailable (401) when the source fails: never allowed without a state', async () => {
    // Arrange
    const source = scripted();
    source.next = new Error('down');
    const check = verdictsOf(
      createRevocationCheck({ source, cacheTtlMs: 1000, staleMs: 60_000, clock }),
    );

    // Act / Assert
    expect(await check(token)).toBe('unavailable');
  });

  it('evicts the oldest entry beyond maxEntries', async () => {
    // Arrange
    const source = scripted();
    const check = verdictsOf(
      createRevocationCheck({
        source,
        cacheTtlMs: 60_000,
        staleMs: 0,
        maxEntries: 2,
        clock,
      }),
    );

    // Act
    await check({ ...token, jti: 'a' });
    await check({ ...token, jti: 'b' });
    await check({ ...token, jti: 'c' });
    await check({ ...token, jti: 'b' });
    await check({ ...token, jti: 'a' });

    // Assert: a was evicted (read again), b was still cached
    expect(source.reads).toBe(4);
  });

  it('with the default size keeps many entries', async () => {
    // Arrange
    const source = scripted();
    const check = verdictsOf(
      createRevocationCheck({ source, cacheTtlMs: 60_000, staleMs: 0, clock }),
    );

    // Act
    for (let i = 0; i < 100; i++) await check({ ...token, jti: `j${i}` });
    for (let i = 0; i < 100; i++) await check({ ...token, jti: `j${i}` });

    // Assert
    expect(source.reads).toBe(100);
  });

  it('property: never live when the state read says revoked, and never live past C + W without a read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.boolean(),
        async (cacheTtlMs, staleMs, elapsed, disabled) => {
          const source = scripted();
          source.next = disabled ? { ...LIVE, client: 'inactive' } : LIVE;
          let t = T0;
          const check = verdictsOf(
            createRevocationCheck({ source, cacheTtlMs, staleMs, clock: () => t }),
          );
          const first = await check(token);
          source.next = new Error('down');
          t += elapsed;
          const later = await check(token);
          if (disabled) return first === 'disabled' && later !== 'live';
          return later !== 'live' || elapsed < cacheTtlMs + staleMs;
        },
      ),
    );
  });
});

describe('createRevocationCheck verdicts and cache hits', () => {
  const now = 1_750_000_000;

  it.each<[string, RevocationState, string]>([
    ['a live state', LIVE, 'live'],
    ['an inactive (disabled or deleted) client', { ...LIVE, client: 'inactive' }, 'disabled'],
    [
      'an inactive client whose tokens were also revoked',
      { ...LIVE, client: 'inactive', tokensNotBefore: now + 1 },
      'disabled',
    ],
    ['iat before tokens_not_before', { ...LIVE, tokensNotBefore: now + 1 }, 'revoked'],
    ['a revoked jti', { ...LIVE, jtiRevokedUntil: now + 1 }, 'revoked'],
  ])('%s is %s', async (_name, state, verdict) => {
    // Arrange
    const check = createRevocationCheck({
      source: { read: async () => state },
      cacheTtlMs: 0,
      staleMs: 0,
      clock: () => now * 1000,
    });

    // Act / Assert
    expect((await check({ ...token, iat: now })).verdict).toBe(verdict);
  });

  it('says cached only for a state younger than C, served without a read', async () => {
    // Arrange
    let t = T0;
    const source = scripted();
    source.next = { ...LIVE, jtiRevokedUntil: Math.floor(T0 / 1000) + 3600 };
    const check = createRevocationCheck({
      source,
      cacheTtlMs: 1000,
      staleMs: 5000,
      clock: () => t,
    });
    const cachedOf = async (): Promise<[string, boolean]> => {
      const outcome = await check(token);
      return [outcome.verdict, outcome.cached];
    };

    // Act
    const read = await cachedOf();
    t += 999;
    const hit = await cachedOf();
    t += 1;
    const reread = await cachedOf();
    source.next = new Error('down');
    t += 1000;
    const stale = await cachedOf();
    t += 10_000;
    const unavailable = await cachedOf();

    // Assert
    expect([read, hit, reread, stale, unavailable]).toEqual([
      ['revoked', false],
      ['revoked', true],
      ['revoked', false],
      ['revoked', false],
      ['unavailable', false],
    ]);
    expect(source.reads).toBe(4);
  });
});

describe('isRevoked', () => {
  const now = 1_750_000_000;

  it.each<[string, RevocationState, boolean]>([
    ['live', LIVE, false],
    ['inactive client', { ...LIVE, client: 'inactive' }, true],
    ['iat before tokens_not_before', { ...LIVE, tokensNotBefore: now + 1 }, true],
    ['iat equal to tokens_not_before', { ...LIVE, tokensNotBefore: now }, false],
    ['jti revoked until later', { ...LIVE, jtiRevokedUntil: now + 1 }, true],
    ['jti revocation expired (TTL deletion is lazy)', { ...LIVE, jtiRevokedUntil: now }, false],
  ])('%s', (_name, state, revoked) => {
    expect(isRevoked(state, { iat: now }, now)).toBe(revoked);
  });
});

describe('createRevocationCheck with usage plans', () => {
  it('passes on the usage key of a live client, and none for a revoked one', async () => {
    // Arrange
    const source = scripted();
    source.next = { ...LIVE, usageKey: 'k'.repeat(64) };
    const check = createRevocationCheck({ source, cacheTtlMs: 0, staleMs: 0, clock: () => T0 });

    // Act
    const live = await check(token);
    source.next = { ...LIVE, client: 'inactive', usageKey: 'k'.repeat(64) };
    const revoked = await check(token);

    // Assert
    expect(live).toEqual({ verdict: 'live', usageKey: 'k'.repeat(64), cached: false });
    expect(revoked).toEqual({ verdict: 'disabled', usageKey: undefined, cached: false });
  });
});
