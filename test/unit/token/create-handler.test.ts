// Unit tests of the token handler: routing, HTTP mapping of every error, headers, metrics and logs.
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ServerError, TemporarilyUnavailableError } from '../../../functions/token/core/errors';
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

class FakeMetrics {
  readonly added: string[] = [];
  readonly rejected: string[] = [];
  published = 0;
  private stored = 0;
  addMetric(name: string): void {
    this.added.push(name);
    this.stored += 1;
  }
  singleMetric() {
    let dimension = '';
    const single = {
      addDimension: (_name: string, value: string) => {
        dimension = value;
        return single;
      },
      addMetric: (name: string) => {
        this.rejected.push(`${name}:${dimension}`);
      },
    };
    return single;
  }
  hasStoredMetrics(): boolean {
    return this.stored > 0;
  }
  publishStoredMetrics(): void {
    this.published += 1;
    this.stored = 0;
  }
}

function setup(overrides: Partial<TokenHandlerDeps> = {}) {
  const store = new MemoryClientStore([clientRecord()]);
  const metrics = new FakeMetrics();
  const deps: TokenHandlerDeps = {
    config: {
      issuer: ISSUER,
      defaultAudience: 'https://default.example.com',
      tokenTtlSeconds: 3600,
      scopesSupported: ['orders:read', 'orders:write'],
    },
    clientStore: store,
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    metrics: metrics as unknown as TokenMetrics,
    ...overrides,
  };
  return { handler: createTokenHandler(deps), store, metrics, deps };
}

const body = (result: APIGatewayProxyResult): Record<string, unknown> =>
  JSON.parse(result.body) as Record<string, unknown>;

const TOKEN_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
};

