// The token function's replay cache in a multi-Region deployment: each jti# item names its Region, a refused write asks for the refusing item, and a first use in another Region is reported (and still refused).
import { DYNAMODB } from '../../../../functions/shared/aws/json-client';
import type { OtherRegionUse } from '../../../../functions/shared/replay-region';
import { DynamoDbReplayCache } from '../../../../functions/token/adapters/replay-cache-dynamodb';
import { assertionJtiKey, dpopProofJtiKey } from '../../../../functions/token/core/replay-keys';
import { fakeAwsClient, type FakeReply } from '../../../support/aws-json-fake';

const ASSERTION = { clientId: 'c1', jti: 'j1', expiresAt: 2_000_000_000 };
const PROOF = { ...ASSERTION, proofKey: 'thumb' };

const refused = (item?: Record<string, unknown>): FakeReply => ({
  status: 400,
  body: {
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
    ...(item === undefined ? {} : { Item: item }),
  },
});

const setup = (replies: FakeReply[], multiRegion = true) => {
  const { client, transport } = fakeAwsClient(DYNAMODB, replies);
  const seen: OtherRegionUse[] = [];
  const cache = new DynamoDbReplayCache({
    tableName: 'clients',
    client,
    region: 'eu-west-1',
    onSeenInOtherRegion: multiRegion ? (use) => seen.push(use) : undefined,
  });
  return { cache, transport, seen };
};

describe('DynamoDbReplayCache with Regions', () => {
  it('writes the own Region and asks for the refusing item (multi-Region)', async () => {
    // Arrange
    const { cache, transport } = setup([{ status: 200, body: {} }]);

    // Act
    await expect(cache.useOnce(ASSERTION)).resolves.toBe(true);

    // Assert
    expect(transport.calls[0]?.input).toMatchObject({
      Item: {
        client_id: { S: assertionJtiKey('c1', 'j1') },
        expires_at: { N: '2000000000' },
        region: { S: 'eu-west-1' },
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it.each([
    ['an assertion', ASSERTION, 'assertion'],
    ['a DPoP proof', PROOF, 'dpop_token'],
  ])(
    'writes, for %s, the time of the use (its condition’s :now) and the kind, for the replay watcher',
    async (_label, use, kind) => {
      // Arrange
      const { cache, transport } = setup([{ status: 200, body: {} }]);

      // Act
      await cache.useOnce(use);

      // Assert
      const input = transport.calls[0]?.input as {
        Item: Record<string, unknown>;
        ExpressionAttributeValues: Record<string, { N: string }>;
      };
      expect(input.Item.kind).toEqual({ S: kind });
      expect(input.Item.used_at).toEqual(input.ExpressionAttributeValues[':now']);
    },
  );

  it('writes the Region but asks for no item without an observer (single-Region)', async () => {
    const { cache, transport } = setup([{ status: 200, body: {} }], false);
    await cache.useOnce(ASSERTION);
    expect(transport.calls[0]?.input).toMatchObject({ Item: { region: { S: 'eu-west-1' } } });
    expect(transport.calls[0]?.input).not.toHaveProperty('ReturnValuesOnConditionCheckFailure');
  });

  it('refuses an assertion first used in another Region, and reports it with the client', async () => {
    // Arrange
    const { cache, seen } = setup([
      refused({ client_id: { S: assertionJtiKey('c1', 'j1') }, region: { S: 'us-east-1' } }),
    ]);

    // Act
    const first = await cache.useOnce(ASSERTION);

    // Assert
    expect(first).toBe(false);
    expect(seen).toEqual([
      { kind: 'assertion', region: 'eu-west-1', clientId: 'c1', firstRegion: 'us-east-1' },
    ]);
  });

  it('refuses a DPoP proof first used in another Region, and reports it without a client', async () => {
    const { cache, seen, transport } = setup([refused({ region: { S: 'us-east-1' } })]);
    await expect(cache.useOnce(PROOF)).resolves.toBe(false);
    expect(transport.calls[0]?.input).toMatchObject({
      Item: { client_id: { S: dpopProofJtiKey('thumb', 'j1') } },
    });
    expect(seen).toEqual([{ kind: 'dpop_token', region: 'eu-west-1', firstRegion: 'us-east-1' }]);
  });

  it.each([
    ['a replay within the Region', refused({ region: { S: 'eu-west-1' } })],
    ['an item without a Region', refused({ client_id: { S: 'jti#x' } })],
    ['an answer without the item', refused()],
  ])('refuses %s and reports nothing', async (_label, reply) => {
    const { cache, seen } = setup([reply]);
    await expect(cache.useOnce(ASSERTION)).resolves.toBe(false);
    expect(seen).toEqual([]);
  });

  it('writes no Region and reports nothing when the function has none (outside Lambda)', async () => {
    // Arrange
    const { client, transport } = fakeAwsClient(DYNAMODB, [refused({ region: { S: 'x-1' } })]);
    const observer = jest.fn();
    const cache = new DynamoDbReplayCache({
      tableName: 'clients',
      client,
      onSeenInOtherRegion: observer,
    });

    // Act / Assert
    await expect(cache.useOnce(ASSERTION)).resolves.toBe(false);
    expect(transport.calls[0]?.input).not.toHaveProperty('Item.region');
    expect(transport.calls[0]?.input).not.toHaveProperty('Item.used_at');
    expect(transport.calls[0]?.input).not.toHaveProperty('Item.kind');
    expect(observer).not.toHaveBeenCalled();
  });
});
