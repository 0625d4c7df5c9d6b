// The end of an incident across Regions (issue 27; docs/multi-region.md): tokens a lagging Region issued between a `disable` and its arrival there stay dead after `rotate-secret` and `enable`, because `enable` sets `tokens_not_before` too, while a token issued after the `enable` is allowed in both Regions. Found by the independent review as a proof of concept, kept inverted.
import { createPublicKey } from 'node:crypto';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import type { TokenHandler } from '../../functions/token/create-handler';
import { runCli, type CliOptions } from '../../scripts/lib/clients/cli';
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
  regionalAuthorizer,
  regionalTokenHandler,
  type TwoRegionLambdas,
} from '../support/two-region-lambdas';

jest.setTimeout(120_000);

const TABLE = 'incident-lag';
const AUDIENCE = 'https://api.example.com';
const A = 'eu-west-1';
const B = 'us-east-1';

describeWithMoto()('the end of an incident across two Regions', () => {
  let moto: Moto;
  let sdk: Record<string, DynamoDBClient>;
  let ctx: TwoRegionLambdas;
  const hasher = new Argon2PasswordHasher({ memoryCost: 4096, timeCost: 1 });

  const cli = async (argv: string[], extra: Partial<CliOptions> = {}) => {
    const out = captureOutput();
    const code = await runCli([...argv, '--table', TABLE], {
      program: 'clients',
      out,
      env: { ...moto.env, AWS_REGION: A },
      hasher,
      identifyCaller: async () => 'arn:aws:iam::123456789012:user/operator',
      ...extra,
    });
    return { code, stdout: out.stdoutText(), stderr: out.stderrText() };
  };
  const replicate = async (key: string): Promise<void> => {
    const got = await (sdk[A] as DynamoDBClient).send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { client_id: { S: key } },
        ConsistentRead: true,
      }),
    );
    await (sdk[B] as DynamoDBClient).send(
      new PutItemCommand({ TableName: TABLE, Item: got.Item as Record<string, AttributeValue> }),
    );
  };
  const issue = (handler: TokenHandler, id: string, secret: string) =>
    handler(
      tokenEvent({
        headers: { 'Content-Type': FORM, Authorization: basicAuthorization(id, secret) },
        body: 'grant_type=client_credentials',
      }),
    );
  const tokenOf = (res: APIGatewayProxyResult): string => {
    expect(res.statusCode).toBe(200);
    return (JSON.parse(res.body) as { access_token: string }).access_token;
  };
  /** Waits (bounded, no fixed sleep) until the clock's epoch second has advanced. */
  const nextSecond = async (): Promise<void> => {
    const start = Math.floor(Date.now() / 1000);
    const deadline = Date.now() + 3000;
    while (Math.floor(Date.now() / 1000) === start && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Math.floor(Date.now() / 1000)).toBeGreaterThan(start);
  };
  const decide = (region: string, token: string) =>
    authorizerDecision(regionalAuthorizer(ctx, region), token);

  beforeAll(async () => {
    moto = await startMoto();
    const deadEndpoint = `http://127.0.0.1:${await freePort()}`;
    sdk = Object.fromEntries(
      [A, B].map((region) => [region, new DynamoDBClient({ endpoint: moto.endpoint, region })]),
    );
    for (const region of [A, B]) {
      await createClientsTable(sdk[region] as DynamoDBClient, TABLE);
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
    const keyId = (
      await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))
    ).KeyMetadata?.KeyId as string;
    kms.destroy();
    const publicKeys = new KmsPublicKeySource({ keyIds: [keyId] });
    const [jwk] = await publicKeys.publicKeys();
    const publicKeyPem = createPublicKey({ key: { ...jwk }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    ctx = {
      moto,
      table: TABLE,
      audience: AUDIENCE,
      regions: [A, B],
      keyId,
      publicKeys,
      publicKeyPem,
      hasher,
      deadEndpoint,
    };
  }, 90_000);

  afterAll(async () => {
    for (const client of Object.values(sdk ?? {})) client.destroy();
    await moto?.stop();
  });

  it('keeps dead, after enable, every token B issued between the disable and its arrival in B', async () => {
    // Arrange: a client created in A and replicated to B, with a token from before the incident.
    const created = await cli(['create', '--name', 'Orders', '--scopes', 'orders:read', '--json']);
    const view = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    const id = view.client_id;
    const leaked = view.client_secret;
    await replicate(id);
    const before = tokenOf(await issue(regionalTokenHandler(ctx, A), id, leaked));
    await nextSecond();

    // Act 1: incident: disable in the control Region while B cannot be reached (exit 4).
    const bDown = async () =>
      new DynamoDbRegionalRevocations({
        tableName: TABLE,
        ownRegion: A,
        clientFor: (region) =>
          new DynamoDBClient({
            region,
            endpoint: region === B ? ctx.deadEndpoint : moto.endpoint,
            maxAttempts: 1,
          }),
      });
    const disabled = await cli(['disable', id], { openRegions: bDown });
    expect(disabled.code).toBe(EXIT.INCOMPLETE);
    // The attacker, holding the leaked secret, keeps minting in B (record and cutoff not there),
    // from the next second on (so not "the same second" as the disable).
    await nextSecond();
    const mintedInB = tokenOf(await issue(regionalTokenHandler(ctx, B), id, leaked));
    // B answers again: the operator reruns disable, the record replicates; B now refuses.
    expect((await cli(['disable', id])).code).toBe(EXIT.OK);
    await replicate(id);
    expect([await decide(A, mintedInB), await decide(B, mintedInB)]).toEqual([
      'Unauthorized',
      'Unauthorized',
    ]);

    // Act 2: end of the incident, in a later second than B's last token (tokens_not_before has
    // one-second granularity: a token of the enable's own second lives, docs/revocation.md):
    // rotate the leaked secret, enable, replicate.
    await nextSecond();
    expect((await cli(['rotate-secret', id, '--grace', '0'])).code).toBe(EXIT.OK);
    expect((await cli(['enable', id])).code).toBe(EXIT.OK);
    await replicate(id);

    // Assert: the pre-incident token and the one minted during the incident both stay dead in
    // both Regions; a token issued after the enable (in a later second) is allowed in both.
    expect([await decide(A, before), await decide(B, before)]).toEqual([
      'Unauthorized',
      'Unauthorized',
    ]);
    expect([await decide(A, mintedInB), await decide(B, mintedInB)]).toEqual([
      'Unauthorized',
      'Unauthorized',
    ]);
    const rotated = JSON.parse(
      (await cli(['rotate-secret', id, '--grace', '0', '--json'])).stdout,
    ) as { client_secret: string };
    await replicate(id);
    await nextSecond();
    const fresh = tokenOf(await issue(regionalTokenHandler(ctx, B), id, rotated.client_secret));
    expect([await decide(A, fresh), await decide(B, fresh)]).toEqual(['Allow', 'Allow']);
  });
});
