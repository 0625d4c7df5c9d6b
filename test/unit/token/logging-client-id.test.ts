// A secret sent in any client-id position, on any endpoint, never reaches a log line or a metric: the presented id is logged as a fingerprint unless it has the issued shape (issue 21, finding 3).
import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { CLIENT_ASSERTION_TYPE } from '../../../functions/token/core/client-assertion';
import { ServerError } from '../../../functions/token/core/errors';
import type { ClientStore } from '../../../functions/token/core/types';
import { clientIdFingerprint } from '../../../functions/token/client-id-log';
import {
  createTokenHandler,
  type TokenHandlerDeps,
  type TokenMetrics,
} from '../../../functions/token/create-handler';
import { generateClientId, generateClientSecret } from '../../../scripts/lib/clients/secrets';
import { basicAuthorization } from '../../support/basic-auth';
import {
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  MemoryReplayCache,
  signAssertion,
} from '../../support/client-assertions';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  tokenEvent,
} from '../../support/token-fakes';

const NOW = Math.floor(FIXED_NOW_MS / 1000);
const random = (size: number): Uint8Array => new Uint8Array(randomBytes(size));

/** A secret client, with an id and a secret as the CLI makes them. */
const ID = generateClientId(random);
const SECRET = generateClientSecret(random);
/** A private_key_jwt client. */
const JWT_ID = generateClientId(random);
const KEY = clientKeyPair('ES256');

/** Every substring of the secret 16 characters long: a longer one holds one of them. */
const SECRET_PIECES = Array.from({ length: SECRET.length - 15 }, (_, i) => SECRET.slice(i, i + 16));

const signer = new InMemorySigner('ES256');

/** Records every metric name and dimension value. */
function recordingMetrics(seen: string[]): TokenMetrics {
  const single = {
    addDimension: (name: string, value: string) => {
      seen.push(name, value);
      return single;
    },
    addMetric: (name: string) => void seen.push(name),
  };
  return {
    addMetric: (name: string) => void seen.push(name),
    singleMetric: () => single,
    hasStoredMetrics: () => true,
    publishStoredMetrics: () => undefined,
  } as unknown as TokenMetrics;
}

function setup(clientStore?: ClientStore) {
  const store = new MemoryClientStore([
    clientRecord({ client_id: ID, scopes: ['token:introspect'] }, SECRET),
    jwtClientRecord([KEY.jwk], { client_id: JWT_ID }),
  ]);
  const metrics: string[] = [];
  const deps: TokenHandlerDeps = {
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
    clientStore: clientStore ?? store,
    revocations: store,
    replayCache: new MemoryReplayCache(() => NOW),
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    // The most verbose level: nothing may leak at any level.
    logger: new Logger({ serviceName: 'token', logLevel: 'DEBUG' }),
    metrics: recordingMetrics(metrics),
  };
  return { handler: createTokenHandler(deps), metrics };
}

/** An assertion whose `iss` and `sub` are given, signed with the JWT client's key. */
const assertion = (iss: string, sub: string): string =>
  signAssertion(KEY, assertionClaims(sub, ISSUER, NOW, { iss }));

/** A request's credentials and parameters, before the endpoint's own (`token=` for revoke and introspect). */
interface Position {
  name: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  json?: boolean;
}

/** Every place a request names its client, each holding the secret. */
const POSITIONS: readonly Position[] = [
  {
    name: 'the HTTP Basic user (id and secret swapped)',
    headers: { Authorization: basicAuthorization(SECRET, ID) },
  },
  {
    name: 'the HTTP Basic user and the body client_id',
    headers: { Authorization: basicAuthorization(SECRET, ID) },
    params: { client_id: SECRET },
  },
  {
    name: 'the HTTP Basic user, with a wrong secret',
    headers: { Authorization: basicAuthorization(SECRET, 'x') },
  },
  {
    name: 'the form client_id (id and secret swapped)',
    params: { client_id: SECRET, client_secret: ID },
  },
  { name: 'the form client_id, without a secret', params: { client_id: SECRET } },
  {
    name: 'the JSON client_id (id and secret swapped)',
    params: { client_id: SECRET, client_secret: ID },
    json: true,
  },
  {
    name: "the assertion's iss and sub",
    params: {
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion(SECRET, SECRET),
    },
  },
  {
    name: "the assertion's iss and sub, in a JSON body",
    params: {
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion(SECRET, SECRET),
    },
    json: true,
  },
  {
    name: "the client_id and the assertion's iss and sub",
    params: {
      client_id: SECRET,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion(SECRET, SECRET),
    },
  },
  {
    name: "the assertion's iss only",
    params: {
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion(SECRET, JWT_ID),
    },
  },
  {
    name: "the client_id, beside a valid client's assertion",
    params: {
      client_id: SECRET,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion(JWT_ID, JWT_ID),
    },
  },
];

