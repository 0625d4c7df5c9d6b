// The audit trail in the clients table: an entry's item, the transaction that writes it with its change, and how a cancelled transaction is reported.
import type {
  AttributeValue,
  CancellationReason,
  TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { ServerError, TemporarilyUnavailableError } from '../../functions/token/core/errors';
import { AUDIT_KEY_PREFIX } from '../../functions/shared/revocation';
import { MalformedAuditEntryError, parseAuditEntry, type AuditEntry } from './audit-entry';

/** A DynamoDB item, as the SDK types it. */
export type Item = Record<string, AttributeValue>;

/**
 * The entry's fields as attributes, all prefixed `audit_`: none is a name the authorizer's
 * projection reads (`status`, `tokens_not_before`, `expires_at`, `usage_key`), so a revocation
 * read that met an audit item would find it inactive and unrevoked. No `expires_at` either: TTL
 * never removes an entry (docs/audit.md, "Retention").
 */
const FIELDS = {
  at: 'audit_at',
  actor: 'audit_actor',
  command: 'audit_command',
  operation: 'audit_operation',
  client_id: 'audit_client_id',
  jti: 'audit_jti',
} as const;

/** Attribute that holds an entry's client id, which the history Scan filters on. */
export const AUDIT_CLIENT_ID_ATTRIBUTE = FIELDS.client_id;

/** The before and after snapshots are stored as JSON text: read back exactly as written. */
const SNAPSHOTS = { before: 'audit_before', after: 'audit_after' } as const;

/**
 * @param entry an audit entry
 * @returns its item, with the entry's key as the partition key
 */
export function toAuditItem(entry: AuditEntry): Item {
  const item: Item = { client_id: { S: entry.key } };
  for (const [field, attribute] of Object.entries(FIELDS)) {
    const value = entry[field as keyof typeof FIELDS];
    if (value !== undefined) item[attribute] = { S: value };
  }
  for (const [side, attribute] of Object.entries(SNAPSHOTS)) {
    const value = entry[side as keyof typeof SNAPSHOTS];
    if (value !== undefined) item[attribute] = { S: JSON.stringify(value) };
  }
  return item;
}

/**
 * Reads an audit item back.
 * @param item the item (its `client_id` starts with `audit#`)
 * @returns the entry
 * @throws ServerError when the item is not an entry the CLI could have written
 */
export function fromAuditItem(item: Item): AuditEntry {
  const key = item.client_id?.S ?? '';
  const raw: Record<string, unknown> = {};
  for (const [field, attribute] of Object.entries(FIELDS)) {
    if (item[attribute] !== undefined) raw[field] = item[attribute].S ?? null;
  }
  try {
    for (const [side, attribute] of Object.entries(SNAPSHOTS)) {
      const text = item[attribute]?.S;
      if (item[attribute] !== undefined) raw[side] = text === undefined ? null : JSON.parse(text);
    }
    return parseAuditEntry(key, raw);
  } catch (err) {
    const reason =
      err instanceof MalformedAuditEntryError
        ? err.message
        : `audit entry ${key} is malformed (JSON)`;
    throw new ServerError(reason, { cause: err });
  }
}

/**
 * The Scan of the trail: every `audit#` item, or one client's.
 * @param clientId one client's entries, or undefined for all
 * @returns the filter expression and its names and values
 */
export function auditScanFilter(clientId?: string): {
  FilterExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Item;
} {
  const names: Record<string, string> = { '#k': 'client_id' };
  const values: Item = { ':prefix': { S: AUDIT_KEY_PREFIX } };
  let filter = 'begins_with(#k, :prefix)';
  if (clientId !== undefined) {
    names['#c'] = AUDIT_CLIENT_ID_ATTRIBUTE;
    values[':client'] = { S: clientId };
    filter += ' AND #c = :client';
  }
  return {
    FilterExpression: filter,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * The transaction that writes a change and its entry: "TransactWriteItems is a synchronous write
 * operation that groups up to 100 action requests ... no two actions can target the same item
 * ... The aggregate size of the items in the transaction cannot exceed 4 MB. The actions are
 * completed atomically so that either all of them succeed, or all of them fail" (Amazon DynamoDB
 * API Reference, TransactWriteItems,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
 * Here: two actions on two items (the client's and the entry's, whose key is new), far below
 * 4 MB (a record is at most a few KB). The change keeps its own condition (the version read, or
 * that the id is free); the entry's put is conditional on its key being new, so an entry is never
 * overwritten. A client token makes the call idempotent, so a request sent again after a
 * connection time-out is applied once (Developer Guide, "Amazon DynamoDB Transactions: How it
 * works", Idempotency, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html;
 * "A client request token is valid for 10 minutes after the first request that uses it is
 * completed", API Reference, TransactWriteItems): an SDK retry after a lost response neither
 * applies the change twice nor reports a false conflict.
 * A change of a client declared in Terraform may carry a further action on its declaration item
 * (an incident `disable`), after the entry, in the same transaction.
 * @param change the Put or Delete of the client (or revoked-token) item, with its condition
 * @param tableName the clients table
 * @param entry the entry to write with it
 * @param further actions on other items, each with its own condition
 * @returns the TransactWriteItems input
 */
export function auditedTransaction(
  change: TransactWriteItem,
  tableName: string,
  entry: AuditEntry,
  further: readonly TransactWriteItem[] = [],
): { TransactItems: TransactWriteItem[]; ClientRequestToken: string } {
  return {
    TransactItems: [
      change,
      {
        Put: {
          TableName: tableName,
          Item: toAuditItem(entry),
          ConditionExpression: 'attribute_not_exists(client_id)',
        },
      },
      ...further,
    ],
    // The entry's random part (16 hex digits): unique per change, within the 36 characters allowed.
    ClientRequestToken: entry.key.slice(entry.key.lastIndexOf('#') + 1),
  };
}

/**
 * Cancellation reasons that mean "try again later" ("TransactionConflict",
 * "ProvisionedThroughputExceeded", "ThrottlingError": API Reference, TransactWriteItems, Errors).
 */
const TEMPORARY_REASONS: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ProvisionedThroughputExceeded',
  'ThrottlingError',
]);

/** How a cancelled audited transaction failed. */
export type Cancellation =
  | { kind: 'change-condition'; old: Item | undefined }
  | { kind: 'entry-exists' }
  | { kind: 'further-condition' }
  | { kind: 'temporary' }
  | { kind: 'other' };

/**
 * Reads the reasons of a TransactionCanceledException, one per action in order (the change, the
 * entry, then any further actions). The SDK fills `CancellationReasons`; an older response names the codes only in the
 * message (`... [ConditionalCheckFailed, None]`), which is read as a fallback.
 * @param err the exception
 * @returns what failed
 */
export function cancellationOf(err: unknown): Cancellation {
  let reasons = (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  if (!Array.isArray(reasons) || reasons.length === 0) {
    const listed = /\[([A-Za-z, ]+)\]\s*$/.exec((err as Error).message ?? '');
    reasons = (listed?.[1] ?? '').split(',').map((code) => ({ Code: code.trim() }));
  }
  const [change, entry, ...further] = reasons;
  if (change?.Code === 'ConditionalCheckFailed') {
    return { kind: 'change-condition', old: change.Item };
  }
  if (entry?.Code === 'ConditionalCheckFailed') return { kind: 'entry-exists' };
  if (further.some((r) => r.Code === 'ConditionalCheckFailed'))
    return { kind: 'further-condition' };
  if (reasons.some((r) => r.Code !== undefined && TEMPORARY_REASONS.has(r.Code))) {
    return { kind: 'temporary' };
  }
  return { kind: 'other' };
}

/**
 * The error for a cancellation other than the change's own condition (the store maps that one
 * to ClientExistsError, ClientNotFoundError or ConcurrentModificationError).
 * @param cancellation what failed
 * @param entry the entry that was to be written
 * @param cause the SDK error
 * @returns the error to throw
 */
export function cancellationError(
  cancellation: Exclude<Cancellation, { kind: 'change-condition' | 'further-condition' }>,
  entry: AuditEntry,
  cause: unknown,
): Error {
  switch (cancellation.kind) {
    case 'entry-exists':
      return new ServerError(`the audit entry ${entry.key} already exists; nothing was changed`, {
        cause,
      });
    case 'temporary':
      return new TemporarilyUnavailableError('the client store is busy; retry later', { cause });
    case 'other':
      return new ServerError('the client store refused the change; nothing was changed', {
        cause,
      });
  }
}
