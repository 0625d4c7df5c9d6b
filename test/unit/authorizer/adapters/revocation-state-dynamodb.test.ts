// The authorizer's DynamoDB read without the SDK: SigV4 signatures equal to the SDK hash's, the BatchGetItem request, response parsing, retries, deadline and failures.
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import {
  AUTHORIZER_ATTRIBUTES,
  dynamoDbEndpoint,
  DynamoDbRevocationStateSource,
  NodeSha256,
  RevocationReadError,
} from '../../../../functions/authorizer/adapters/revocation-state-dynamodb';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/EXAMPLE+key' };
const TABLE = 'clients';

type Reply = { status: number; body: unknown } | Error | 'hang';

function fakeFetch(
  replies: Reply[],
): typeof fetch & { calls: { url: string; init: RequestInit }[] } {
  const calls: { url: string; init: RequestInit }[] = [];
  const impl = (async (url: URL | string, init: RequestInit) => {
    calls.push({ url: String(url), init });
    const reply = replies.shift() ?? { status: 500, body: {} };
    if (reply === 'hang') {
      return new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    if (reply instanceof Error) throw reply;
    return new Response(JSON.stringify(reply.body), { status: reply.status });
  }) as typeof fetch & { calls: typeof calls };
  impl.calls = calls;
  return impl;
}

const source = (replies: Reply[], budgetMs = 1000) => {
  const fetchImpl = fakeFetch(replies);
  return {
    fetchImpl,
    source: new DynamoDbRevocationStateSource({
      tableName: TABLE,
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: CREDENTIALS,
      budgetMs,
      fetch: fetchImpl,
    }),
  };
};

const ok = (items: unknown[]): Reply => ({
  status: 200,
  body: { Responses: { [TABLE]: items }, UnprocessedKeys: {} },
});

describe('NodeSha256', () => {
  it('signs exactly as the SDK hash does (SigV4 over random bodies and dates)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        async (body, signingDate) => {
          // Arrange
          const request = {
            method: 'POST',
            protocol: 'https:',
            hostname: 'dynamodb.eu-west-1.amazonaws.com',
            path: '/',
            headers: { host: 'dynamodb.eu-west-1.amazonaws.com', 'x-amz-target': 'X' },
            body,
          };
          const sign = (sha256: ConstructorParameters<typeof SignatureV4>[0]['sha256']) =>
            new SignatureV4({
              service: 'dynamodb',
              region: 'eu-west-1',
              credentials: CREDENTIALS,
              sha256,
            }).sign({ ...request, headers: { ...request.headers } }, { signingDate });

          // Act
          const [ours, sdk] = await Promise.all([
            sign(NodeSha256),
            sign(Hash.bind(null, 'sha256')),
          ]);

          // Assert
          return ours.headers.authorization === sdk.headers.authorization;
        },
      ),
      { numRuns: 50 },
    );
  });

  it('hashes bytes given as any buffer view, and reset starts over', async () => {
    // Arrange
    const a = new NodeSha256();
    const b = new NodeSha256();
    const bytes = new TextEncoder().encode('abc');

    // Act
    a.update(new DataView(bytes.buffer));
    b.update('zzz');
    b.reset();
    b.update(bytes.buffer);

    // Assert
    expect(Buffer.from(await a.digest()).toString('hex')).toBe(
      Buffer.from(await b.digest()).toString('hex'),
    );
  });
});

