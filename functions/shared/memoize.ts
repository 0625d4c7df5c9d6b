// Caches the promise of a one-time async load (key, dummy hash, JWKS) but forgets a rejection.

/**
 * Wraps a loader so it runs at most once while it succeeds: every call shares the first promise.
 * A rejected promise is forgotten, so a throttled or misconfigured cold start recovers on a later
 * call instead of failing every request until the next cold start.
 * @param load the loader
 * @returns a function returning the cached (or a fresh) promise
 */
export function memoizeUntilRejected<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    if (!cached) {
      const attempt = load();
      cached = attempt;
      // Only a pending or fulfilled promise is ever replaced, so this is still the cached one.
      attempt.catch(() => {
        cached = undefined;
      });
    }
    return cached;
  };
}
