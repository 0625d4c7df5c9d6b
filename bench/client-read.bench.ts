// `npm run bench:client-read`: the token path's cost of clients as code (issue 26), side by side against moto_server: the client lookup as one GetItem (before), as one BatchGetItem of the record and its declaration (now) and as two GetItems sent at once (the alternative), for a client of the CLI and a declared one, alone and inside whole token requests.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseClientRecord } from '../functions/token/adapters/client-record';
import { clientFromItems } from '../functions/token/adapters/declared-client';
import { DynamoDbClientStore } from '../functions/token/adapters/client-store-dynamodb';
import { fromAttributeMap, type Item } from '../functions/token/adapters/dynamodb-item';
import { Argon2PasswordHasher } from '../functions/token/adapters/password-hasher-argon2';
import { createPooledRandomBytes } from '../functions/token/adapters/random-bytes-pooled';
import { createTokenHandler } from '../functions/token/create-handler';
import type { ClientRecord, ClientStore } from '../functions/token/core/types';
import { toItem } from '../tools/dev-adapters/client-item-dynamodb';
import { LocalSigner } from '../tools/dev-adapters/signer-local';
import { basicAuthorization } from '../test/support/basic-auth';
import { createClientsTable, startMoto } from '../test/support/moto';
import { fmt, median, renderTable, timeOne } from './stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 40);
const TABLE = 'bench-clients';

/** The lookup before issue 26: one strongly consistent GetItem of the record. */
class OneGetItemClientStore extends DynamoDbClientStore {
  override async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const out = await this.call<{ Item?: Item }>('GetItem', {
      TableName: this.tableName,
      Key: { client_id: { S: clientId } },
      ConsistentRead: true,
    });
    return out.Item === undefined ? undefined : parseClientRecord(fromAttributeMap(out.Item));
  }
}

/** The alternative not taken: the record and its declaration with two GetItems sent at once. */
class TwoGetItemsClientStore extends DynamoDbClientStore {
  override async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const [runtime, declaration] = await Promise.all(
      [clientId, `declared#${clientId}`].map((key) =>
        this.call<{ Item?: Item }>('GetItem', {
          TableName: this.tableName,
          Key: { client_id: { S: key } },
          ConsistentRead: true,
        }),
      ),
    );
    const plain = (item: Item | undefined) =>
      item === undefined ? undefined : fromAttributeMap(item);
    return clientFromItems(clientId, plain(runtime?.Item), plain(declaration?.Item));
  }
}

const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] as number;

