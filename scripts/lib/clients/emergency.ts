// `disable` and `revoke-tokens` with --skip-control-region: the emergency path while the control Region is down, the cutoff items alone (docs/multi-region.md).
import { TOKENS_NOT_BEFORE_MARGIN_SECONDS } from '../../../functions/shared/limits';
import { UsageError } from '../../../tools/cli/usage-error';
import type { CommandDeps, Target } from './model';
import { requireClient } from './commands/shared';
import {
  formatRegionReport,
  regionsOf,
  RegionsIncompleteError,
  toEveryRegion,
  type RegionLayout,
  type RegionResult,
} from './regions';

/** The flag, as the operator types it. */
export const SKIP_CONTROL_REGION_FLAG = '--skip-control-region';

/**
 * Refuses the emergency path where it has no meaning: a single-Region deployment (its one Region
 * is the control Region), or the control Region itself (which takes the normal command).
 * @param command `disable` or `revoke-tokens`
 * @param layout the Regions, undefined for `--local` or a store without Regions
 * @throws UsageError naming the flag
 */
export function refuseSkipControlRegion(command: string, layout: RegionLayout | undefined): void {
  const config = layout?.config;
  if (layout === undefined || config === undefined) {
    throw new UsageError(
      `${SKIP_CONTROL_REGION_FLAG} is for a multi-Region deployment (a table with config#regions) ` +
        `whose control Region is down; this one has a single Region: run ${command} without it. ` +
        'Nothing was written.',
    );
  }
  if (layout.port.ownRegion === config.controlRegion) {
    throw new UsageError(
      `${SKIP_CONTROL_REGION_FLAG} skips the control Region, and AWS_REGION is the control Region ` +
        `(${config.controlRegion}): run ${command} without it, or from another Region ` +
        `(${config.regions.filter((r) => r !== config.controlRegion).join(', ')}) while ` +
        `${config.controlRegion} is down. Nothing was written.`,
    );
  }
}

/**
 * Writes a client's cutoff item to every Region it can reach, without the control Region's record:
 * `disable` a disabled status and `tokens_not_before` now, `revoke-tokens` `tokens_not_before` now
 * plus the margin (as the normal commands set them). The record is not written, so it disagrees
 * with the cutoffs until the operator runs the command again normally in the control Region.
 *
 * Safe against what comes later:
 * - replication: global tables settle two writes of one item by last writer wins, on the write's
 *   time ("How DynamoDB global tables work",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html),
 *   so an older cutoff replicating from the control Region when it comes back never replaces this
 *   later write;
 * - a later CLI write from the control Region: the write keeps each Region's `record_version`
 *   (see `putEmergencyCutoff`), so a later `disable`, `revoke-tokens` or `enable` there still
 *   replaces the status (`enable` re-enables), and no cutoff write ever lowers a Region's
 *   `tokens_not_before`, so the tokens this write killed stay dead after that `enable`.
 * @param deps ports (with the Regions, checked by refuseSkipControlRegion)
 * @param command `disable` or `revoke-tokens`
 * @param clientId the client
 * @returns one result per Region
 */
async function writeEmergencyCutoffs(
  deps: CommandDeps & { regions: RegionLayout },
  command: 'disable' | 'revoke-tokens',
  clientId: string,
): Promise<{ tokensNotBefore: number; report: RegionResult[] }> {
  const nowMs = deps.clock();
  const tokensNotBefore =
    command === 'disable'
      ? Math.floor(nowMs / 1000)
      : Math.ceil(nowMs / 1000) + TOKENS_NOT_BEFORE_MARGIN_SECONDS;
  const write = {
    clientId,
    status: command === 'disable' ? ('disabled' as const) : ('keep' as const),
    tokensNotBefore,
    updatedAt: Math.floor(nowMs / 1000),
  };
  const port = deps.regions.port;
  const report = await toEveryRegion(regionsOf(deps.regions), (region) =>
    port.putEmergencyCutoff(region, write),
  );
  return { tokensNotBefore, report };
}

/**
 * Runs `disable` or `revoke-tokens` with --skip-control-region: prints the report (the record in
 * the control Region is reported as not written) and always fails with exit 4, so that scripts
 * notice the record still has to be written.
 * @param deps ports
 * @param parsed the command
 * @param print prints the result (JSON or human)
 * @throws RegionsIncompleteError always
 */
export async function runSkippingControlRegion(
  deps: CommandDeps,
  parsed: { command: 'disable' | 'revoke-tokens'; clientId: string; target: Target },
  print: (json: unknown, human: string) => void,
): Promise<never> {
  const regions = deps.regions;
  refuseSkipControlRegion(parsed.command, regions);
  const layout = regions as RegionLayout;
  const control = layout.config?.controlRegion as string;
  // The client must exist in this Region's replica: an id mistyped in an emergency would
  // otherwise be "written" everywhere and kill nothing.
  await requireClient(deps.store, parsed.clientId);
  const { tokensNotBefore, report } = await writeEmergencyCutoffs(
    { ...deps, regions: layout },
    parsed.command,
    parsed.clientId,
  );
  const table = parsed.target.kind === 'dynamodb' ? ` --table ${parsed.target.table}` : '';
  const rerun =
    `run \`${parsed.command} ${parsed.clientId}${table}\` again without ` +
    `${SKIP_CONTROL_REGION_FLAG}, with AWS_REGION=${control}, once ${control} answers`;
  print(
    {
      client_id: parsed.clientId,
      skip_control_region: true,
      record: { region: control, result: 'not-written' },
      tokens_not_before: new Date(tokensNotBefore * 1000).toISOString(),
      regions: report,
    },
    `${parsed.command === 'disable' ? 'Disabled' : 'Revoked the tokens of'} client ` +
      `${parsed.clientId} in the cutoff items only (${SKIP_CONTROL_REGION_FLAG}).` +
      formatRegionReport(report) +
      `\nClient record (control Region ${control}): NOT written; ${rerun}, so that the record agrees.`,
  );
  const failed = report.filter((r) => r.result === 'failed').map((r) => r.region);
  throw new RegionsIncompleteError(
    failed,
    `the client record in the control Region ${control} was not written (${SKIP_CONTROL_REGION_FLAG})` +
      (failed.length > 0
        ? `, nor the cutoff in ${failed.join(', ')} (tokens may still be accepted there)`
        : '') +
      `: ${rerun} (docs/multi-region.md)`,
  );
}
