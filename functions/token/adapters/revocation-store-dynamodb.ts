// The RFC 7009 revocation list on the clients table: `revoked#<jti>` items that DynamoDB TTL removes after the token's expiry.
import { EXPIRES_AT_ATTRIBUTE, revokedJtiKey, REVOKED_JTI_PREFIX } from '../../shared/revocation';
import type { RevocationStore, RevokedToken } from '../core/types';
import type { Item } from './dynamodb-item';
import { DynamoDbClientStore } from './client-store-dynamodb';

/**
 * @param token a revoked token
 * @returns its item: `revoked#<jti>`, the client, and `expires_at` (the table's TTL attribute)
 */
export function revokedItem(token: RevokedToken): Item {
  return {
    client_id: { S: revokedJtiKey(token.jti) },
    revoked_client_id: { S: token.clientId },
    [EXPIRES_AT_ATTRIBUTE]: { N: String(token.expiresAt) },
  };
}

/**
 * Revocation items live in the clients table under the `revoked#` key prefix (docs/revocation.md
 * says why not a second table). The token function's IAM policy allows PutItem only on keys with
 * that prefix (`dynamodb:LeadingKeys`), so this adapter cannot touch a client record.
 */
export class DynamoDbRevocationStore extends DynamoDbClientStore implements RevocationStore {
  /**
   * Unconditional PutItem: revoking twice writes the same item, so the write is idempotent and a
   * retry after a timeout is safe. `expires_at` is the table's TTL attribute (epoch seconds).
   * @param token the revoked token
   * @throws TemporarilyUnavailableError / ServerError as the read side maps them
   */
  async revokeToken(token: RevokedToken): Promise<void> {
    await this.call('PutItem', { TableName: this.tableName, Item: revokedItem(token) });
  }

  /**
   * Strongly consistent read of a revocation item.
   * @param jti a token id
   * @returns the item's `expires_at`, or undefined when there is none
   */
  async revokedUntil(jti: string): Promise<number | undefined> {
    const out = await this.call<{ Item?: Item }>('GetItem', {
      TableName: this.tableName,
      Key: { client_id: { S: REVOKED_JTI_PREFIX + jti } },
      ConsistentRead: true,
      ProjectionExpression: '#e',
      ExpressionAttributeNames: { '#e': EXPIRES_AT_ATTRIBUTE },
    });
    if (out.Item === undefined) return undefined;
    const raw = out.Item[EXPIRES_AT_ATTRIBUTE]?.N;
    // Number('') is 0, which would read as long expired: an empty value fails closed too.
    const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
    // An item without a readable expiry still revokes: fail closed.
    return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
  }
}
