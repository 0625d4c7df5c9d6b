// Clients declared in Terraform against moto over the wire: the declaration item as modules/client writes it, the token handler reading it beside the runtime record, the CLI's incident actions writing only what it owns, adopt, and a removed declaration.
import { randomBytes } from 'node:crypto';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { DynamoDbLastUseRecorder } from '../../functions/token/adapters/last-use-dynamodb';
import { DynamoDbReplayCache } from '../../functions/token/adapters/replay-cache-dynamodb';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { runCli } from '../../scripts/lib/clients/cli';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { toItem } from '../../tools/dev-adapters/client-item-dynamodb';
import { LocalSigner } from '../../tools/dev-adapters/signer-local';
import { EXIT } from '../../tools/cli/exit-codes';
import { basicAuthorization } from '../support/basic-auth';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  signAssertion,
} from '../support/client-assertions';
import { captureOutput, TEST_ACTOR } from '../support/clients-cli';
import { FakeHasher } from '../support/fake-hasher';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { clientRecord, FORM, ISSUER, tokenEvent } from '../support/token-fakes';
import { describeWithMoto } from '../support/tools';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

jest.setTimeout(120_000);

const TABLE = 'declared-it';
type Item = Record<string, AttributeValue>;

/** A declaration item as modules/client writes it (aws_dynamodb_table_item, jsonencode). */
function declaration(id: string, fields: Record<string, AttributeValue> = {}): Item {
  return {
    client_id: { S: `declared#${id}` },
    managed_by: { S: 'terraform' },
    terraform_address: { S: `clients["${id}"]` },
    name: { S: `Declared ${id}` },
    status: { S: 'active' },
    scopes: { L: [{ S: 'orders:read' }] },
    audiences: { L: [] },
    token_endpoint_auth_method: { S: 'client_secret' },
    ...fields,
  };
}

