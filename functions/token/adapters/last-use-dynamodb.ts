// The token function's last-use write on the clients table: one conditional UpdateItem of `last_used_at` and nothing else, over the AWS JSON client.
import { AwsCallError } from '../../shared/aws/errors';
import { AwsJsonClient, DYNAMODB } from '../../shared/aws/json-client';
import { LAST_USE_WRITE_BUDGET } from '../../shared/limits';
import type { LastUse, LastUseRecorder } from '../core/types';
import { DynamoDbClientStore, type DynamoDbClientStoreOptions } from './client-store-dynamodb';

/** The attribute the token function writes on a client record (an ISO 8601 time). */
export const LAST_USED_AT_ATTRIBUTE = 'last_used_at';

/**
 * Every attribute the update names (its key, its SET and its condition): the token function's IAM
 * policy allows UpdateItem only when `dynamodb:Attributes` holds these and no others
 * (modules/token-endpoint/main.tf, statement RecordClientLastUse).
 */
export const LAST_USE_ATTRIBUTES = ['client_id', LAST_USED_AT_ATTRIBUTE] as const;

/**
 * Writes `last_used_at` on client records. Its default client has LAST_USE_WRITE_BUDGET (small: the
 * write runs beside the KMS Sign and must not hold the answer back), and its failures are thrown
 * as the AwsCallError they are, for the token endpoint to log: none of them is the caller's.
 */
export class DynamoDbLastUseRecorder extends DynamoDbClientStore implements LastUseRecorder {
  /** @param options table name, optional client (default: LAST_USE_WRITE_BUDGET) and budget */
  constructor(options: DynamoDbClientStoreOptions) {
    super({
      ...options,
      client:
        options.client ??
        new AwsJsonClient({ service: DYNAMODB, env: process.env, budget: LAST_USE_WRITE_BUDGET }),
      operationBudgetMs: options.operationBudgetMs ?? LAST_USE_WRITE_BUDGET.operationBudgetMs,
    });
  }

  /**
   * Conditional UpdateItem: `SET last_used_at` only when the client exists and its stored last use
   * is absent or older than `staleBefore`. UpdateItem "Edits an existing item's attributes, or adds
   * a new item to the table if it does not already exist ... You can also perform a conditional
   * update on an existing item", so `attribute_exists` keeps it from creating one for a client
   * deleted meanwhile (Amazon DynamoDB API Reference, UpdateItem,
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html). A client
   * declared in Terraform (`use.declared`) may have no runtime record yet: the write creates it,
   * holding `last_used_at` alone, which is no client by itself (it has no `status`), so a record
   * created for a client whose declaration was removed meanwhile is inert. A failed
   * condition (ConditionalCheckFailedException) means another container recorded a use within the
   * interval, or the client was deleted: both normal. ISO 8601 times from toISOString have one
   * fixed width, so DynamoDB's string comparison orders them as times. `ReturnValues` `NONE`: the
   * policy refuses anything that would return the item.
   * @param use the client and the times
   * @returns true when written, false when the condition kept the stored value
   * @throws AwsCallError for any other failure (throttling, timeout, access denied, ...)
   */
  async recordUse(use: LastUse): Promise<boolean> {
    try {
      await this.client.send(
        'UpdateItem',
        {
          TableName: this.tableName,
          Key: { client_id: { S: use.clientId } },
          UpdateExpression: 'SET #used = :used',
          ConditionExpression:
            use.declared === true
              ? 'attribute_not_exists(#used) OR #used < :stale'
              : 'attribute_exists(client_id) AND (attribute_not_exists(#used) OR #used < :stale)',
          ExpressionAttributeNames: { '#used': LAST_USED_AT_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':used': { S: use.usedAt },
            ':stale': { S: use.staleBefore },
          },
          ReturnValues: 'NONE',
        },
        this.budgetMs,
      );
      return true;
    } catch (err) {
      if (err instanceof AwsCallError && err.code === 'ConditionalCheckFailedException') {
        return false;
      }
      throw err;
    }
  }
}
