// The authorizer's metrics as its handler records them (docs/metrics.md), and the guards that keep a metric from ever changing a decision or loading Powertools before it is needed.
import type { UnauthorizedReason } from './rejections';
import type { RevocationStateSource } from './core/revocation-check';
import type { OtherRegionObserver } from '../shared/replay-region';

/** The `decision` dimension of `AuthorizerDecisions`: what API Gateway got. */
export type AuthorizerDecision = 'allow' | 'deny' | 'unauthorized';

/** What the authorizer counts; handler.ts publishes it as EMF (metrics-emf.ts). */
export interface AuthorizerMetrics {
  /** `AuthorizerDecisions`: one per invocation. */
  decision(decision: AuthorizerDecision): void;
  /** `AuthorizerUnauthorized`: one per 401, by reason. */
  unauthorized(reason: UnauthorizedReason): void;
  /** `RevocationCacheHits`: a revocation state served from the container's cache. */
  revocationCacheHit(): void;
  /** `RevocationReadFailures`: a failed read of the revocation state. */
  revocationReadFailure(): void;
  /**
   * `JtiSeenInOtherRegion` (`kind` = `dpop_authorizer`): a proof refused because another Region
   * recorded its `jti` first (multi-Region only; docs/multi-region.md). Optional: only the
   * multi-Region DPoP replay cache records it.
   */
  jtiSeenInOtherRegion?(): void;
}

/**
 * Metrics whose every call is guarded: whatever one throws is dropped, so a metric can never turn
 * an Allow into a 401 or fail a rejection.
 * @param metrics the metrics
 * @returns the guarded metrics
 */
export function guardedMetrics(metrics: AuthorizerMetrics): AuthorizerMetrics {
  const guard =
    <A extends unknown[]>(record: (...args: A) => void) =>
    (...args: A): void => {
      try {
        record(...args);
      } catch {
        // Counting is not worth a wrong answer.
      }
    };
  return {
    decision: guard((d: AuthorizerDecision) => metrics.decision(d)),
    unauthorized: guard((r: UnauthorizedReason) => metrics.unauthorized(r)),
    revocationCacheHit: guard(() => metrics.revocationCacheHit()),
    revocationReadFailure: guard(() => metrics.revocationReadFailure()),
    jtiSeenInOtherRegion: guard(() => metrics.jtiSeenInOtherRegion?.()),
  };
}

/**
 * Metrics built on their first use: the authorizer's cold load stays without Powertools Metrics
 * (a few ms; docs/metrics.md), which the first invocation loads instead. A failed load is retried
 * at the next use.
 * @param load builds the real metrics
 * @returns metrics that call `load` once, when first recorded
 */
export function lazyMetrics(load: () => AuthorizerMetrics): AuthorizerMetrics {
  let loaded: AuthorizerMetrics | undefined;
  const get = (): AuthorizerMetrics => (loaded ??= load());
  return {
    decision: (d) => get().decision(d),
    unauthorized: (r) => get().unauthorized(r),
    revocationCacheHit: () => get().revocationCacheHit(),
    revocationReadFailure: () => get().revocationReadFailure(),
    jtiSeenInOtherRegion: () => get().jtiSeenInOtherRegion?.(),
  };
}

/**
 * A revocation source that counts each failed read. The check shares one read among concurrent
 * checks of a token, so each failed call to DynamoDB counts once.
 * @param source the source
 * @param metrics where to count
 * @returns the counting source
 */
export function countReadFailures(
  source: RevocationStateSource,
  metrics: Pick<AuthorizerMetrics, 'revocationReadFailure'>,
): RevocationStateSource {
  return {
    read: (clientId, jti) =>
      source.read(clientId, jti).catch((error: unknown) => {
        metrics.revocationReadFailure();
        throw error;
      }),
  };
}

/**
 * The DPoP replay cache's cross-Region observer (multi-Region only): a warning
 * `jti_seen_in_other_region` with the kind and the Region of the first use, never the `jti` or the
 * token, and `JtiSeenInOtherRegion`. The proof is refused as replayed either way.
 * @param logger where the warning goes
 * @param metrics where it is counted, when configured
 * @returns the observer
 */
export function reportJtiSeenInOtherRegion(
  logger: { warn(message: string, attributes: Record<string, unknown>): void },
  metrics: Pick<AuthorizerMetrics, 'jtiSeenInOtherRegion'> | undefined,
): OtherRegionObserver {
  return ({ kind, firstRegion }) => {
    logger.warn('jti_seen_in_other_region', { kind, firstRegion });
    metrics?.jtiSeenInOtherRegion?.();
  };
}
