// Decides whether a verified token is still live: revocation state read through a small per-container cache, with a bounded stale window and a fail-closed end.
import { isRevoked, type RevocationState } from '../../shared/revocation';
import type { Clock } from '../../shared/types';

/** Reads one token's revocation state (production: one DynamoDB BatchGetItem). */
export interface RevocationStateSource {
  /**
   * @param clientId the token's `client_id`
   * @param jti the token's `jti`
   * @returns the state; rejects when the store cannot answer
   */
  read(clientId: string, jti: string): Promise<RevocationState>;
}

/** Options of {@link createRevocationCheck}. */
export interface RevocationCheckOptions {
  source: RevocationStateSource;
  /** C: how long a read state is used without asking again, in ms. */
  cacheTtlMs: number;
  /** W: how long past C the last state is still used while the source fails, in ms. */
  staleMs: number;
  /** Entries kept per container (default 1024); the oldest is dropped first. */
  maxEntries?: number;
  clock: Clock;
}

/**
 * The outcome of a check: `live`; `revoked` (the token's `jti`, or every token of its client issued
 * before `tokens_not_before`); `disabled` (its client is disabled or deleted); `unavailable` (no
 * state young enough to decide on).
 */
export type RevocationVerdict = 'live' | 'revoked' | 'disabled' | 'unavailable';

/** The outcome of a check, with the client's API key value from the same read (usage plans). */
export interface RevocationOutcome {
  verdict: RevocationVerdict;
  /** The client's `usage_key`; undefined when it has none or the verdict is not `live`. */
  usageKey: string | undefined;
  /** The state came from the container's cache, younger than C, with no read of the source. */
  cached: boolean;
}

/** Checks one token; never rejects. */
export type RevocationCheck = (token: {
  client_id: string;
  jti: string;
  iat: number;
}) => Promise<RevocationOutcome>;

const UNAVAILABLE: RevocationOutcome = Object.freeze({
  verdict: 'unavailable',
  usageKey: undefined,
  cached: false,
});

interface Entry {
  state: RevocationState;
  readAtMs: number;
}

/**
 * Creates the check. A state read less than C ago is used as is. After that the source is asked
 * again (concurrent requests for one token share one read); if it fails, a state read less than
 * C + W ago is still used, and otherwise the verdict is `unavailable`, which the handler turns into
 * 401: the authorizer never allows on a state older than C + W, so it fails closed.
 * @param options source, cache TTL, stale window, size and clock
 * @returns the check
 */
export function createRevocationCheck(options: RevocationCheckOptions): RevocationCheck {
  const { source, cacheTtlMs, staleMs, clock } = options;
  const maxEntries = options.maxEntries ?? 1024;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry | undefined>>();

  const refresh = (key: string, clientId: string, jti: string): Promise<Entry | undefined> => {
    let pending = inFlight.get(key);
    if (pending === undefined) {
      const readAtMs = clock();
      // Never rejects: a failed read resolves to undefined, and the entry leaves the map once settled.
      pending = source
        .read(clientId, jti)
        .then(
          (state) => {
            const entry = { state, readAtMs };
            cache.delete(key);
            cache.set(key, entry);
            if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
            return entry;
          },
          () => undefined,
        )
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  return async (token) => {
    // client_id and jti are both in the key; a NUL cannot appear in either (the verifier checks
    // they are strings, and one with a NUL would simply be another key).
    const key = `${token.client_id}\u0000${token.jti}`;
    const nowMs = clock();
    let entry = cache.get(key);
    let cached = true;
    if (entry === undefined || nowMs - entry.readAtMs >= cacheTtlMs) {
      cached = false;
      const fresh = await refresh(key, token.client_id, token.jti);
      if (fresh !== undefined) entry = fresh;
      else if (entry === undefined || clock() - entry.readAtMs >= cacheTtlMs + staleMs) {
        return UNAVAILABLE;
      }
    }
    return outcomeOf(entry.state, token, clock(), cached);
  };
}

/**
 * The verdict on a state. A disabled client is told apart from a revoked token for the metrics
 * (docs/metrics.md); both are dead by the one shared rule, isRevoked.
 */
function outcomeOf(
  state: RevocationState,
  token: { iat: number },
  nowMs: number,
  cached: boolean,
): RevocationOutcome {
  if (isRevoked(state, token, Math.floor(nowMs / 1000))) {
    return {
      verdict: state.client === 'active' ? 'revoked' : 'disabled',
      usageKey: undefined,
      cached,
    };
  }
  return { verdict: 'live', usageKey: state.usageKey, cached };
}
