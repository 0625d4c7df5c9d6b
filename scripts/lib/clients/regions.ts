// The clients CLI across Regions (docs/multi-region.md): admin writes only in the control Region, and the revocation items written to every Region with a per-Region report.
import type { ClientRecord, RevokedToken } from '../../../functions/token/core/types';
import { MalformedCutoffError } from '../../../functions/shared/revocation';
import { UsageError } from '../../../tools/cli/usage-error';
import {
  awsErrorName,
  isThrottlingError,
  isTimeoutError,
} from '../../../tools/dev-adapters/aws-sdk-errors';
import type {
  RegionalRevocations,
  RegionsConfig,
} from '../../../tools/dev-adapters/regional-revocations-dynamodb';

/** The Regions a DynamoDB command works with, from `config#regions` (or the one it runs in). */
export interface RegionLayout {
  port: RegionalRevocations;
  /** `config#regions`, or undefined for a single-Region deployment (no item). */
  config: RegionsConfig | undefined;
}

/** Commands that never write: allowed in any Region. */
const READ_ONLY: ReadonlySet<string> = new Set(['list', 'show', 'history', 'usage']);

/**
 * @param command a command
 * @returns whether it never writes (and so needs no Regions)
 */
export function isReadOnly(command: string): boolean {
  return READ_ONLY.has(command);
}

/**
 * @param command a command
 * @returns whether it works with the Regions: every writing command, and `show` (which reports
 *   each Region's cutoff)
 */
export function needsRegions(command: string): boolean {
  return !READ_ONLY.has(command) || command === 'show';
}

/**
 * Commands allowed outside the control Region: `revoke-token` writes no client record, only
 * `revoked#<jti>` items (and its audit entry), so no last-writer-wins can undo anything, and it
 * must work while the control Region is down.
 */
const ANY_REGION_WRITES: ReadonlySet<string> = new Set(['revoke-token']);

/**
 * Refuses an admin write outside the control Region. DynamoDB global tables settle concurrent
 * writes to one item by last writer wins, so a client record written in two Regions could lose an
 * admin write (a disable, a rotated secret) to a stale copy: every record write goes to one Region.
 * @param command the command
 * @param layout the Regions
 * @throws UsageError naming AWS_REGION and the control Region
 */
export function refuseOutsideControlRegion(command: string, layout: RegionLayout): void {
  const config = layout.config;
  if (config === undefined || READ_ONLY.has(command) || ANY_REGION_WRITES.has(command)) return;
  const own = layout.port.ownRegion;
  if (own === config.controlRegion) return;
  throw new UsageError(
    `${command} writes the client record, which only the control Region takes: AWS_REGION is ` +
      `${own}, the control Region is ${config.controlRegion} (config#regions of the table). ` +
      `Run it again with AWS_REGION=${config.controlRegion}. Nothing was written.`,
  );
}

/** How writing the revocation items to one Region went. */
export interface RegionResult {
  region: string;
  result: 'ok' | 'failed';
  /** `failed`: the kind of failure (`unreachable`, `timeout`, `throttled`, `not-found`, `denied`, `error`). */
  error?: string;
  /** `failed`: the SDK's error name and message, for the operator. */
  detail?: string;
  /** `ok`: a later state was already there (another operator's later write), left in place. */
  superseded?: true;
}

/** Socket errors that mean the Region's endpoint could not be reached. */
const UNREACHABLE =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/;

/**
 * @param err what a Region's write threw
 * @returns its kind for the report
 */
export function failureKind(err: unknown): string {
  const name = awsErrorName(err);
  if (name === 'ResourceNotFoundException') return 'not-found';
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') return 'denied';
  if (isThrottlingError(err)) return 'throttled';
  if (isTimeoutError(err)) return 'timeout';
  // A socket error's code; the SDK's retry layer may wrap it into its message ("AWS SDK error
  // wrapper for Error: connect ECONNREFUSED ...") when it does not see an Error instance.
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = `${typeof code === 'string' ? code : ''} ${typeof message === 'string' ? message : ''}`;
  return UNREACHABLE.test(text) ? 'unreachable' : 'error';
}

/**
 * Writes to every Region at once and reports each; never throws.
 * @param regions the Regions, in the report's order
 * @param write one Region's write
 * @returns one result per Region
 */
