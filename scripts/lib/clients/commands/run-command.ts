// Runs one parsed clients command (create, list, show, update, disable, enable, rotate-secret, add-key, remove-key, revoke-tokens, revoke-token, delete, usage, history, adopt) and prints its result.
import { confirmDelete } from '../confirm';
import { formatRevokedTokens, toRevokedTokensView } from '../revoked-tokens';
import {
  formatClient,
  formatCreated,
  formatDeleted,
  formatList,
  formatRotated,
  formatStatusChange,
  formatUpdated,
} from '../format';
import { toClientView, toCreatedView, toDeletedView, toListView, toRotatedView } from '../views';
import { formatHistory, toHistoryEntryView } from '../history-view';
import type { CommandDeps, ParsedCommand } from '../model';
import type { ClientRecord } from '../../../../functions/token/core/types';
import { addKeys } from './add-key';
import { adoptClient, formatAdopted } from './adopt';
import { createClient } from './create';
import { deleteClient } from './delete';
import { clientHistory } from './history';
import { listMatchingClients } from './list';
import { removeKey } from './remove-key';
import { revokeTokenById } from './revoke-token';
import { revokeTokens } from './revoke-tokens';
import { rotateSecret } from './rotate-secret';
import { setClientStatus } from './set-status';
import { requireClient } from './shared';
import { updateClient } from './update';
import {
  failIfIncomplete,
  formatCutoffs,
  RegionsIncompleteError,
  formatRegionReport,
  readCutoffEverywhere,
  writeCutoffEverywhere,
  writeRevokedEverywhere,
  type RegionResult,
} from '../regions';
import { clientUsage } from './usage';
import { runSkippingControlRegion } from '../emergency';

/**
 * Runs a parsed command and prints its result (human text, or one JSON document with `--json`).
 * Store errors propagate; the CLI maps them to messages and exit codes.
 * @param parsed the command line (not `help`)
 * @param deps ports
 */
