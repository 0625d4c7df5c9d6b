// Revocation end to end against moto behind the fault proxy: the token handler (issue, RFC 7009 revoke) and the authorizer's revocation check with its SigV4 BatchGetItem, the CLI's disable / enable / revoke-tokens, and the failure policy under DynamoDB faults.
import { AwsJsonClient, DYNAMODB } from '../../functions/shared/aws/json-client';
import { REVOCATION_READ_BUDGET } from '../../functions/shared/limits';
import { createPublicKey, randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { DynamoDbRevocationStateSource } from '../../functions/authorizer/adapters/revocation-state-dynamodb';
import { loadAuthorizerConfig } from '../../functions/authorizer/config';
import {
  createAuthorizerHandler,
  type AuthorizerHandler,
} from '../../functions/authorizer/create-handler';
import { DynamoDbClientStore } from '../../functions/token/adapters/client-store-dynamodb';
import { Argon2PasswordHasher } from '../../functions/token/adapters/password-hasher-argon2';
import { KmsPublicKeySource } from '../../functions/token/adapters/public-keys-kms';
import { DynamoDbRevocationStore } from '../../functions/token/adapters/revocation-store-dynamodb';
import { KmsSigner } from '../../functions/token/adapters/signer-kms';
import { createTokenHandler, type TokenHandler } from '../../functions/token/create-handler';
import { TOKENS_NOT_BEFORE_MARGIN_SECONDS } from '../../functions/shared/limits';
import { deleteClient } from '../../scripts/lib/clients/commands/delete';
import { revokeTokenById } from '../../scripts/lib/clients/commands/revoke-token';
import { revokeTokens } from '../../scripts/lib/clients/commands/revoke-tokens';
import { setClientStatus } from '../../scripts/lib/clients/commands/set-status';
import type { CommandDeps } from '../../scripts/lib/clients/model';
import { DynamoDbClientAdminStore } from '../../tools/dev-adapters/client-admin-store-dynamodb';
import { basicAuthorization } from '../support/basic-auth';
import { awsError, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { createClientsTable, startMoto, MOTO_REGION, type Moto } from '../support/moto';
import { clientRecord, FORM, ISSUER, tokenEvent } from '../support/token-fakes';
import { describeWithMoto } from '../support/tools';

jest.setTimeout(120_000);

const TABLE = 'revocation-it';
const AUDIENCE = 'https://api.example.com';
const BATCH_GET = 'DynamoDB_20120810.BatchGetItem';
const SECRET = randomBytes(24).toString('base64url');
/** C and W of the test authorizers, shortened by configuration. */
const CACHE_TTL_SECONDS = 2;
const STALE_SECONDS = 3;
const ARN = 'arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/orders';

function authorizerEvent(token: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: ARN,
    resource: '/orders',
    path: '/orders',
    httpMethod: 'GET',
    headers: { Authorization: `Bearer ${token}` },
    multiValueHeaders: { Authorization: [`Bearer ${token}`] },
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

describeWithMoto()('revocation against moto (authorizer check, RFC 7009, CLI)', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let admin: DynamoDbClientAdminStore;
  let dynamo: DynamoDBClient;
  let token: TokenHandler;
  let publicKeyPem: string;
  /** Offset added to every clock of this test, to step over cache TTLs and tokens_not_before. */
  let offsetMs = 0;
  const clock = (): number => Date.now() + offsetMs;
  const hasher = new Argon2PasswordHasher({ memoryCost: 4096, timeCost: 1 });
  const deps = (): CommandDeps => ({
    store: admin,
    hasher,
    clock,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    out: { stdout: () => undefined, stderr: () => undefined },
    actor: async () => 'revocation-test',
  });

  /** A fresh authorizer container: its own revocation cache. */
  const coldAuthorizer = (): AuthorizerHandler =>
    createAuthorizerHandler({
      config: loadAuthorizerConfig({
        ISSUER,
        AUDIENCE,
        PUBLIC_KEYS_PEM: JSON.stringify([publicKeyPem]),
        ROUTE_SCOPES: JSON.stringify({ 'GET /orders': [] }),
        REVOCATION_CHECK: 'true',
        CLIENTS_TABLE: TABLE,
        REVOCATION_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS),
        REVOCATION_STALE_SECONDS: String(STALE_SECONDS),
      }),
      clock,
      revocationSource: new DynamoDbRevocationStateSource({
        tableName: TABLE,
        client: new AwsJsonClient({
          service: DYNAMODB,
          region: MOTO_REGION,
          endpoint: proxy.url,
          credentials: () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }),
          budget: REVOCATION_READ_BUDGET,
        }),
      }),
    });

  const post = (path: string, clientId: string, body: string): Promise<APIGatewayProxyResult> =>
    token(
      tokenEvent({
        resource: path,
        path,
        headers: { 'Content-Type': FORM, Authorization: basicAuthorization(clientId, SECRET) },
        body,
      }),
    );
  const issue = async (clientId = 'orders'): Promise<string> => {
    const res = await post('/oauth2/token', clientId, 'grant_type=client_credentials');
    expect(res.statusCode).toBe(200);
    return (JSON.parse(res.body) as { access_token: string }).access_token;
  };
  const revoke = (clientId: string, accessToken: string): Promise<APIGatewayProxyResult> =>
    post('/oauth2/revoke', clientId, `token=${accessToken}&token_type_hint=access_token`);
  const decide = (authorizer: AuthorizerHandler, accessToken: string): Promise<string> =>
    authorizer(authorizerEvent(accessToken)).then(
      (result) => result.policyDocument.Statement[0]?.Effect as string,
      (err: Error) => err.message,
    );
  const createClient = async (clientId: string): Promise<void> => {
    await admin.createClient(
      clientRecord({
        client_id: clientId,
        audiences: [AUDIENCE],
        secrets: [{ hash: await hasher.hash(SECRET), created_at: new Date().toISOString() }],
      }),
    );
  };

  beforeAll(async () => {
    moto = await startMoto();
    dynamo = new DynamoDBClient({ endpoint: moto.endpoint });
    const kms = new KMSClient({ endpoint: moto.endpoint });
    await createClientsTable(dynamo, TABLE);
    const key = await kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    );
    const keyId = key.KeyMetadata?.KeyId as string;
    kms.destroy();
    proxy = await startFaultProxy(moto.endpoint);
    admin = new DynamoDbClientAdminStore({ tableName: TABLE, client: dynamo });
    const publicKeys = new KmsPublicKeySource({ keyIds: [keyId] });
    const [jwk] = await publicKeys.publicKeys();
    publicKeyPem = createPublicKey({ key: { ...jwk }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    token = createTokenHandler({
      config: {
        issuer: ISSUER,
        defaultAudience: AUDIENCE,
        tokenTtlSeconds: 900,
        scopesSupported: [],
      },
      clientStore: new DynamoDbClientStore({ tableName: TABLE }),
      revocations: new DynamoDbRevocationStore({ tableName: TABLE }),
      signer: new KmsSigner({ keyId, algorithm: 'RS256' }),
      publicKeys,
      hasher,
      clock,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
  }, 90_000);

  afterAll(async () => {
    dynamo?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  beforeEach(() => {
    proxy.clear();
    proxy.resetCounts();
  });

  it('allows a live token, and reads revocation state once per cache TTL', async () => {
    // Arrange
    await createClient('live');
    const accessToken = await issue('live');
    const authorizer = coldAuthorizer();

    // Act
    const first = await decide(authorizer, accessToken);
    const second = await decide(authorizer, accessToken);

    // Assert
    expect([first, second]).toEqual(['Allow', 'Allow']);
    expect(proxy.attempts(BATCH_GET)).toBe(1);
  });

  it('disable: 401 once the cache TTL has passed, and enable does not revive the token', async () => {
    // Arrange
    await createClient('disabled');
    const accessToken = await issue('disabled');
    const authorizer = coldAuthorizer();
    expect(await decide(authorizer, accessToken)).toBe('Allow');
    // disable sets tokens_not_before to its own second: tokens of earlier seconds stay dead.
    offsetMs += 1000;

    // Act
    await setClientStatus(deps(), 'disabled', 'disabled');
    const withinCache = await decide(authorizer, accessToken);
    offsetMs += CACHE_TTL_SECONDS * 1000;
    const afterCache = await decide(authorizer, accessToken);
    await setClientStatus(deps(), 'disabled', 'active');
    offsetMs += CACHE_TTL_SECONDS * 1000;
    const afterEnable = await decide(authorizer, accessToken);

    // Assert: the bound is the cache TTL C (API Gateway's result TTL T comes on top, docs/revocation.md).
    expect(withinCache).toBe('Allow');
    expect(afterCache).toBe('Unauthorized');
    expect(afterEnable).toBe('Unauthorized');
  });

  it('revoke-tokens kills old tokens, refuses issuance until tokens_not_before, then issues live ones', async () => {
    // Arrange
    await createClient('rotating');
    const old = await issue('rotating');

    // Act
    const record = await revokeTokens(deps(), 'rotating');
    const refused = await post('/oauth2/token', 'rotating', 'grant_type=client_credentials');
    offsetMs += (TOKENS_NOT_BEFORE_MARGIN_SECONDS + 1) * 1000;
    const fresh = await issue('rotating');
    const authorizer = coldAuthorizer();

    // Assert
    expect(record.status).toBe('active');
    expect(refused.statusCode).toBe(503);
    expect(await decide(authorizer, old)).toBe('Unauthorized');
    expect(await decide(authorizer, fresh)).toBe('Allow');
  });

  it('RFC 7009: revoking a token answers 200, turns it into 401, is idempotent, and stores it until exp + skew', async () => {
    // Arrange
    await createClient('revoker');
    const accessToken = await issue('revoker');
    const other = await issue('revoker');
    const { jti, exp } = JSON.parse(
      Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString(),
    ) as { jti: string; exp: number };

    // Act
    const first = await revoke('revoker', accessToken);
    const again = await revoke('revoker', accessToken);
    const authorizer = coldAuthorizer();
    const item = await dynamo.send(
      new GetItemCommand({ TableName: TABLE, Key: { client_id: { S: `revoked#${jti}` } } }),
    );

    // Assert
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(await decide(authorizer, accessToken)).toBe('Unauthorized');
    expect(await decide(authorizer, other)).toBe('Allow');
    expect(item.Item?.expires_at?.N).toBe(String(exp + 30));
    expect(item.Item?.revoked_client_id?.S).toBe('revoker');
    // The revocation item is not a client: list skips it and the token endpoint does not know it.
    expect((await admin.listClients()).some((c) => c.client_id.includes('#'))).toBe(false);
  });

  it('RFC 7662: introspection reports active, then exactly {"active":false} after a revoke; a client without token:introspect gets 403', async () => {
    // Arrange
    await createClient('introspected');
    await admin.createClient(
      clientRecord({
        client_id: 'resource-server',
        scopes: ['token:introspect'],
        secrets: [{ hash: await hasher.hash(SECRET), created_at: new Date().toISOString() }],
      }),
    );
    const accessToken = await issue('introspected');
    const introspect = (clientId: string) =>
      post('/oauth2/introspect', clientId, `token=${accessToken}`);

    // Act
    const active = await introspect('resource-server');
    const forbidden = await introspect('introspected');
    await revoke('introspected', accessToken);
    const inactive = await introspect('resource-server');

    // Assert
    expect(active.statusCode).toBe(200);
    expect(JSON.parse(active.body)).toMatchObject({
      active: true,
      client_id: 'introspected',
      sub: 'introspected',
      iss: ISSUER,
      token_type: 'Bearer',
    });
    expect(forbidden.statusCode).toBe(403);
    expect(inactive.body).toBe('{"active":false}');
  });

  it("a foreign client's revoke answers 200 and has no effect; garbage and unknown tokens get 200 too", async () => {
    // Arrange
    await createClient('victim');
    await createClient('attacker');
    const accessToken = await issue('victim');

    // Act
    const foreign = await revoke('attacker', accessToken);
    const garbage = await revoke('attacker', 'not-a-token');
    const authorizer = coldAuthorizer();

    // Assert
    expect([foreign.statusCode, garbage.statusCode]).toEqual([200, 200]);
    expect(await decide(authorizer, accessToken)).toBe('Allow');
  });

  it('RFC 7009 §2.2.1: a request without token is invalid_request; a wrong secret is invalid_client', async () => {
    // Arrange
    await createClient('malformed');

    // Act
    const noToken = await post('/oauth2/revoke', 'malformed', 'token_type_hint=access_token');
    const wrongSecret = await token(
      tokenEvent({
        resource: '/oauth2/revoke',
        path: '/oauth2/revoke',
        headers: { 'Content-Type': FORM, Authorization: basicAuthorization('malformed', 'nope') },
        body: 'token=abc',
      }),
    );

    // Assert
    expect(noToken.statusCode).toBe(400);
    expect(JSON.parse(noToken.body)).toMatchObject({ error: 'invalid_request' });
    expect(wrongSecret.statusCode).toBe(401);
    expect(JSON.parse(wrongSecret.body)).toMatchObject({ error: 'invalid_client' });
  });

  it('the CLI revoke-token JTI and delete make tokens fail', async () => {
    // Arrange
    await createClient('operator');
    const byJti = await issue('operator');
    const byDelete = await issue('operator');
    const { jti } = JSON.parse(
      Buffer.from(byJti.split('.')[1] as string, 'base64url').toString(),
    ) as { jti: string };

    // Act
    await revokeTokenById(deps(), jti);
    const authorizer = coldAuthorizer();
    const revoked = await decide(authorizer, byJti);
    const beforeDelete = await decide(authorizer, byDelete);
    await deleteClient(deps(), 'operator');
    offsetMs += CACHE_TTL_SECONDS * 1000;
    const afterDelete = await decide(authorizer, byDelete);

    // Assert
    expect([revoked, beforeDelete, afterDelete]).toEqual(['Unauthorized', 'Allow', 'Unauthorized']);
  });

  describe('failure policy: last known state for C + W, then fail closed', () => {
    let faulty = 0;
    for (const [name, fault] of [
      ['InternalServerError (500)', awsError('InternalServerError', 500)],
      ['ThrottlingException (400)', awsError('ThrottlingException')],
      ['connection reset', { kind: 'reset' } as const],
      ['hang', { kind: 'hang' } as const],
    ] as const) {
      it(`${name}: stale Allow within C + W, 401 after, 401 for an unseen token, recovery after`, async () => {
        // Arrange
        const id = `faulty-${(faulty += 1)}`;
        await createClient(id);
        const seen = await issue(id);
        const unseen = await issue(id);
        const authorizer = coldAuthorizer();
        expect(await decide(authorizer, seen)).toBe('Allow');

        // Act
        proxy.inject(BATCH_GET, fault);
        offsetMs += CACHE_TTL_SECONDS * 1000;
        const started = performance.now();
        const stale = await decide(authorizer, seen);
        const elapsedMs = performance.now() - started;
        const fresh = await decide(authorizer, unseen);
        offsetMs += STALE_SECONDS * 1000;
        const closed = await decide(authorizer, seen);
        proxy.clear();
        const recovered = await decide(authorizer, seen);

        // Assert
        expect(stale).toBe('Allow');
        expect(fresh).toBe('Unauthorized');
        expect(closed).toBe('Unauthorized');
        expect(recovered).toBe('Allow');
        // A hung read is cut by the 1.5 s budget (wide margin for a shared machine: a bound).
        expect(elapsedMs).toBeLessThan(1500 + 2500);
      });
    }
  });
});
