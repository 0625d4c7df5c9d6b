// Applies both examples against moto_server, checks the deployed gateway responses against the emulator's, requires a no-change plan afterwards, then destroys them.
import path from 'node:path';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { gatewayResponsesPlan } from '../../tools/from-api/api-plan';
import { readDeployedApi } from '../../tools/from-api/api-reader';
import { OAUTH_GATEWAY_RESPONSES } from '../../tools/local-server/oauth-gateway-responses';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import {
  createWorkspace,
  describeWithTerraformMirror,
  ensureArtifacts,
  expectExit,
  terraform,
  type TfResult,
  type TfWorkspace,
} from './harness';

jest.setTimeout(330_000);

const EXAMPLES = ['complete', 'existing-api'] as const;
type Example = (typeof EXAMPLES)[number];

/** The deployed API's gateway responses as `--from-api` serves them, with what it could not convert. */
interface DeployedResponses {
  responses: ReturnType<typeof gatewayResponsesPlan>;
  problems: string[];
}

interface Lifecycle {
  apply: TfResult;
  deployed?: DeployedResponses;
  plan?: TfResult;
  destroy: TfResult;
}

// Both tools are required: describeWithMoto() throws under CI when moto_server is missing.
const describeBoth =
  describeWithMoto() === describe ? describeWithTerraformMirror() : describe.skip;

describeBoth('terraform examples against moto_server', () => {
  let moto: Moto;
  let ws: TfWorkspace;
  let missingZipPlan: Promise<TfResult>;
  const lifecycles = {} as Record<Example, Promise<Lifecycle>>;

  /** Reads the applied example's API from moto the way `npm start -- --from-api` does. */
  async function readResponses(dir: string): Promise<DeployedResponses> {
    const output = expectExit(
      await terraform(ws, dir, ['output', '-json', '-no-color']),
      `output ${dir}`,
    );
    const values = JSON.parse(output.stdout) as Record<string, { value: string }>;
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

  beforeAll(async () => {
    // Arrange: the provider reaches moto only through the environment; the examples keep plain provider blocks.
    moto = await startMoto({ setProcessEnv: false });
    ws = createWorkspace(moto.env);
    const artifacts = await ensureArtifacts(path.join(ws.root, '..', 'artifacts'));
    const vars = [
      `-var=artifacts_dir=${artifacts.dir}`,
      `-var=lambda_architecture=${artifacts.architecture}`,
      '-var=table_deletion_protection=false',
    ];
    for (const example of EXAMPLES) {
      expectExit(
        await terraform(ws, `examples/${example}`, ['init', '-input=false', '-no-color']),
        `init ${example}`,
      );
    }
    // A plan without zips must stop with the build hint (no resources are touched).
    missingZipPlan = terraform(ws, 'examples/complete', [
      'plan',
      '-input=false',
      '-no-color',
      '-var=artifacts_dir=/nonexistent-artifacts',
    ]);
    await missingZipPlan;
    // Act: both lifecycles in parallel (distinct names, one emulator); each test awaits its own.
    for (const example of EXAMPLES) {
      const dir = `examples/${example}`;
      lifecycles[example] = (async (): Promise<Lifecycle> => {
        const apply = await terraform(ws, dir, [
          'apply',
          '-auto-approve',
          '-input=false',
          '-no-color',
          ...vars,
        ]);
        // A failed read is recorded, not thrown, so destroy still runs.
        const deployed =
          apply.code === 0
            ? await readResponses(dir).catch((err: Error): DeployedResponses => ({
                responses: {},
                problems: [`reading the deployed API failed: ${err.message}`],
              }))
            : undefined;
        const plan =
          apply.code === 0
            ? await terraform(ws, dir, [
                'plan',
                '-detailed-exitcode',
                '-input=false',
                '-no-color',
                ...vars,
              ])
            : undefined;
        const destroy = await terraform(ws, dir, [
          'destroy',
          '-auto-approve',
          '-input=false',
          '-no-color',
          ...vars,
        ]);
        return { apply, deployed, plan, destroy };
      })();
      lifecycles[example].catch(() => undefined);
    }
  });

  afterAll(async () => {
    await Promise.allSettled(Object.values(lifecycles));
    await moto?.stop();
    ws?.cleanup();
  });

  test('a missing zip fails the plan with a message to run npm run build', async () => {
    // Act
    const result = await missingZipPlan;

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr.replace(/\s+/g, ' ')).toContain('run `npm run build`');
  });

  test.each(EXAMPLES)(
    'examples/%s: the deployed 401/403 gateway responses are the ones the local emulator serves',
    async (example) => {
      // Act
      const { apply, deployed } = await lifecycles[example];

      // Assert: read back from the API (what --from-api serves), equal to the shared file's.
      expectExit(apply, `apply ${example}`);
      expect(deployed?.problems).toEqual([]);
      expect(deployed?.responses).toEqual(OAUTH_GATEWAY_RESPONSES);
    },
  );

  test.each(EXAMPLES)(
    'examples/%s: apply, then plan reports no changes, then destroy',
    async (example) => {
      // Act
      const { apply, plan, destroy } = await lifecycles[example];

      // Assert
      expectExit(apply, `apply ${example}`);
      // -detailed-exitcode: 0 = no changes, 2 = changes (drift or a trigger that is not stable)
      expectExit(plan as TfResult, `plan -detailed-exitcode ${example} after apply`);
      expect(plan?.stdout).toContain('No changes.');
      expectExit(destroy, `destroy ${example}`);
    },
  );
});
