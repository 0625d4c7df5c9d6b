// The authorizer's DynamoDB read over the AWS JSON client: the BatchGetItem request, response parsing, UnprocessedKeys, and failing closed within REVOCATION_READ_BUDGET (fake transport).
import {
  AUTHORIZER_ATTRIBUTES,
  DynamoDbRevocationStateSource,
  RevocationReadError,
} from '../../../../functions/authorizer/adapters/revocation-state-dynamodb';
import { AwsCallError } from '../../../../functions/shared/aws/errors';
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import { REVOCATION_READ_BUDGET, type AwsCallBudget } from '../../../../functions/shared/limits';
import {
  awsErrorReply,
  fakeAwsClient,
  transportFailure,
  type FakeReply,
  type FakeTransport,
} from '../../../support/aws-json-fake';

const TABLE = 'clients';

/** A source over a fake DynamoDB with the authorizer's budget (2 attempts, 1500 ms). */
const source = (
  replies: FakeReply[],
  budget: AwsCallBudget = REVOCATION_READ_BUDGET,
): { source: DynamoDbRevocationStateSource; transport: FakeTransport } => {
  const { client, transport } = fakeAwsClient(DYNAMODB, replies, { budget });
  return { source: new DynamoDbRevocationStateSource({ tableName: TABLE, client }), transport };
};

const ok = (items: unknown[]): FakeReply => ({
  status: 200,
  body: { Responses: { [TABLE]: items }, UnprocessedKeys: {} },
});