describe('DynamoDbRevocationStateSource', () => {
  it('sends one signed, strongly consistent BatchGetItem projecting only the revocation attributes', async () => {
    // Arrange
    const { source: s, fetchImpl } = source([ok([])]);

    // Act
    await s.read('client-1', 'jti-1');

    // Assert
    const [{ url, init }] = fetchImpl.calls as [{ url: string; init: RequestInit }];
    const headers = init.headers as Record<string, string>;
    const body = JSON.parse(init.body as string) as {
      RequestItems: Record<
        string,
        {
          Keys: unknown[];
          ConsistentRead: boolean;
          ProjectionExpression: string;
          ExpressionAttributeNames: Record<string, string>;
        }
      >;
    };
    const request = body.RequestItems[TABLE];
    expect(url).toBe('http://127.0.0.1:4566/');
    expect(headers['x-amz-target']).toBe('DynamoDB_20120810.BatchGetItem');
    expect(headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request/,
    );
    expect(request?.Keys).toEqual([
      { client_id: { S: 'client-1' } },
      { client_id: { S: 'revoked#jti-1' } },
    ]);
    expect(request?.ConsistentRead).toBe(true);
    expect(Object.values(request?.ExpressionAttributeNames ?? {}).sort()).toEqual(
      [...AUTHORIZER_ATTRIBUTES].sort(),
    );
  });

  it.each<[string, unknown[], object]>([
    [
      'no items: a deleted client',
      [],
      { client: 'inactive', tokensNotBefore: undefined, jtiRevokedUntil: undefined },
    ],
    [
      'an active client with tokens_not_before',
      [
        {
          client_id: { S: 'client-1' },
          status: { S: 'active' },
          tokens_not_before: { N: '1700000000' },
        },
      ],
      { client: 'active', tokensNotBefore: 1_700_000_000, jtiRevokedUntil: undefined },
    ],
    [
      'a disabled client and a revoked jti',
      [
        { client_id: { S: 'client-1' }, status: { S: 'disabled' } },
        { client_id: { S: 'revoked#jti-1' }, expires_at: { N: '1800000000' } },
      ],
      { client: 'inactive', tokensNotBefore: undefined, jtiRevokedUntil: 1_800_000_000 },
    ],
    [
      'a revoked item without a readable expiry still revokes',
      [
        { client_id: { S: 'client-1' }, status: { S: 'active' }, tokens_not_before: { N: 'x' } },
        { client_id: { S: 'revoked#jti-1' } },
      ],
      { client: 'active', tokensNotBefore: undefined, jtiRevokedUntil: Number.MAX_SAFE_INTEGER },
    ],
  ])('parses %s', async (_name, items, expected) => {
    // Arrange
    const { source: s } = source([ok(items)]);

    // Act / Assert
    await expect(s.read('client-1', 'jti-1')).resolves.toEqual(expected);
  });

  it('retries once after a failed attempt', async () => {
    // Arrange
    const { source: s, fetchImpl } = source([{ status: 500, body: {} }, ok([])]);

    // Act
    await s.read('client-1', 'jti-1');

    // Assert
    expect(fetchImpl.calls).toHaveLength(2);
  });

  it.each<[string, Reply[]]>([
    [
      'an error status on both attempts',
      [
        { status: 400, body: { __type: 'ThrottlingException' } },
        { status: 503, body: {} },
      ],
    ],
    [
      'unprocessed keys',
      [
        { status: 200, body: { Responses: {}, UnprocessedKeys: { [TABLE]: {} } } },
        { status: 200, body: { UnprocessedKeys: { [TABLE]: {} } } },
      ],
    ],
    [
      'no Responses',
      [
        { status: 200, body: {} },
        { status: 200, body: {} },
      ],
    ],
    ['a network error', [new TypeError('fetch failed'), new TypeError('fetch failed')]],
  ])('rejects with RevocationReadError on %s', async (_name, replies) => {
    // Arrange
    const { source: s } = source(replies);

    // Act / Assert
    await expect(s.read('client-1', 'jti-1')).rejects.toBeInstanceOf(RevocationReadError);
  });

  it('gives up at the deadline without another attempt', async () => {
    // Arrange
    const { source: s, fetchImpl } = source(['hang', 'hang'], 50);

    // Act
    await expect(s.read('client-1', 'jti-1')).rejects.toBeInstanceOf(RevocationReadError);

    // Assert
    expect(fetchImpl.calls).toHaveLength(1);
  });

  it('uses credentials from a provider and the global fetch by default', () => {
    // Arrange / Act
    const s = new DynamoDbRevocationStateSource({
      tableName: TABLE,
      region: 'us-east-1',
      endpoint: 'https://dynamodb.us-east-1.amazonaws.com',
      credentials: () => Promise.resolve(CREDENTIALS),
      budgetMs: 1000,
    });

    // Assert
    expect(s).toBeInstanceOf(DynamoDbRevocationStateSource);
  });
});

describe('dynamoDbEndpoint', () => {
  it.each<[Record<string, string>, string, string]>([
    [{}, 'eu-west-1', 'https://dynamodb.eu-west-1.amazonaws.com'],
    [{}, 'cn-north-1', 'https://dynamodb.cn-north-1.amazonaws.com.cn'],
    [{ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, 'us-east-1', 'http://127.0.0.1:5000'],
    [
      { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_DYNAMODB: 'http://b' },
      'us-east-1',
      'http://b',
    ],
    [{ AWS_ENDPOINT_URL: '' }, 'us-east-1', 'https://dynamodb.us-east-1.amazonaws.com'],
  ])('%j in %s -> %s', (env, region, expected) => {
    expect(dynamoDbEndpoint(env, region)).toBe(expected);
  });
});
