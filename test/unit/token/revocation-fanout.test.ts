// RFC 7009 across Regions: the DynamoDB fan-out adapter (one PutItem per other Region, failures reported by kind, never thrown), and the endpoint's answer (200 only when every Region was written, else 503 with Retry-After), its log line naming each Region (never the token) and RevocationFanOutFailures.
import { Logger } from '@aws-lambda-powertools/logger';
import { DYNAMODB } from '../../../functions/shared/aws/json-client';
import {
  REVOCATION_FANOUT_BUDGET,
  REVOCATION_FANOUT_RETRY_AFTER_SECONDS,
} from '../../../functions/shared/limits';
import { DynamoDbRevocationFanOut } from '../../../functions/token/adapters/revocation-fanout-dynamodb';
import { loadTokenConfig } from '../../../functions/token/config';
import { RevocationIncompleteError } from '../../../functions/token/core/revoke-token';
import type {
  RegionWrite,
  RevocationFanOut,
  RevokedToken,
} from '../../../functions/token/core/types';
import { createTokenHandler, type TokenMetrics } from '../../../functions/token/create-handler';
import {
  awsErrorReply,
  fakeAwsClient,
  transportFailure,
  type FakeReply,
  type FakeTransport,
} from '../../support/aws-json-fake';
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

const TOKEN: RevokedToken = { jti: 'j-1', clientId: 'client-1', expiresAt: 1_800_000_000 };

describe('DynamoDbRevocationFanOut', () => {
  const fanOut = (
    replies: Record<string, FakeReply[]>,
  ): { fanOut: DynamoDbRevocationFanOut; transports: Record<string, FakeTransport> } => {
    const transports: Record<string, FakeTransport> = {};
    return {
      transports,
      fanOut: new DynamoDbRevocationFanOut({
        tableName: 'clients',
        ownRegion: 'eu-west-1',
        regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
        clientFor: (region) => {
          const { client, transport } = fakeAwsClient(DYNAMODB, replies[region] ?? [], {
            region,
            budget: REVOCATION_FANOUT_BUDGET,
          });
          transports[region] = transport;
          return client;
        },
      }),
    };
  };

  it("puts the local write's item into every other Region's table, and nowhere else", async () => {
    // Arrange
    const ok = { status: 200, body: {} };
    const { fanOut: f, transports } = fanOut({ 'us-east-1': [ok], 'ap-southeast-2': [ok] });

    // Act
    const writes = await f.revokeToken(TOKEN);

    // Assert
    expect(f.ownRegion).toBe('eu-west-1');
    expect(writes).toEqual([
      { region: 'us-east-1', result: 'ok' },
      { region: 'ap-southeast-2', result: 'ok' },
    ]);
    expect(Object.keys(transports).sort()).toEqual(['ap-southeast-2', 'us-east-1']);
    for (const region of ['us-east-1', 'ap-southeast-2']) {
      const [call] = transports[region]?.calls ?? [];
      expect(call?.operation).toBe('PutItem');
      expect(call?.headers.authorization).toContain(`/${region}/dynamodb/aws4_request`);
      expect(call?.input).toEqual({
        TableName: 'clients',
        Item: {
          client_id: { S: 'revoked#j-1' },
          revoked_client_id: { S: 'client-1' },
          expires_at: { N: '1800000000' },
        },
      });
    }
  });

  it.each<[string, FakeReply[], string]>([
    ['a missing table', [awsErrorReply('ResourceNotFoundException')], 'not-found'],
    ['an access refusal', [awsErrorReply('AccessDeniedException')], 'denied'],
    [
      'throttling on both attempts',
      [awsErrorReply('ThrottlingException'), awsErrorReply('ThrottlingException')],
      'throttling',
    ],
    [
      'a Region that cannot be reached',
      [
        transportFailure('connection', 'ECONNREFUSED'),
        transportFailure('connection', 'ECONNREFUSED'),
      ],
      'connection',
    ],
    [
      'a Region that does not answer in time',
      [
        transportFailure('timeout', 'RequestTimeout'),
        transportFailure('timeout', 'RequestTimeout'),
      ],
      'timeout',
    ],
  ])('reports %s by its kind, and still writes the other Regions', async (_name, failing, kind) => {
    // Arrange
    const { fanOut: f, transports } = fanOut({
      'us-east-1': failing,
      'ap-southeast-2': [{ status: 200, body: {} }],
    });

    // Act
    const writes = await f.revokeToken(TOKEN);

    // Assert
    expect(writes).toEqual([
      { region: 'us-east-1', result: kind },
      { region: 'ap-southeast-2', result: 'ok' },
    ]);
    expect(transports['ap-southeast-2']?.calls).toHaveLength(1);
  });

  it('builds one client per other Region from the environment, with the fan-out budget', () => {
    // Act
    const f = new DynamoDbRevocationFanOut({
      tableName: 'clients',
      ownRegion: 'eu-west-1',
      regions: ['eu-west-1', 'us-east-1'],
      env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' },
    });

    // Assert
    const others = (f as unknown as { others: { region: string; client: { region(): string } }[] })
      .others;
    expect(others.map((o) => [o.region, o.client.region()])).toEqual([['us-east-1', 'us-east-1']]);
  });
});

