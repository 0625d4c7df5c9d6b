// Integration against moto: the clients CLI keeps one API key per client in its usage plan (create, update --plan, disable/enable, show, delete), repairs an injected half-way failure on rerun, and --from-api reads the plans and keys back.
import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetResourcesCommand,
  GetUsageCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  CreateStageCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { runCli } from '../../scripts/lib/clients/cli';
import type { ClientView, CreatedView } from '../../scripts/lib/clients/views';
import type { UsageKeyGateway } from '../../tools/dev-adapters/usage-key-gateway';
import {
  ApiGatewayUsagePlanSource,
  UNKNOWN_KEY_REREAD_GAP_MS,
} from '../../tools/from-api/usage-plans-reader';
import {
  ApiGatewayUsageKeys,
  USAGE_PLANS_CONFIG_KEY,
} from '../../tools/dev-adapters/usage-keys-apigateway';
import { FakeHasher } from '../support/fake-hasher';
import { captureOutput } from '../support/clients-cli';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';

const REPO = path.resolve(__dirname, '../..');
const TABLE = 'plans-clients';

jest.setTimeout(120_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI in a child process. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'scripts', 'clients.ts'), ...args],
      { cwd: REPO, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describeWithMoto()('usage plans against moto', () => {
  let moto: Moto;
  let apigw: APIGatewayClient;
  let ddb: DynamoDBClient;
  let restApiId: string;
  const planIds: Record<string, string> = {};

  const keyOf = (id: string) =>
    apigw.send(new GetApiKeyCommand({ apiKey: id, includeValue: true }));
  const planKeyIds = async (plan: string): Promise<string[]> =>
    (
      (await apigw.send(new GetUsagePlanKeysCommand({ usagePlanId: planIds[plan] }))).items ?? []
    ).map((k) => k.id as string);
  const storedRecord = async (clientId: string) =>
    (
      await ddb.send(
        new GetItemCommand({
          TableName: TABLE,
          Key: { client_id: { S: clientId } },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const keysNamed = async (name: string) =>
    (
      (await apigw.send(new GetApiKeysCommand({ nameQuery: name, includeValues: true }))).items ??
      []
    ).filter((k) => k.name === name);

  beforeAll(async () => {
    moto = await startMoto();
    apigw = new APIGatewayClient({});
    ddb = new DynamoDBClient({});
    await createClientsTable(ddb, TABLE);
    // A REST API with one metered method and a stage, as the complete example deploys it.
    const api = await apigw.send(
      new CreateRestApiCommand({ name: 'plans', apiKeySource: 'AUTHORIZER' }),
    );
    restApiId = api.id as string;
    const root = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]
      ?.id as string;
    await apigw.send(
      new PutMethodCommand({
        restApiId,
        resourceId: root,
        httpMethod: 'GET',
        authorizationType: 'NONE',
        apiKeyRequired: true,
      }),
    );
    await apigw.send(
      new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: 'GET', type: 'MOCK' }),
    );
    const deployment = await apigw.send(new CreateDeploymentCommand({ restApiId }));
    await apigw.send(
      new CreateStageCommand({ restApiId, stageName: 'v1', deploymentId: deployment.id }),
    );
    for (const [name, rate, burst] of [
      ['bronze', 2, 2],
      ['gold', 100, 200],
    ] as const) {
      const plan = await apigw.send(
        new CreateUsagePlanCommand({
          name: `plans-${name}`,
          apiStages: [{ apiId: restApiId, stage: 'v1' }],
          throttle: { rateLimit: rate, burstLimit: burst },
          ...(name === 'bronze' ? { quota: { limit: 5, period: 'DAY' } } : {}),
        }),
      );
      planIds[name] = plan.id as string;
    }
    // The item Terraform writes (main.tf, aws_dynamodb_table_item.usage_plans).
    await ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          client_id: { S: USAGE_PLANS_CONFIG_KEY },
          plans: {
            M: { bronze: { S: planIds.bronze as string }, gold: { S: planIds.gold as string } },
          },
          default_plan: { S: 'bronze' },
          rest_api_id: { S: restApiId },
          stage: { S: 'v1' },
        },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    apigw?.destroy();
    ddb?.destroy();
    await moto?.stop();
  });

  it('create --plan gold makes an enabled key named by the client, holding the record value, in gold only', async () => {
    // Act
    const run = await cli(
      [
        'create',
        '--table',
        TABLE,
        '--name',
        'Gold client',
        '--scopes',
        'demo:read',
        '--plan',
        'gold',
        '--json',
      ],
      moto.env,
    );

    // Assert
    expect(run.code).toBe(0);
    const created = JSON.parse(run.stdout) as CreatedView;
    const record = await storedRecord(created.client_id);
    const keyId = record?.usage_key_id?.S as string;
    const key = await keyOf(keyId);
    expect(key).toMatchObject({
      name: created.client_id,
      enabled: true,
      value: record?.usage_key?.S,
    });
    expect(key.value).toMatch(/^[0-9a-f]{64}$/);
    expect(run.stdout + run.stderr).not.toContain(key.value as string);
    expect(await planKeyIds('gold')).toContain(keyId);
    expect(await planKeyIds('bronze')).not.toContain(keyId);
    expect(record?.status?.S).toBe('active');
    expect(record?.pending_since).toBeUndefined();
  });

  it('without --plan the default plan applies; an unknown plan exits 2 naming --plan and writes nothing', async () => {
    // Act
    const byDefault = await cli(
      ['create', '--table', TABLE, '--name', 'Default client', '--scopes', 'demo:read', '--json'],
      moto.env,
    );
    const unknown = await cli(
      [
        'create',
        '--table',
        TABLE,
        '--name',
        'Typo client',
        '--scopes',
        'demo:read',
        '--plan',
        'silver',
      ],
      moto.env,
    );

    // Assert
    const created = JSON.parse(byDefault.stdout) as CreatedView;
    const keyId = (await storedRecord(created.client_id))?.usage_key_id?.S as string;
    expect(await planKeyIds('bronze')).toContain(keyId);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--plan silver: no such usage plan \(plans: bronze, gold\)/);
    expect(await keysNamed('Typo')).toEqual([]);
  });

  it('refuses to give keys while the REST API reads keys from X-API-Key headers, writing nothing', async () => {
    // Arrange: an API brought with the default key source, HEADER.
    const setSource = (value: string) =>
      apigw.send(
        new UpdateRestApiCommand({
          restApiId,
          patchOperations: [{ op: 'replace', path: '/apiKeySource', value }],
        }),
      );
    await setSource('HEADER');

    // Act
    let run: Run;
    try {
      run = await cli(
        ['create', '--table', TABLE, '--name', 'Header API client', '--scopes', 'demo:read'],
        moto.env,
      );
    } finally {
      await setSource('AUTHORIZER');
    }

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--plan bronze: REST API ${restApiId} takes API keys from HEADER, not AUTHORIZER`,
    );
    const items = (await ddb.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
    expect(items.filter((item) => item.name?.S === 'Header API client')).toEqual([]);
    expect(await keysNamed('Header')).toEqual([]);
  });

  it('update --plan moves the key; disable and enable switch it; show names plan and key id, never the value; delete removes both', async () => {
    // Arrange
    const created = JSON.parse(
      (
        await cli(
          [
            'create',
            '--table',
            TABLE,
            '--name',
            'Mover',
            '--scopes',
            'demo:read',
            '--plan',
            'bronze',
            '--json',
          ],
          moto.env,
        )
      ).stdout,
    ) as CreatedView;
    const id = created.client_id;
    const keyId = (await storedRecord(id))?.usage_key_id?.S as string;

    // Act
    const moved = await cli(['update', id, '--table', TABLE, '--plan', 'gold'], moto.env);
    const inGold = [await planKeyIds('gold'), await planKeyIds('bronze')];
    await cli(['disable', id, '--table', TABLE], moto.env);
    const disabled = (await keyOf(keyId)).enabled;
    await cli(['enable', id, '--table', TABLE], moto.env);
    const enabled = (await keyOf(keyId)).enabled;
    const show = await cli(['show', id, '--table', TABLE, '--json'], moto.env);
    const value = (await keyOf(keyId)).value as string;
    const deleted = await cli(['delete', id, '--table', TABLE, '--yes'], moto.env);

    // Assert
    expect(moved.code).toBe(0);
    expect(inGold[0]).toContain(keyId);
    expect(inGold[1]).not.toContain(keyId);
    expect([disabled, enabled]).toEqual([false, true]);
    expect(JSON.parse(show.stdout) as ClientView).toMatchObject({
      usage_plan: 'gold',
      usage_key_id: keyId,
      pending_since: null,
    });
    expect(show.stdout).not.toContain(value);
    expect(deleted.code).toBe(0);
    await expect(keyOf(keyId)).rejects.toMatchObject({ name: 'NotFoundException' });
    expect(await planKeyIds('gold')).not.toContain(keyId);
    expect(await storedRecord(id)).toBeUndefined();
  });

  it('usage against moto, which has no GetUsage, exits 2 saying the endpoint lacks it, without a stack trace', async () => {
    // Arrange: a client with a key in a plan, so that usage gets as far as GetUsage
    const created = JSON.parse(
      (
        await cli(
          [
            'create',
            '--table',
            TABLE,
            '--name',
            'Metered',
            '--scopes',
            'demo:read',
            '--plan',
            'gold',
            '--json',
          ],
          moto.env,
        )
      ).stdout,
    ) as CreatedView;
    const keyId = (await storedRecord(created.client_id))?.usage_key_id?.S as string;
    // The premise: moto answers GetUsage with a page the SDK cannot deserialize.
    await expect(
      apigw.send(
        new GetUsageCommand({
          usagePlanId: planIds.gold,
          keyId,
          startDate: '2026-12-01',
          endDate: '2026-12-07',
        }),
      ),
    ).rejects.toMatchObject({ name: 'SyntaxError', $metadata: { httpStatusCode: 404 } });

    // Act
    const [text, json] = await Promise.all([
      cli(['usage', created.client_id, '--table', TABLE], moto.env),
      cli(['usage', created.client_id, '--table', TABLE, '--json', '--days', '30'], moto.env),
    ]);

    // Assert
    for (const run of [text, json]) {
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain(
        `clients: usage: the endpoint ${moto.endpoint} (AWS_ENDPOINT_URL) does not implement ` +
          'API Gateway GetUsage (it answered HTTP 404, not an API Gateway response)',
      );
      expect(run.stderr).not.toMatch(/Deserialization|SyntaxError|\n\s+at /);
    }
  });

  /** The real adapter, with one operation failing once. */
  function failingOnce(op: keyof UsageKeyGateway): () => Promise<UsageKeyGateway> {
    let armed = true;
    const real = new ApiGatewayUsageKeys({ apiGateway: apigw, dynamoDb: ddb, tableName: TABLE });
    const proxy = new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== op || typeof value !== 'function')
          return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          if (armed) {
            armed = false;
            throw new Error(`injected failure in ${String(op)}`);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return async () => proxy;
  }

  const inProcess = (args: string[], openUsageKeys: () => Promise<UsageKeyGateway>) => {
    const out = captureOutput();
    return runCli(args, {
      program: 'clients',
      out,
      env: moto.env,
      hasher: new FakeHasher(),
      openUsageKeys,
    }).then((code) => ({ code, out }));
  };

  it('create failing halfway (adding the key to its plan) leaves a disabled, secretless client naming its key; the same create finishes it', async () => {
    // Arrange
    const args = [
      'create',
      '--table',
      TABLE,
      '--name',
      'Half done',
      '--scopes',
      'demo:read',
      '--plan',
      'gold',
      '--json',
    ];

    // Act
    const failed = await inProcess(args, failingOnce('addToPlan'));
    const list = await cli(['list', '--table', TABLE, '--json'], moto.env);
    const halfway = (
      JSON.parse(list.stdout) as { client_id: string; name: string; status: string }[]
    ).filter((c) => c.name === 'Half done');
    const halfRecord = await storedRecord(halfway[0]?.client_id as string);
    const keysHalfway = await keysNamed(halfway[0]?.client_id as string);
    const rerun = await inProcess(
      args,
      async () => new ApiGatewayUsageKeys({ apiGateway: apigw, dynamoDb: ddb, tableName: TABLE }),
    );

    // Assert
    expect(failed.code).toBe(1);
    expect(failed.out.stderrText()).toMatch(/injected failure in addToPlan/);
    expect(halfway).toHaveLength(1);
    expect(halfRecord?.status?.S).toBe('disabled');
    expect(halfRecord?.secrets?.L).toEqual([]);
    expect(halfRecord?.pending_since?.S).toBeDefined();
    // The key exists and is named by the pending record (no orphan); it holds the record's value.
    expect(keysHalfway).toHaveLength(1);
    expect(keysHalfway[0]?.value).toBe(halfRecord?.usage_key?.S);
    expect(rerun.code).toBe(0);
    const finished = JSON.parse(rerun.out.stdoutText()) as CreatedView;
    expect(finished.client_id).toBe(halfway[0]?.client_id);
    const record = await storedRecord(finished.client_id);
    expect(record?.status?.S).toBe('active');
    expect(await keysNamed(finished.client_id)).toHaveLength(1);
    expect(await planKeyIds('gold')).toContain(record?.usage_key_id?.S);
  });

  it('update --plan failing between leaving the old plan and joining the new one is repaired by the same update', async () => {
    // Arrange
    const created = JSON.parse(
      (
        await cli(
          [
            'create',
            '--table',
            TABLE,
            '--name',
            'Half moved',
            '--scopes',
            'demo:read',
            '--plan',
            'bronze',
            '--json',
          ],
          moto.env,
        )
      ).stdout,
    ) as CreatedView;
    const keyId = (await storedRecord(created.client_id))?.usage_key_id?.S as string;
    const args = ['update', created.client_id, '--table', TABLE, '--plan', 'gold'];

    // Act
    const failed = await inProcess(args, failingOnce('addToPlan'));
    const between = [
      (await planKeyIds('bronze')).includes(keyId),
      (await planKeyIds('gold')).includes(keyId),
    ];
    const rerun = await inProcess(
      args,
      async () => new ApiGatewayUsageKeys({ apiGateway: apigw, dynamoDb: ddb, tableName: TABLE }),
    );

    // Assert
    expect(failed.code).toBe(1);
    expect(between).toEqual([false, false]);
    expect(rerun.code).toBe(0);
    expect(await planKeyIds('gold')).toContain(keyId);
    expect(await planKeyIds('bronze')).not.toContain(keyId);
  });

  it('delete failing after disabling the client keeps the key named; the same delete finishes', async () => {
    // Arrange
    const created = JSON.parse(
      (
        await cli(
          ['create', '--table', TABLE, '--name', 'Half deleted', '--scopes', 'demo:read', '--json'],
          moto.env,
        )
      ).stdout,
    ) as CreatedView;
    const keyId = (await storedRecord(created.client_id))?.usage_key_id?.S as string;
    const args = ['delete', created.client_id, '--table', TABLE, '--yes'];

    // Act
    const failed = await inProcess(args, failingOnce('deleteKey'));
    const halfway = await storedRecord(created.client_id);
    const keyHalfway = await keyOf(keyId);
    const rerun = await inProcess(
      args,
      async () => new ApiGatewayUsageKeys({ apiGateway: apigw, dynamoDb: ddb, tableName: TABLE }),
    );

    // Assert
    expect(failed.code).toBe(1);
    expect(halfway?.status?.S).toBe('disabled');
    expect(keyHalfway.name).toBe(created.client_id);
    expect(rerun.code).toBe(0);
    await expect(keyOf(keyId)).rejects.toMatchObject({ name: 'NotFoundException' });
    expect(await storedRecord(created.client_id)).toBeUndefined();
  });

  it('--from-api reads each key value into its plan and limits, and sees a move at the next refresh', async () => {
    // Arrange
    const created = JSON.parse(
      (
        await cli(
          [
            'create',
            '--table',
            TABLE,
            '--name',
            'Read back',
            '--scopes',
            'demo:read',
            '--plan',
            'bronze',
            '--json',
          ],
          moto.env,
        )
      ).stdout,
    ) as CreatedView;
    const value = (await storedRecord(created.client_id))?.usage_key?.S as string;
    let now = 0;
    const source = new ApiGatewayUsagePlanSource({
      client: apigw,
      restApiId,
      stage: 'v1',
      refreshMs: 1000,
      clock: () => now,
    });
    await source.load();

    // Act
    const before = await source.lookup(value);
    await cli(['update', created.client_id, '--table', TABLE, '--plan', 'gold'], moto.env);
    const cached = await source.lookup(value);
    now += 1000;
    const after = await source.lookup(value);
    const unknown = await source.lookup('0'.repeat(64));

    // Assert
    expect(before).toEqual({
      planId: planIds.bronze,
      enabled: true,
      plan: {
        throttle: { rateLimit: 2, burstLimit: 2 },
        quota: { limit: 5, period: 'DAY', offset: 0 },
        methodThrottles: {},
      },
    });
    expect(cached?.planId).toBe(planIds.bronze);
    expect(after).toMatchObject({
      planId: planIds.gold,
      plan: { throttle: { rateLimit: 100, burstLimit: 200 } },
    });
    expect(unknown).toBeUndefined();
  });

  describe('--from-api and keys it has not read yet', () => {
    /** Creates a client in a plan with the real CLI; returns its id and API key value. */
    const createInPlan = async (name: string): Promise<{ id: string; value: string }> => {
      const created = JSON.parse(
        (
          await cli(
            [
              'create',
              '--table',
              TABLE,
              '--name',
              name,
              '--scopes',
              'demo:read',
              '--plan',
              'gold',
              '--json',
            ],
            moto.env,
          )
        ).stdout,
      ) as CreatedView;
      const value = (await storedRecord(created.client_id))?.usage_key?.S as string;
      return { id: created.client_id, value };
    };

    /**
     * A source on a frozen clock whose sleeps move the clock on, and the clock times at which it
     * started reading the plans (each read starts with one GetUsagePlans).
     */
    const counted = () => {
      const clock = { now: 0 };
      const readsAt: number[] = [];
      const client = {
        send: (command: unknown) => {
          if (command instanceof GetUsagePlansCommand) readsAt.push(clock.now);
          return apigw.send(command as never);
        },
      } as unknown as APIGatewayClient;
      const source = new ApiGatewayUsagePlanSource({
        client,
        restApiId,
        stage: 'v1',
        refreshMs: 60_000,
        clock: () => clock.now,
        sleep: async (ms) => {
          clock.now += ms;
        },
      });
      return { source, readsAt, clock };
    };

    it('a key created after the last read is admitted on its first request, not refused until the refresh', async () => {
      // Arrange: the runner has read the plans, then a client is created.
      const { source, readsAt } = counted();
      await source.load();
      const client = await createInPlan('Created after the read');

      // Act: no time passes, so the periodic refresh is not due.
      const binding = await source.lookup(client.value);

      // Assert
      expect(binding).toMatchObject({ planId: planIds.gold, enabled: true });
      expect(readsAt).toHaveLength(2);
    });

    it('a key disabled at the last read and enabled since is admitted on its next request', async () => {
      // Arrange
      const { source } = counted();
      const client = await createInPlan('Re-enabled');
      await cli(['disable', client.id, '--table', TABLE], moto.env);
      await source.load();
      const disabled = (await source.lookup(client.value))?.enabled;
      await cli(['enable', client.id, '--table', TABLE], moto.env);

      // Act
      const binding = await source.lookup(client.value);

      // Assert
      expect(disabled).toBe(false);
      expect(binding).toMatchObject({ planId: planIds.gold, enabled: true });
    });

    it('a flood of unknown keys shares reads: 50 at once make one read, and reads for them start at least the gap apart', async () => {
      // Arrange
      const { source, readsAt } = counted();
      await source.load();
      const unknown = (i: number): string => i.toString(16).padStart(64, 'f');

      // Act
      const together = await Promise.all(
        Array.from({ length: 50 }, (_, i) => source.lookup(unknown(i))),
      );
      const readsTogether = readsAt.length - 1;
      for (let i = 50; i < 55; i++) await source.lookup(unknown(i));

      // Assert: each later unknown key waited for its own read, spaced by the gap.
      expect(together.every((binding) => binding === undefined)).toBe(true);
      expect(readsTogether).toBe(1);
      const unknownReads = readsAt.slice(1);
      expect(unknownReads).toHaveLength(6);
      for (let i = 1; i < unknownReads.length; i++) {
        expect(unknownReads[i]! - unknownReads[i - 1]!).toBeGreaterThanOrEqual(
          UNKNOWN_KEY_REREAD_GAP_MS,
        );
      }
    });

    it('a known, enabled key is answered from the last read without reading again', async () => {
      // Arrange
      const client = await createInPlan('Known');
      const { source, readsAt } = counted();
      await source.load();

      // Act
      for (let i = 0; i < 5; i++) await source.lookup(client.value);

      // Assert
      expect(readsAt).toHaveLength(1);
    });
  });
});
