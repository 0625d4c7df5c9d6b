// Applies the examples against moto_server, checks the deployed gateway responses against the emulator's, the http-api example's JWT authorizer as moto stores it, and the alarms and dashboard read back from CloudWatch, requires a no-change plan afterwards, then destroys them.
import fs from 'node:fs';
import path from 'node:path';
import { oauthGatewayResponses } from '../../tools/local-server/oauth-gateway-responses';
import { alarmNameOf, dashboardMetrics } from '../support/cloudwatch-readback';
import { headingAnchors } from '../support/markdown-anchors';
import { readMetricContract } from '../support/metric-contract';
import { startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import {
  EXAMPLES,
  RUNBOOK_URL,
  startLifecycles,
  type Example,
  type Lifecycle,
  type Monitoring,
} from './example-lifecycles';
import { authorizerAlarms, tokenServiceAlarms } from './expected-alarms';
import {
  KEY_ROTATION,
  MULTI_REGION,
  keyRotationLifecycle,
  multiRegionLifecycle,
  type KeyRotation,
  type MultiRegionLifecycle,
} from './multi-region-lifecycle';
import { multiRegionTests } from './multi-region-tests';
import {
  REPO_ROOT,
  createWorkspace,
  describeWithTerraformMirror,
  ensureArtifacts,
  expectExit,
  terraform,
  type TfResult,
  type TfWorkspace,
} from './harness';

jest.setTimeout(330_000);

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
  let lifecycles: Record<Example, Promise<Lifecycle>>;
  let multiRegion: Promise<MultiRegionLifecycle>;
  let rotation: Promise<KeyRotation>;

  /** The monitoring read back after an example's apply, or the failure. */
  async function monitoringOf(example: Example): Promise<Monitoring> {
    const { apply, monitoring } = await lifecycles[example];
    expectExit(apply, `apply ${example}`);
    if (monitoring instanceof Error) throw monitoring;
    return monitoring as Monitoring;
  }

  beforeAll(async () => {
    // Arrange: the provider reaches moto only through the environment; the examples keep plain provider blocks.
    // The kmsMultiRegion shim (moto-shims/kms_multi_region.py) keeps a multi-Region key and its
    // replica apart as AWS KMS does; nothing else here replicates a key.
    moto = await startMoto({ setProcessEnv: false, kmsMultiRegion: true });
    ws = createWorkspace(moto.env);
    const artifacts = await ensureArtifacts(path.join(ws.root, '..', 'artifacts'));
    const vars = [
      `-var=artifacts_dir=${artifacts.dir}`,
      `-var=lambda_architecture=${artifacts.architecture}`,
      '-var=table_deletion_protection=false',
    ];
    // The multi-Region example is the longest (Route 53 waits for each record change): it starts
    // first, while the other examples are initialised.
    for (const dir of [MULTI_REGION, KEY_ROTATION]) {
      expectExit(await terraform(ws, dir, ['init', '-input=false', '-no-color']), `init ${dir}`);
    }
    multiRegion = multiRegionLifecycle(ws, moto, vars, artifacts);
    rotation = keyRotationLifecycle(ws, moto);
    multiRegion.catch(() => undefined);
    rotation.catch(() => undefined);
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
    // Act: every lifecycle in parallel; each test awaits its own.
    lifecycles = startLifecycles(ws, moto, vars);
  });

  afterAll(async () => {
    await Promise.allSettled([...Object.values(lifecycles ?? {}), multiRegion, rotation]);
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

      // Assert: read back from the API (what --from-api serves), equal to the shared file's, with
      // the DPoP challenge on the 401 where the example has a dpop route (complete: GET /hello/dpop).
      expectExit(apply, `apply ${example}`);
      expect(deployed?.problems).toEqual([]);
      expect(deployed?.responses).toEqual(oauthGatewayResponses({ dpop: example === 'complete' }));
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

  test('examples/complete: every alarm reads back with its metrics, dimensions, thresholds, topic and a runbook link that exists', async () => {
    // Arrange
    const anchors = headingAnchors(
      fs.readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8'),
    );
    const expected = {
      ...tokenServiceAlarms('oauth-demo', 'v1'),
      ...authorizerAlarms('oauth-demo', true),
    };

    // Act
    const { alarms, outputs } = await monitoringOf('complete');

    // Assert: exactly the expected alarms, each as CloudWatch describes it.
    const topic = outputs.alarm_topic_arn?.value;
    expect(alarms.map((a) => a.name).sort()).toEqual(Object.keys(expected).sort());
    for (const alarm of alarms) {
      const { name, description, actions, okActions, ...shape } = alarm;
      expect([name, shape]).toEqual([name, expected[name]]);
      expect([name, actions, okActions]).toEqual([name, [topic], [topic]]);
      const link = new RegExp(`Runbook: ${RUNBOOK_URL.replace(/\./g, '\\.')}#([a-z0-9-]+)$`).exec(
        description,
      );
      expect([name, link?.[1]]).toEqual([name, name.replace(/^oauth-demo-/, '')]);
      expect([name, anchors.has(link?.[1] ?? '')]).toEqual([name, true]);
    }
  });

  test('examples/existing-api: modules/authorizer alone has its own alarms, notifying nobody by default, linking the repository runbook', async () => {
    // Arrange
    const anchors = headingAnchors(
      fs.readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8'),
    );
    // The orders authorizer has no revocation; the token service's alarms are there too.
    const orders = authorizerAlarms('oauth-ext-orders', false);
    const expected = {
      ...tokenServiceAlarms('oauth-ext', 'v1'),
      ...authorizerAlarms('oauth-ext', true),
      ...orders,
    };

    // Act
    const { alarms, outputs } = await monitoringOf('existing-api');

    // Assert
    expect(
      Object.values(outputs.orders_authorizer_alarm_arns?.value as object)
        .map(alarmNameOf)
        .sort(),
    ).toEqual(Object.keys(orders).sort());
    expect(alarms.map((a) => a.name).sort()).toEqual(Object.keys(expected).sort());
    for (const { name, description, actions, okActions, ...shape } of alarms) {
      expect([name, shape, actions, okActions]).toEqual([name, expected[name], [], []]);
      const anchor = /Runbook: docs\/operations\.md#([a-z0-9-]+)$/.exec(description)?.[1] ?? '';
      expect([name, anchors.has(anchor)]).toEqual([name, true]);
    }
  });

  test('examples/complete: the dashboard graphs every metric of docs/metrics.md under its function, the API and the Lambda metrics, and shows every alarm', async () => {
    // Arrange
    const contract = readMetricContract();
    // (The replay watcher is multi-Region only: readMetricContract() holds no row of it.)
    const service = {
      token: 'oauth-demo-token',
      authorizer: 'oauth-demo-authorizer',
      'replay-watch': 'oauth-demo-replay-watch',
    };

    // Act
    const { dashboard, outputs } = await monitoringOf('complete');
    const graphed = dashboardMetrics(dashboard);

    // Assert: each contract metric, in the namespace, with its own dimensions, for its function.
    expect(contract.length).toBeGreaterThanOrEqual(16);
    for (const metric of contract) {
      const lines = graphed.filter((g) => g.namespace === 'oauth-demo' && g.name === metric.name);
      expect([metric.name, lines.length > 0]).toEqual([metric.name, true]);
      for (const line of lines) {
        expect([metric.name, Object.keys(line.dimensions).sort(), line.dimensions.service]).toEqual(
          [metric.name, [...metric.dimensions].sort(), service[metric.fn]],
        );
      }
    }
    expect(
      graphed
        .filter((g) => g.namespace === 'oauth-demo')
        .every((g) => contract.some((c) => c.name === g.name)),
    ).toBe(true);
    for (const [name, dimensions] of [
      ['Errors', { FunctionName: service.token }],
      ['Throttles', { FunctionName: service.authorizer }],
      ['Duration', { FunctionName: service.token }],
    ] as const) {
      expect(graphed).toContainEqual(
        expect.objectContaining({ namespace: 'AWS/Lambda', name, dimensions }),
      );
    }
    expect(graphed).toContainEqual(
      expect.objectContaining({
        namespace: 'AWS/ApiGateway',
        name: '5XXError',
        dimensions: { ApiName: 'oauth-demo', Stage: 'v1' },
      }),
    );
    const alarmWidget = dashboard.widgets.find((w) => w.type === 'alarm');
    expect(alarmWidget?.properties.alarms).toEqual(
      Object.values(outputs.alarm_arns?.value as Record<string, string>).sort(),
    );
    expect(outputs.dashboard_name?.value).toBe('oauth-demo');
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

  multiRegionTests(() => ({ multiRegion, rotation }));
});
