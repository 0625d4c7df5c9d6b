// The authorizer's DPoP replay write in a multi-Region deployment: each dpopjti# item names its Region, a refused write asks for the refusing item, and a first use in another Region is reported (and still refused).
import { DynamoDbDpopReplayCache } from '../../../../functions/authorizer/adapters/dpop-replay-dynamodb';
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import type { OtherRegionUse } from '../../../../functions/shared/replay-region';
import { fakeAwsClient, type FakeReply } from '../../../support/aws-json-fake';

const USE = { key: 'dpopjti#abc', expiresAt: 1_750_000_100 };

const refused = (item?: Record<string, unknown>): FakeReply => ({
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
    ...(item === undefined ? {} : { Item: item }),
  },
});

const setup = (replies: FakeReply[], options: { region?: string; observe?: boolean } = {}) => {
  const { client, transport } = fakeAwsClient(DYNAMODB, replies);
  const seen: OtherRegionUse[] = [];
  const cache = new DynamoDbDpopReplayCache({
    tableName: 'clients',
    client,
    clock: () => 1_750_000_000_000,
    region: 'region' in options ? options.region : 'us-east-1',
    onSeenInOtherRegion: options.observe === false ? undefined : (use) => seen.push(use),
  });
  return { cache, transport, seen };
};

describe('DynamoDbDpopReplayCache with Regions', () => {
  it('writes the own Region and asks for the refusing item (multi-Region)', async () => {
    const { cache, transport } = setup([{ status: 200, body: {} }]);
    await expect(cache.useOnce(USE)).resolves.toBe(true);
    expect(transport.calls[0]?.input).toMatchObject({
      Item: { client_id: { S: 'dpopjti#abc' }, region: { S: 'us-east-1' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('writes the time of the use beside the Region, the :now of its condition (for the replay watcher)', async () => {
    const { cache, transport } = setup([{ status: 200, body: {} }]);
    await cache.useOnce(USE);
    const input = transport.calls[0]?.input as {
      Item: Record<string, unknown>;
      ExpressionAttributeValues: Record<string, { N: string }>;
    };
    expect(input.Item.used_at).toEqual(input.ExpressionAttributeValues[':now']);
    expect(input.Item).not.toHaveProperty('kind');
  });

  it('writes the Region but asks for no item without an observer (single-Region)', async () => {
    const { cache, transport } = setup([{ status: 200, body: {} }], { observe: false });
    await cache.useOnce(USE);
    expect(transport.calls[0]?.input).toMatchObject({ Item: { region: { S: 'us-east-1' } } });
    expect(transport.calls[0]?.input).not.toHaveProperty('ReturnValuesOnConditionCheckFailure');
  });

  it('refuses a proof first used in another Region and reports it', async () => {
    const { cache, seen } = setup([refused({ region: { S: 'eu-west-1' } })]);
    await expect(cache.useOnce(USE)).resolves.toBe(false);
    expect(seen).toEqual([
      { kind: 'dpop_authorizer', region: 'us-east-1', firstRegion: 'eu-west-1' },
    ]);
  });

  it.each([
    ['a replay within the Region', refused({ region: { S: 'us-east-1' } })],
    ['an answer without the item', refused()],
  ])('refuses %s and reports nothing', async (_label, reply) => {
    const { cache, seen } = setup([reply]);
    await expect(cache.useOnce(USE)).resolves.toBe(false);
    expect(seen).toEqual([]);
  });

  it('writes no Region and reports nothing when the function has none', async () => {
    const { cache, seen, transport } = setup([refused({ region: { S: 'eu-west-1' } })], {
      region: undefined,
    });
    await expect(cache.useOnce(USE)).resolves.toBe(false);
    expect(transport.calls[0]?.input).not.toHaveProperty('Item.region');
    expect(transport.calls[0]?.input).not.toHaveProperty('Item.used_at');
    expect(seen).toEqual([]);
  });
});