describe('DynamoDbRevocationStateSource', () => {
  afterEach(() => jest.useRealTimers());

  it('sends one signed, strongly consistent BatchGetItem projecting only the revocation attributes', async () => {
    // Arrange
    const { source: s, transport } = source([ok([])]);

    // Act
    await s.read('client-1', 'jti-1');

    // Assert
    expect(transport.calls).toHaveLength(1);
    const [{ url, headers, operation, input }] = transport.calls as [
      (typeof transport.calls)[number],
    ];
    const request = (
      input as {
        RequestItems: Record<
          string,
          {
            Keys: unknown[];
            ConsistentRead: boolean;
            ProjectionExpression: string;
            ExpressionAttributeNames: Record<string, string>;
          }
        >;
      }
    ).RequestItems[TABLE];
    expect(url).toBe('https://aws.test/');
    expect(operation).toBe('BatchGetItem');
    expect(headers['x-amz-target']).toBe('DynamoDB_20120810.BatchGetItem');
    expect(headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request/,
    );
    expect(Object.keys((input as { RequestItems: object }).RequestItems)).toEqual([TABLE]);
    expect(request?.Keys).toEqual([
      { client_id: { S: 'client-1' } },
      { client_id: { S: 'revoked#jti-1' } },
      { client_id: { S: 'declared#client-1' } },
      { client_id: { S: 'cutoff#client-1' } },
    ]);
    expect(request?.ConsistentRead).toBe(true);
    expect(Object.values(request?.ExpressionAttributeNames ?? {}).sort()).toEqual(
      [...AUTHORIZER_ATTRIBUTES].sort(),
    );
    // The projection names every attribute placeholder, and nothing else.
    expect(request?.ProjectionExpression.split(', ').sort()).toEqual(
      Object.keys(request?.ExpressionAttributeNames ?? {}).sort(),
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
    [
      'a revoked item whose expiry is empty still revokes (Number("") is 0)',
      [
        { client_id: { S: 'client-1' }, status: { S: 'active' } },
        { client_id: { S: 'revoked#jti-1' }, expires_at: { N: '' } },
      ],
      { client: 'active', tokensNotBefore: undefined, jtiRevokedUntil: Number.MAX_SAFE_INTEGER },
    ],
    [
      'the usage key of an active client, items in any order',
      [
        { client_id: { S: 'revoked#jti-1' }, expires_at: { N: '1800000000' } },
        { client_id: { S: 'client-1' }, status: { S: 'active' }, usage_key: { S: 'k'.repeat(40) } },
      ],
      {
        client: 'active',
        tokensNotBefore: undefined,
        jtiRevokedUntil: 1_800_000_000,
        usageKey: 'k'.repeat(40),
      },
    ],
    [
      'a declared client: status and usage key from the declaration, tokens_not_before from the record',
      [
        { client_id: { S: 'client-1' }, tokens_not_before: { N: '1700000000' } },
        {
          client_id: { S: 'declared#client-1' },
          status: { S: 'active' },
          usage_key: { S: 't'.repeat(40) },
        },
      ],
      {
        client: 'active',
        tokensNotBefore: 1_700_000_000,
        jtiRevokedUntil: undefined,
        usageKey: 't'.repeat(40),
      },
    ],
    [
      'a declared client disabled in its declaration (an incident disable)',
      [{ client_id: { S: 'declared#client-1' }, status: { S: 'disabled' } }],
      { client: 'inactive', tokensNotBefore: undefined, jtiRevokedUntil: undefined },
    ],
    [
      'a client being adopted: the declaration wins over the record it replaces, key included',
      [
        { client_id: { S: 'client-1' }, status: { S: 'active' }, usage_key: { S: 'c'.repeat(40) } },
        { client_id: { S: 'declared#client-1' }, status: { S: 'disabled' } },
      ],
      { client: 'inactive', tokensNotBefore: undefined, jtiRevokedUntil: undefined },
    ],
    [
      'the runtime record of a client removed from Terraform (no status): inactive',
      [{ client_id: { S: 'client-1' }, last_used_at: { S: '2025-01-01T00:00:00.000Z' } }],
      { client: 'inactive', tokensNotBefore: undefined, jtiRevokedUntil: undefined },
    ],
    // The cutoff item (cutoff#<id>, written to every Region by the clients CLI): the record OR
    // the cutoff kills a token.
    [
      'a cutoff that says disabled while the record (a stale replica) says active',
      [
        { client_id: { S: 'client-1' }, status: { S: 'active' }, tokens_not_before: { N: '100' } },
        {
          client_id: { S: 'cutoff#client-1' },
          status: { S: 'disabled' },
          tokens_not_before: { N: '200' },
        },
      ],
      { client: 'inactive', tokensNotBefore: 200, jtiRevokedUntil: undefined },
    ],
    [
      "a cutoff's tokens_not_before later than the record's wins",
      [
        { client_id: { S: 'client-1' }, status: { S: 'active' }, tokens_not_before: { N: '100' } },
        {
          client_id: { S: 'cutoff#client-1' },
          status: { S: 'active' },
          tokens_not_before: { N: '300' },
        },
      ],
      { client: 'active', tokensNotBefore: 300, jtiRevokedUntil: undefined },
    ],
    [
      "a cutoff's tokens_not_before earlier than the record's never lowers it",
      [
        { client_id: { S: 'client-1' }, status: { S: 'active' }, tokens_not_before: { N: '500' } },
        {
          client_id: { S: 'cutoff#client-1' },
          status: { S: 'active' },
          tokens_not_before: { N: '300' },
        },
      ],
      { client: 'active', tokensNotBefore: 500, jtiRevokedUntil: undefined },
    ],
    [
      'a cutoff that says active never revives a disabled record',
      [
        { client_id: { S: 'client-1' }, status: { S: 'disabled' } },
        {
          client_id: { S: 'cutoff#client-1' },
          status: { S: 'active' },
          tokens_not_before: { N: '0' },
        },
      ],
      { client: 'inactive', tokensNotBefore: undefined, jtiRevokedUntil: undefined },
    ],
    [
      'a cutoff alone is no client',
      [
        {
          client_id: { S: 'cutoff#client-1' },
          status: { S: 'active' },
          tokens_not_before: { N: '1' },
        },
      ],
      { client: 'inactive', tokensNotBefore: 1, jtiRevokedUntil: undefined },
    ],
    ...[
      ['no status', { tokens_not_before: { N: '1' } }],
      ['an unknown status', { status: { S: 'enabled' }, tokens_not_before: { N: '1' } }],
      ['no tokens_not_before', { status: { S: 'active' } }],
      ['an empty tokens_not_before', { status: { S: 'active' }, tokens_not_before: { N: '' } }],
      [
        'a fractional tokens_not_before',
        { status: { S: 'active' }, tokens_not_before: { N: '1.5' } },
      ],
      ['a negative tokens_not_before', { status: { S: 'active' }, tokens_not_before: { N: '-1' } }],
      [
        'a tokens_not_before as a string',
        { status: { S: 'active' }, tokens_not_before: { S: '1' } },
      ],
    ].map(([name, attributes]): [string, unknown[], object] => [
      `a malformed cutoff (${name as string}) fails closed`,
      [
        { client_id: { S: 'client-1' }, status: { S: 'active' } },
        { client_id: { S: 'cutoff#client-1' }, ...(attributes as object) },
      ],
      { client: 'inactive', tokensNotBefore: Number.MAX_SAFE_INTEGER, jtiRevokedUntil: undefined },
    ]),
  ])('parses %s', async (_name, items, expected) => {
    // Arrange
    const { source: s } = source([ok(items)]);

    // Act / Assert
    await expect(s.read('client-1', 'jti-1')).resolves.toEqual(expected);
  });

  it('retries once after a failed attempt', async () => {
    // Arrange
    const { source: s, transport } = source([{ status: 500, body: {} }, ok([])]);

    // Act
    const state = await s.read('client-1', 'jti-1');

    // Assert
    expect(state.client).toBe('inactive');
    expect(transport.calls).toHaveLength(2);
  });

  it.each<[string, FakeReply[], number]>([
    [
      'an error status on both attempts',
      [awsErrorReply('ThrottlingException'), { status: 503, body: {} }],
      REVOCATION_READ_BUDGET.maxAttempts,
    ],
    [
      'a network error on both attempts',
      [transportFailure('connection', 'ECONNREFUSED')],
      REVOCATION_READ_BUDGET.maxAttempts,
    ],
    ['access denied (not retried)', [awsErrorReply('AccessDeniedException')], 1],
    ['a response that is not JSON', [{ status: 200, raw: '<html>' }], 1],
    [
      'unprocessed keys',
      [{ status: 200, body: { Responses: {}, UnprocessedKeys: { [TABLE]: { Keys: [] } } } }],
      1,
    ],
    [
      'unprocessed keys next to responses',
      [
        {
          status: 200,
          body: {
            Responses: { [TABLE]: [{ client_id: { S: 'client-1' }, status: { S: 'active' } }] },
            UnprocessedKeys: { [TABLE]: { Keys: [{ client_id: { S: 'revoked#jti-1' } }] } },
          },
        },
      ],
      1,
    ],
    ['no Responses', [{ status: 200, body: {} }], 1],
    ['no response for the table', [{ status: 200, body: { Responses: { other: [] } } }], 1],
  ])('fails closed with RevocationReadError on %s', async (_name, replies, attempts) => {
    // Arrange
    const { source: s, transport } = source(replies);

    // Act
    const error = await s.read('client-1', 'jti-1').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(RevocationReadError);
    expect((error as Error).message).not.toContain('client-1');
    expect((error as Error).message).not.toContain('jti-1');
    expect(transport.calls).toHaveLength(attempts);
  });

  it('names the operation, the code and the attempts of a failed call, and keeps it as cause', async () => {
    // Arrange
    const { source: s } = source([awsErrorReply('ProvisionedThroughputExceededException')]);

    // Act
    const error = await s.read('client-1', 'jti-1').catch((e: unknown) => e);

    // Assert
    expect((error as Error).message).toMatch(
      /^DynamoDB\.BatchGetItem failed after 2 attempts: ProvisionedThroughputExceededException/,
    );
    expect((error as Error).cause).toBeInstanceOf(AwsCallError);
  });

  it('gives up at the deadline without another attempt', async () => {
    // Arrange
    const { source: s, transport } = source(['hang'], {
      ...REVOCATION_READ_BUDGET,
      operationBudgetMs: 50,
    });

    // Act
    const error = await s.read('client-1', 'jti-1').catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(RevocationReadError);
    expect((error as Error).cause).toMatchObject({
      kind: 'timeout',
      code: 'OperationBudgetExceeded',
    });
    expect(transport.calls).toHaveLength(1);
  });

  it('leaves the deadline to the client: REVOCATION_READ_BUDGET_MS, not a budget of its own', async () => {
    // Arrange
    jest.useFakeTimers();
    const { source: s } = source(['hang']);
    let settled: unknown;

    // Act
    void s.read('client-1', 'jti-1').catch((e: unknown) => {
      settled = e;
    });
    await jest.advanceTimersByTimeAsync(REVOCATION_READ_BUDGET.operationBudgetMs - 1);
    const early = settled;
    await jest.advanceTimersByTimeAsync(1);

    // Assert
    expect(early).toBeUndefined();
    expect(settled).toBeInstanceOf(RevocationReadError);
  });

  it('builds a default client bounded by REVOCATION_READ_BUDGET', () => {
    // Act
    const s = new DynamoDbRevocationStateSource({ tableName: TABLE });

    // Assert: the budget is not observable without a network, so the private field is read.
    const client = (s as unknown as { client: { budget: AwsCallBudget } }).client;
    expect(client.budget).toBe(REVOCATION_READ_BUDGET);
  });
});
