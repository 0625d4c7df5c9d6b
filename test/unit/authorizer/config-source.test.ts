// The authorizer's keys and routes from each source, through the real handler chain: inline document, table item (fake DynamoDB), plain variables; every unusable configuration refuses with 401 and logs why, and a failed read is retried no more than once a second.
import { DynamoDbConfigItemSource } from '../../../functions/authorizer/adapters/config-item-dynamodb';
import { loadAuthorizerSettings } from '../../../functions/authorizer/config';
import { configSourceFrom, policyLoaderFrom } from '../../../functions/authorizer/config-source';
import { createConfiguredHandler } from '../../../functions/authorizer/configured-handler';
import type { AuthorizerResult } from '../../../functions/authorizer/core/policy';
import { DYNAMODB } from '../../../functions/shared/aws/json-client';
import { AUTHORIZER_CONFIG_READ_BUDGET } from '../../../functions/shared/limits';
import {
  awsErrorReply,
  fakeAwsClient,
  type FakeReply,
  type FakeTransport,
} from '../../support/aws-json-fake';
import {
  AUDIENCE,
  ISSUER,
  makeKeys,
  NOW_MS,
  validClaims,
  validToken,
} from '../../support/jwt-fixtures';
import { encodeConfig, largeRouteMap } from '../../support/large-route-map';

const KEYS = makeKeys();
const ROUTES = { 'GET /orders/{id}': ['orders:read'] };
const TABLE = 'orders-authorizer-config';
const BASE_ENV = { ISSUER, AUDIENCE };
const token = validToken(KEYS.rs, validClaims({ scope: 'orders:read' }));

