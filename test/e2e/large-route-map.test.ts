// End to end without AWS: modules/authorizer with a 1,200-route map applied to moto_server (its configuration in a pinned DynamoDB item), no drift, a new map through a normal apply, served by `npm start -- --from-api` deciding on the first, a middle and the last route; a tampered or deleted item answers 401; a map past the ceiling fails the plan.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES } from '../../functions/shared/limits';
import { runBuild } from '../support/lambda-zip';
import { encodeConfig, largeRouteMap } from '../support/large-route-map';
import { makeKeys, validClaims, validToken, type TestKey } from '../support/jwt-fixtures';
import { startLocalServer, type LocalServer } from '../support/local-server';
import { freePort, MOTO_REGION, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import {
  createWorkspace,
  describeWithTerraformMirror,
  expectExit,
  terraform,
  type TfResult,
  type TfWorkspace,
} from '../terraform/harness';

jest.setTimeout(120_000);

const FIXTURE = 'test/terraform/fixtures/large-route-map';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

interface AuthorizerConfigOutput {
  tier: string;
  encoded_bytes: number;
  sized_bytes: number;
  limit_bytes: number;
  remaining_bytes: number;
  table_name: string;
  sha256: string;
}

interface Outputs {
  rest_api_id: string;
  stage_name: string;
  authorizer_config: AuthorizerConfigOutput;
  authorizer_function_name: string;
}

// Both tools are required: each throws under CI=true when missing, so the flow is never skipped there.
const describeBoth =
  describeWithMoto() === describe ? describeWithTerraformMirror() : describe.skip;

describeBoth('a 1,200-route map through modules/authorizer, moto_server and --from-api', () => {
  const keys = makeKeys();
  // Two trusted RSA keys, as during a rotation; tokens are signed with the second.
  const [oldKey, newKey] = [keys.rs, keys.untrustedRs] as [TestKey, TestKey];
  const map = largeRouteMap();
  const picked = [0, 600, 1199].map((i) => map.routes[i] as string);
  const [first, middle, last] = picked as [string, string, string];
  /** The middle route's own scope in the second map. */
  const changedScope = `${'changed.scope.'.padEnd(60, 'x')}`;

  let moto: Moto;
  let ws: TfWorkspace;
  let tmp: string;
  let artifactsDir: string;
  let dynamo: DynamoDBClient;
  let lambda: LambdaClient;
  let firstApply: TfResult;
  let outputs: Outputs;
  let server: LocalServer | undefined;
  let base = '';

  const tf = (args: string[]): Promise<TfResult> =>
    terraform(ws, FIXTURE, [...args, '-input=false', '-no-color']);

  /** Writes the fixture's variables for a route map, as a -var-file argument. */
  function varFile(label: string, routeScopes: Record<string, string[]>): string {
    const file = path.join(tmp, `${label}.tfvars.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        artifacts_dir: artifactsDir,
        public_keys_pem: [oldKey.pem, newKey.pem],
        route_scopes: routeScopes,
        deployed_routes: picked,
      }),
    );
    return `-var-file=${file}`;
  }

  async function readOutputs(): Promise<Outputs> {
    const output = await terraform(ws, FIXTURE, ['output', '-json', '-no-color']);
    const raw = JSON.parse(expectExit(output, 'output').stdout) as Record<
      string,
      { value: unknown }
    >;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value])) as never;
  }

  /** Serves the deployed API with a fresh authorizer worker (a cold start). */
  async function serve(): Promise<void> {
    if (server?.process.exitCode === null) server.process.kill('SIGKILL');
    const port = await freePort();
    server = await startLocalServer(
      [
        '--from-api',
        outputs.rest_api_id,
        '--stage',
        outputs.stage_name,
        '--artifacts-dir',
        artifactsDir,
        '--port',
        String(port),
      ],
      { ...process.env, ...moto.env, LOG_LEVEL: 'ERROR' },
    );
    base = `http://127.0.0.1:${port}`;
  }

  /** A token valid now, signed with the second trusted key, holding `scope`. */
  function tokenFor(scope: string, key: TestKey = newKey): string {
    const now = Math.floor(Date.now() / 1000);
    return validToken(key, validClaims({ scope, iat: now - 5, nbf: now - 5, exp: now + 600 }));
  }

  /** Calls a route (`"GET /v1/<name>/{id}"` is called as `/v1/<name>/7`). */
  async function call(route: string, token?: string): Promise<{ status: number; route?: string }> {
    const [method, resource] = route.split(' ') as [string, string];
    const res = await fetch(`${base}${resource.replace('{id}', '7')}`, {
      method,
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    return { status: res.status, ...(res.status === 200 ? { route: JSON.parse(text).route } : {}) };
  }

  /** The configuration table's items, as DynamoDB holds them. */
  async function items(): Promise<{ key: string; config: Uint8Array }[]> {
    const { Items = [] } = await dynamo.send(
      new ScanCommand({ TableName: outputs.authorizer_config.table_name, ConsistentRead: true }),
    );
    return Items.map((item) => ({
      key: item.id?.S as string,
      config: item.config?.B as Uint8Array,
    }));
  }

  beforeAll(async () => {
    // Arrange: moto, the authorizer's zip for this machine, the fixture applied with the large map.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'large-route-map-e2e-'));
    artifactsDir = path.join(tmp, 'dist');
    const [started] = await Promise.all([
      startMoto({ setProcessEnv: false }),
      runBuild(['--arch', 'x86_64', '--out-dir', artifactsDir, '--function', 'authorizer']),
    ]);
    moto = started;
    const clientConfig = { endpoint: moto.endpoint, region: MOTO_REGION, credentials: CREDENTIALS };
    dynamo = new DynamoDBClient(clientConfig);
    lambda = new LambdaClient(clientConfig);
    ws = createWorkspace(moto.env);
    expectExit(await tf(['init']), 'terraform init');
    firstApply = await tf(['apply', '-auto-approve', varFile('v1', map.routeScopes)]);
    expectExit(firstApply, 'terraform apply');
    outputs = await readOutputs();
    await serve();
  }, 300_000);

  afterAll(async () => {
    if (server?.process.exitCode === null) server.process.kill('SIGKILL');
    dynamo?.destroy();
    lambda?.destroy();
    await moto?.stop();
    ws?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('picks the table tier, states size and room, and writes the document under its digest', async () => {
    // Arrange
    const expected = encodeConfig([oldKey.pem, newKey.pem], map.routeScopes);
    const { authorizer_config: config } = outputs;

    // Act
    const stored = await items();
    const json = gunzipSync(stored[0]?.config ?? Buffer.alloc(0)).toString('utf8');

    // Assert: Terraform's own gzip, the same JSON and digest as the test's encoding
    expect(firstApply.stdout).toMatch(/authorizer_config\s+= \{[\s\S]*?tier\s+= "table"/);
    expect(config).toMatchObject({
      tier: 'table',
      limit_bytes: AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES,
      remaining_bytes: AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES - config.sized_bytes,
      table_name: 'bigmap-authorizer-config',
      sha256: expected.sha256,
    });
    expect(config.encoded_bytes).toBeGreaterThan(3072);
    expect(config.encoded_bytes).toBeLessThanOrEqual(config.sized_bytes);
    expect(stored.map((s) => s.key)).toEqual([`config#sha256:${expected.sha256}`]);
    expect(json).toBe(expected.json);
    expect(createHash('sha256').update(json).digest('hex')).toBe(config.sha256);
    expect(Object.keys((JSON.parse(json) as { routes: object }).routes)).toHaveLength(1200);
  });

  it('pins the table and digest in the function environment, far below 4 KB', async () => {
    // Act
    const fn = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: outputs.authorizer_function_name }),
    );
    const env = fn.Environment?.Variables ?? {};

    // Assert
    expect(env).toMatchObject({
      AUTHORIZER_CONFIG_TABLE: 'bigmap-authorizer-config',
      AUTHORIZER_CONFIG_SHA256: outputs.authorizer_config.sha256,
    });
    expect(Object.keys(env)).not.toEqual(
      expect.arrayContaining(['AUTHORIZER_CONFIG', 'ROUTE_SCOPES', 'PUBLIC_KEYS_PEM']),
    );
    expect(Object.entries(env).join('').length).toBeLessThan(1024);
  });

  it('plans no change after the apply (the item reads back as written)', async () => {
    // Act
    const plan = await tf(['plan', '-detailed-exitcode', varFile('v1', map.routeScopes)]);

    // Assert
    expectExit(plan, 'plan after apply', [0]);
    expect(plan.stdout).toContain('No changes.');
  });

  it('decides on the first, a middle and the last route of the map: 200 with the route scope, 403 without, 401 without a token or with an untrusted key', async () => {
    // Arrange: each route's own scope (the first one it lists)
    const scopeOf = (route: string): string => (map.routeScopes[route] as string[])[0] as string;

    // Act
    const results: Record<string, unknown> = {};
    for (const route of picked) {
      results[route] = [
        await call(route, tokenFor(scopeOf(route))),
        (await call(route, tokenFor(scopeOf(route), oldKey))).status,
        (await call(route, tokenFor(scopeOf(route === first ? last : first)))).status,
        (await call(route)).status,
        (await call(route, tokenFor(scopeOf(route), keys.untrustedEs))).status,
      ];
    }

    // Assert
    expect(results).toEqual(
      Object.fromEntries(
        picked.map((route) => [route, [{ status: 200, route }, 200, 403, 401, 401]]),
      ),
    );
  });

  it('a new map reaches the function through a normal apply: the new item is written before, the old one removed after', async () => {
    // Arrange: the middle route needs another scope
    const changed = { ...map.routeScopes, [middle]: [changedScope] };
    const expected = encodeConfig([oldKey.pem, newKey.pem], changed);

    // Act
    const apply = await tf(['apply', '-auto-approve', varFile('v2', changed)]);
    expectExit(apply, 'terraform apply (new map)');
    outputs = await readOutputs();
    const stored = await items();
    await serve();
    const withNewScope = await call(middle, tokenFor(changedScope));
    const withOldScope = await call(
      middle,
      tokenFor((map.routeScopes[middle] as string[])[0] as string),
    );

    // Assert
    const out = apply.stdout;
    expect(out).toMatch(
      /aws_dynamodb_table_item\.config\[0\] will be replaced due to changes in replace_triggered_by/,
    );
    expect(out).toMatch(/\+\/- resource "aws_dynamodb_table_item" "config"/);
    // Created, then the function updated, then the old (deposed) item destroyed.
    const created = out.indexOf('aws_dynamodb_table_item.config[0]: Creation complete');
    const updated = out.indexOf('aws_lambda_function.this: Modifications complete');
    const destroyed = out.indexOf('aws_dynamodb_table_item.config[0] (deposed object');
    expect(created).toBeGreaterThan(-1);
    expect(updated).toBeGreaterThan(created);
    expect(destroyed).toBeGreaterThan(updated);
    expect(outputs.authorizer_config.sha256).toBe(expected.sha256);
    expect(stored.map((s) => s.key)).toEqual([`config#sha256:${expected.sha256}`]);
    expect([withNewScope, withOldScope.status]).toEqual([{ status: 200, route: middle }, 403]);
  });

  it('a tampered item (its content changed, so the digest no longer matches) makes the next cold start refuse every request with 401, logged', async () => {
    // Arrange: a valid document that opens every route to any token, under the pinned key
    const [stored] = await items();
    const forged = encodeConfig([oldKey.pem, newKey.pem], {
      ...Object.fromEntries(picked.map((route) => [route, []])),
    });
    await dynamo.send(
      new PutItemCommand({
        TableName: outputs.authorizer_config.table_name,
        Item: {
          id: { S: stored?.key as string },
          config: { B: Buffer.from(forged.encoded, 'base64') },
        },
      }),
    );

    // Act
    await serve();
    const statuses = [];
    for (const route of picked) statuses.push((await call(route, tokenFor('any'))).status);

    // Assert
    expect(statuses).toEqual([401, 401, 401]);
    expect(server?.output()).toContain('config_digest_mismatch');
    expect(server?.output()).toContain(outputs.authorizer_config.sha256.slice(0, 12));
  });

  it('a deleted item makes the next cold start refuse every request with 401, logged', async () => {
    // Arrange
    const [stored] = await items();
    await dynamo.send(
      new DeleteItemCommand({
        TableName: outputs.authorizer_config.table_name,
        Key: { id: { S: stored?.key as string } },
      }),
    );

    // Act
    await serve();
    const status = (await call(first, tokenFor((map.routeScopes[first] as string[])[0] as string)))
      .status;

    // Assert
    expect(status).toBe(401);
    expect(server?.output()).toContain('ConfigItemNotFound');
  });

  it('a map past the ceiling fails the plan with a message naming the limit', async () => {
    // Arrange: 8,000 routes of the same kind encode to about 590 KB
    const huge = largeRouteMap({ collections: 1000 });

    // Act
    const plan = await tf(['plan', varFile('huge', huge.routeScopes)]);

    // Assert
    expect(plan.code).toBe(1);
    const message = plan.stderr.replace(/\s+/g, ' ');
    expect(message).toContain(
      `past the authorizer's ceiling of ${AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES} bytes set by DynamoDB's 400 KB item limit`,
    );
  });
});
