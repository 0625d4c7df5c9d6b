// The replay watcher's batch: each stream record inspected, each double use logged and counted, nothing written, nothing thrown.
import type { ReplayKind } from '../../shared/replay-region';
import { inspectRecord, type DoubleUse } from './double-use';

/** The log line of a detection, and of a record that could not be read. */
export const DETECTION_MESSAGE = 'jti_used_in_two_regions';
export const MALFORMED_MESSAGE = 'replay_watch_record_skipped';

/** What the watcher logs through (a Powertools Logger in the function). */
export interface WatchLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What the watcher counts through: `JtiUsedInTwoRegions` by `kind` (docs/metrics.md). */
export interface WatchMetrics {
  jtiUsedInTwoRegions(kind: ReplayKind): void;
}

/** What one batch held, for the caller and the tests. */
export interface WatchSummary {
  records: number;
  doubleUses: DoubleUse[];
  malformed: number;
}

/**
 * Inspects every record of one Lambda event from a DynamoDB stream (`{ Records: [...] }`). A
 * double use is logged (warn, {@link DETECTION_MESSAGE}) and counted once per record; a record
 * that cannot be read is logged (error, {@link MALFORMED_MESSAGE}) and skipped. Nothing here
 * throws, and a failing logger or metrics sink is ignored: a function error makes Lambda retry
 * the batch, by default "until the record expires" (MaximumRetryAttempts "-1 means infinite:
 * failed records are retried until the record expires", AWS Lambda Developer Guide, "Lambda
 * parameters for Amazon DynamoDB event source mappings",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html), holding back the shard,
 * so a poison record must never fail the invocation.
 *
 * Logged per detection: both Regions, the kind, both use times, the replaced item's expiry and
 * the item key. The key is `jti#`/`dpopjti#` and a SHA-256 digest (of the client id and the
 * `jti`, or of the proof key's thumbprint and the `jti`), never the `jti` itself: it is what both
 * Regions' tables hold, the one handle that ties the detections of one `jti` together (each
 * Region whose item was replaced reports it), and an operator holding a suspect assertion or
 * proof can recompute it to confirm which one was replayed. A digest of values that are not
 * secret reveals nothing a table reader does not already see.
 * @param event the Lambda event
 * @param deps logger and metrics
 * @returns what the batch held
 */
export function watchRecords(
  event: unknown,
  deps: { logger: WatchLogger; metrics: WatchMetrics },
): WatchSummary {
  const records =
    typeof event === 'object' &&
    event !== null &&
    Array.isArray((event as { Records?: unknown }).Records)
      ? (event as { Records: unknown[] }).Records
      : undefined;
  const summary: WatchSummary = { records: records?.length ?? 0, doubleUses: [], malformed: 0 };
  if (records === undefined) {
    summary.malformed = 1;
    quietly(() => deps.logger.error(MALFORMED_MESSAGE, { reason: 'no_records' }));
    return summary;
  }
  for (const record of records) {
    const verdict = inspectRecord(record);
    if (verdict.outcome === 'double_use') {
      summary.doubleUses.push(verdict.use);
      quietly(() => deps.metrics.jtiUsedInTwoRegions(verdict.use.kind));
      quietly(() => deps.logger.warn(DETECTION_MESSAGE, { ...verdict.use }));
    } else if (verdict.outcome === 'malformed') {
      summary.malformed += 1;
      quietly(() =>
        deps.logger.error(MALFORMED_MESSAGE, {
          reason: verdict.reason,
          ...(verdict.eventId === undefined ? {} : { eventId: verdict.eventId }),
        }),
      );
    }
  }
  return summary;
}

/** Runs a logging or counting call; what it throws is dropped. */
function quietly(call: () => void): void {
  try {
    call();
  } catch {
    // Logging and counting must not fail the batch (see watchRecords).
  }
}