describeWithMoto()('clients declared in Terraform, against moto', () => {
  let moto: Moto;
  let dynamo: DynamoDBClient;
  let handler: TokenHandler;
  let dataDir: string;
  const key = clientKeyPair('ES256', 'k1');

  const get = async (clientId: string): Promise<Item | undefined> =>
    (
      await dynamo.send(
        new GetItemCommand({ TableName: TABLE, Key: { client_id: { S: clientId } } }),
      )
    ).Item;
  /** Terraform's create: a PutItem that explodes if the item exists. */
  const declare = (item: Item): Promise<unknown> =>
    dynamo.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#hk)',
        ExpressionAttributeNames: { '#hk': 'client_id' },
      }),
    );
  const cli = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const out = captureOutput();
    const code = await runCli([...argv, '--table', TABLE], {
      program: 'clients',
      out,
      env: { ...process.env, ...moto.env },
      hasher: new FakeHasher(),
      identifyCaller: async () => TEST_ACTOR,
      prompter: { interactive: false, ask: async () => undefined },
    });
    return { code, out: out.stdoutText(), err: out.stderrText() };
  };
  const secretToken = (id: string, secret: string): Promise<APIGatewayProxyResult> =>
    handler(
      tokenEvent({
        headers: { 'Content-Type': FORM, Authorization: basicAuthorization(id, secret) },
        body: 'grant_type=client_credentials',
      }),
    );
  const assertionToken = (id: string): Promise<APIGatewayProxyResult> =>
    handler(
      tokenEvent({
        headers: { 'Content-Type': FORM },
        body: assertionBody(
          signAssertion(key, assertionClaims(id, ISSUER, Math.floor(Date.now() / 1000))),
          { client_id: id },
        ),
      }),
    );

  beforeAll(async () => {
    moto = await startMoto();
    dynamo = new DynamoDBClient({ endpoint: moto.endpoint });
    await createClientsTable(dynamo, TABLE);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'declared-it-'));
    const signer = new LocalSigner({ dataDir });
    handler = createTokenHandler({
      config: {
        issuer: ISSUER,
        defaultAudience: 'https://api',
        tokenTtlSeconds: 900,
        scopesSupported: [],
      },
      clientStore: new DynamoDbClientStore({ tableName: TABLE }),
      replayCache: new DynamoDbReplayCache({ tableName: TABLE }),
      lastUse: new DynamoDbLastUseRecorder({ tableName: TABLE }),
      signer,
      publicKeys: signer,
      hasher: new FakeHasher(),
      clock: Date.now,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
  }, 90_000);

  afterAll(async () => {
    dynamo?.destroy();
    await moto?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a declared private_key_jwt client gets tokens with no CLI step; its last use creates a runtime record with no status', async () => {
    // Arrange
    await declare(
      declaration('jwt1', {
        token_endpoint_auth_method: { S: 'private_key_jwt' },
        public_keys: { L: [{ S: JSON.stringify(key.jwk) }] },
      }),
    );

    // Act
    const res = await assertionToken('jwt1');

    // Assert
    expect(res.statusCode).toBe(200);
    const runtime = await get('jwt1');
    expect(Object.keys(runtime ?? {}).sort()).toEqual(['client_id', 'last_used_at']);
    expect((await cli('show', 'jwt1', '--json')).out).toContain('"managed_by":"terraform"');
  });

  it('a declared secret client has no secret until the CLI sets one; the declaration is never written', async () => {
    // Arrange
    const declared = declaration('sec1', {
      token_endpoint_auth_method: { S: 'client_secret_basic' },
    });
    await declare(declared);

    // Act
    const before = await secretToken('sec1', 'anything');
    const rotated = await cli('rotate-secret', 'sec1', '--json');
    const secret = (JSON.parse(rotated.out) as { client_secret: string }).client_secret;
    const after = await secretToken('sec1', secret);

    // Assert
    expect(before.statusCode).toBe(401);
    expect(rotated.code).toBe(EXIT.OK);
    expect(after.statusCode).toBe(200);
    expect(await get('declared#sec1')).toEqual(declared);
    const runtime = (await get('sec1')) as Item;
    expect(runtime.status).toBeUndefined();
    expect(runtime.name).toBeUndefined();
    expect(runtime.managed_by).toEqual({ S: 'terraform' });
    expect(runtime.secrets?.L).toHaveLength(1);
    expect(JSON.stringify(runtime)).not.toContain(secret);
  });

  it('an incident disable sets the declaration status and tokens_not_before, and writes nothing else', async () => {
    // Arrange
    await declare(declaration('dis1'));

    // Act
    const disabled = await cli('disable', 'dis1');
    const enable = await cli('enable', 'dis1');

    // Assert
    expect(disabled.code).toBe(EXIT.OK);
    expect(await get('declared#dis1')).toEqual(declaration('dis1', { status: { S: 'disabled' } }));
    expect((await get('dis1'))?.tokens_not_before?.N).toMatch(/^\d+$/);
    expect(enable.code).toBe(EXIT.USAGE);
    expect(enable.err).toContain('is declared in Terraform at clients["dis1"]: set enabled = true');
  });

  it('refuses a disable whose declaration Terraform removed meanwhile (exit 3), and then knows no client', async () => {
    // Arrange: a runtime record exists (a secret), then Terraform removes the declaration
    await declare(declaration('gone1'));
    expect((await cli('rotate-secret', 'gone1')).code).toBe(EXIT.OK);
    const store = new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo });
    const read = await store.getClient('gone1');
    await dynamo.send(
      new DeleteItemCommand({ TableName: TABLE, Key: { client_id: { S: 'declared#gone1' } } }),
    );

    // Act: the disable's write, with what it read before the removal
    const racing = await store
      .updateClient(
        { ...read!, status: 'disabled', version: read!.version + 1 },
        read!.version,
        {
          key: 'audit#2030-01-01T00:00:00.000Z#0000000000000001',
          at: '2030-01-01T00:00:00.000Z',
          actor: TEST_ACTOR,
          command: 'disable',
          operation: 'update',
          client_id: 'gone1',
        },
        { disableDeclaration: true },
      )
      .catch((e: unknown) => e);
    const shown = await cli('show', 'gone1');

    // Assert
    expect((racing as Error).name).toBe('ConcurrentModificationError');
    expect(await get('declared#gone1')).toBeUndefined();
    expect(shown.code).toBe(EXIT.USAGE);
    expect(shown.err).toContain('no client with id gone1');
  });

  it('adopt reduces a CLI record that Terraform now declares to its runtime fields', async () => {
    // Arrange: a client the CLI made, then declared with its id
    const cliRecord = clientRecord({
      client_id: 'old1',
      usage_plan: 'gold',
      usage_key: 'k'.repeat(40),
    });
    await dynamo.send(new PutItemCommand({ TableName: TABLE, Item: toItem(cliRecord) }));
    await declare(declaration('old1', { name: { S: 'Adopted' } }));

    // Act
    const shown = await cli('show', 'old1');
    const adopted = await cli('adopt', 'old1');

    // Assert
    expect(shown.out).toContain('adoption:');
    expect(adopted.code).toBe(EXIT.OK);
    const runtime = (await get('old1')) as Item;
    expect(Object.keys(runtime).sort()).toEqual([
      'client_id',
      'created_at',
      'managed_by',
      'secrets',
      'terraform_address',
      'updated_at',
      'version',
    ]);
    expect(runtime.version).toEqual({ N: '2' });
    // Removing the declaration now leaves no client behind.
    await dynamo.send(
      new DeleteItemCommand({ TableName: TABLE, Key: { client_id: { S: 'declared#old1' } } }),
    );
    expect((await cli('show', 'old1')).code).toBe(EXIT.USAGE);
  });
});