describe('createTokenHandler', () => {
  describe('POST /oauth2/token', () => {
    it('issues a token that verifies against the served JWKS', async () => {
      // Arrange
      const { handler, metrics } = setup();

      // Act
      const result = await handler(tokenEvent());
      const jwks = await handler(
        tokenEvent({
          resource: '/.well-known/jwks.json',
          path: '/.well-known/jwks.json',
          httpMethod: 'GET',
        }),
      );

      // Assert
      expect(result.statusCode).toBe(200);
      expect(result.headers).toEqual(TOKEN_HEADERS);
      const json = body(result);
      expect(json).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'orders:read orders:write',
      });
      const { payload, protectedHeader } = await jwtVerify(
        json.access_token as string,
        createLocalJWKSet(body(jwks) as never),
        {
          issuer: ISSUER,
          audience: 'https://api.example.com',
          typ: 'at+jwt',
          currentDate: new Date(FIXED_NOW_MS),
        },
      );
      expect(protectedHeader.kid).toBe(signer.info.kid);
      expect(payload.client_id).toBe('client-1');
      expect(metrics.added).toEqual(['TokensIssued']);
      expect(metrics.published).toBe(1);
    });

    it('omits scope from the response when none was granted', async () => {
      // Arrange
      const { handler, store } = setup();
      store.records.set('client-1', clientRecord({ scopes: [] }));

      // Act
      const result = await handler(tokenEvent());

      // Assert
      expect(body(result)).not.toHaveProperty('scope');
    });

    it('reads headers case-insensitively and accepts JSON and base64 bodies', async () => {
      // Arrange
      const { handler } = setup();
      const json = JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'client-1',
        client_secret: SECRET,
      });

      // Act
      const result = await handler(
        tokenEvent({
          headers: { 'content-type': 'application/json; charset=UTF-8' },
          body: Buffer.from(json).toString('base64'),
          isBase64Encoded: true,
        }),
      );

      // Assert
      expect(result.statusCode).toBe(200);
    });

    it('serves the resource API Gateway matched, whatever the stage or base path in the path', async () => {
      // Arrange
      const { handler } = setup();

      // Act
      const result = await handler(
        tokenEvent({ resource: '/oauth2/token', path: '/v1/oauth2/token' }),
      );

      // Assert
      expect(result.statusCode).toBe(200);
    });

    it.each([
      [
        'a wrong content type',
        { headers: { 'Content-Type': 'text/plain' } },
        400,
        'invalid_request',
      ],
      ['no headers at all', { headers: null as never }, 400, 'invalid_request'],
      [
        'a malformed JSON body',
        { headers: { 'Content-Type': 'application/json' }, body: '{"a":' },
        400,
        'invalid_request',
      ],
      [
        'a repeated parameter',
        { body: 'grant_type=client_credentials&grant_type=client_credentials' },
        400,
        'invalid_request',
      ],
      ['a missing grant_type', { body: 'scope=orders:read' }, 400, 'invalid_request'],
      [
        'a Basic header that is not base64',
        { headers: { 'Content-Type': FORM, Authorization: 'Basic %%%' } },
        400,
        'invalid_request',
      ],
      [
        'a Basic header without colon',
        {
          headers: {
            'Content-Type': FORM,
            Authorization: `Basic ${Buffer.from('id').toString('base64')}`,
          },
        },
        400,
        'invalid_request',
      ],
      [
        'both authentication methods',
        { body: `grant_type=client_credentials&client_secret=${SECRET}` },
        400,
        'invalid_request',
      ],
      ['an unsupported grant_type', { body: 'grant_type=password' }, 400, 'unsupported_grant_type'],
      [
        'an invalid scope',
        { body: 'grant_type=client_credentials&scope=admin' },
        400,
        'invalid_scope',
      ],
      [
        'an invalid audience',
        { body: 'grant_type=client_credentials&audience=x' },
        400,
        'invalid_target',
      ],
      [
        'an oversized body',
        { body: `grant_type=client_credentials&x=${'a'.repeat(16384)}` },
        413,
        'invalid_request',
      ],
    ])('answers %s with %i %s', async (_label, overrides, status, code) => {
      // Arrange
      const { handler, metrics } = setup();

      // Act
      const result = await handler(tokenEvent(overrides));

      // Assert
      expect(result.statusCode).toBe(status);
      expect(result.headers).toEqual(TOKEN_HEADERS);
      expect(body(result)).toEqual({ error: code, error_description: expect.any(String) });
      expect(metrics.rejected).toEqual([`TokenRequestsRejected:${code}`]);
    });

    it.each([
      [
        'a wrong Basic secret',
        {
          headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', 'nope') },
        },
      ],
      [
        'an unknown client',
        { headers: { 'Content-Type': FORM, Authorization: basicAuthorization('ghost', SECRET) } },
      ],
      ['a wrong scheme', { headers: { 'Content-Type': FORM, Authorization: 'Bearer abc' } }],
      [
        'a wrong client_secret_post secret',
        {
          headers: { 'Content-Type': FORM },
          body: 'grant_type=client_credentials&client_id=client-1&client_secret=x',
        },
      ],
      ['no credentials', { headers: { 'Content-Type': FORM } }],
    ])('answers %s with 401 invalid_client and a Basic challenge', async (_label, overrides) => {
      // Arrange
      const { handler } = setup();

      // Act
      const result = await handler(tokenEvent(overrides));

      // Assert
      expect(result.statusCode).toBe(401);
      expect(result.headers).toEqual({
        ...TOKEN_HEADERS,
        'WWW-Authenticate': `Basic realm="${ISSUER}"`,
      });
      expect(body(result)).toEqual({
        error: 'invalid_client',
        error_description: expect.any(String),
      });
    });

    it('tells a client whose tokens were just revoked how long until it gets new ones (Retry-After)', async () => {
      // Arrange: revoke-tokens set tokens_not_before 30 s ahead
      const notBefore = Math.floor(FIXED_NOW_MS / 1000) + 30;
      const { handler } = setup({
        clientStore: new MemoryClientStore([clientRecord({ tokens_not_before: notBefore })]),
      });

      // Act
      const result = await handler(tokenEvent());

      // Assert
      expect(result.statusCode).toBe(503);
      expect(result.headers).toEqual({ ...TOKEN_HEADERS, 'Retry-After': '30' });
      expect(body(result)).toEqual({
        error: 'temporarily_unavailable',
        error_description:
          "this client's tokens were revoked moments ago; new tokens are issued again in 30 s",
      });
    });

    it('answers throttling with 503 temporarily_unavailable and Retry-After', async () => {
      // Arrange
      const { handler, store, metrics } = setup();
      jest
        .spyOn(store, 'getClient')
        .mockRejectedValue(new TemporarilyUnavailableError('DynamoDB throttled the read'));

      // Act
      const result = await handler(tokenEvent());

      // Assert
      expect(result.statusCode).toBe(503);
      expect(result.headers).toEqual({ ...TOKEN_HEADERS, 'Retry-After': '1' });
      expect(body(result)).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'the service is temporarily unavailable; retry later',
      });
      expect(metrics.rejected).toEqual(['TokenRequestsRejected:temporarily_unavailable']);
    });

    it.each([
      ['a ServerError', new ServerError('KMS key arn:aws:kms:secret-detail failed')],
      ['an unknown error', new TypeError('cannot read x of undefined at /var/task/index.js:1')],
      ['a thrown string', 'raw failure detail'],
    ])('answers %s with a generic 500 server_error', async (_label, failure) => {
      // Arrange
      const { handler, metrics } = setup();
      jest.spyOn(signer, 'sign').mockRejectedValueOnce(failure);

      // Act
      const result = await handler(tokenEvent());

      // Assert
      expect(result.statusCode).toBe(500);
      expect(result.headers).toEqual(TOKEN_HEADERS);
      expect(result.body).toBe('{"error":"server_error","error_description":"internal error"}');
      expect(metrics.rejected).toEqual(['TokenRequestsRejected:server_error']);
    });

    it('logs the class and message of an unexpected error and its cause, not the request', async () => {
      // Arrange
      const logger = new Logger({ logLevel: 'SILENT' });
      const error = jest.spyOn(logger, 'error');
      const { handler } = setup({ logger });
      jest
        .spyOn(signer, 'sign')
        .mockRejectedValueOnce(
          new ServerError('signing failed', { cause: new RangeError('bad key') }),
        );

      // Act
      await handler(tokenEvent());

      // Assert
      expect(error).toHaveBeenCalledWith('token request failed', {
        audit: true,
        clientId: 'client-1',
        error: 'server_error',
        latencyMs: expect.any(Number),
        errorType: 'ServerError',
        errorMessage: 'signing failed',
        causeType: 'RangeError',
        causeMessage: 'bad key',
      });
    });

    it('works without metrics and without a logger', async () => {
      // Arrange
      const { handler } = setup({ metrics: undefined, logger: undefined });

      // Act / Assert
      expect((await handler(tokenEvent())).statusCode).toBe(200);
      expect((await handler(tokenEvent({ body: 'grant_type=x' }))).statusCode).toBe(400);
    });
  });

  describe('GET /.well-known/jwks.json', () => {
    const jwksEvent = tokenEvent({
      resource: '/.well-known/jwks.json',
      path: '/.well-known/jwks.json',
      httpMethod: 'GET',
    });

    it('serves the public keys, cacheable for 5 minutes, loading them once', async () => {
      // Arrange
      const publicKeys = { publicKeys: jest.fn(async () => [signer.info.publicJwk]) };
      const { handler } = setup({ publicKeys });

      // Act
      const first = await handler(jwksEvent);
      const second = await handler(jwksEvent);

      // Assert
      expect(first.statusCode).toBe(200);
      expect(first.headers).toEqual({
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'public, max-age=300',
      });
      expect(body(first)).toEqual({ keys: [signer.info.publicJwk] });
      expect(second.body).toBe(first.body);
      expect(publicKeys.publicKeys).toHaveBeenCalledTimes(1);
    });

    it('maps a key source failure to 503 and retries on the next request', async () => {
      // Arrange
      const publicKeys = {
        publicKeys: jest
          .fn()
          .mockRejectedValueOnce(new TemporarilyUnavailableError('KMS throttled'))
          .mockResolvedValue([signer.info.publicJwk]),
      };
      const { handler } = setup({ publicKeys });

      // Act
      const failed = await handler(jwksEvent);
      const retried = await handler(jwksEvent);

      // Assert
      expect(failed.statusCode).toBe(503);
      expect(retried.statusCode).toBe(200);
    });
  });

  describe('discovery: GET /.well-known/oauth-authorization-server and /.well-known/openid-configuration', () => {
    const discovery = (path: string) => tokenEvent({ resource: path, path, httpMethod: 'GET' });

    it('serves RFC 8414 metadata, cacheable', async () => {
      // Arrange
      const { handler } = setup();

      // Act
      const result = await handler(discovery('/.well-known/oauth-authorization-server'));

      // Assert
      expect(result.statusCode).toBe(200);
      expect(result.headers?.['Cache-Control']).toBe('public, max-age=3600');
      expect(body(result)).toMatchObject({
        issuer: ISSUER,
        token_endpoint: `${ISSUER}/oauth2/token`,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials'],
        scopes_supported: ['orders:read', 'orders:write'],
      });
    });

    it('serves the same document at /.well-known/openid-configuration (also below a base path)', async () => {
      // Arrange
      const { handler } = setup();

      // Act
      const rfc8414 = await handler(discovery('/.well-known/oauth-authorization-server'));
      const openid = await handler(discovery('/.well-known/openid-configuration'));
      const staged = await handler(
        tokenEvent({
          resource: '/.well-known/openid-configuration',
          path: '/v1/.well-known/openid-configuration',
          httpMethod: 'GET',
        }),
      );

      // Assert
      expect(openid.statusCode).toBe(200);
      expect(openid.headers).toEqual(rfc8414.headers);
      expect(openid.body).toBe(rfc8414.body);
      expect(staged.body).toBe(rfc8414.body);
    });
  });

  describe('routing', () => {
    it.each([
      ['/oauth2/token', 'GET', 'POST'],
      ['/oauth2/token', 'PUT', 'POST'],
      ['/.well-known/jwks.json', 'POST', 'GET'],
      ['/.well-known/oauth-authorization-server', 'DELETE', 'GET'],
      ['/.well-known/openid-configuration', 'POST', 'GET'],
    ])('answers %s %s with 405 and Allow: %s', async (path, httpMethod, allow) => {
      // Arrange
      const { handler } = setup();

      // Act
      const result = await handler(tokenEvent({ resource: path, path, httpMethod }));

      // Assert
      expect(result.statusCode).toBe(405);
      expect(result.headers?.Allow).toBe(allow);
      expect(body(result)).toMatchObject({ error: 'invalid_request' });
    });

    it.each([
      [{ resource: '/{proxy+}', path: '/nothing/here' }],
      [{ resource: '/', path: '/' }],
      [{ resource: undefined as never, path: undefined as never }],
      // Issue 21, finding 6: a catch-all resource pointed at the function serves no endpoint,
      // whatever the request path ends with.
      [{ resource: '/{proxy+}', path: '/oauth2/token' }],
      [{ resource: '/{proxy+}', path: '/prod/oauth2/token/' }],
      [{ resource: '/{proxy+}', path: '/.well-known/jwks.json' }],
      [{ resource: '/api/{proxy+}', path: '/api/.well-known/openid-configuration' }],
      [{ resource: '/other/oauth2/token', path: '/other/oauth2/token' }],
      [{ resource: '/oauth2/token/', path: '/oauth2/token/' }],
      [{ resource: '/OAUTH2/TOKEN', path: '/OAUTH2/TOKEN' }],
      [{ resource: undefined as never, path: '/oauth2/token' }],
    ])('answers unknown resource %j with 404 JSON', async (overrides) => {
      // Arrange
      const { handler } = setup();

      // Act
      const result = await handler(tokenEvent(overrides));

      // Assert
      expect(result.statusCode).toBe(404);
      expect(body(result)).toEqual({ error: 'not_found', error_description: 'no such resource' });
    });
  });

  describe('startup', () => {
    it('logs, and survives, a failure to prepare the dummy hash', async () => {
      // Arrange
      const logger = new Logger({ logLevel: 'SILENT' });
      const warn = jest.spyOn(logger, 'warn');
      const hasher = new FakeHasher();
      jest.spyOn(hasher, 'hash').mockRejectedValueOnce(new Error('no memory'));

      // Act
      const { handler } = setup({ logger, hasher });
      await new Promise((resolve) => setImmediate(resolve));
      const result = await handler(
        tokenEvent({
          headers: { 'Content-Type': FORM, Authorization: basicAuthorization('ghost', 'x') },
        }),
      );

      // Assert
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('dummy hash'),
        expect.objectContaining({ errorType: 'Error', errorMessage: 'no memory' }),
      );
      expect(result.statusCode).toBe(401);
    });
  });
});
