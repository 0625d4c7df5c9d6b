// The authorizer's read of its configuration item over the AWS JSON client: the GetItem request, base64 binary values, and which failures a later read may cure (fake transport).
import {
  ConfigReadError,
  configItemKey,
  DynamoDbConfigItemSource,
} from '../../../../functions/authorizer/adapters/config-item-dynamodb';
import type { AwsJsonClient } from '../../../../functions/shared/aws/json-client';
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import { AUTHORIZER_CONFIG_READ_BUDGET } from '../../../../functions/shared/limits';
import {
  awsErrorReply,
  fakeAwsClient,
  transportFailure,
  type FakeReply,
} from '../../../support/aws-json-fake';

const TABLE = 'orders-authorizer-config';
const SHA256 = 'ab'.repeat(32);

const source = (replies: FakeReply[]) => {
  const { client, transport } = fakeAwsClient(DYNAMODB, replies, {
    budget: AUTHORIZER_CONFIG_READ_BUDGET,
  });
  return { items: new DynamoDbConfigItemSource({ tableName: TABLE, client }), transport };
};

/** The ConfigReadError a read rejects with. */
const readError = async (items: DynamoDbConfigItemSource): Promise<ConfigReadError> => {
  const error = await items.read(SHA256).catch((e: unknown) => e);
  if (!(error instanceof ConfigReadError)) throw new Error(`not a ConfigReadError: ${error}`);
  return error;
};

describe('DynamoDbConfigItemSource', () => {
  it('sends one strongly consistent GetItem of config#sha256:<hex>, projecting the config attribute', async () => {
    // Arrange
    const stored = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff]);
    const { items, transport } = source([
      { status: 200, body: { Item: { config: { B: stored.toString('base64') } } } },
    ]);

    // Act
    const bytes = await items.read(SHA256);

    // Assert: the binary value arrives as base64 and is returned as its raw bytes
    expect(Buffer.from(bytes)).toEqual(stored);
    expect(transport.calls).toHaveLength(1);
    expect(transport.calls[0]).toMatchObject({
      operation: 'GetItem',
      target: 'DynamoDB_20120810.GetItem',
      input: {
        TableName: TABLE,
        Key: { id: { S: `config#sha256:${SHA256}` } },
        ConsistentRead: true,
        ProjectionExpression: '#c',
        ExpressionAttributeNames: { '#c': 'config' },
      },
    });
    expect(configItemKey(SHA256)).toBe(`config#sha256:${SHA256}`);
  });

  it('reports a missing item as transient: ConfigItemNotFound', async () => {
    // Arrange
    const { items } = source([{ status: 200, body: {} }]);

    // Act
    const error = await readError(items);

    // Assert
    expect(error).toMatchObject({ code: 'ConfigItemNotFound', transient: true });
    expect(error.message).toBe('configuration item: ConfigItemNotFound');
  });

  it.each([
    ['without a config attribute', { id: { S: 'x' } }],
    ['with a string instead of a binary value', { config: { S: 'H4sI' } }],
  ])('reports an item %s as final: ConfigItemMalformed', async (_name, item) => {
    // Arrange
    const { items } = source([{ status: 200, body: { Item: item } }]);

    // Act / Assert
    expect(await readError(items)).toMatchObject({ code: 'ConfigItemMalformed', transient: false });
  });

  it.each([
    [
      'throttled twice',
      [awsErrorReply('ProvisionedThroughputExceededException')],
      'ProvisionedThroughputExceededException',
      2,
    ],
    [
      'denied (IAM not yet propagated)',
      [awsErrorReply('AccessDeniedException')],
      'AccessDeniedException',
      1,
    ],
    [
      'a missing table',
      [awsErrorReply('ResourceNotFoundException')],
      'ResourceNotFoundException',
      1,
    ],
    ['a reset connection', [transportFailure('connection', 'ECONNRESET')], 'ECONNRESET', 2],
  ])(
    'reports %s as transient, with the service code (no more attempts than the budget)',
    async (_name, replies, code, attempts) => {
      // Arrange
      const { items, transport } = source(replies as FakeReply[]);

      // Act
      const error = await readError(items);

      // Assert
      expect(error).toMatchObject({ code, transient: true });
      expect(transport.calls).toHaveLength(attempts);
    },
  );

  it('reports a failure of another kind than an AWS call as transient ReadFailed', async () => {
    // Arrange
    const client = { send: () => Promise.reject(new Error('boom')) } as unknown as AwsJsonClient;
    const items = new DynamoDbConfigItemSource({ tableName: TABLE, client });

    // Act / Assert
    expect(await readError(items)).toMatchObject({ code: 'ReadFailed', transient: true });
  });

  it('builds its own client from the Lambda environment when none is given', () => {
    // Act / Assert: constructing reads no network and no variable yet
    expect(() => new DynamoDbConfigItemSource({ tableName: TABLE })).not.toThrow();
  });
});