async function main(): Promise<void> {
  console.log(
    `Node.js ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.cpus().length}`,
  );
  const moto = await startMoto();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-client-read-'));
  try {
    const dynamo = new DynamoDBClient({ endpoint: moto.endpoint });
    await createClientsTable(dynamo, TABLE);
    const hasher = new Argon2PasswordHasher();
    const secret = randomBytes(32).toString('base64url');
    const hash = await hasher.hash(secret);
    const now = new Date().toISOString();
    const cliClient: ClientRecord = {
      client_id: 'cli-client',
      name: 'CLI',
      status: 'active',
      secrets: [{ hash, created_at: now }],
      scopes: ['orders:read'],
      audiences: [],
      token_endpoint_auth_method: 'client_secret',
      created_at: now,
      updated_at: now,
      version: 1,
    };
    // A declared client: its declaration (modules/client) and the runtime record the CLI wrote.
    const items: Item[] = [
      toItem(cliClient) as Item,
      {
        client_id: { S: 'declared#tf-client' },
        managed_by: { S: 'terraform' },
        terraform_address: { S: 'clients["bench"]' },
        name: { S: 'Terraform' },
        status: { S: 'active' },
        scopes: { L: [{ S: 'orders:read' }] },
        audiences: { L: [] },
        token_endpoint_auth_method: { S: 'client_secret' },
      },
      {
        client_id: { S: 'tf-client' },
        managed_by: { S: 'terraform' },
        secrets: { L: [{ M: { hash: { S: hash }, created_at: { S: now } } }] },
        created_at: { S: now },
        updated_at: { S: now },
        version: { N: '1' },
      },
    ];
    for (const item of items) {
      await dynamo.send(new PutItemCommand({ TableName: TABLE, Item: item as never }));
    }
    dynamo.destroy();

    const before = new OneGetItemClientStore({ tableName: TABLE });
    const after = new DynamoDbClientStore({ tableName: TABLE });
    const twoGets = new TwoGetItemsClientStore({ tableName: TABLE });
    const signer = new LocalSigner({ dataDir: tmp });
    const handler = (store: ClientStore) =>
      createTokenHandler({
        config: {
          issuer: 'http://127.0.0.1',
          defaultAudience: 'bench',
          tokenTtlSeconds: 3600,
          scopesSupported: [],
        },
        clientStore: store,
        signer,
        publicKeys: signer,
        hasher,
        clock: Date.now,
        randomBytes: createPooledRandomBytes(),
        logger: new Logger({ logLevel: 'SILENT' }),
      });
    const event = (clientId: string): APIGatewayProxyEvent =>
      ({
        resource: '/oauth2/token',
        path: '/oauth2/token',
        httpMethod: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: basicAuthorization(clientId, secret),
        },
        body: 'grant_type=client_credentials',
        isBase64Encoded: false,
      }) as unknown as APIGatewayProxyEvent;
    const token = (store: ClientStore, clientId: string) => {
      const h = handler(store);
      return async (): Promise<void> => {
        const res = await h(event(clientId));
        if (res.statusCode !== 200)
          throw new Error(`token request failed: ${res.statusCode} ${res.body}`);
      };
    };
    const lookup = (store: ClientStore, clientId: string) => async (): Promise<void> => {
      if ((await store.getClient(clientId)) === undefined) throw new Error(`no client ${clientId}`);
    };

    const cases = {
      'lookup, one GetItem (before), CLI client': lookup(before, 'cli-client'),
      'lookup, one BatchGetItem of both (now), CLI client': lookup(after, 'cli-client'),
      'lookup, one BatchGetItem of both (now), declared client': lookup(after, 'tf-client'),
      'lookup, two GetItems at once (not taken), CLI client': lookup(twoGets, 'cli-client'),
      'token request, before, CLI client': token(before, 'cli-client'),
      'token request, now, CLI client': token(after, 'cli-client'),
      'token request, now, declared client': token(after, 'tf-client'),
    };
    const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, [] as number[]]));
    // Warm-up: connections, JIT, the signer's key, argon2's thread pool.
    for (const run of Object.values(cases)) for (let i = 0; i < 5; i++) await run();
    console.log(
      `\nClient lookup against moto_server, ${ROUNDS} rounds of ${PER_ROUND}, interleaved case by case`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < PER_ROUND; i++) {
        // Rotate which case goes first, so load changes on a shared machine hit all alike.
        const entries = Object.entries(cases);
        const shift = (round + i) % entries.length;
        for (const [name, run] of [...entries.slice(shift), ...entries.slice(0, shift)]) {
          (samples[name] as number[]).push((await timeOne(run)) * 1000);
        }
      }
    }
    const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    const base = (name: string): number =>
      medians[
        name.startsWith('lookup')
          ? 'lookup, one GetItem (before), CLI client'
          : 'token request, before, CLI client'
      ] as number;
    for (const line of renderTable(
      ['case', 'median ms', 'p95 ms', 'median / before'],
      Object.entries(samples).map(([name, xs]) => [
        name,
        fmt(median(xs), 2),
        fmt(p95(xs), 2),
        fmt((medians[name] as number) / base(name), 3),
      ]),
    )) {
      console.log(line);
    }
    console.log(
      '\nmoto_server answers each GetItem in a few ms on this machine, far slower than DynamoDB in a Region (single-digit ms);\n' +
        'the ratio of the lookups is the cost of reading the declaration too, the ratio of the token requests\n' +
        'what it adds to a whole request (argon2id and the signature dominate).',
    );
  } finally {
    await moto.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
