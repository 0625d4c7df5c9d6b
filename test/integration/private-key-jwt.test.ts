// private_key_jwt against moto over the wire: the conditional-PutItem replay cache (first use, replay, race, expired item), the admin store's JWKS round trip, and the token handler with a KMS signer.
import { AwsJsonClient, DYNAMODB } from '../../functions/shared/aws/json-client';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { jwtVerify, createLocalJWKSet } from 'jose';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { DynamoDbReplayCache } from '../../functions/token/adapters/replay-cache-dynamodb';
import type { TokenHandler } from '../../functions/token/create-handler';
import { assertionJtiKey } from '../../functions/token/core/replay-keys';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  signAssertion,
} from '../support/client-assertions';
import {
  ED25519_IDENTITY,
  forgeAssertion,
  primeModulusKey,
  smallOrderEd25519Key,
  verifiesWithRawKey,
  type DegenerateKey,
} from '../support/degenerate-keys';
import { createRsaSigningKey, motoTokenHandler } from '../support/moto-token-handler';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { FORM, ISSUER, tokenEvent } from '../support/token-fakes';
import { describeWithMoto } from '../support/tools';

jest.setTimeout(120_000);

const TABLE = 'pkjwt-it';
const now = (): number => Math.floor(Date.now() / 1000);

describeWithMoto()('private_key_jwt against moto', () => {
  let moto: Moto;
  let dynamo: DynamoDBClient;
  let cache: DynamoDbReplayCache;
  let admin: DynamoDbClientAdminStore;
  let handler: TokenHandler;
  let publicKeys: KmsPublicKeySource;
  const keys = [
    clientKeyPair('RS256'),
    clientKeyPair('PS256'),
    clientKeyPair('ES384'),
    clientKeyPair('EdDSA'),
  ];

  beforeAll(async () => {
    moto = await startMoto();
    dynamo = new DynamoDBClient({ endpoint: moto.endpoint });
    await createClientsTable(dynamo, TABLE);
    cache = new DynamoDbReplayCache({
      tableName: TABLE,
      client: new AwsJsonClient({ service: DYNAMODB, env: process.env, endpoint: moto.endpoint }),
    });
    admin = new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo });
    ({ handler, publicKeys } = motoTokenHandler(TABLE, await createRsaSigningKey(moto.endpoint)));
  }, 90_000);

  afterAll(async () => {
    dynamo?.destroy();
    await moto?.stop();
  });

  it('records a jti once: the second use is a replay, and another client may use the same jti', async () => {
    // Arrange
    const use = {
      clientId: 'c1',
      jti: `j-${randomBytes(4).toString('hex')}`,
      expiresAt: now() + 90,
    };

    // Act
    const first = await cache.useOnce(use);
    const second = await cache.useOnce(use);
    const otherClient = await cache.useOnce({ ...use, clientId: 'c2' });

    // Assert
    expect([first, second, otherClient]).toEqual([true, false, true]);
    const item = await dynamo.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { client_id: { S: assertionJtiKey('c1', use.jti) } },
        ConsistentRead: true,
      }),
    );
    expect(item.Item?.expires_at?.N).toBe(String(use.expiresAt));
  });

  it('lets exactly one of many concurrent uses of one jti through (the conditional write)', async () => {
    // Arrange
    const use = {
      clientId: 'c1',
      jti: `race-${randomBytes(4).toString('hex')}`,
      expiresAt: now() + 90,
    };

    // Act
    const results = await Promise.all(Array.from({ length: 8 }, () => cache.useOnce(use)));

    // Assert
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('reuses an entry that expired but TTL has not deleted yet', async () => {
    // Arrange: an expired item, as DynamoDB may still hold it for days
    const jti = `old-${randomBytes(4).toString('hex')}`;
    await dynamo.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          client_id: { S: assertionJtiKey('c1', jti) },
          expires_at: { N: String(now() - 5) },
        },
      }),
    );

    // Act / Assert
    expect(await cache.useOnce({ clientId: 'c1', jti, expiresAt: now() + 90 })).toBe(true);
  });

  it('stores a JWKS record and reads it back unchanged; the CLI list skips jti items', async () => {
    // Arrange
    const record = jwtClientRecord(
      keys.map((k) => k.jwk),
      { client_id: 'jwt-rt' },
    );

    // Act
    await admin.createClient(record);
    const read = await admin.getClient('jwt-rt');
    const listed = await admin.listClients();

    // Assert
    expect(read).toEqual(record);
    expect(listed.map((r) => r.client_id)).not.toContainEqual(expect.stringMatching(/^jti#/));
  });

  it('issues a KMS-signed token for an assertion of each key type, once per assertion', async () => {
    // Arrange
    await admin.createClient(
      jwtClientRecord(
        keys.map((k) => k.jwk),
        { client_id: 'jwt-issue', audiences: ['https://api'] },
      ),
    );
    const jwks = createLocalJWKSet({ keys: await publicKeys.publicKeys() } as never);
    const request = (assertion: string) =>
      handler(tokenEvent({ headers: { 'Content-Type': FORM }, body: assertionBody(assertion) }));

    for (const pair of keys) {
      const assertion = signAssertion(pair, assertionClaims('jwt-issue', ISSUER, now()));

      // Act
      const first = await request(assertion);
      const replay = await request(assertion);

      // Assert
      expect(first.statusCode).toBe(200);
      const { payload } = await jwtVerify(JSON.parse(first.body).access_token, jwks, {
        issuer: ISSUER,
        audience: 'https://api',
      });
      expect(payload.client_id).toBe('jwt-issue');
      expect(replay.statusCode).toBe(401);
      expect(JSON.parse(replay.body).error).toBe('invalid_client');
    }
  });

  it('refuses forged assertions for degenerate keys another tool wrote, with invalid_client (issue 21)', async () => {
    // Arrange: a record written past the CLI, holding keys anyone can sign for
    const degenerate = [smallOrderEd25519Key('identity', ED25519_IDENTITY), primeModulusKey()];
    await admin.createClient(
      jwtClientRecord(
        degenerate.map((k) => k.jwk),
        { client_id: 'jwt-degenerate', audiences: ['https://api'] },
      ),
    );
    const forged = degenerate.map((k) =>
      forgeAssertion(k, (attempt) =>
        assertionClaims('jwt-degenerate', ISSUER, now(), { jti: `forged-${attempt}-${k.name}` }),
      ),
    );

    for (const [i, assertion] of forged.entries()) {
      // Act
      const res = await handler(
        tokenEvent({ headers: { 'Content-Type': FORM }, body: assertionBody(assertion) }),
      );

      // Assert: the raw key would have verified it
      expect(verifiesWithRawKey(degenerate[i] as DegenerateKey, assertion)).toBe(true);
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body)).toEqual({
        error: 'invalid_client',
        error_description: 'client authentication failed',
      });
    }
  });
});