export async function runCommand(
  parsed: Exclude<ParsedCommand, { command: 'help' }>,
  deps: CommandDeps,
): Promise<void> {
  const print = (json: unknown, human: string): void =>
    deps.out.stdout(parsed.json ? JSON.stringify(json) : human);
  /**
   * Prints a revocation command's result with its per-Region report (multi-Region and single-
   * Region DynamoDB targets alike), then fails when a Region was not written.
   */
  const printReported = (json: object, human: string, report: RegionResult[] | undefined): void => {
    if (report === undefined) return print(json, human);
    print({ ...json, regions: report }, human + formatRegionReport(report));
    failIfIncomplete(report);
  };
  /** The client's cutoff item in every Region, once its record is written (none for --local). */
  const cutoffs = (record: ClientRecord): Promise<RegionResult[]> | undefined =>
    deps.regions === undefined
      ? undefined
      : writeCutoffEverywhere(deps.regions, record, deps.clock());
  switch (parsed.command) {
    case 'create': {
      const created = await createClient(deps, parsed);
      return print(toCreatedView(created), formatCreated(created));
    }
    case 'list': {
      const records = await listMatchingClients(deps, parsed);
      return print(records.map(toListView), formatList(records, deps.clock(), parsed));
    }
    case 'show': {
      const record = await requireClient(deps.store, parsed.clientId);
      if (deps.regions === undefined) {
        return print(toClientView(record), formatClient(record, deps.clock()));
      }
      const perRegion = await readCutoffEverywhere(deps.regions, record.client_id);
      return print(
        { ...toClientView(record), revocation_state: perRegion },
        formatClient(record, deps.clock()) + formatCutoffs(perRegion),
      );
    }
    case 'update': {
      const record = await updateClient(deps, parsed.clientId, parsed.changes);
      return print(toClientView(record), formatUpdated(record, deps.clock()));
    }
    case 'disable':
    case 'revoke-tokens':
    case 'enable': {
      if ('skipControlRegion' in parsed && parsed.skipControlRegion === true) {
        return runSkippingControlRegion(deps, parsed, print);
      }
      if (parsed.command === 'revoke-tokens') {
        const record = await revokeTokens(deps, parsed.clientId);
        const report = await cutoffs(record);
        const view = toRevokedTokensView(record, deps.clock());
        return printReported(view, formatRevokedTokens(view), report);
      }
      const status = parsed.command === 'disable' ? 'disabled' : 'active';
      // The cutoff items are written before the API key is synchronised: a failing API Gateway
      // call must not keep the other Regions accepting a disabled client. If it fails, the
      // per-Region report is still shown (on stderr) before the error.
      let report: RegionResult[] | undefined;
      let change;
      try {
        change = await setClientStatus(deps, parsed.clientId, status, async (record) => {
          report = await cutoffs(record);
        });
      } catch (err) {
        if (report !== undefined) deps.out.stderr(formatRegionReport(report));
        throw err;
      }
      return printReported(toClientView(change.record), formatStatusChange(change), report);
    }
    case 'rotate-secret': {
      const rotated = await rotateSecret(deps, parsed.clientId, parsed.graceSeconds);
      return print(toRotatedView(rotated), formatRotated(rotated, parsed.graceSeconds));
    }
    case 'add-key': {
      const record = await addKeys(
        deps,
        parsed.clientId,
        parsed.keys,
        parsed.source,
        parsed.allowSharedKey,
      );
      return print(
        toClientView(record),
        `Added ${parsed.keys.length === 1 ? 'a key' : `${parsed.keys.length} keys`} to client ${record.client_id}.\n${formatClient(record, deps.clock())}`,
      );
    }
    case 'remove-key': {
      const record = await removeKey(deps, parsed.clientId, parsed.kid);
      return print(
        toClientView(record),
        `Removed key ${parsed.kid} from client ${record.client_id}; assertions it signs are refused now.\n${formatClient(record, deps.clock())}`,
      );
    }
    case 'revoke-token': {
      const until = await revokeTokenById(deps, parsed.jti);
      const at = new Date(until * 1000).toISOString();
      const report =
        deps.regions === undefined
          ? undefined
          : await writeRevokedEverywhere(deps.regions, {
              jti: parsed.jti,
              clientId: '',
              expiresAt: until,
            });
      return printReported(
        { jti: parsed.jti, revoked_until: at },
        `Revoked token ${parsed.jti} (the record is kept until ${at}).`,
        report,
      );
    }
    case 'delete': {
      await confirmDelete(deps, parsed.clientId, parsed.yes);
      const { record, report, deleted } = await deleteClient(deps, parsed.clientId);
      if (deleted) return printReported(toDeletedView(record), formatDeleted(record), report);
      const failed = (report ?? []).filter((r) => r.result === 'failed').map((r) => r.region);
      print(
        { ...toDeletedView(record), deleted: false, regions: report },
        `Client ${record.client_id} NOT deleted: its disabled cutoff could not be written in ` +
          `every Region, so its record is kept for the rerun.${formatRegionReport(report ?? [])}`,
      );
      throw new RegionsIncompleteError(
        failed,
        `not written in ${failed.join(', ')}: the client record was kept (not deleted); the ` +
          'Regions written refuse the client, the others may still accept it until the Region ' +
          'recovers and `delete` is run again (it is idempotent), or replication reaches it ' +
          '(docs/multi-region.md)',
      );
    }
    case 'history': {
      const entries = (await clientHistory(deps, parsed.clientId)).map(toHistoryEntryView);
      return print(entries, formatHistory(entries, parsed.clientId));
    }
    case 'adopt': {
      const { record, changed } = await adoptClient(deps, parsed.clientId);
      return print(toClientView(record), formatAdopted(record, changed));
    }
    case 'usage': {
      const { record, plan, report } = await clientUsage(deps, parsed.clientId, parsed.days);
      return print(
        { client_id: record.client_id, usage_plan: plan, ...report },
        [
          `Requests of client ${record.client_id} on usage plan ${plan} (UTC days):`,
          ...report.days.map(
            (d) =>
              `  ${d.date}  used ${d.used}${d.remaining === null ? '' : `, remaining ${d.remaining}`}`,
          ),
        ].join('\n'),
      );
    }
  }
}