/** The endpoints that take client credentials, with the parameters each needs. */
const ENDPOINTS: ReadonlyArray<[string, Record<string, string>]> = [
  ['/oauth2/token', { grant_type: 'client_credentials' }],
  ['/oauth2/token', {}], // rejected after the client id is known: no grant_type
  ['/oauth2/token', { grant_type: 'password' }],
  ['/oauth2/revoke', { token: 'not-a-token' }],
  ['/oauth2/revoke', {}], // no token
  ['/oauth2/introspect', { token: 'not-a-token' }],
  ['/oauth2/introspect', {}],
];

function requestOf(
  resource: string,
  extra: Record<string, string>,
  position: Position,
): APIGatewayProxyEvent {
  const params = { ...extra, ...position.params };
  return tokenEvent({
    resource,
    path: resource,
    headers: { 'Content-Type': position.json ? 'application/json' : FORM, ...position.headers },
    body: position.json ? JSON.stringify(params) : new URLSearchParams(params).toString(),
  });
}

/** Runs the requests with stdout and stderr captured; returns every line written. */
async function captured(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown): boolean => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line !== ''),
    );
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return lines;
}

/** The pieces of the secret a text holds. */
const leaks = (text: string): string[] => SECRET_PIECES.filter((piece) => text.includes(piece));

describe('a secret in a client-id position', () => {
  it.each([
    ['a working client store', false],
    ['a failing client store (500 lines)', true],
  ])('never reaches a log line or a metric, with %s', async (_name, failing) => {
    // Arrange
    const failingStore: ClientStore = {
      getClient: async () => {
        throw new ServerError('the client store failed');
      },
    };
    const { handler, metrics } = setup(failing ? failingStore : undefined);
    const requests = ENDPOINTS.flatMap(([resource, extra]) =>
      POSITIONS.map((position) => requestOf(resource, extra, position)),
    );

    // Act
    const statuses: number[] = [];
    const lines = await captured(async () => {
      for (const request of requests) statuses.push((await handler(request)).statusCode);
    });

    // Assert: no line and no metric holds any 16 characters of the secret ...
    expect(lines.flatMap(leaks)).toEqual([]);
    expect(metrics.flatMap(leaks)).toEqual([]);
    // ... though every request was refused and logged, with the secret's fingerprint where the
    // id was known.
    expect(statuses.every((status) => status >= 400)).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(requests.length);
    const fingerprinted = lines.filter((line) => line.includes(clientIdFingerprint(SECRET)));
    expect(fingerprinted.length).toBeGreaterThan(requests.length / 2);
    for (const line of fingerprinted) {
      expect(JSON.parse(line)).toMatchObject({ clientIdLength: 43 });
    }
  });
});

describe('client ids in the log', () => {
  it('names an issued-shape id as is, before and after authentication', async () => {
    // Arrange
    const { handler } = setup();
    const unknown = generateClientId(random);

    // Act
    const lines = await captured(async () => {
      await handler(
        requestOf(
          '/oauth2/token',
          { grant_type: 'client_credentials' },
          {
            name: 'unknown id',
            headers: { Authorization: basicAuthorization(unknown, SECRET) },
          },
        ),
      );
      await handler(
        requestOf(
          '/oauth2/introspect',
          { token: 'x' },
          {
            name: 'known id',
            headers: { Authorization: basicAuthorization(ID, SECRET) },
          },
        ),
      );
    });

    // Assert
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ message: 'token request rejected', clientId: unknown }),
      expect.objectContaining({ message: 'introspection request', clientId: ID, active: false }),
    ]);
  });

  it('names an id of another shape once the client has authenticated, by fingerprint before', async () => {
    // Arrange: a client whose id was written by other tooling.
    const store = new MemoryClientStore([clientRecord({ client_id: 'legacy-client' }, SECRET)]);
    const { handler } = setup(store);
    const basic = (secret: string) => ({
      name: 'legacy',
      headers: { Authorization: basicAuthorization('legacy-client', secret) },
    });

    // Act
    const lines = await captured(async () => {
      await handler(
        requestOf('/oauth2/token', { grant_type: 'client_credentials' }, basic(SECRET)),
      );
      await handler(
        requestOf(
          '/oauth2/token',
          { grant_type: 'client_credentials', scope: 'admin' },
          basic(SECRET),
        ),
      );
      await handler(
        requestOf('/oauth2/token', { grant_type: 'client_credentials' }, basic('wrong')),
      );
    });

    // Assert
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ message: 'token issued', clientId: 'legacy-client' }),
      expect.objectContaining({
        message: 'token request rejected',
        clientId: 'legacy-client',
        error: 'invalid_scope',
      }),
      expect.objectContaining({
        message: 'token request rejected',
        clientIdFingerprint: clientIdFingerprint('legacy-client'),
        clientIdLength: 'legacy-client'.length,
        error: 'invalid_client',
      }),
    ]);
    expect(lines[2]).not.toContain('"clientId"');
  });
});