export async function toEveryRegion(
  regions: readonly string[],
  write: (region: string) => Promise<'written' | 'superseded' | void>,
): Promise<RegionResult[]> {
  return Promise.all(
    regions.map(async (region): Promise<RegionResult> => {
      try {
        const outcome = await write(region);
        return { region, result: 'ok', ...(outcome === 'superseded' ? { superseded: true } : {}) };
      } catch (err) {
        const e = err as { name?: string; message?: string };
        return {
          region,
          result: 'failed',
          error: failureKind(err),
          detail: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`,
        };
      }
    }),
  );
}

/**
 * @param layout the Regions
 * @returns every Region of the deployment (the one the CLI runs in, for a single-Region one)
 */
export function regionsOf(layout: RegionLayout): string[] {
  return layout.config?.regions ?? [layout.port.ownRegion];
}

/**
 * Writes the client's cutoff item (`cutoff#<id>`: its status and `tokens_not_before`, as its
 * record now says) to every Region, the control Region included.
 * @param layout the Regions
 * @param record the client as the command wrote (or found) it
 * @param nowMs the operator's clock
 * @returns one result per Region
 */
export function writeCutoffEverywhere(
  layout: RegionLayout,
  record: ClientRecord,
  nowMs: number,
): Promise<RegionResult[]> {
  const cutoff = {
    clientId: record.client_id,
    status: record.status,
    tokensNotBefore: record.tokens_not_before ?? 0,
    recordVersion: record.version,
    updatedAt: Math.floor(nowMs / 1000),
  };
  return toEveryRegion(regionsOf(layout), (region) => layout.port.putCutoff(region, cutoff));
}

/**
 * Writes a deleted client's cutoff item to every Region: disabled, with `tokens_not_before` as
 * `disable` sets it, kept as a tombstone after the record is gone (`tombstone`: a client declared
 * again with the same id is re-enabled by `enable`, which rewrites it).
 * @param layout the Regions
 * @param record the client as the command last read or wrote it
 * @param nowMs the operator's clock
 * @returns one result per Region
 */
export function writeTombstoneEverywhere(
  layout: RegionLayout,
  record: ClientRecord,
  nowMs: number,
): Promise<RegionResult[]> {
  const cutoff = {
    clientId: record.client_id,
    status: 'disabled' as const,
    tokensNotBefore: Math.max(Math.floor(nowMs / 1000), record.tokens_not_before ?? 0),
    recordVersion: record.version,
    updatedAt: Math.floor(nowMs / 1000),
    tombstone: true as const,
  };
  return toEveryRegion(regionsOf(layout), (region) => layout.port.putCutoff(region, cutoff));
}

/**
 * Writes a revoked token's item to every Region but the one the store already wrote it to.
 * @param layout the Regions
 * @param token the revoked token
 * @returns one result per Region, the own one (written with the audit entry) first as `ok`
 */
export async function writeRevokedEverywhere(
  layout: RegionLayout,
  token: RevokedToken,
): Promise<RegionResult[]> {
  const own = layout.port.ownRegion;
  const others = regionsOf(layout).filter((r) => r !== own);
  return [
    { region: own, result: 'ok' },
    ...(await toEveryRegion(others, (region) => layout.port.putRevoked(region, token))),
  ];
}

/** A Region's cutoff item, as `show` reports it. */
export interface RegionCutoffView {
  region: string;
  /** `none`: no cutoff item (the record alone decides); `unreadable`: the readers deny. */
  state: 'active' | 'disabled' | 'none' | 'unreadable' | 'failed';
  /** ISO 8601; tokens issued earlier are dead in that Region. */
  tokens_not_before?: string;
  /** `failed`: the kind of failure. */
  error?: string;
}

/**
 * Reads the client's cutoff item in every Region, for `show`; never throws.
 * @param layout the Regions
 * @param clientId the client
 * @returns one entry per Region
 */
export function readCutoffEverywhere(
  layout: RegionLayout,
  clientId: string,
): Promise<RegionCutoffView[]> {
  return Promise.all(
    regionsOf(layout).map(async (region): Promise<RegionCutoffView> => {
      try {
        const cutoff = await layout.port.readCutoff(region, clientId);
        if (cutoff === undefined) return { region, state: 'none' };
        return {
          region,
          state: cutoff.status,
          ...(cutoff.tokensNotBefore > 0
            ? { tokens_not_before: new Date(cutoff.tokensNotBefore * 1000).toISOString() }
            : {}),
        };
      } catch (err) {
        if (err instanceof MalformedCutoffError) return { region, state: 'unreadable' };
        return { region, state: 'failed', error: failureKind(err) };
      }
    }),
  );
}

/**
 * @param views the cutoff of each Region
 * @returns human text for `show`
 */
export function formatCutoffs(views: readonly RegionCutoffView[]): string {
  const width = Math.max(...views.map((v) => v.region.length));
  const lines = views.map((v) => {
    const what =
      v.state === 'none'
        ? 'no cutoff item (the client record decides)'
        : v.state === 'unreadable'
          ? 'cutoff item unreadable: every token of the client is refused there'
          : v.state === 'failed'
            ? `could not be read (${v.error as string})`
            : `${v.state}${v.tokens_not_before ? `, tokens issued before ${v.tokens_not_before} refused` : ''}`;
    return `  ${v.region.padEnd(width)}  ${what}`;
  });
  return `\nRevocation state per Region (cutoff#):\n${lines.join('\n')}`;
}

/** Some Region was not written; the command printed its report. Exit code EXIT.INCOMPLETE. */
export class RegionsIncompleteError extends Error {
  /**
   * @param failed the Regions not written
   * @param message the operator's message (default: what the gap means, and the rerun)
   */
  constructor(
    readonly failed: string[],
    message?: string,
  ) {
    super(
      message ??
        `not written in ${failed.join(', ')}: tokens may still be accepted there until the ` +
          'Region recovers and the command is run again (it is idempotent), or replication ' +
          'reaches it (docs/multi-region.md)',
    );
    this.name = 'RegionsIncompleteError';
  }
}

/**
 * @param results the per-Region report
 * @throws RegionsIncompleteError when a Region failed
 */
export function failIfIncomplete(results: readonly RegionResult[]): void {
  const failed = results.filter((r) => r.result === 'failed').map((r) => r.region);
  if (failed.length > 0) throw new RegionsIncompleteError(failed);
}

/**
 * @param results the per-Region report
 * @returns human text: one line per Region (nothing without a report)
 */
export function formatRegionReport(results: readonly RegionResult[]): string {
  if (results.length === 0) return '';
  const width = Math.max(...results.map((r) => r.region.length));
  const lines = results.map(
    (r) =>
      `  ${r.region.padEnd(width)}  ${
        r.result === 'ok'
          ? r.superseded
            ? 'ok (a later state was already there)'
            : 'ok'
          : `FAILED (${r.error as string}: ${r.detail as string})`
      }`,
  );
  return `\nRevocation state written per Region:\n${lines.join('\n')}`;
}
