// The replay watcher on a real DynamoDB stream (moto_server): Region A's clients table with a NEW_AND_OLD_IMAGES stream, single-use items written by the functions' own replay caches in A and in B, B's items copied into A's table as a global table's last-writer-wins replication would, the stream read over the wire (DescribeTable, DescribeStream, GetShardIterator, GetRecords) and handed to the watcher's handler in-process.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDbDpopReplayCache } from '../../functions/authorizer/adapters/dpop-replay-dynamodb';
import { dpopJtiKey } from '../../functions/authorizer/core/dpop-request';
import { AwsJsonClient, DYNAMODB } from '../../functions/shared/aws/json-client';
import type { AwsJsonService } from '../../functions/shared/aws/json-client-options';
import { DynamoDbReplayCache } from '../../functions/token/adapters/replay-cache-dynamodb';
import { assertionJtiKey } from '../../functions/token/core/replay-keys';
import { captureEmf, type EmfCapture } from '../support/emf';
import { createClientsTable, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';

jest.setTimeout(60_000);

const TABLE = 'replay-watch-it';
const A = 'eu-west-1';
const B = 'us-east-1';
type Region = typeof A | typeof B;

/**
 * The DynamoDB Streams API (DescribeStream, GetShardIterator, GetRecords) as the AWS SDKs call it:
 * JSON 1.0, target prefix DynamoDBStreams_20120810, signed for dynamodb. The pages at hand do not
 * show the wire protocol; moto_server answers it, and the records it returns have the documented
 * shape ("StreamRecord", https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html).
 */
const STREAMS: AwsJsonService = Object.freeze({
  name: 'dynamodb',
  label: 'DynamoDB Streams',
  targetPrefix: 'DynamoDBStreams_20120810',
  contentType: 'application/x-amz-json-1.0',
});

describeWithMoto()('replay watcher on a DynamoDB stream (moto_server)', () => {
  let moto: Moto;
  let capture: EmfCapture | undefined;
  const dynamo = {} as Record<Region, DynamoDBClient>;
  const json = {} as Record<Region, AwsJsonClient>;
  let streamArn: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    moto = await startMoto({ setProcessEnv: false });
    for (const region of [A, B] as Region[]) {
      dynamo[region] = new DynamoDBClient({
        endpoint: moto.endpoint,
        region,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      json[region] = new AwsJsonClient({
        service: DYNAMODB,
        env: { ...moto.env, AWS_REGION: region },
      });
    }
    // A's table has the stream a global table needs; B's is a plain table (its stream is not read).
    const created = await dynamo[A].send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'client_id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'client_id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    streamArn = created.TableDescription?.LatestStreamArn as string;
    await createClientsTable(dynamo[B], TABLE);
  });

  afterAll(async () => {
    capture?.restore();
    process.env = { ...saved };
    for (const client of Object.values(dynamo)) client.destroy();
    await moto?.stop();
  });

  /** B's item copied into A's table: what replication does when B's write is the last writer. */
  async function replicateFromB(key: string): Promise<void> {
    const got = await dynamo[B].send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { client_id: { S: key } },
        ConsistentRead: true,
      }),
    );
    expect(got.Item?.region).toEqual({ S: B });
    await dynamo[A].send(
      new PutItemCommand({ TableName: TABLE, Item: got.Item as Record<string, AttributeValue> }),
    );
  }

  /** Every record of A's stream so far, read as a consumer reads it, over the wire. */
  async function readStream(): Promise<unknown[]> {
    const streams = new AwsJsonClient({ service: STREAMS, env: { ...moto.env, AWS_REGION: A } });
    const described = (await streams.send('DescribeStream', { StreamArn: streamArn })) as {
      StreamDescription: { Shards: { ShardId: string }[] };
    };
    const records: unknown[] = [];
    for (const shard of described.StreamDescription.Shards) {
      const { ShardIterator } = (await streams.send('GetShardIterator', {
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      })) as { ShardIterator: string };
      const page = (await streams.send('GetRecords', { ShardIterator, Limit: 1000 })) as {
        Records: unknown[];
      };
      records.push(...page.Records);
    }
    return records;
  }

  it('reports the jti accepted in both Regions before replication, and nothing for a reuse after expiry or within one Region', async () => {
    // Arrange: the table's stream is on (what modules/replay-watch reads).
    const table = await dynamo[A].send(new DescribeTableCommand({ TableName: TABLE }));
    expect(table.Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    const now = Math.floor(Date.now() / 1000);
    const tokenCache = (region: Region) =>
      new DynamoDbReplayCache({
        tableName: TABLE,
        client: json[region],
        region,
        onSeenInOtherRegion: () => undefined,
      });
    const proofCache = (region: Region, at: number) =>
      new DynamoDbDpopReplayCache({
        tableName: TABLE,
        client: json[region],
        region,
        clock: () => at * 1000,
        onSeenInOtherRegion: () => undefined,
      });
    // (1) One assertion, accepted by A's and B's token functions inside the window.
    const assertion = { clientId: 'client-1', jti: 'assertion-jti', expiresAt: now + 60 };
    expect(await tokenCache(A).useOnce(assertion)).toBe(true);
    expect(await tokenCache(B).useOnce(assertion)).toBe(true);
    // (2) One DPoP proof, accepted by A's authorizer at t and by B's 3 s later.
    const proof = { key: dpopJtiKey('thumb', 'proof-jti'), expiresAt: now + 65 };
    expect(await proofCache(A, now).useOnce(proof)).toBe(true);
    expect(await proofCache(B, now + 3).useOnce(proof)).toBe(true);
    // (3) A proof whose entry in A had expired (at t − 10) when B used the same jti: allowed.
    const expired = { key: dpopJtiKey('thumb', 'reused-jti'), expiresAt: now - 10 };
    expect(await proofCache(A, now - 70).useOnce(expired)).toBe(true);
    expect(await proofCache(B, now).useOnce({ ...expired, expiresAt: now + 65 })).toBe(true);
    // (4) Within A: an expired entry replaced by A's own later use (the condition allows it).
    const own = { key: dpopJtiKey('thumb', 'own-jti'), expiresAt: now - 5 };
    expect(await proofCache(A, now - 60).useOnce(own)).toBe(true);
    expect(await proofCache(A, now).useOnce({ ...own, expiresAt: now + 65 })).toBe(true);

    // Act: replication brings B's items to A, where B's later writes win; the watcher in A reads
    // A's stream.
    await replicateFromB(assertionJtiKey('client-1', 'assertion-jti'));
    await replicateFromB(proof.key);
    await replicateFromB(expired.key);
    const records = await readStream();
    Object.assign(process.env, {
      AWS_REGION: A,
      POWERTOOLS_SERVICE_NAME: 'it-replay-watch',
      POWERTOOLS_METRICS_NAMESPACE: 'ReplayWatchIT',
      LOG_LEVEL: 'WARN',
    });
    capture = captureEmf();
    const { handler } =
      (await import('../../functions/replay-watch/handler')) as typeof import('../../functions/replay-watch/handler');
    const summary = await handler({ Records: records });
    capture.restore();

    // Assert: the stream holds the four INSERTs and four MODIFYs; two are double uses.
    const events = records.map((r) => (r as { eventName: string }).eventName);
    expect(events.filter((e) => e === 'INSERT')).toHaveLength(4);
    expect(events.filter((e) => e === 'MODIFY')).toHaveLength(4);
    expect(summary.malformed).toBe(0);
    expect(summary.doubleUses.map((u) => [u.kind, u.firstRegion, u.secondRegion])).toEqual([
      ['assertion', A, B],
      ['dpop_authorizer', A, B],
    ]);
    const logs = capture.other.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'jti_used_in_two_regions',
        region: A,
        kind: 'assertion',
        firstRegion: A,
        secondRegion: B,
        expiresAt: now + 60,
        itemKey: assertionJtiKey('client-1', 'assertion-jti'),
      }),
      expect.objectContaining({
        kind: 'dpop_authorizer',
        firstUsedAt: now,
        secondUsedAt: now + 3,
        expiresAt: now + 65,
      }),
    ]);
    expect(JSON.stringify(logs)).not.toContain('assertion-jti');
    expect(capture.lines.map((l) => [l.kind, l.region, l.JtiUsedInTwoRegions])).toEqual([
      ['assertion', A, 1],
      ['dpop_authorizer', A, 1],
    ]);
    expect(capture.lines[0]?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'ReplayWatchIT',
      Dimensions: [
        ['service', 'kind'],
        ['service', 'kind', 'region'],
      ],
    });
  });
});
