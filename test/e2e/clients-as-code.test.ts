// Clients as code end to end without AWS: terraform apply examples/clients-as-code to moto_server, tokens through `npm start -- --from-api`, the CLI's first secret and rotation, empty plans, a scope change, the adoption of a CLI-made client with import blocks, an incident disable shown as drift, a removal, and no secret in state or plan.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { decodeJwt } from 'jose';
import { runCli } from '../../scripts/lib/clients/cli';
import { EXIT } from '../../tools/cli/exit-codes';
import { runBuild } from '../support/lambda-zip';
import { startLocalServer } from '../support/local-server';
import { basicAuthorization } from '../support/basic-auth';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  signAssertion,
} from '../support/client-assertions';
import { captureOutput } from '../support/clients-cli';
import { freePort, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import {
  createWorkspace,
  describeWithTerraformMirror,
  expectExit,
  terraform,
  type TfResult,
  type TfWorkspace,
} from '../terraform/harness';

jest.setTimeout(60_000);

const EXAMPLE = 'examples/clients-as-code';

interface Outputs {
  client_ids: Record<string, string>;
  client_api_key_ids: Record<string, string | null>;
  client_table_name: string;
  usage_plan_ids: Record<string, string>;
  rest_api_id: string;
  stage_name: string;
  issuer: string;
}

const describeBoth =
  describeWithMoto() === describe ? describeWithTerraformMirror() : describe.skip;

describeBoth(
  'clients as code (examples/clients-as-code applied to moto_server, --from-api)',
  () => {
    const orders = clientKeyPair('EdDSA');
    /** Every secret the test mints, for the final search of state and plans. */
    const secrets: string[] = [];
    let moto: Moto;
    let ws: TfWorkspace;
    let tmp: string;
    let exampleDir: string;
    let outputs: Outputs;
    let base: string;
    let server: { kill(): boolean; exitCode: number | null } | undefined;
    let reportsSecret = '';
    let legacy: { client_id: string; client_secret: string; usage_key_id: string };
    const plans: string[] = [];

    const tf = (args: string[]): Promise<TfResult> =>
      terraform(ws, EXAMPLE, [...args, '-input=false', '-no-color']);

    /** The real CLI in this process, against moto (STS names the caller). */
    async function cli(...argv: string[]): Promise<{ code: number; json: unknown; err: string }> {
      const out = captureOutput();
      const code = await runCli([...argv, '--table', outputs.client_table_name, '--json'], {
        program: 'clients',
        out,
        env: moto.env,
        prompter: { interactive: false, ask: async () => undefined },
      });
      const text = out.stdoutText().trim();
      return { code, json: text === '' ? undefined : JSON.parse(text), err: out.stderrText() };
    }

    /** Writes main_override.tf: the module's clients as the step declares them. */
    function declare(clients: Record<string, unknown>): void {
      fs.writeFileSync(
        path.join(exampleDir, 'main_override.tf'),
        `module "oauth" {\n  clients = jsondecode(${JSON.stringify(JSON.stringify(clients))})\n}\n`,
      );
    }

    const ordersClient = (scopes: string[]): Record<string, unknown> => ({
      name: 'Orders service',
      scopes,
      public_keys: [orders.publicKey.export({ type: 'spki', format: 'pem' })],
      usage_plan: 'premium',
    });
    const reportsClient = (plan: string): Record<string, unknown> => ({
      name: 'Reports',
      scopes: ['demo:read'],
      auth_method: 'client_secret_basic',
      usage_plan: plan,
    });

    async function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
      return fetch(`${base}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    }
    const assertionToken = (id: string): Promise<Response> =>
      post(
        assertionBody(
          signAssertion(orders, assertionClaims(id, outputs.issuer, Math.floor(Date.now() / 1000))),
          { client_id: id },
        ),
      );
    const secretToken = (id: string, secret: string): Promise<Response> =>
      post('grant_type=client_credentials', { Authorization: basicAuthorization(id, secret) });
    const hello = (token: string): Promise<Response> =>
      fetch(`${base}/${outputs.stage_name}/hello`, {
        headers: { Authorization: `Bearer ${token}` },
      });

    /** A plan saved to a file, its JSON kept for the search; resolves with its exit code. */
    async function savedPlan(
      name: string,
      detailed = true,
    ): Promise<{ code: number; json: string }> {
      const file = path.join(tmp, `${name}.tfplan`);
      const plan = await tf(['plan', `-out=${file}`, ...(detailed ? ['-detailed-exitcode'] : [])]);
      expectExit(plan, `plan ${name}`, [0, 2]);
      const json = expectExit(
        await terraform(ws, EXAMPLE, ['show', '-json', '-no-color', file]),
        `show ${name}`,
      ).stdout;
      plans.push(plan.stdout, json);
      return { code: plan.code, json };
    }

    beforeAll(async () => {
      // Arrange: moto and zips for this machine; the example applied with the orders team's public key.
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clients-as-code-e2e-'));
      const artifactsDir = path.join(tmp, 'dist');
      const keyFile = path.join(tmp, 'orders.pub.pem');
      fs.writeFileSync(keyFile, orders.publicKey.export({ type: 'spki', format: 'pem' }));
      const [started] = await Promise.all([
        // The in-process CLI's SDK clients read the endpoint and credentials from process.env.
        startMoto(),
        runBuild(['--arch', 'x86_64', '--out-dir', artifactsDir]),
      ]);
      moto = started;
      ws = createWorkspace({
        ...moto.env,
        TF_VAR_artifacts_dir: artifactsDir,
        TF_VAR_lambda_architecture: 'x86_64',
        TF_VAR_orders_public_key_file: keyFile,
      });
      exampleDir = path.join(ws.root, EXAMPLE);
      expectExit(await tf(['init']), 'terraform init');
      expectExit(await tf(['apply', '-auto-approve']), 'terraform apply');
      const raw = JSON.parse(
        expectExit(await terraform(ws, EXAMPLE, ['output', '-json', '-no-color']), 'output').stdout,
      ) as Record<string, { value: unknown }>;
      outputs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value])) as never;

      const env: NodeJS.ProcessEnv = { ...process.env, ...moto.env, LOG_LEVEL: 'ERROR' };
      delete env.AWS_PROFILE;
      const port = await freePort();
      const local = await startLocalServer(
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
        env,
      );
      server = local.process;
      base = `http://127.0.0.1:${port}`;
    }, 240_000);

    afterAll(async () => {
      if (server && server.exitCode === null) server.kill();
      await moto?.stop();
      ws?.cleanup();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('1. the private_key_jwt client gets a token at once; the secret client none until the CLI gives it its first secret', async () => {
      // Act
      const ordersRes = await assertionToken(outputs.client_ids.orders as string);
      const before = await secretToken(outputs.client_ids.reports as string, 'not-a-secret');
      const rotated = await cli('rotate-secret', outputs.client_ids.reports as string);
      expect([rotated.code, rotated.err]).toEqual([EXIT.OK, '']);
      reportsSecret = (rotated.json as { client_secret: string }).client_secret;
      secrets.push(reportsSecret);
      const reportsRes = await secretToken(outputs.client_ids.reports as string, reportsSecret);

      // Assert
      expect(ordersRes.status).toBe(200);
      expect(before.status).toBe(401);
      expect(rotated.code).toBe(EXIT.OK);
      expect(reportsRes.status).toBe(200);
      // Each client's API key, created and attached by Terraform, meters GET /hello.
      const tokens = [ordersRes, reportsRes].map(
        async (r) => ((await r.json()) as { access_token: string }).access_token,
      );
      for (const token of await Promise.all(tokens)) expect((await hello(token)).status).toBe(200);
    });

    it('2. terraform plan is empty after a CLI rotation and after tokens were issued (last use recorded)', async () => {
      // Arrange: a second rotation; the tokens of step 1 recorded both clients' last use
      const rotated = await cli(
        'rotate-secret',
        outputs.client_ids.reports as string,
        '--grace',
        '0',
      );
      reportsSecret = (rotated.json as { client_secret: string }).client_secret;
      secrets.push(reportsSecret);
      const dynamo = new DynamoDBClient({ endpoint: moto.endpoint, region: moto.env.AWS_REGION });
      const runtime = await dynamo.send(
        new GetItemCommand({
          TableName: outputs.client_table_name,
          Key: { client_id: { S: outputs.client_ids.orders as string } },
        }),
      );
      dynamo.destroy();

      // Act
      const plan = await savedPlan('after-rotation');

      // Assert
      expect(runtime.Item?.last_used_at?.S).toBeDefined();
      expect(plan.code).toBe(0);
    });

    it('3. adopts a CLI-made client with import blocks, changes scopes and a usage plan in code: the next token has the new scopes, and the plan is empty again', async () => {
      // Arrange: a client the CLI made, with its API key in the standard plan
      const created = await cli(
        'create',
        '--name',
        'Legacy',
        '--scopes',
        'demo:read',
        '--plan',
        'standard',
      );
      const shown = await cli('show', (created.json as { client_id: string }).client_id);
      legacy = {
        ...(created.json as { client_id: string; client_secret: string }),
        usage_key_id: (shown.json as { usage_key_id: string }).usage_key_id,
      };
      secrets.push(legacy.client_secret);
      // In code: orders gets demo:write, reports moves to premium, legacy is declared with its id
      // and its API key and plan key are imported (docs/clients.md, "Adopting a client the CLI created").
      declare({
        orders: ordersClient(['demo:read', 'demo:write']),
        reports: reportsClient('premium'),
        legacy: {
          name: 'Legacy',
          scopes: ['demo:read'],
          client_id: legacy.client_id,
          usage_plan: 'standard',
        },
      });
      fs.writeFileSync(
        path.join(exampleDir, 'adopt.tf'),
        [
          'import {',
          '  to = module.oauth.module.clients["legacy"].aws_api_gateway_api_key.this[0]',
          `  id = "${legacy.usage_key_id}"`,
          '}',
          'import {',
          '  to = module.oauth.module.clients["legacy"].aws_api_gateway_usage_plan_key.this[0]',
          `  id = "${outputs.usage_plan_ids.standard}/${legacy.usage_key_id}"`,
          '}',
          '',
        ].join('\n'),
      );

      // Act
      const plan = await savedPlan('adoption', false);
      expectExit(
        await terraform(ws, EXAMPLE, [
          'apply',
          '-input=false',
          '-no-color',
          path.join(tmp, 'adoption.tfplan'),
        ]),
        'apply the adoption plan',
      );
      const adopted = await cli('adopt', legacy.client_id);
      const ordersRes = await assertionToken(outputs.client_ids.orders as string);
      const legacyRes = await secretToken(legacy.client_id, legacy.client_secret);
      const after = await savedPlan('after-adoption');

      // Assert: the adoption plan imports the key and its plan membership and creates the declaration
      const changes = (
        JSON.parse(plan.json) as {
          resource_changes: {
            address: string;
            change: { actions: string[]; importing?: object };
          }[];
        }
      ).resource_changes.filter((c) => c.address.includes('["legacy"]'));
      expect(
        changes.map((c) => [c.address, c.change.actions, c.change.importing !== undefined]).sort(),
      ).toEqual([
        ['module.oauth.module.clients["legacy"].aws_api_gateway_api_key.this[0]', ['update'], true],
        [
          'module.oauth.module.clients["legacy"].aws_api_gateway_usage_plan_key.this[0]',
          ['no-op'],
          true,
        ],
        ['module.oauth.module.clients["legacy"].aws_dynamodb_table_item.this', ['create'], false],
      ]);
      expect(adopted.code).toBe(EXIT.OK);
      expect(ordersRes.status).toBe(200);
      const claims = decodeJwt(((await ordersRes.json()) as { access_token: string }).access_token);
      expect(claims.scope).toBe('demo:read demo:write');
      // The adopted client keeps its secret and its API key value (its metering).
      expect(legacyRes.status).toBe(200);
      expect(after.code).toBe(0);
    });

    it('4. an incident disable shows in the next plan as the declaration drifting, and nothing else', async () => {
      // Act
      const disabled = await cli('disable', outputs.client_ids.reports as string);
      const token = await secretToken(outputs.client_ids.reports as string, reportsSecret);
      const plan = await savedPlan('after-disable');

      // Assert: one change, the reports declaration's status back to active
      expect(disabled.code).toBe(EXIT.OK);
      expect(token.status).toBe(401);
      expect(plan.code).toBe(2);
      const changes = (
        JSON.parse(plan.json) as {
          resource_changes: {
            address: string;
            change: { actions: string[]; before: { item?: string }; after: { item?: string } };
          }[];
        }
      ).resource_changes.filter((c) => c.change.actions.join() !== 'no-op');
      expect(changes.map((c) => [c.address, c.change.actions])).toEqual([
        ['module.oauth.module.clients["reports"].aws_dynamodb_table_item.this', ['update']],
      ]);
      const status = (item?: string): string | undefined =>
        (JSON.parse(item ?? '{}') as { status?: { S?: string } }).status?.S;
      expect([
        status(changes[0]?.change.before.item),
        status(changes[0]?.change.after.item),
      ]).toEqual(['disabled', 'active']);
    });

    it('5. a client removed from the code is deleted with its API key', async () => {
      // Arrange
      declare({
        orders: ordersClient(['demo:read', 'demo:write']),
        legacy: {
          name: 'Legacy',
          scopes: ['demo:read'],
          client_id: legacy.client_id,
          usage_plan: 'standard',
        },
      });
      const keyId = outputs.client_api_key_ids.reports as string;

      // Act
      expectExit(await tf(['apply', '-auto-approve']), 'apply without reports');
      const token = await secretToken(outputs.client_ids.reports as string, reportsSecret);
      const shown = await cli('show', outputs.client_ids.reports as string);
      const apiGateway = new APIGatewayClient({
        endpoint: moto.endpoint,
        region: moto.env.AWS_REGION,
      });
      const key = await apiGateway
        .send(new GetApiKeyCommand({ apiKey: keyId }))
        .catch((e: Error) => e);
      apiGateway.destroy();

      // Assert
      expect(token.status).toBe(401);
      expect(shown.code).toBe(EXIT.USAGE);
      expect((key as Error).name).toBe('NotFoundException');
    });

    it('6. no secret the test minted, no hash and no private key appear in state or in any plan', async () => {
      // Arrange
      const state = fs.readFileSync(path.join(exampleDir, 'terraform.tfstate'), 'utf8');
      const shown = expectExit(
        await terraform(ws, EXAMPLE, ['show', '-json', '-no-color']),
        'show -json',
      ).stdout;
      const privatePem = orders.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      const privateBody = privatePem.split('\n')[1] as string;

      // Act / Assert
      expect(secrets).toHaveLength(3);
      for (const text of [state, shown, ...plans]) {
        for (const secret of secrets) expect(text).not.toContain(secret);
        expect(text).not.toContain('$argon2id$');
        expect(text).not.toContain('"secrets"');
        expect(text).not.toContain(privateBody);
      }
      // The search would find them: the public key is there, in the declaration.
      const publicBody = (orders.publicKey.export({ type: 'spki', format: 'pem' }) as string).split(
        '\n',
      )[1] as string;
      expect(state).toContain(publicBody);
    });
  },
);
