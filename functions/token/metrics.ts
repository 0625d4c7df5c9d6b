// The token function's metrics beyond the endpoints' counts (docs/metrics.md): AWS throttles and timeouts counted where they happen, and thin timing wrappers around the ports whose latency is published.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsAttemptFailure } from '../shared/aws/json-client-options';
import type { OtherRegionObserver } from '../shared/replay-region';
import { presentedClientIdKeys } from './client-id-log';
import type { ClientStore, PasswordHasher, Signer } from './core/types';
import type { TokenMetrics } from './handler-deps';

/** The latencies the token function publishes, in milliseconds (docs/metrics.md). */
export type LatencyMetric = 'Argon2VerifyLatency' | 'KmsSignLatency' | 'DynamoDbReadLatency';

/** Records one latency, in milliseconds. */
export type LatencyRecorder = (metric: LatencyMetric, ms: number) => void;

/** The metric pair of each AWS failure kind that is counted: the total, and by operation. */
const COUNTED_FAILURES: Readonly<Partial<Record<AwsAttemptFailure['kind'], [string, string]>>> = {
  throttling: ['AwsThrottles', 'AwsThrottlesByOperation'],
  timeout: ['AwsTimeouts', 'AwsTimeoutsByOperation'],
};

/**
 * The AWS client observer (`onAttemptFailed`) that counts throttled and timed-out attempts:
 * `AwsThrottles` and `AwsThrottlesByOperation`, or `AwsTimeouts` and `AwsTimeoutsByOperation`,
 * one each per attempt, retried or not, and per call out of its budget. Each is published at once
 * as a single metric: an attempt can fail outside any request that publishes (a GetPublicKey of
 * the JWKS endpoint, an answer after the budget), and the total must not carry the `operation`
 * dimension. The operation is `<Service>.<Operation>` from the client: code, never request data.
 * @param metrics where to publish
 * @returns the observer
 */
export function countAwsFailures(metrics: TokenMetrics): (failure: AwsAttemptFailure) => void {
  return ({ operation, kind }) => {
    const names = COUNTED_FAILURES[kind];
    if (names === undefined) return;
    const [total, byOperation] = names;
    metrics.singleMetric().addMetric(total, 'Count', 1);
    metrics.singleMetric().addDimension('operation', operation).addMetric(byOperation, 'Count', 1);
  };
}

/**
 * A latency recorder on the request's stored metrics: they carry only `service`, like
 * `TokensIssued`, so they share its log line, published by the endpoint at the end of the request.
 * @param metrics where to store
 * @returns the recorder
 */
export function storeLatency(metrics: TokenMetrics): LatencyRecorder {
  return (metric, ms) => {
    metrics.addMetric(metric, 'Milliseconds', ms);
  };
}

/**
 * Publishes the metrics stored during a request, if any: Powertools would otherwise log a warning
 * that there are none on every request that stored nothing.
 * @param metrics the function's metrics, when configured
 */
export function publishStored(metrics: TokenMetrics | undefined): void {
  if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/** Options of the timing wrappers. */
export interface TimingOptions {
  /** Where each latency goes. */
  record: LatencyRecorder;
  /** A monotonic clock in ms (default `performance.now`); injected by tests. */
  now?: () => number;
}

/**
 * Times one call, recording its latency whether it resolves or rejects.
 * @param metric the latency's name
 * @param options recorder and clock
 * @param run the call
 * @returns what the call returns
 */
async function timed<T>(
  metric: LatencyMetric,
  options: TimingOptions,
  run: () => Promise<T>,
): Promise<T> {
  const now = options.now ?? performance.now.bind(performance);
  const started = now();
  try {
    return await run();
  } finally {
    // Rounded to a microsecond: more digits are noise and longer log lines.
    options.record(metric, Math.round((now() - started) * 1000) / 1000);
  }
}

/**
 * A client store that records `DynamoDbReadLatency` for each `getClient`: the strongly consistent
 * GetItem of the client record, retries included.
 * @param store the store
 * @param options recorder and clock
 * @returns the timed store
 */
export function timeClientStore(store: ClientStore, options: TimingOptions): ClientStore {
  return {
    getClient: (clientId) => timed('DynamoDbReadLatency', options, () => store.getClient(clientId)),
  };
}

/**
 * A password hasher that records `Argon2VerifyLatency` for each `verify`, the dummy verification
 * of an unknown client included. `hash` and `dummyHash` pass through untimed.
 * @param hasher the hasher
 * @param options recorder and clock
 * @returns the timed hasher
 */
export function timePasswordHasher(hasher: PasswordHasher, options: TimingOptions): PasswordHasher {
  return {
    hash: (secret) => hasher.hash(secret),
    verify: (phcHash, secret) =>
      timed('Argon2VerifyLatency', options, () => hasher.verify(phcHash, secret)),
    dummyHash: () => hasher.dummyHash?.(),
  };
}

/**
 * A signer that records `KmsSignLatency` for each `sign`, retries included. `keyInfo` (one
 * GetPublicKey per cold start) passes through untimed.
 * @param signer the signer
 * @param options recorder and clock
 * @returns the timed signer
 */
export function timeSigner(signer: Signer, options: TimingOptions): Signer {
  return {
    keyInfo: () => signer.keyInfo(),
    sign: (signingInput) => timed('KmsSignLatency', options, () => signer.sign(signingInput)),
  };
}

/**
 * The replay caches' cross-Region observer (multi-Region only; docs/multi-region.md): a warning
 * `jti_seen_in_other_region` with the kind, the Region of the first use and, for an assertion, the
 * client (as an unauthenticated id is logged: functions/token/client-id-log.ts), never the `jti`;
 * and `JtiSeenInOtherRegion` by `kind`, published at once. The request is refused as a replay
 * either way.
 * @param logger the function's logger
 * @param metrics the function's metrics, when configured
 * @returns the observer
 */
export function reportJtiSeenInOtherRegion(
  logger: Pick<Logger, 'warn'>,
  metrics: TokenMetrics | undefined,
): OtherRegionObserver {
  return ({ kind, firstRegion, clientId }) => {
    logger.warn('jti_seen_in_other_region', {
      kind,
      firstRegion,
      ...(clientId === undefined ? {} : presentedClientIdKeys(clientId)),
    });
    metrics
      ?.singleMetric()
      .addDimension('kind', kind)
      .addMetric('JtiSeenInOtherRegion', 'Count', 1);
  };
}
