// Revocation across two Regions on one moto_server (eu-west-1, the control Region, and us-east-1), each with its own clients table of the same name and its config#regions item: moto has no global tables, so this is "replication that never arrives", the worst case. Shows the CLI's control-Region rule and fan-out (cutoff# and revoked# items, per-Region report, exit 4 with a Region down; delete's tombstone; --skip-control-region while the control Region is down), the token function's RFC 7009 fan-out (503 with a Region down), and that both Regions' authorizers, token functions and introspection deny; tokens a lagging Region issued during an incident stay dead after `enable` (docs/multi-region.md).
import { createPublicKey } from 'node:crypto';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { REVOCATION_FANOUT_RETRY_AFTER_SECONDS } from '../../functions/shared/limits';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import type { TokenHandler, TokenMetrics } from '../../functions/token/create-handler';
import { runCli, type CliOptions } from '../../scripts/lib/clients/cli';
import type { RegionResult } from '../../scripts/lib/clients/regions';
import { EXIT } from '../../tools/cli/exit-codes';
import {
  CONFIG_REGIONS_KEY,
  DynamoDbRegionalRevocations,
} from '../../tools/dev-adapters/regional-revocations-dynamodb';
import { basicAuthorization } from '../support/basic-auth';
import { captureOutput } from '../support/clients-cli';
import { createClientsTable, freePort, startMoto, type Moto } from '../support/moto';
import { FORM, tokenEvent } from '../support/token-fakes';
import { describeWithMoto } from '../support/tools';
import {
  authorizerDecision,
  jtiOf,
  regionalAuthorizer,
  regionalTokenHandler,
  type RegionalTokenOptions,
  type TwoRegionLambdas,
} from '../support/two-region-lambdas';

jest.setTimeout(120_000);

const TABLE = 'mr-revocation-it';
const AUDIENCE = 'https://api.example.com';
/** The control Region (the primary) and the other one. */
const A = 'eu-west-1';
const B = 'us-east-1';

