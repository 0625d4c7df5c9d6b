// The conditions of the clients CLI's writes to the clients table, and the error a failed one means: the version read, no runtime record yet, the declaration of an incident disable.
import type { PutItemCommandInput, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { declaredClientKey } from '../../functions/shared/declared-clients';
import type { Item } from './client-item-dynamodb';
import { ClientNotFoundError, ConcurrentModificationError } from './errors';

/** The condition part of a conditional write. */
export type Condition = Pick<
  PutItemCommandInput,
  | 'ConditionExpression'
  | 'ExpressionAttributeNames'
  | 'ExpressionAttributeValues'
  | 'ReturnValuesOnConditionCheckFailure'
>;

/** Builds the error for a failed condition, given the old item (when returned) and the SDK error. */
export type ConditionFailureMapper = (old: Item | undefined, cause: unknown) => Error;

/**
 * The transaction action of an incident `disable` of a declared client: its declaration's
 * `status` set to `disabled`, nothing else, and only while the declaration exists.
 * @param tableName the clients table
 * @param clientId the client
 * @returns the Update action
 */
export function disableDeclarationAction(tableName: string, clientId: string): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: { client_id: { S: declaredClientKey(clientId) } },
      UpdateExpression: 'SET #status = :disabled',
      ConditionExpression: 'attribute_exists(client_id)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':disabled': { S: 'disabled' } },
    },
  };
}

/**
 * @param expectedVersion the version the caller read
 * @returns the condition that the stored version is still that one
 */
export function versionCondition(expectedVersion: number): Condition {
  return {
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
    // The old item, if any, tells a deleted client apart from a concurrent change.
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * The condition of the first write of a declared client's runtime record: none exists yet, or
 * only the `last_used_at` the token function recorded (which has no version).
 */
export function noRuntimeRecordCondition(): Condition {
  return {
    ConditionExpression: 'attribute_not_exists(client_id) OR attribute_not_exists(#version)',
    ExpressionAttributeNames: { '#version': 'version' },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * @param clientId the client
 * @param old the item the failed condition found, if any
 * @param cause the SDK error
 * @returns ClientNotFoundError when there was no item, else ConcurrentModificationError
 */
export function conflictError(clientId: string, old: Item | undefined, cause: unknown): Error {
  return old && Object.keys(old).length > 0
    ? new ConcurrentModificationError(clientId, { cause })
    : new ClientNotFoundError(clientId, { cause });
}
