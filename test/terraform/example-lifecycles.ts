// Runs each example's lifecycle against one moto_server for terraform-examples.test.ts: apply, read back what the tests check (gateway responses, alarms, dashboard, state), plan again, destroy.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { gatewayResponsesPlan } from '../../tools/from-api/api-plan';
import { readDeployedApi } from '../../tools/from-api/api-reader';
import {
  alarmNameOf,
  cloudWatchClient,
  readAlarms,
  readDashboard,
  type AlarmShape,
  type DashboardBody,
} from '../support/cloudwatch-readback';
import { MOTO_REGION, type Moto } from '../support/moto';
import { expectExit, terraform, type TfResult, type TfWorkspace } from './harness';

export const EXAMPLES = ['complete', 'existing-api', 'http-api'] as const;
export type Example = (typeof EXAMPLES)[number];

/** The runbook URL examples/complete passes to monitoring.runbook_url. */
export const RUNBOOK_URL = 'https://example.com/apigw-m2m-auth/v0.3.0/docs/operations.md';

/** Variables only some examples declare. */
const EXAMPLE_VARS: Partial<Record<Example, string[]>> = {
  complete: [`-var=runbook_url=${RUNBOOK_URL}`],
};

/** The deployed API's gateway responses as `--from-api` serves them, with what it could not convert. */
export interface DeployedResponses {
  responses: ReturnType<typeof gatewayResponsesPlan>;
  problems: string[];
}

/** The alarms and dashboard of an applied example, read back from CloudWatch. */
export interface Monitoring {
  outputs: Record<string, { value: unknown } | undefined>;
  alarms: AlarmShape[];
  dashboard: DashboardBody;
}

/** What one example's lifecycle produced. */
export interface Lifecycle {
  apply: TfResult;
  deployed?: DeployedResponses;
  /** The alarms and dashboard (examples with alarm outputs), or why reading them failed. */
  monitoring?: Monitoring | Error;
  /** `terraform show -json` after apply: the resources as the provider read them back from moto. */
  state?: TfResult;
  plan?: TfResult;
  destroy: TfResult;
}

async function outputsOf(ws: TfWorkspace, dir: string): Promise<Monitoring['outputs']> {
  const output = expectExit(
    await terraform(ws, dir, ['output', '-json', '-no-color']),
    `output ${dir}`,
  );
  return JSON.parse(output.stdout) as Monitoring['outputs'];
}

/** Reads the applied example's API from moto the way `npm start -- --from-api` does. */
async function readResponses(ws: TfWorkspace, moto: Moto, dir: string): Promise<DeployedResponses> {
  const values = await outputsOf(ws, dir);
  const client = new APIGatewayClient({
    endpoint: moto.endpoint,
    region: MOTO_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const snapshot = await readDeployedApi({
    restApiId: values.rest_api_id?.value as string,
    stage: values.stage_name?.value as string,
    client,
  });
  const problems: string[] = [];
  const responses = gatewayResponsesPlan(snapshot.gatewayResponses, problems, []);
  client.destroy();
  return { responses, problems };
}

/** Reads the alarms of every ARN among the example's `*alarm_arns` outputs, and its dashboard. */
async function readMonitoring(ws: TfWorkspace, moto: Moto, dir: string): Promise<Monitoring> {
  const outputs = await outputsOf(ws, dir);
  const arns = Object.entries(outputs)
    .filter(([key]) => key.endsWith('alarm_arns'))
    .flatMap(([, o]) => Object.values((o?.value ?? {}) as Record<string, string>));
  const client = cloudWatchClient(moto.endpoint, MOTO_REGION);
  try {
    return {
      outputs,
      alarms: await readAlarms(client, arns.map(alarmNameOf)),
      dashboard: await readDashboard(client, outputs.dashboard_name?.value as string),
    };
  } finally {
    client.destroy();
  }
}

/**
 * Starts every example's lifecycle at once (distinct names, one emulator). A failed read is
 * recorded, not thrown, so destroy still runs.
 * @param ws workspace whose examples are initialised
 * @param moto the emulator
 * @param vars variables every example takes (artifacts)
 * @returns each example's lifecycle
 */
export function startLifecycles(
  ws: TfWorkspace,
  moto: Moto,
  vars: string[],
): Record<Example, Promise<Lifecycle>> {
  const lifecycles = {} as Record<Example, Promise<Lifecycle>>;
  for (const example of EXAMPLES) {
    const dir = `examples/${example}`;
    const exampleVars = [...vars, ...(EXAMPLE_VARS[example] ?? [])];
    const tf = (command: string, ...args: string[]): Promise<TfResult> =>
      terraform(ws, dir, [command, ...args, '-input=false', '-no-color', ...exampleVars]);
    lifecycles[example] = (async (): Promise<Lifecycle> => {
      const apply = await tf('apply', '-auto-approve');
      const applied = apply.code === 0;
      const deployed = applied
        ? await readResponses(ws, moto, dir).catch((err: Error): DeployedResponses => ({
            responses: {},
            problems: [`reading the deployed API failed: ${err.message}`],
          }))
        : undefined;
      // http-api has no alarm outputs; its root module's alarms are those of examples/complete.
      const monitoring =
        applied && example !== 'http-api'
          ? await readMonitoring(ws, moto, dir).catch((err: Error) => err)
          : undefined;
      const state = applied ? await terraform(ws, dir, ['show', '-json', '-no-color']) : undefined;
      const plan = applied ? await tf('plan', '-detailed-exitcode') : undefined;
      const destroy = await tf('destroy', '-auto-approve');
      return { apply, deployed, monitoring, state, plan, destroy };
    })();
    lifecycles[example].catch(() => undefined);
  }
  return lifecycles;
}