describe('loadTokenConfig: SERVICE_REGIONS', () => {
  const base = {
    ISSUER: 'https://auth.example.com',
    DEFAULT_AUDIENCE: 'aud',
    CLIENTS_TABLE: 't',
    SIGNING_KEY_ID: 'k',
    AWS_REGION: 'us-east-1',
  };

  it('loads the Regions when set, and the own Region alone when unset', () => {
    // Act / Assert
    expect(
      loadTokenConfig({ ...base, SERVICE_REGIONS: 'eu-west-1,us-east-1' }).serviceRegions,
    ).toEqual({
      own: 'us-east-1',
      all: ['eu-west-1', 'us-east-1'],
      multiRegion: true,
    });
    expect(loadTokenConfig(base).serviceRegions).toEqual({
      own: 'us-east-1',
      all: ['us-east-1'],
      multiRegion: false,
    });
  });

  it('refuses a list without its own Region, naming the variable', () => {
    // Act / Assert
    expect(() => loadTokenConfig({ ...base, SERVICE_REGIONS: 'eu-west-1,ap-south-1' })).toThrow(
      'SERVICE_REGIONS',
    );
  });
});

describe('POST /oauth2/revoke across Regions', () => {
  /** A fan-out that answers each other Region with the given result. */
  const scripted = (results: Record<string, string>): RevocationFanOut & { calls: number } => {
    const f = {
      ownRegion: 'eu-west-1',
      calls: 0,
      revokeToken: async (): Promise<RegionWrite[]> => {
        f.calls += 1;
        return Object.entries(results).map(([region, result]) => ({ region, result }));
      },
    };
    return f;
  };

  function setup(fanOut: RevocationFanOut) {
    const store = new MemoryClientStore([clientRecord()]);
    const signer = new InMemorySigner('ES256');
    const counted: [string, number][] = [];
    const metrics = {
      // Only the fan-out's count: the token issued first counts TokensIssued too.
      addMetric: (name: string, _unit: string, value: number) => {
        if (name === 'RevocationFanOutFailures') counted.push([name, value]);
      },
      singleMetric: () => {
        const single = { addDimension: () => single, addMetric: () => undefined };
        return single;
      },
      hasStoredMetrics: () => false,
      publishStoredMetrics: () => undefined,
    };
    const handler = createTokenHandler({
      config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
      clientStore: store,
      revocations: store,
      revocationFanOut: fanOut,
      signer,
      publicKeys: signer,
      hasher: new FakeHasher(),
      clock: () => FIXED_NOW_MS,
      randomBytes: countingBytes,
      logger: new Logger({ serviceName: 'token', logLevel: 'INFO' }),
      metrics: metrics as unknown as TokenMetrics,
    });
    return { handler, store, counted };
  }

  async function revokeOnce(fanOut: RevocationFanOut, body?: (token: string) => string) {
    const { handler, store, counted } = setup(fanOut);
    const issued = await handler(tokenEvent());
    const token = (JSON.parse(issued.body) as { access_token: string }).access_token;
    const lines: Record<string, unknown>[] = [];
    const capture = (chunk: unknown): boolean => {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      return true;
    };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const res = await handler(
        tokenEvent({
          resource: '/oauth2/revoke',
          path: '/oauth2/revoke',
          headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', SECRET) },
          body: body === undefined ? `token=${token}` : body(token),
        }),
      );
      return { res, lines, token, store, counted };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  }

  it('answers 200 when every Region was written, and logs each Region ok', async () => {
    // Act
    const { res, lines, token, store, counted } = await revokeOnce(
      scripted({ 'us-east-1': 'ok', 'ap-southeast-2': 'ok' }),
    );

    // Assert
    expect(res.statusCode).toBe(200);
    expect(store.revoked.size).toBe(1);
    const line = lines.find((l) => l.message === 'revocation request');
    expect(line?.regions).toEqual({ 'eu-west-1': 'ok', 'us-east-1': 'ok', 'ap-southeast-2': 'ok' });
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(counted).toEqual([]);
  });

  it('answers 503 temporarily_unavailable with Retry-After when a Region failed, logging and counting it', async () => {
    // Act
    const { res, lines, token, store, counted } = await revokeOnce(
      scripted({ 'us-east-1': 'connection', 'ap-southeast-2': 'ok' }),
    );

    // Assert: RFC 7009 §2.2.1: the client must assume the token still exists, and retries
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBe(String(REVOCATION_FANOUT_RETRY_AFTER_SECONDS));
    expect(JSON.parse(res.body).error).toBe('temporarily_unavailable');
    expect(store.revoked.size).toBe(1);
    const line = lines.find((l) => l.message === 'revocation request failed');
    expect(line?.regions).toEqual({
      'eu-west-1': 'ok',
      'us-east-1': 'connection',
      'ap-southeast-2': 'ok',
    });
    expect(line?.level).toBe('ERROR');
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(counted).toEqual([['RevocationFanOutFailures', 1]]);
  });

  it.each<[string, (token: string) => string]>([
    ['garbage', () => 'token=garbage'],
    ['a missing token', () => 'token_type_hint=access_token'],
  ])('writes no Region for %s', async (_name, body) => {
    // Arrange
    const f = scripted({ 'us-east-1': 'connection' });

    // Act
    const { res } = await revokeOnce(f, body);

    // Assert
    expect(res.statusCode).not.toBe(503);
    expect(f.calls).toBe(0);
  });

  it('the error names the Regions not written, for the caller', () => {
    // Act
    const err = new RevocationIncompleteError(['us-east-1']);

    // Assert
    expect(err.failedRegions).toEqual(['us-east-1']);
    expect(err.retryAfterSeconds).toBe(REVOCATION_FANOUT_RETRY_AFTER_SECONDS);
  });
});