/** A REQUEST event for `GET /orders/7`, or another route. */
const event = (resource = '/orders/{id}', method = 'GET') =>
  ({
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/${method}/x`,
    resource,
    path: '/x',
    httpMethod: method,
    headers: { Authorization: `Bearer ${token}` },
  }) as never;

/** The item as DynamoDB's JSON protocol returns it (binary as base64). */
const item = (encoded: string): FakeReply => ({
  status: 200,
  body: { Item: { config: { B: encoded } } },
});

/** The Lambda's chain (handler.ts) over an environment, a fake DynamoDB and a settable clock. */
function chain(env: Record<string, string>, replies: FakeReply[] = []) {
  let now = NOW_MS;
  const logger = { warn: jest.fn(), error: jest.fn() };
  const fake: { transport?: FakeTransport } = {};
  const loadPolicy = policyLoaderFrom(env, {
    logger,
    clock: () => now,
    items: (tableName) => {
      const { client, transport } = fakeAwsClient(DYNAMODB, replies, {
        budget: AUTHORIZER_CONFIG_READ_BUDGET,
      });
      fake.transport = transport;
      return new DynamoDbConfigItemSource({ tableName, client });
    },
  });
  const settings = loadAuthorizerSettings(env);
  const handler = createConfiguredHandler({
    config: settings,
    loadPolicy,
    clock: () => NOW_MS,
    logger,
  });
  return {
    handler,
    logger,
    reads: () => fake.transport?.calls.length ?? 0,
    advance: (ms: number) => (now += ms),
    /** Every log line, as JSON, to check that no content was logged. */
    logged: () => JSON.stringify([...logger.warn.mock.calls, ...logger.error.mock.calls]),
  };
}

const effect = async (run: Promise<AuthorizerResult>) =>
  run.then(
    (result) => result.policyDocument.Statement[0]?.Effect,
    (error: Error) => error.message,
  );

describe('configSourceFrom', () => {
  it.each([
    [{}, { kind: 'environment' }],
    [{ PUBLIC_KEYS_PEM: '[]' }, { kind: 'environment' }],
    [{ AUTHORIZER_CONFIG: 'H4sI' }, { kind: 'inline', encoded: 'H4sI' }],
    [
      { AUTHORIZER_CONFIG_TABLE: TABLE, AUTHORIZER_CONFIG_SHA256: 'a'.repeat(64) },
      { kind: 'table', tableName: TABLE, sha256: 'a'.repeat(64) },
    ],
  ])('reads %j as %j', (env, source) => {
    // Act / Assert
    expect(configSourceFrom(env)).toEqual(source);
  });

  it.each([
    [
      { AUTHORIZER_CONFIG: 'x', PUBLIC_KEYS_PEM: '[]' },
      /AUTHORIZER_CONFIG must not be set together with PUBLIC_KEYS_PEM/,
    ],
    [
      { AUTHORIZER_CONFIG: 'x', AUTHORIZER_CONFIG_TABLE: TABLE },
      /AUTHORIZER_CONFIG must not be set together with AUTHORIZER_CONFIG_TABLE/,
    ],
    [
      { AUTHORIZER_CONFIG_SHA256: 'a'.repeat(64), ROUTE_SCOPES: '{}', PUBLIC_KEYS_PEM: '[]' },
      /AUTHORIZER_CONFIG_TABLE must not be set together with PUBLIC_KEYS_PEM and ROUTE_SCOPES/,
    ],
    [
      { AUTHORIZER_CONFIG_SHA256: 'a'.repeat(64) },
      /AUTHORIZER_CONFIG_TABLE must be a DynamoDB table name/,
    ],
    [
      { AUTHORIZER_CONFIG_TABLE: 'a/b', AUTHORIZER_CONFIG_SHA256: 'a'.repeat(64) },
      /AUTHORIZER_CONFIG_TABLE must be a DynamoDB table name/,
    ],
    [
      { AUTHORIZER_CONFIG_TABLE: TABLE },
      /AUTHORIZER_CONFIG_SHA256 must be 64 lowercase hex digits/,
    ],
    [
      { AUTHORIZER_CONFIG_TABLE: TABLE, AUTHORIZER_CONFIG_SHA256: 'A'.repeat(64) },
      /AUTHORIZER_CONFIG_SHA256 must be 64/,
    ],
  ])('refuses %j at the cold start', (env, message) => {
    // Act / Assert
    expect(() => configSourceFrom(env)).toThrow(message);
  });
});

describe('keys and routes inline (AUTHORIZER_CONFIG)', () => {
  it('decodes the document at the first invocation and decides from it', async () => {
    // Arrange
    const { encoded } = encodeConfig([KEYS.es.pem, KEYS.rs.pem], ROUTES);
    const { handler, logger } = chain({ ...BASE_ENV, AUTHORIZER_CONFIG: encoded });

    // Act
    const allowed = await effect(handler(event()));
    const unlisted = await effect(handler(event('/orders')));

    // Assert
    expect([allowed, unlisted]).toEqual(['Allow', 'Deny']);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('refuses every request with 401 when the document does not decompress, and logs it once as final', async () => {
    // Arrange: not gzip
    const { handler, logger, advance } = chain({
      ...BASE_ENV,
      AUTHORIZER_CONFIG: Buffer.from('{"format":1}').toString('base64'),
    });

    // Act
    const first = await effect(handler(event()));
    advance(60_000);
    const later = await effect(handler(event()));

    // Assert
    expect([first, later]).toEqual(['Unauthorized', 'Unauthorized']);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'Authorizer configuration unusable; every request is refused',
      { config_source: 'inline', reason: 'config_decompress_failed' },
    );
    expect(logger.warn).toHaveBeenCalledWith('Token rejected', {
      reason: 'ConfigurationUnavailable',
    });
  });
});

describe('keys and routes in the table (AUTHORIZER_CONFIG_TABLE, AUTHORIZER_CONFIG_SHA256)', () => {
  const large = largeRouteMap();
  const deployed = encodeConfig([KEYS.es.pem, KEYS.rs.pem], {
    ...large.routeScopes,
    ...ROUTES,
  });
  const env = {
    ...BASE_ENV,
    AUTHORIZER_CONFIG_TABLE: TABLE,
    AUTHORIZER_CONFIG_SHA256: deployed.sha256,
  };

  it('reads the item once, before the first decision, and decides on the first, a middle and the last route', async () => {
    // Arrange
    const { handler, reads } = chain(env, [item(deployed.encoded)]);
    const picked = [0, 600, 1199].map((i) => (large.routes[i] as string).split(' '));

    // Act: the three routes need scopes the token lacks (403); the token's own route allows
    const results = [];
    for (const [method, resource] of picked as [string, string][]) {
      results.push(await effect(handler(event(resource, method))));
    }
    results.push(await effect(handler(event())));

    // Assert
    expect(results).toEqual(['Deny', 'Deny', 'Deny', 'Allow']);
    expect(reads()).toBe(1);
  });

  it('shares one read among concurrent first invocations', async () => {
    // Arrange
    const { handler, reads } = chain(env, [item(deployed.encoded)]);

    // Act
    const results = await Promise.all([1, 2, 3, 4].map(() => effect(handler(event()))));

    // Assert
    expect(results).toEqual(['Allow', 'Allow', 'Allow', 'Allow']);
    expect(reads()).toBe(1);
  });

  it('refuses with 401 and logs a digest mismatch (tampered item) with the digest prefix, never the content, and never reads again', async () => {
    // Arrange: the stored item holds another valid document than the one deployed
    const tampered = encodeConfig([KEYS.es.pem, KEYS.rs.pem], {
      ...ROUTES,
      'GET /admin': [],
    });
    const { handler, logger, reads, advance, logged } = chain(env, [item(tampered.encoded)]);

    // Act
    const first = await effect(handler(event()));
    advance(10_000);
    const later = await effect(handler(event()));

    // Assert
    expect([first, later]).toEqual(['Unauthorized', 'Unauthorized']);
    expect(reads()).toBe(1);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'Authorizer configuration unusable; every request is refused',
      {
        config_source: 'table',
        config_sha256: deployed.sha256.slice(0, 12),
        reason: 'config_digest_mismatch',
      },
    );
    expect(logged()).not.toContain('BEGIN PUBLIC KEY');
    expect(logged()).not.toContain('orders:read');
    expect(logged()).not.toContain(deployed.sha256);
  });

  it('refuses with 401 while reads are throttled, reads again no sooner than a second later, then decides', async () => {
    // Arrange: the first read is throttled twice (its two attempts), the second succeeds
    const throttled = awsErrorReply('ProvisionedThroughputExceededException');
    const { handler, logger, reads, advance } = chain(env, [
      throttled,
      throttled,
      item(deployed.encoded),
    ]);

    // Act
    const first = await effect(handler(event()));
    const readsAfterFirst = reads();
    advance(999);
    const tooSoon = await effect(handler(event()));
    const readsTooSoon = reads();
    advance(1);
    const retried = await effect(handler(event()));

    // Assert
    expect([first, tooSoon, retried]).toEqual(['Unauthorized', 'Unauthorized', 'Allow']);
    expect([readsAfterFirst, readsTooSoon, reads()]).toEqual([2, 2, 3]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Authorizer configuration unavailable; requests are refused',
      {
        config_source: 'table',
        config_sha256: deployed.sha256.slice(0, 12),
        reason: 'ProvisionedThroughputExceededException',
        retry_after_ms: 1000,
      },
    );
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('refuses with 401 while the item is missing (deleted), and keeps trying once a second', async () => {
    // Arrange
    const { handler, reads, advance, logger } = chain(env, [{ status: 200, body: {} }]);

    // Act
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await effect(handler(event())));
      advance(1000);
    }

    // Assert
    expect(results).toEqual(['Unauthorized', 'Unauthorized', 'Unauthorized']);
    expect(reads()).toBe(3);
    expect(logger.warn).toHaveBeenCalledWith(
      'Authorizer configuration unavailable; requests are refused',
      expect.objectContaining({ reason: 'ConfigItemNotFound' }),
    );
  });

  it.each([
    [
      'a malformed item',
      { status: 200, body: { Item: { config: { S: 'x' } } } },
      'ConfigItemMalformed',
    ],
    [
      'an item that is not gzip',
      item(Buffer.from('x').toString('base64')),
      'config_decompress_failed',
    ],
  ])('refuses %s for good', async (_name, reply, reason) => {
    // Arrange
    const { handler, reads, advance, logger } = chain(env, [reply as FakeReply]);

    // Act
    const first = await effect(handler(event()));
    advance(5000);
    const later = await effect(handler(event()));

    // Assert
    expect([first, later]).toEqual(['Unauthorized', 'Unauthorized']);
    expect(reads()).toBe(1);
    expect(logger.error).toHaveBeenCalledWith(
      'Authorizer configuration unusable; every request is refused',
      expect.objectContaining({ reason }),
    );
  });

  it('never allows without its configuration, whatever the token and route', async () => {
    // Arrange: every read fails
    const { handler } = chain(env, [awsErrorReply('AccessDeniedException')]);
    const anyToken = validToken(KEYS.es, validClaims({ scope: 'orders:read orders:write' }));

    // Act
    const results = await Promise.all(
      ['/orders/{id}', '/', '/{proxy+}'].map((resource) =>
        effect(
          handler({
            ...(event(resource) as object),
            headers: { Authorization: `Bearer ${anyToken}` },
          } as never),
        ),
      ),
    );

    // Assert
    expect(results).toEqual(['Unauthorized', 'Unauthorized', 'Unauthorized']);
  });
});

describe('keys and routes as plain variables (PUBLIC_KEYS_PEM, ROUTE_SCOPES)', () => {
  it('parses them at the cold start, as before', async () => {
    // Arrange
    const { handler } = chain({
      ...BASE_ENV,
      PUBLIC_KEYS_PEM: JSON.stringify([KEYS.rs.pem]),
      ROUTE_SCOPES: JSON.stringify(ROUTES),
    });

    // Act / Assert
    expect(await effect(handler(event()))).toBe('Allow');
  });

  it('fails the cold start when they are invalid', () => {
    // Act / Assert
    expect(() => chain({ ...BASE_ENV, PUBLIC_KEYS_PEM: '["nope"]' })).toThrow(
      /Invalid configuration: PUBLIC_KEYS_PEM\[0\]/,
    );
  });
});
