// The token handler's POST /oauth2/revoke: served only with a revocation store, 200 with no-store for every well-formed request, RFC 6749 §5.2 errors otherwise, metrics and logs.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ServerError } from '../../../functions/token/core/errors';
import {
  createTokenHandler,
  type TokenHandlerDeps,
  type TokenMetrics,
} from '../../../functions/token/create-handler';
import { basicAuthorization } from '../../support/basic-auth';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  SECRET,
  tokenEvent,
} from '../../support/token-fakes';

const signer = new InMemorySigner('ES256');

function setup(overrides: Partial<TokenHandlerDeps> = {}) {
  const store = new MemoryClientStore([
    clientRecord(),
    clientRecord({ client_id: 'rs', scopes: ['token:introspect'] }),
  ]);
  const rejected: string[] = [];
  const metrics = {
    addMetric: () => undefined,
    singleMetric: () => {
      let dimension = '';
      const single = {
        addDimension: (_n: string, value: string) => {
          dimension = value;
          return single;
        },
        // Only the revocation outcomes: the token issued first counts its auth method too.
        addMetric: (name: string) => {
          if (name === 'Revocations') rejected.push(dimension);
        },
      };
      return single;
    },
    hasStoredMetrics: () => false,
    publishStoredMetrics: () => undefined,
  };
  const deps: TokenHandlerDeps = {
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 3600, scopesSupported: [] },
    clientStore: store,
    revocations: store,
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    metrics: metrics as unknown as TokenMetrics,
    ...overrides,
  };
  return { handler: createTokenHandler(deps), store, rejected };
}

const revokeEvent = (body: string, authorization = basicAuthorization('client-1', SECRET)) =>
  tokenEvent({
    resource: '/oauth2/revoke',
    path: '/oauth2/revoke',
    headers: { 'Content-Type': FORM, Authorization: authorization },
    body,
  });

const issue = async (handler: ReturnType<typeof setup>['handler']): Promise<string> => {
  const res = await handler(tokenEvent());
  return (JSON.parse(res.body) as { access_token: string }).access_token;
};

describe('POST /oauth2/revoke', () => {
  it('answers 200 with no-store and records the revocation', async () => {
    // Arrange
    const { handler, store, rejected } = setup();
    const token = await issue(handler);

    // Act
    const res: APIGatewayProxyResult = await handler(revokeEvent(`token=${token}`));
    const garbage = await handler(revokeEvent('token=garbage'));

    // Assert
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    expect(garbage.statusCode).toBe(200);
    expect(store.revoked.size).toBe(1);
    expect(rejected).toEqual(['revoked', 'not-a-token']);
  });

  it('maps a malformed request to 400 invalid_request and bad credentials to 401', async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const noToken = await handler(revokeEvent('token_type_hint=access_token'));
    const badClient = await handler(revokeEvent('token=x', basicAuthorization('client-1', 'no')));

    // Assert
    expect([noToken.statusCode, JSON.parse(noToken.body).error]).toEqual([400, 'invalid_request']);
    expect([badClient.statusCode, JSON.parse(badClient.body).error]).toEqual([
      401,
      'invalid_client',
    ]);
    expect(badClient.headers?.['WWW-Authenticate']).toContain('Basic');
  });

  it('answers 500 server_error, without detail, when the store fails', async () => {
    // Arrange
    const store = new MemoryClientStore([clientRecord()]);
    const { handler } = setup({
      clientStore: store,
      revocations: {
        revokeToken: async () => {
          throw new ServerError('the client store failed');
        },
        revokedUntil: async () => undefined,
      },
    });
    const token = await issue(handler);

    // Act
    const res = await handler(revokeEvent(`token=${token}`));

    // Assert
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({
      error: 'server_error',
      error_description: 'internal error',
    });
  });

  it('is 405 for GET and 404 when revocation is off; the metadata lists it only when on', async () => {
    // Arrange
    const on = setup();
    const off = setup({ revocations: undefined });
    const metadata = (h: typeof on.handler) =>
      h(
        tokenEvent({
          resource: '/.well-known/oauth-authorization-server',
          path: '/.well-known/oauth-authorization-server',
          httpMethod: 'GET',
        }),
      );

    // Act
    const get = await on.handler({ ...revokeEvent('token=x'), httpMethod: 'GET' });
    const absent = await off.handler(revokeEvent('token=x'));

    // Assert
    expect([get.statusCode, get.headers?.Allow]).toEqual([405, 'POST']);
    expect(absent.statusCode).toBe(404);
    expect(JSON.parse((await metadata(on.handler)).body)).toHaveProperty(
      'revocation_endpoint',
      `${ISSUER}/oauth2/revoke`,
    );
    expect(JSON.parse((await metadata(off.handler)).body)).not.toHaveProperty(
      'revocation_endpoint',
    );
  });
});

describe('POST /oauth2/introspect', () => {
  const introspectEvent = (body: string, clientId = 'rs') =>
    tokenEvent({
      resource: '/oauth2/introspect',
      path: '/oauth2/introspect',
      headers: { 'Content-Type': FORM, Authorization: basicAuthorization(clientId, SECRET) },
      body,
    });

  it('answers 200 JSON with no-store: active, then {"active":false} after a revoke', async () => {
    // Arrange
    const { handler } = setup();
    const token = await issue(handler);

    // Act
    const active = await handler(introspectEvent(`token=${token}`));
    await handler(revokeEvent(`token=${token}`));
    const inactive = await handler(introspectEvent(`token=${token}`));

    // Assert
    expect(active.statusCode).toBe(200);
    expect(active.headers).toMatchObject({ 'Cache-Control': 'no-store' });
    expect(JSON.parse(active.body)).toMatchObject({ active: true, client_id: 'client-1' });
    expect(inactive.body).toBe('{"active":false}');
  });

  it('is 403 for a client without token:introspect, 401 for bad credentials, 500 without detail on a store failure', async () => {
    // Arrange
    const { handler } = setup();
    const failing = setup({
      revocations: {
        revokeToken: async () => undefined,
        revokedUntil: async () => {
          throw new ServerError('the client store failed');
        },
      },
    });
    const token = await issue(failing.handler);

    // Act
    const forbidden = await handler(introspectEvent('token=x', 'client-1'));
    const unknown = await handler(introspectEvent('token=x', 'nobody'));
    const broken = await failing.handler(introspectEvent(`token=${token}`));

    // Assert
    expect([forbidden.statusCode, JSON.parse(forbidden.body).error]).toEqual([
      403,
      'unauthorized_client',
    ]);
    expect(unknown.statusCode).toBe(401);
    expect(broken.statusCode).toBe(500);
  });

  it('is 404 when revocation is off', async () => {
    // Act
    const res = await setup({ revocations: undefined }).handler(introspectEvent('token=x'));

    // Assert
    expect(res.statusCode).toBe(404);
  });
});
