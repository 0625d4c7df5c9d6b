// The authorizer's DPoP replay cache (RFC 9449 §11.1): one conditional PutItem of a `dpopjti#<digest>` item per proof, over the shared AWS JSON client, removed by DynamoDB TTL.
import { AwsCallError } from '../../shared/aws/errors';
import { AwsJsonClient, DYNAMODB } from '../../shared/aws/json-client';
import { REVOCATION_READ_BUDGET } from '../../shared/limits';
import { EXPIRES_AT_ATTRIBUTE } from '../../shared/revocation';
import {
  REGION_ATTRIBUTE,
  USED_AT_ATTRIBUTE,
  reportOtherRegion,
  type OtherRegionObserver,
} from '../../shared/replay-region';
import type { DpopReplayCache, DpopProofUse } from '../core/dpop-replay';

/** Options of {@link DynamoDbDpopReplayCache}. */
export interface DynamoDbDpopReplayCacheOptions {
  /** The table of `dpopjti#` items (the clients table). */
  tableName: string;
  /** DynamoDB client; default one from the Lambda environment, with the revocation read's budget. */
  client?: AwsJsonClient;
  /** Current time in ms (default Date.now), for the expired-item alternative of the condition. */
  clock?: () => number;
  /** The function's own Region, written into each item's `region` (docs/multi-region.md). */
  region?: string;
  /**
   * Multi-Region only: told when a proof is refused because another Region recorded it first;
   * with it the write asks for the refusing item (ReturnValuesOnConditionCheckFailure ALL_OLD),
   * as the token function's replay cache does (functions/token/adapters/replay-cache-dynamodb.ts
   * cites the pages and says why only then).
   */
  onSeenInOtherRegion?: OtherRegionObserver;
}

/**
 * Records proof `jti`s. The role may PutItem on `dpopjti#` keys and nothing else
 * (modules/authorizer/main.tf, RecordDpopProofIds).
 */
export class DynamoDbDpopReplayCache implements DpopReplayCache {
  private readonly client: AwsJsonClient;
  private readonly clock: () => number;

  /** @param options table, optional client and clock */
  constructor(private readonly options: DynamoDbDpopReplayCacheOptions) {
    // The revocation read's budget (two attempts within 1.5 s): the write is on the request path
    // of every DPoP request, like that read.
    this.client =
      options.client ??
      new AwsJsonClient({ service: DYNAMODB, env: process.env, budget: REVOCATION_READ_BUDGET });
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Conditional PutItem, the token function's replay write (functions/token/adapters/replay-cache-dynamodb.ts
   * cites the DynamoDB pages): it succeeds only when no item has the key, or the item there has
   * expired but TTL has not deleted it yet. A retry of a write that succeeded but timed out
   * answers "used", and the request is refused: the safe side.
   * @param use the item's key and expiry
   * @returns true on the first use, false on a replay
   * @throws AwsCallError (or any error) when the write fails: the caller refuses the request
   */
  async useOnce(use: DpopProofUse): Promise<boolean> {
    const now = Math.floor(this.clock() / 1000);
    const region = this.options.region;
    try {
      await this.client.send('PutItem', {
        TableName: this.options.tableName,
        Item: {
          client_id: { S: use.key },
          [EXPIRES_AT_ATTRIBUTE]: { N: String(use.expiresAt) },
          // The Region and the time of this write, for the replay watcher (docs/multi-region.md).
          ...(region === undefined
            ? {}
            : { [REGION_ATTRIBUTE]: { S: region }, [USED_AT_ATTRIBUTE]: { N: String(now) } }),
        },
        ConditionExpression: 'attribute_not_exists(client_id) OR #e < :now',
        ExpressionAttributeNames: { '#e': EXPIRES_AT_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': { N: String(now) } },
        ...(this.options.onSeenInOtherRegion === undefined
          ? {}
          : { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      });
      return true;
    } catch (err) {
      if (err instanceof AwsCallError && err.code === 'ConditionalCheckFailedException') {
        if (region !== undefined) {
          reportOtherRegion(
            this.options.onSeenInOtherRegion,
            { kind: 'dpop_authorizer', region },
            err.item,
          );
        }
        return false;
      }
      throw err;
    }
  }
}
