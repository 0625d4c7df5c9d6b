// Applies the examples against moto_server, checks the deployed gateway responses against the emulator's and the http-api example's JWT authorizer as moto stores it, requires a no-change plan afterwards, then destroys them.
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

const EXAMPLES = ['complete', 'existing-api', 'http-api'] as const;
type Example = (typeof EXAMPLES)[number];

/** The deployed API's gateway responses as `--from-api` serves them, with what it could not convert. */
interface DeployedResponses {
  responses: ReturnType<typeof gatewayResponsesPlan>;
  problems: string[];
}

interface Lifecycle {
  apply: TfResult;
  deployed?: DeployedResponses;
  /** `terraform show -json` after apply: the resources as the provider read them back from moto. */
  state?: TfResult;
  plan?: TfResult;
  destroy: TfResult;
}

/** The parts of `terraform show -json` the http-api assertions read. */
interface TfShow {
  values: {
    outputs: Record<string, { value: unknown } | undefined>;
    root_module: {
      resources: Array<{ address: string; type: string; values: Record<string, unknown> }>;
    };
  };
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
    // A plan without zips must stop, pointing to the release's zips (no resources are touched).
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
        const state =
          apply.code === 0 ? await terraform(ws, dir, ['show', '-json', '-no-color']) : undefined;
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
        return { apply, deployed, state, plan, destroy };
      })();
      lifecycles[example].catch(() => undefined);
    }
  });

  afterAll(async () => {
    await Promise.allSettled(Object.values(lifecycles));
    await moto?.stop();
    ws?.cleanup();
  });

  test('a missing zip fails the plan naming artifacts_dir and artifacts_s3 before npm run build', async () => {
    // Act
    const result = await missingZipPlan;

    // Assert: from an infra repo the zips come from a release; building is for a clone only.
    expect(result.code).toBe(1);
    const message = result.stderr.replace(/\s+/g, ' ');
    expect(message).toContain('/nonexistent-artifacts/token.zip does not exist.');
    expect(message).toMatch(/set artifacts_dir to a directory holding token-(arm64|x86_64)\.zip/);
    expect(message).toContain(
      'set artifacts_s3 to the release uploaded by `npm run publish-artifacts`',
    );
    expect(message).toContain('Only in a clone of this repository, run `npm run build` there');
    expect(message.indexOf('artifacts_s3')).toBeLessThan(message.indexOf('npm run build'));
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

  test('examples/http-api: the routes use a native JWT authorizer with the module issuer, audience and per-route scopes', async () => {
    // Act
    const { apply, state } = await lifecycles['http-api'];

    // Assert
    expectExit(apply, 'apply http-api');
    const shown = JSON.parse(expectExit(state as TfResult, 'show http-api').stdout) as TfShow;
    const outputs = shown.values.outputs;
    const resources = shown.values.root_module.resources;
    const authorizer = resources.find((r) => r.address === 'aws_apigatewayv2_authorizer.jwt');
    expect(authorizer?.values).toMatchObject({
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: [{ issuer: outputs.issuer?.value, audience: [outputs.audience?.value] }],
    });
    // API Gateway JWT authorizers need an https issuer (the module's stage URL).
    expect(outputs.issuer?.value).toMatch(/^https:\/\/[^/?#]+\/v1$/);
    const routes = resources
      .filter((r) => r.type === 'aws_apigatewayv2_route')
      .map((r) => ({
        route_key: r.values.route_key,
        authorization_type: r.values.authorization_type,
        authorizer_id: r.values.authorizer_id,
        authorization_scopes: r.values.authorization_scopes,
      }));
    expect(routes).toEqual(
      expect.arrayContaining([
        {
          route_key: 'GET /orders',
          authorization_type: 'JWT',
          authorizer_id: authorizer?.values.id,
          authorization_scopes: ['orders:read'],
        },
        {
          route_key: 'POST /orders',
          authorization_type: 'JWT',
          authorizer_id: authorizer?.values.id,
          authorization_scopes: ['orders:write'],
        },
      ]),
    );
    expect(routes).toHaveLength(2);
  });

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
