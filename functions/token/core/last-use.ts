// When the token function records a client's last use (at most once an hour), started beside the KMS Sign and never failing the request.
import type { ClientRecord, LastUseRecorder } from './types';

/**
 * A client's `last_used_at` is written at most once per this interval (one hour): enough to answer
 * "unused for 90 days?", and one small write per client-hour instead of one per token.
 */
export const LAST_USE_INTERVAL_MS = 3_600_000;

/** What {@link startLastUseRecord} needs. */
export interface LastUseDeps {
  /** Where the last use is written; nothing is recorded without it. */
  lastUse?: LastUseRecorder;
  /**
   * Told about a failed write (the handler logs it). A failure never fails the request: the
   * token is worth more than the bookkeeping.
   */
  onLastUseFailure?: (clientId: string, err: unknown) => void;
}

/**
 * Whether this request should write the client's last use: never recorded, or recorded at least
 * LAST_USE_INTERVAL_MS before now, by the record this request read. A time in the future (another
 * machine's clock) counts as recent.
 * @param lastUsedAt the stored `last_used_at` (ISO 8601, checked by parseClientRecord), if any
 * @param nowMs the request's clock, epoch ms
 * @returns true when the write is due
 */
export function lastUseDue(lastUsedAt: string | undefined, nowMs: number): boolean {
  return lastUsedAt === undefined || nowMs - Date.parse(lastUsedAt) >= LAST_USE_INTERVAL_MS;
}

const done: Promise<void> = Promise.resolve();

/**
 * Starts writing the client's last use when it is due, and returns at once, so the caller can
 * sign meanwhile and await both at the end. The write is conditional (recordUse), so containers
 * that read the same old value do not all write: the first one wins, the others find a recent
 * value. The returned promise never rejects: a failure, even a synchronous throw of the recorder,
 * goes to `onLastUseFailure` and nowhere else.
 * @param deps the recorder and the failure observer
 * @param client the authenticated client, as this request read it
 * @param nowMs the request's clock, epoch ms
 * @returns a promise that settles when the write has (immediately when none is due)
 */
export function startLastUseRecord(
  deps: LastUseDeps,
  client: ClientRecord,
  nowMs: number,
): Promise<void> {
  const recorder = deps.lastUse;
  if (recorder === undefined || !lastUseDue(client.last_used_at, nowMs)) return done;
  const use = {
    clientId: client.client_id,
    usedAt: new Date(nowMs).toISOString(),
    staleBefore: new Date(nowMs - LAST_USE_INTERVAL_MS).toISOString(),
    ...(client.managed_by === 'terraform' ? { declared: true } : {}),
  };
  // The executor runs now, so the request leaves before the Sign's; a throw becomes a rejection.
  return new Promise<boolean>((resolve) => resolve(recorder.recordUse(use))).then(
    () => undefined,
    (err: unknown) => {
      try {
        deps.onLastUseFailure?.(client.client_id, err);
      } catch {
        // An observer that throws must not fail the request either.
      }
    },
  );
}
