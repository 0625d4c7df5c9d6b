// A client record as DynamoDB items and back, the way the clients CLI writes and reads it (every attribute typed as the token function's parser reads it).
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MANAGED_BY_TERRAFORM } from '../../functions/shared/declared-clients';
import { MalformedClientRecordError } from '../../functions/token/adapters/client-record';
import { clientFromItems } from '../../functions/token/adapters/declared-client';
import { fromAttributeMap } from '../../functions/token/adapters/dynamodb-item';
import { ServerError } from '../../functions/token/core/errors';
import type { ClientRecord, ClientSecret } from '../../functions/token/core/types';

/** A DynamoDB item, as the SDK types it. */
export type Item = Record<string, AttributeValue>;

/**
 * Maps a record to a DynamoDB item. Lists are `L` of `S`, because a string set (`SS`) cannot be empty.
 * @param record the client record
 * @returns the item
 */
export function toItem(record: ClientRecord): Item {
  const item: Item = {
    client_id: { S: record.client_id },
    name: { S: record.name },
    status: { S: record.status },
    secrets: secretsAttribute(record.secrets),
    scopes: { L: record.scopes.map((s) => ({ S: s })) },
    audiences: { L: record.audiences.map((s) => ({ S: s })) },
    created_at: { S: record.created_at },
    updated_at: { S: record.updated_at },
    version: { N: String(record.version) },
  };
  if (record.token_endpoint_auth_method !== undefined) {
    item.token_endpoint_auth_method = { S: record.token_endpoint_auth_method };
  }
  if (record.jwks !== undefined) {
    item.jwks = {
      M: {
        keys: {
          L: record.jwks.keys.map((key) => ({
            M: Object.fromEntries(
              Object.entries(key)
                .filter(([, v]) => v !== undefined)
                .map(([member, v]) => [member, { S: String(v) }]),
            ),
          })),
        },
      },
    };
  }
  if (record.keys_added_at !== undefined) {
    item.keys_added_at = {
      M: Object.fromEntries(
        Object.entries(record.keys_added_at).map(([kid, at]) => [kid, { S: at }]),
      ),
    };
  }
  if (record.token_ttl_seconds !== undefined) {
    item.token_ttl_seconds = { N: String(record.token_ttl_seconds) };
  }
  if (record.tokens_not_before !== undefined) {
    item.tokens_not_before = { N: String(record.tokens_not_before) };
  }
  if (record.dpop_bound_access_tokens !== undefined) {
    item.dpop_bound_access_tokens = { BOOL: record.dpop_bound_access_tokens };
  }
  // last_used_at is the token function's: written back as read, so a change keeps it.
  for (const field of [
    'usage_plan',
    'usage_key',
    'usage_key_id',
    'pending_since',
    'last_used_at',
  ] as const) {
    const v = record[field];
    if (v !== undefined) item[field] = { S: v };
  }
  return item;
}

/** Secrets as an `L` of `M`: hash, creation and expiry times. */
function secretsAttribute(secrets: readonly ClientSecret[]): AttributeValue {
  return {
    L: secrets.map((s) => {
      const m: Item = { hash: { S: s.hash }, created_at: { S: s.created_at } };
      if (s.expires_at !== undefined) m.expires_at = { S: s.expires_at };
      return { M: m };
    }),
  };
}

/**
 * The runtime record of a client declared in Terraform (functions/shared/declared-clients.ts):
 * what the CLI and the token function own and nothing Terraform declares. No `status`, so the
 * record alone is never a client.
 * @param record the client, as the CLI changed it
 * @returns the item
 */
export function runtimeItem(record: ClientRecord): Item {
  const item: Item = {
    client_id: { S: record.client_id },
    managed_by: { S: MANAGED_BY_TERRAFORM },
    secrets: secretsAttribute(record.secrets),
    created_at: { S: record.created_at },
    updated_at: { S: record.updated_at },
    version: { N: String(record.version) },
  };
  if (record.terraform_address !== undefined) {
    item.terraform_address = { S: record.terraform_address };
  }
  if (record.tokens_not_before !== undefined) {
    item.tokens_not_before = { N: String(record.tokens_not_before) };
  }
  // Written back as read, like toItem does.
  if (record.last_used_at !== undefined) item.last_used_at = { S: record.last_used_at };
  return item;
}

/**
 * Reads a client back from its items, as the token function reads them (functions/token/adapters/
 * declared-client.ts): its record and, for a client declared in Terraform, its declaration.
 * @param clientId the client id
 * @param runtime the item `<clientId>`, if any
 * @param declaration the item `declared#<clientId>`, if any
 * @returns the client, or undefined when the items make none
 * @throws ServerError when an item is malformed (the cause names the field, never its value)
 */
export function clientFromStoredItems(
  clientId: string,
  runtime: Item | undefined,
  declaration: Item | undefined,
): ClientRecord | undefined {
  try {
    return clientFromItems(
      clientId,
      runtime === undefined ? undefined : fromAttributeMap(runtime),
      declaration === undefined ? undefined : fromAttributeMap(declaration),
    );
  } catch (err) {
    if (err instanceof MalformedClientRecordError) {
      throw new ServerError('client store returned a malformed record', { cause: err });
    }
    /* istanbul ignore next -- the parsers throw nothing else */
    throw err;
  }
}
