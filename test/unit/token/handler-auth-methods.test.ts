// Unit tests of how each registration authenticates at the token, revocation and introspection endpoints: a secret client by Basic, form or JSON unless pinned, never by assertion; a key client never by secret.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { createTokenHandler } from '../../../functions/token/create-handler';
import type { RegisteredAuthMethod } from '../../../functions/token/core/types';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  MemoryReplayCache,
  signAssertion,
} from '../../support/client-assertions';
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

const NOW = Math.floor(FIXED_NOW_MS / 1000);
const key = clientKeyPair('ES256');
const signer = new InMemorySigner('ES256');
const SCOPES = ['orders:read', 'token:introspect'];
const ENDPOINTS = ['/oauth2/token', '/oauth2/revoke', '/oauth2/introspect'] as const;
type Transport = 'basic' | 'form' | 'json' | 'assertion';

/** One client per registration, `reg-<method>`, and `reg-none` without a method. */
const REGISTRATIONS: readonly (RegisteredAuthMethod | undefined)[] = [
  'client_secret',
  'client_secret_basic',
  'client_secret_post',
  undefined,
  'private_key_jwt',
];
const idOf = (method: RegisteredAuthMethod | undefined): string => `reg-${method ?? 'none'}`;

function setup() {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const store = new MemoryClientStore(
    REGISTRATIONS.map((method) =>
      method === 'private_key_jwt'
        ? { ...jwtClientRecord([key.jwk], { scopes: SCOPES }), client_id: idOf(method) }
        : clientRecord({
            client_id: idOf(method),
            scopes: SCOPES,
            ...(method !== undefined ? { token_endpoint_auth_method: method } : {}),
          }),
    ),
  );
  return createTokenHandler({
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
    clientStore: store,
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    logger: new Logger({ serviceName: 'token', logLevel: 'SILENT' }),
    revocations: store,
    replayCache: new MemoryReplayCache(() => NOW),
  });
}

afterEach(() => jest.restoreAllMocks());

/** A request to `path` by `clientId` over `transport`, with the right secret or a valid assertion. */
function request(
  path: string,
  clientId: string,
  transport: Transport,
  token: string,
): APIGatewayProxyEvent {
  const params: Record<string, string> =
    path === '/oauth2/token' ? { grant_type: 'client_credentials' } : { token };
  const event = (headers: Record<string, string>, body: string) =>
    tokenEvent({ resource: path, path, headers, body });
  switch (transport) {
    case 'basic':
      return event(
        { 'Content-Type': FORM, Authorization: basicAuthorization(clientId, SECRET) },
        new URLSearchParams(params).toString(),
      );
    case 'form':
      return event(
        { 'Content-Type': FORM },
        new URLSearchParams({ ...params, client_id: clientId, client_secret: SECRET }).toString(),
      );
    case 'json':
      return event(
        { 'Content-Type': 'application/json' },
        JSON.stringify({ ...params, client_id: clientId, client_secret: SECRET }),
      );
    case 'assertion': {
      const assertion = signAssertion(key, assertionClaims(clientId, ISSUER, NOW));
      const body = assertionBody(assertion);
      return event(
        { 'Content-Type': FORM },
        path === '/oauth2/token' ? body : `${body}&token=${encodeURIComponent(token)}`,
      );
    }
  }
}

const ACCEPTS: Record<string, readonly Transport[]> = {
  client_secret: ['basic', 'form', 'json'],
  client_secret_basic: ['basic'],
  client_secret_post: ['form', 'json'],
  none: ['basic', 'form', 'json'],
  private_key_jwt: ['assertion'],
};

describe.each(REGISTRATIONS.map((m) => [m ?? 'none', m] as const))(
  'a client registered with %s',
  (name, method) => {
    it.each(ENDPOINTS)('authenticates at %s exactly by its accepted transports', async (path) => {
      // Arrange
      const handler = setup();
      const token = JSON.parse(
        (await handler(request('/oauth2/token', idOf(method), ACCEPTS[name]![0]!, ''))).body,
      ).access_token as string;

      // Act
      const outcomes: Record<string, number> = {};
      for (const transport of ['basic', 'form', 'json', 'assertion'] as const) {
        const res = await handler(request(path, idOf(method), transport, token));
        outcomes[transport] = res.statusCode;
        if (res.statusCode !== 200) expect(JSON.parse(res.body).error).toBe('invalid_client');
      }

      // Assert
      expect(token).toEqual(expect.any(String));
      expect(outcomes).toEqual(
        Object.fromEntries(
          (['basic', 'form', 'json', 'assertion'] as const).map((t) => [
            t,
            ACCEPTS[name]!.includes(t) ? 200 : 401,
          ]),
        ),
      );
    });
  },
);
