// The `usage` command: how many requests a client's API key made per day.
import { UsageError } from '../../../../tools/cli/usage-error';
import type { ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps } from '../model';
import type {
  UsageKeyGateway,
  UsagePlansConfig,
  UsageReport,
} from '../../../../tools/dev-adapters/usage-key-gateway';
import { openUsageKeys, requireClient } from './shared';

/**
 * Reads how many requests the client's key made per day (API Gateway's GetUsage).
 * @param deps ports
 * @param clientId the id
 * @param days how many days, ending today (UTC)
 * @returns the plan and the usage report
 */
export async function clientUsage(
  deps: CommandDeps,
  clientId: string,
  days: number,
): Promise<{ record: ClientRecord; plan: string; report: UsageReport }> {
  const record = await requireClient(deps.store, clientId);
  const gateway = (await openUsageKeys(deps, true)) as UsageKeyGateway;
  const config: UsagePlansConfig | undefined = await gateway.config();
  const planId = record.usage_plan === undefined ? undefined : config?.plans[record.usage_plan];
  if (planId === undefined || record.usage_key_id === undefined) {
    throw new UsageError(`client ${clientId} has no API key in a usage plan of this deployment`);
  }
  const today = Math.floor(deps.clock() / 86_400_000) * 86_400_000;
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const report = await gateway.usage(
    planId,
    record.usage_key_id,
    day(today - (days - 1) * 86_400_000),
    day(today),
  );
  return { record, plan: record.usage_plan as string, report };
}
