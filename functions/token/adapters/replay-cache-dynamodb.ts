// The private_key_jwt replay cache on the clients table: one conditional PutItem per assertion `jti`, removed by DynamoDB TTL after the assertion's expiry.
import { EXPIRES_AT_ATTRIBUTE } from '../../shared/revocation';
import { replayEntryKey } from '../core/replay-keys';
import type { AssertionReplayCache, AssertionUse } from '../core/types';
import { DynamoDbClientStore } from './client-store-dynamodb';

/** Thrown inside the store's error mapping when the condition fails: the `jti` was used. */
class AlreadyUsed extends Error {}

/**
 * `jti#<digest of client_id and jti>` items (or, for a DPoP proof, of its key and jti) in the clients table (docs/private-key-jwt.md says why not a
 * second table). The token function's IAM policy allows PutItem only on keys with that prefix
 * (`dynamodb:LeadingKeys`), so this adapter cannot touch a client record.
 */
export class DynamoDbReplayCache extends DynamoDbClientStore implements AssertionReplayCache {
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
          },
          ConditionExpression: 'attribute_not_exists(client_id) OR #e < :now',
          ExpressionAttributeNames: { '#e': EXPIRES_AT_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        },
        () => new AlreadyUsed(),
      );
      return true;
    } catch (err) {
      if (err instanceof AlreadyUsed) return false;
      throw err;
    }
  }
}