describeWithMoto()('revocation across two Regions on moto (no replication)', () => {
  let moto: Moto;
  let sdk: Record<string, DynamoDBClient>;
  let keyId: string;
  let publicKeys: KmsPublicKeySource;
  let publicKeyPem: string;
  /** A port nothing listens on: a Region that cannot be reached (connection refused). */
  let deadEndpoint: string;
  const hasher = new Argon2PasswordHasher({ memoryCost: 4096, timeCost: 1 });

  /** What the Lambdas of both Regions share. */
  const lambdas = (): TwoRegionLambdas => ({
    moto,
    table: TABLE,
    audience: AUDIENCE,
    regions: [A, B],
    keyId,
    publicKeys,
    publicKeyPem,
    hasher,
    deadEndpoint,
  });
  /** A fresh authorizer container of one Region (its own cache), and its decision on a token. */
  const decide = (region: string, accessToken: string): Promise<string> =>
    authorizerDecision(regionalAuthorizer(lambdas(), region), accessToken);
  /** The token function of one Region, fanning RFC 7009 revocations out to the other. */
  const tokenHandler = (region: string, options: RegionalTokenOptions = {}): TokenHandler =>
    regionalTokenHandler(lambdas(), region, options);
  const post = (
    handler: TokenHandler,
    path: string,
    client: { id: string; secret: string },
    body: string,
  ): Promise<APIGatewayProxyResult> =>
    handler(
      tokenEvent({
        resource: path,
        path,
        headers: {
          'Content-Type': FORM,
          Authorization: basicAuthorization(client.id, client.secret),
        },
        body,
      }),
    );
  const issue = (region: string, client: { id: string; secret: string }) =>
    post(tokenHandler(region), '/oauth2/token', client, 'grant_type=client_credentials');
  const accessToken = async (region: string, client: { id: string; secret: string }) => {
    const res = await issue(region, client);
    expect([region, res.statusCode]).toEqual([region, 200]);
    return (JSON.parse(res.body) as { access_token: string }).access_token;
  };

  /** Runs the clients CLI in process, in one Region (AWS_REGION), against the real SDK stores. */
  const cli = async (
    region: string,
    argv: string[],
    extra: Partial<CliOptions> = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> => {
    const out = captureOutput();
    const code = await runCli([...argv, '--table', TABLE], {
      program: 'clients',
      out,
      env: { ...moto.env, AWS_REGION: region },
      hasher,
      identifyCaller: async () => 'arn:aws:iam::123456789012:user/operator',
      ...extra,
    });
    return { code, stdout: out.stdoutText(), stderr: out.stderrText() };
  };
  const getItem = async (region: string, key: string) =>
    (
      await (sdk[region] as DynamoDBClient).send(
        new GetItemCommand({
          TableName: TABLE,
          Key: { client_id: { S: key } },
          ConsistentRead: true,
        }),
      )
    ).Item;
  /** Simulated replication: copies an item of A's table into B's, as a global table would. */
  const replicate = async (key: string): Promise<void> => {
    const item = (await getItem(A, key)) as Record<string, AttributeValue>;
    await (sdk[B] as DynamoDBClient).send(new PutItemCommand({ TableName: TABLE, Item: item }));
  };
  /** A client created by the CLI in the control Region and replicated to B. */
  const createReplicatedClient = async (
    scopes = 'orders:read',
  ): Promise<{ id: string; secret: string }> => {
    const created = await cli(A, ['create', '--name', 'Orders', '--scopes', scopes, '--json']);
    expect(created.code).toBe(EXIT.OK);
    const view = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    await replicate(view.client_id);
    return { id: view.client_id, secret: view.client_secret };
  };

  /** The CLI's per-Region writer, run from `own`, with `down` unreachable (connection refused). */
  const regionsWithDown = (own: string, down: string) => async () =>
    new DynamoDbRegionalRevocations({
      tableName: TABLE,
      ownRegion: own,
      clientFor: (region) =>
        new DynamoDBClient({
          region,
          endpoint: region === down ? deadEndpoint : moto.endpoint,
          maxAttempts: 1,
        }),
    });
  /** Waits (bounded, no fixed sleep) until the epoch second has advanced. */
  const nextSecond = async (): Promise<void> => {
    const start = Math.floor(Date.now() / 1000);
    const deadline = Date.now() + 3000;
    while (Math.floor(Date.now() / 1000) === start && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Math.floor(Date.now() / 1000)).toBeGreaterThan(start);
  };

  beforeAll(async () => {
    moto = await startMoto();
    deadEndpoint = `http://127.0.0.1:${await freePort()}`;
    sdk = Object.fromEntries(
      [A, B].map((region) => [region, new DynamoDBClient({ endpoint: moto.endpoint, region })]),
    );
    for (const region of [A, B]) {
      await createClientsTable(sdk[region] as DynamoDBClient, TABLE);
      // What Terraform writes into every Region's table (helper 3's modules): the Regions and
      // the control Region.
      await (sdk[region] as DynamoDBClient).send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            client_id: { S: CONFIG_REGIONS_KEY },
            regions: { L: [{ S: A }, { S: B }] },
            control_region: { S: A },
          },
        }),
      );
    }
    const kms = new KMSClient({ endpoint: moto.endpoint });
    keyId = (await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })))
      .KeyMetadata?.KeyId as string;
    kms.destroy();
    publicKeys = new KmsPublicKeySource({ keyIds: [keyId] });
    const [jwk] = await publicKeys.publicKeys();
    publicKeyPem = createPublicKey({ key: { ...jwk }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  }, 90_000);

  afterAll(async () => {
    for (const client of Object.values(sdk ?? {})) client.destroy();
    await moto?.stop();
  });

  it('a client created in the control Region and replicated gets tokens from both Regions, and both authorizers allow them', async () => {
    // Arrange
    const client = await createReplicatedClient();

    // Act
    const [fromA, fromB] = [await accessToken(A, client), await accessToken(B, client)];

    // Assert
    expect([await decide(A, fromB), await decide(B, fromA)]).toEqual(['Allow', 'Allow']);
  });

  it("revoke-tokens fans out: both Regions' authorizers deny, and B's token function refuses, though B's record never changed", async () => {
    // Arrange
    const client = await createReplicatedClient();
    const tokens = [await accessToken(A, client), await accessToken(B, client)];

    // Act
    const revoked = await cli(A, ['revoke-tokens', client.id, '--json']);

    // Assert: the report names each Region ...
    expect(revoked.code).toBe(EXIT.OK);
    expect((JSON.parse(revoked.stdout) as { regions: RegionResult[] }).regions).toEqual([
      { region: A, result: 'ok' },
      { region: B, result: 'ok' },
    ]);
    // ... B's record is the replica of before (replication never arrives on moto) ...
    expect((await getItem(B, client.id))?.tokens_not_before).toBeUndefined();
    expect((await getItem(B, `cutoff#${client.id}`))?.tokens_not_before?.N).toMatch(/^\d+$/);
    // ... yet every token is dead in both Regions, and B issues none until tokens_not_before
    for (const region of [A, B]) {
      for (const token of tokens)
        expect([region, await decide(region, token)]).toEqual([region, 'Unauthorized']);
    }
    const refused = await issue(B, client);
    expect([refused.statusCode, JSON.parse(refused.body).error]).toEqual([
      503,
      'temporarily_unavailable',
    ]);
  });

  it("disable fans out: B's token function refuses the client (cutoff says disabled) and introspection says inactive, while B's record says active", async () => {
    // Arrange
    const client = await createReplicatedClient();
    const resourceServer = await createReplicatedClient('token:introspect');
    const token = await accessToken(B, client);
    const introspect = async (): Promise<boolean> => {
      const res = await post(
        tokenHandler(B),
        '/oauth2/introspect',
        resourceServer,
        `token=${token}`,
      );
      return (JSON.parse(res.body) as { active: boolean }).active;
    };
    const activeBefore = await introspect();

    // Act
    const disabled = await cli(A, ['disable', client.id]);

    // Assert
    expect(disabled.code).toBe(EXIT.OK);
    expect(disabled.stdout).toMatch(new RegExp(`${B} +ok`));
    expect((await getItem(B, client.id))?.status?.S).toBe('active');
    const refused = await issue(B, client);
    expect([refused.statusCode, JSON.parse(refused.body).error]).toEqual([401, 'invalid_client']);
    expect([await decide(A, token), await decide(B, token)]).toEqual([
      'Unauthorized',
      'Unauthorized',
    ]);
    // Introspection in B reads the cutoff too.
    expect([activeBefore, await introspect()]).toEqual([true, false]);
    // show, from either Region, reports the cutoff of each.
    const shown = await cli(B, ['show', client.id, '--json']);
    expect(
      (
        JSON.parse(shown.stdout) as { revocation_state: { region: string; state: string }[] }
      ).revocation_state.map((r) => [r.region, r.state]),
    ).toEqual([
      [A, 'disabled'],
      [B, 'disabled'],
    ]);
  });

  it("RFC 7009 at A's token function fans out, so B's authorizer denies the token too", async () => {
    // Arrange
    const client = await createReplicatedClient();
    const token = await accessToken(A, client);

    // Act
    const res = await post(tokenHandler(A), '/oauth2/revoke', client, `token=${token}`);

    // Assert
    expect(res.statusCode).toBe(200);
    expect((await getItem(B, `revoked#${jtiOf(token)}`))?.expires_at?.N).toMatch(/^\d+$/);
    expect([await decide(A, token), await decide(B, token)]).toEqual([
      'Unauthorized',
      'Unauthorized',
    ]);
    // A token that was not revoked still passes in both.
    const other = await accessToken(B, client);
    expect([await decide(A, other), await decide(B, other)]).toEqual(['Allow', 'Allow']);
  });

  it('with B unreachable, the CLI reports B failed and exits 4 after writing A; the 7009 endpoint answers 503, logs and counts B; a retry once B answers closes the gap', async () => {
    // Arrange
    const client = await createReplicatedClient();
    const token = await accessToken(A, client);
    const openRegions = regionsWithDown(A, B);
    const counted: string[] = [];
    const metrics = {
      addMetric: (name: string) => void counted.push(name),
      singleMetric: () => {
        const single = { addDimension: () => single, addMetric: () => undefined };
        return single;
      },
      hasStoredMetrics: () => false,
      publishStoredMetrics: () => undefined,
    } as unknown as TokenMetrics;
    const lines: Record<string, unknown>[] = [];
    const capture = (chunk: unknown): boolean => {
      const text = String(chunk);
      if (text.startsWith('{')) lines.push(JSON.parse(text) as Record<string, unknown>);
      return true;
    };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);

    // Act
    const revoked = await cli(A, ['revoke-tokens', client.id, '--json'], { openRegions });
    let res: APIGatewayProxyResult;
    try {
      res = await post(
        tokenHandler(A, { otherRegionDown: true, metrics, logLevel: 'INFO' }),
        '/oauth2/revoke',
        client,
        `token=${token}`,
      );
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }

    // Assert: the CLI ...
    expect(revoked.code).toBe(EXIT.INCOMPLETE);
    expect((JSON.parse(revoked.stdout) as { regions: RegionResult[] }).regions).toEqual([
      { region: A, result: 'ok' },
      expect.objectContaining({ region: B, result: 'failed', error: 'unreachable' }),
    ]);
    expect(revoked.stderr).toContain(`not written in ${B}`);
    expect(await getItem(A, `cutoff#${client.id}`)).toBeDefined();
    // ... and RFC 7009 §2.2.1: 503, the client must assume the token still exists, and retry
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBe(String(REVOCATION_FANOUT_RETRY_AFTER_SECONDS));
    expect(lines.find((l) => l.message === 'revocation request failed')?.regions).toEqual({
      [A]: 'ok',
      [B]: 'connection',
    });
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(counted).toContain('RevocationFanOutFailures');
    // The gap the report names: A denies, B (which no replication reaches here) still allows ...
    expect([await decide(A, token), await decide(B, token)]).toEqual(['Unauthorized', 'Allow']);

    // ... until B answers again and the operator and the client retry (both idempotent).
    const rerun = await cli(A, ['revoke-tokens', client.id]);
    const retried = await post(tokenHandler(A), '/oauth2/revoke', client, `token=${token}`);
    expect([rerun.code, retried.statusCode]).toEqual([EXIT.OK, 200]);
    expect(await decide(B, token)).toBe('Unauthorized');
  });

  it("delete writes a disabled cutoff to every Region before the record goes: B refuses the client though B's record still exists; a client declared again with the id is re-enabled by enable", async () => {
    // Arrange
    const client = await createReplicatedClient();
    const token = await accessToken(B, client);

    // Act
    const deleted = await cli(A, ['delete', client.id, '--yes', '--json']);

    // Assert: the report names each Region, A's record is gone, B's replica is still active ...
    expect(deleted.code).toBe(EXIT.OK);
    expect((JSON.parse(deleted.stdout) as { regions: RegionResult[] }).regions).toEqual([
      { region: A, result: 'ok' },
      { region: B, result: 'ok' },
    ]);
    expect(await getItem(A, client.id)).toBeUndefined();
    expect((await getItem(B, client.id))?.status?.S).toBe('active');
    // ... yet the tombstone makes B refuse the client and its tokens at once
    expect((await getItem(B, `cutoff#${client.id}`))?.status?.S).toBe('disabled');
    const refused = await issue(B, client);
    expect([refused.statusCode, JSON.parse(refused.body).error]).toEqual([401, 'invalid_client']);
    expect(await decide(B, token)).toBe('Unauthorized');

    // The same id declared in Terraform (the declaration item its module writes in each Region):
    // the tombstone keeps it disabled until `enable` in the control Region rewrites the cutoffs,
    // although the new client's record versions start again (a declared client without a runtime
    // record is version 0).
    for (const region of [A, B]) {
      await (sdk[region] as DynamoDBClient).send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            client_id: { S: `declared#${client.id}` },
            managed_by: { S: 'terraform' },
            terraform_address: { S: 'module.clients["orders"]' },
            name: { S: 'Orders' },
            status: { S: 'active' },
            scopes: { L: [{ S: 'orders:read' }] },
            audiences: { L: [] },
            token_endpoint_auth_method: { S: 'client_secret' },
          },
        }),
      );
    }
    const before = await cli(A, ['show', client.id, '--json']);
    const enabled = await cli(A, ['enable', client.id, '--json']);
    const after = await cli(A, ['show', client.id, '--json']);
    const states = (shown: { stdout: string }) =>
      (
        JSON.parse(shown.stdout) as { revocation_state: { region: string; state: string }[] }
      ).revocation_state.map((r) => [r.region, r.state]);
    expect(states(before)).toEqual([
      [A, 'disabled'],
      [B, 'disabled'],
    ]);
    expect(enabled.code).toBe(EXIT.OK);
    expect((JSON.parse(enabled.stdout) as { regions: RegionResult[] }).regions).toEqual([
      { region: A, result: 'ok' },
      { region: B, result: 'ok' },
    ]);
    expect(states(after)).toEqual([
      [A, 'active'],
      [B, 'active'],
    ]);
  });

  it("with the control Region unreachable, disable --skip-control-region from B writes B's cutoff, reports A and the record not written, exits 4, and B denies; a later enable in A re-enables both", async () => {
    // Arrange
    const client = await createReplicatedClient();
    const token = await accessToken(B, client);
    const fromB = regionsWithDown(B, A);

    // Act
    const normal = await cli(B, ['disable', client.id], { openRegions: fromB });
    const emergency = await cli(B, ['disable', client.id, '--skip-control-region', '--json'], {
      openRegions: fromB,
    });

    // Assert: the normal command is refused (it writes the record); the emergency one writes B ...
    expect(normal.code).toBe(EXIT.USAGE);
    expect(emergency.code).toBe(EXIT.INCOMPLETE);
    const report = JSON.parse(emergency.stdout) as {
      record: { region: string; result: string };
      regions: RegionResult[];
    };
    expect(report.record).toEqual({ region: A, result: 'not-written' });
    expect(report.regions).toEqual([
      expect.objectContaining({ region: A, result: 'failed', error: 'unreachable' }),
      { region: B, result: 'ok' },
    ]);
    expect(emergency.stderr).toContain(
      `the client record in the control Region ${A} was not written (--skip-control-region), nor the cutoff in ${A}`,
    );
    expect([
      (await getItem(A, client.id))?.status?.S,
      (await getItem(B, client.id))?.status?.S,
    ]).toEqual(['active', 'active']);
    // ... so B refuses the client and its tokens, though no record says disabled
    const refused = await issue(B, client);
    expect([refused.statusCode, JSON.parse(refused.body).error]).toEqual([401, 'invalid_client']);
    expect(await decide(B, token)).toBe('Unauthorized');

    // A answers again: a normal enable there rewrites every Region's cutoff (the emergency write
    // kept B's record_version, so it is replaced) ...
    const enabled = await cli(A, ['enable', client.id]);
    expect(enabled.code).toBe(EXIT.OK);
    const fresh = [await accessToken(A, client), await accessToken(B, client)];
    for (const region of [A, B]) {
      for (const t of fresh) expect([region, await decide(region, t)]).toEqual([region, 'Allow']);
    }
    // ... and no cutoff write lowers a tokens_not_before: B keeps the emergency one (tokens
    // issued before it stay dead there), though A's record has none. A never got that write (moto
    // never replicates; a global table would bring it), which is why the report says to run
    // `disable` again normally first.
    const emergencyNotBefore = Date.parse(
      (JSON.parse(emergency.stdout) as { tokens_not_before: string }).tokens_not_before,
    );
    expect((await getItem(A, client.id))?.tokens_not_before).toBeUndefined();
    expect([
      (await getItem(A, `cutoff#${client.id}`))?.tokens_not_before?.N,
      (await getItem(B, `cutoff#${client.id}`))?.tokens_not_before?.N,
    ]).toEqual(['0', String(emergencyNotBefore / 1000)]);
  });

  it('a cutoff write of an older record version never replaces a later one (two operators crossing)', async () => {
    // Arrange
    const regions = new DynamoDbRegionalRevocations({ tableName: TABLE, ownRegion: A });
    const cutoff = { clientId: 'crossing', tokensNotBefore: 100, updatedAt: 100 };

    // Act
    const later = await regions.putCutoff(B, { ...cutoff, status: 'disabled', recordVersion: 6 });
    const older = await regions.putCutoff(B, { ...cutoff, status: 'active', recordVersion: 5 });
    const again = await regions.putCutoff(B, { ...cutoff, status: 'disabled', recordVersion: 6 });

    // Assert
    expect([later, older, again]).toEqual(['written', 'superseded', 'written']);
    expect((await getItem(B, 'cutoff#crossing'))?.status?.S).toBe('disabled');
  });

  it('a cutoff write never lowers tokens_not_before, and a tombstone (version 0) gives way to any later write', async () => {
    // Arrange
    const regions = new DynamoDbRegionalRevocations({ tableName: TABLE, ownRegion: A });
    const cutoff = { clientId: 'monotone', updatedAt: 100 };

    // Act
    const killed = await regions.putCutoff(B, {
      ...cutoff,
      status: 'disabled',
      tokensNotBefore: 200,
      recordVersion: 6,
      tombstone: true,
    });
    const earlierTime = await regions.putCutoff(B, {
      ...cutoff,
      status: 'active',
      tokensNotBefore: 150,
      recordVersion: 1,
    });

    // Assert: the status of the later write, the later tokens_not_before of the two
    expect([killed, earlierTime]).toEqual(['written', 'written']);
    const item = await getItem(B, 'cutoff#monotone');
    expect([item?.status?.S, item?.tokens_not_before?.N, item?.record_version?.N]).toEqual([
      'active',
      '200',
      '1',
    ]);
  });

  it("an emergency cutoff keeps the Region's record_version, so the control Region's next write at that version replaces its status", async () => {
    // Arrange
    const regions = new DynamoDbRegionalRevocations({ tableName: TABLE, ownRegion: B });
    const normal = { clientId: 'emergency', tokensNotBefore: 0, recordVersion: 3, updatedAt: 100 };
    await regions.putCutoff(B, { ...normal, status: 'active' });

    // Act
    const emergency = await regions.putEmergencyCutoff(B, {
      clientId: 'emergency',
      status: 'disabled',
      tokensNotBefore: 300,
      updatedAt: 300,
    });
    const during = await getItem(B, 'cutoff#emergency');
    const enabled = await regions.putCutoff(B, { ...normal, status: 'active', updatedAt: 400 });
    const after = await getItem(B, 'cutoff#emergency');

    // Assert
    expect([emergency, enabled]).toEqual(['written', 'written']);
    const view = (item: typeof during) => [
      item?.status?.S,
      item?.tokens_not_before?.N,
      item?.record_version?.N,
    ];
    expect([view(during), view(after)]).toEqual([
      ['disabled', '300', '3'],
      ['active', '300', '3'],
    ]);
  });

  it('keeps dead, after enable, every token B issued between a disable and its arrival in B; a token issued after the enable is allowed in both Regions', async () => {
    // Arrange: a client created in A and replicated to B, with a token from before the incident.
    const client = await createReplicatedClient();
    const before = await accessToken(A, client);
    await nextSecond();

    // Act 1: the incident: disable in the control Region while B cannot be reached (exit 4). The
    // attacker, holding the leaked secret, keeps minting in B (neither record nor cutoff there),
    // from the next second on (so not "the same second" as the disable).
    const disabled = await cli(A, ['disable', client.id], { openRegions: regionsWithDown(A, B) });
    expect(disabled.code).toBe(EXIT.INCOMPLETE);
    await nextSecond();
    const mintedInB = await accessToken(B, client);
    // B answers again: the operator reruns disable, the record replicates; B now refuses.
    expect((await cli(A, ['disable', client.id])).code).toBe(EXIT.OK);
    await replicate(client.id);
    expect([await decide(A, mintedInB), await decide(B, mintedInB)]).toEqual([
      'Unauthorized',
      'Unauthorized',
    ]);

    // Act 2: the end of the incident, in a later second than B's last token (tokens_not_before
    // has one-second granularity: a token of the enable's own second lives, docs/revocation.md):
    // rotate the leaked secret, enable, replicate.
    await nextSecond();
    const rotated = JSON.parse(
      (await cli(A, ['rotate-secret', client.id, '--grace', '0', '--json'])).stdout,
    ) as { client_secret: string };
    expect((await cli(A, ['enable', client.id])).code).toBe(EXIT.OK);
    await replicate(client.id);

    // Assert: the token from before and the one minted during the incident stay dead in both
    // Regions; a token issued after the enable (in a later second) is allowed in both.
    expect([await decide(A, before), await decide(B, before)]).toEqual([
      'Unauthorized',
      'Unauthorized',
    ]);
    expect([await decide(A, mintedInB), await decide(B, mintedInB)]).toEqual([
      'Unauthorized',
      'Unauthorized',
    ]);
    await nextSecond();
    const fresh = await accessToken(B, { id: client.id, secret: rotated.client_secret });
    expect([await decide(A, fresh), await decide(B, fresh)]).toEqual(['Allow', 'Allow']);
  });

  it("admin writes from B's Region are refused, naming the control Region; reads and revoke-token are not", async () => {
    // Arrange
    const client = await createReplicatedClient();

    // Act
    const update = await cli(B, ['update', client.id, '--scopes', 'orders:write']);
    const show = await cli(B, ['show', client.id]);
    const revokeToken = await cli(B, ['revoke-token', 'leaked-jti', '--json']);

    // Assert
    expect(update.code).toBe(EXIT.USAGE);
    expect(update.stderr).toContain(`AWS_REGION is ${B}, the control Region is ${A}`);
    expect((await getItem(B, client.id))?.scopes).toEqual({ L: [{ S: 'orders:read' }] });
    expect(show.code).toBe(EXIT.OK);
    expect(revokeToken.code).toBe(EXIT.OK);
    expect((await getItem(A, 'revoked#leaked-jti'))?.expires_at?.N).toMatch(/^\d+$/);
  });
});
