// The private_key_jwt replay cache on the clients table: one conditional PutItem per assertion `jti`, removed by DynamoDB TTL after the assertion's expiry.
import { EXPIRES_AT_ATTRIBUTE } from '../../shared/revocation';
import {
  KIND_ATTRIBUTE,
  REGION_ATTRIBUTE,
  USED_AT_ATTRIBUTE,
  reportOtherRegion,
  type OtherRegionObserver,
} from '../../shared/replay-region';
import { replayEntryKey } from '../core/replay-keys';
import type { AssertionReplayCache, AssertionUse } from '../core/types';
import { DynamoDbClientStore, type DynamoDbClientStoreOptions } from './client-store-dynamodb';

/** Thrown inside the store's error mapping when the condition fails: the `jti` was used. */
class AlreadyUsed extends Error {
  /** @param item the item that failed the condition, when the request asked for it */
  constructor(readonly item: Record<string, unknown> | undefined) {
    super('already used');
  }
}

/** Options of {@link DynamoDbReplayCache}. */
export interface DynamoDbReplayCacheOptions extends DynamoDbClientStoreOptions {
  /** The function's own Region, written into each item's `region` (docs/multi-region.md). */
  region?: string;
  /**
   * Multi-Region only: told when a use is refused because another Region recorded it first (its
   * item arrived by replication). With it, the write asks for the refusing item
   * (ReturnValuesOnConditionCheckFailure ALL_OLD); without it the request is as before.
   */
  onSeenInOtherRegion?: OtherRegionObserver;
}

/**
 * `jti#<digest of client_id and jti>` items (or, for a DPoP proof, of its key and jti) in the clients table (docs/private-key-jwt.md says why not a
 * second table). The token function's IAM policy allows PutItem only on keys with that prefix
 * (`dynamodb:LeadingKeys`), so this adapter cannot touch a client record.
 */
export class DynamoDbReplayCache extends DynamoDbClientStore implements AssertionReplayCache {
  private readonly region: string | undefined;
  private readonly onSeenInOtherRegion: OtherRegionObserver | undefined;

  /** @param options table, client, budget, own Region and the cross-Region observer */
  constructor(options: DynamoDbReplayCacheOptions) {
    super(options);
    this.region = options.region;
    this.onSeenInOtherRegion = options.onSeenInOtherRegion;
  }

  /**
   * Conditional PutItem: it succeeds only when no item has the key, or the item there has expired.
   * "You can perform a conditional put operation (add a new item if one with the specified primary
   * key doesn't exist)" (Amazon DynamoDB API Reference, PutItem,
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html; Developer
   * Guide, "Condition expressions", preventing overwrites,
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html),
   * and a failed condition is a ConditionalCheckFailedException, so two requests racing with one
   * assertion cannot both succeed. An expired item may still be there: "If the epoch time value
   * stored in the attribute is less than the current time, the item is marked as expired and
   * subsequently deleted ... DynamoDB typically deletes expired items within two days of
   * expiration ... Items that have expired and not been deleted will still show up in reads"
   * (API Reference, UpdateTimeToLive,
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html; and
   * "Working with expired items", "they'll continue to show in read and write operations until
   * they are deleted", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html),
   * hence the `expires_at < now` alternative, the same comparison TTL makes. A retry of a write
   * that succeeded but timed out answers "used" and the request gets invalid_client: the safe side.
   *
   * Multi-Region: the item names the Region that wrote it, and a refused write asks for the item
   * that refused it with ReturnValuesOnConditionCheckFailure ALL_OLD, a PutItem parameter (API
   * Reference, PutItem, above): "Use ReturnValuesOnConditionCheckFailure to get the item
   * attributes if the Put condition fails. For ReturnValuesOnConditionCheckFailure, the valid
   * values are: NONE and ALL_OLD" (AWS SDK for Kotlin API reference, Put,
   * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/dynamodb/aws.sdk.kotlin.services.dynamodb.model/-put/-builder),
   * returned as the exception's `Item`, "Item which caused the ConditionalCheckFailedException"
   * (https://docs.aws.amazon.com/botocore/latest/reference/services/dynamodb/client/exceptions/ConditionalCheckFailedException.html),
   * and "No read capacity units are consumed" (DeleteItemRequest, the same parameter,
   * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/dynamodb/aws.sdk.kotlin.services.dynamodb.model/-delete-item-request/return-values-on-condition-check-failure.html).
   * An item another Region wrote is a use there that has replicated here: reported to the
   * observer (`JtiSeenInOtherRegion`), and refused like any replay. IAM: the docs name no extra
   * permission for it (the role may PutItem on `jti#` keys only); they are silent on whether one
   * is needed, so it is asked for only in a multi-Region deployment, and a refusal there would
   * fail the request closed (ServerError), never accept it.
   * @param use client, jti and expiry
   * @returns true on the first use, false on a replay
   * @throws TemporarilyUnavailableError / ServerError as the read side maps them
   */
  async useOnce(use: AssertionUse): Promise<boolean> {
    const now = Math.floor(Date.now() / 1000);
    try {
      await this.call(
        'PutItem',
        {
          TableName: this.tableName,
          Item: {
            client_id: { S: replayEntryKey(use) },
            [EXPIRES_AT_ATTRIBUTE]: { N: String(use.expiresAt) },
            // The Region, the time of this write and the kind: what the replay watcher reads
            // when replication replaces the item (docs/multi-region.md).
            ...(this.region === undefined
              ? {}
              : {
                  [REGION_ATTRIBUTE]: { S: this.region },
                  [USED_AT_ATTRIBUTE]: { N: String(now) },
                  [KIND_ATTRIBUTE]: { S: use.proofKey === undefined ? 'assertion' : 'dpop_token' },
                }),
          },
          ConditionExpression: 'attribute_not_exists(client_id) OR #e < :now',
          ExpressionAttributeNames: { '#e': EXPIRES_AT_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
          ...(this.onSeenInOtherRegion === undefined
            ? {}
            : { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        },
        (cause) => new AlreadyUsed(cause.item),
      );
      return true;
    } catch (err) {
      if (!(err instanceof AlreadyUsed)) throw err;
      if (this.region !== undefined) {
        reportOtherRegion(
          this.onSeenInOtherRegion,
          use.proofKey === undefined
            ? { kind: 'assertion', region: this.region, clientId: use.clientId }
            : { kind: 'dpop_token', region: this.region },
          err.item,
        );
      }
      return false;
    }
  }
}
