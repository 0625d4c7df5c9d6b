/**
 * The revocation contract shared by the token function, the authorizer and the clients CLI: where
 * revocation state lives in the clients table and the rule that kills a token. docs/revocation.md
 * explains the design.
 * @module
 */

/**
 * Partition key prefix of a revoked token's item: `client_id = "revoked#<jti>"`. Generated client
 * ids are hex, so no client can have this id; the stores also refuse ids with `#`.
 */
export const REVOKED_JTI_PREFIX = 'revoked#';

/**
 * Partition key prefix of the clients CLI's audit entries: `client_id = "audit#<time>#<random>"`
 * (tools/dev-adapters/audit-entry.ts). Reserved like every key with `#`; the Lambdas' roles are
 * denied every item under it (modules/token-endpoint, modules/authorizer), so neither function
 * can read, forge or remove an entry.
 */
export const AUDIT_KEY_PREFIX = 'audit#';

/** Number attribute (epoch seconds) of a revoked-jti item, the table's TTL attribute. */
export const EXPIRES_AT_ATTRIBUTE = 'expires_at';

/** Number attribute (epoch seconds) of a client record: tokens with an earlier `iat` are dead. */
export const TOKENS_NOT_BEFORE_ATTRIBUTE = 'tokens_not_before';

/** String attribute of a client record: the value of the client's API Gateway API key. */
export const USAGE_KEY_ATTRIBUTE = 'usage_key';

/**
 * @param jti a token's `jti`
 * @returns the partition key of its revocation item
 */
export function revokedJtiKey(jti: string): string {
  return REVOKED_JTI_PREFIX + jti;
}

/**
 * Whether a string is a reserved (non-client) partition key of the clients table: a revoked token
 * (`revoked#`), an assertion's single use (`jti#`), an audit entry (`audit#`) or a configuration
 * item (`config#`). No client id may hold a `#`.
 * @param id a client id as a request or the CLI gives it
 * @returns true when it could name a reserved item
 */
export function isReservedKey(id: string): boolean {
  return id.includes('#');
}

/** What the stores know about one token's revocation. */
export interface RevocationState {
  /** `active`, or `inactive` for a disabled or deleted client. */
  client: 'active' | 'inactive';
  /** Epoch seconds; tokens with `iat` before it are dead. */
  tokensNotBefore: number | undefined;
  /** Epoch seconds until which the `jti` is revoked; undefined when it is not (or no longer). */
  jtiRevokedUntil: number | undefined;
  /**
   * The client's API key value (`usage_key`), which the authorizer returns as `usageIdentifierKey`
   * when usage plans are on (docs/usage-plans.md); undefined when the client has none.
   */
  usageKey?: string;
}

/**
 * The one rule that kills a token, used by the authorizer and introspection alike.
 * DynamoDB deletes expired items lazily: "DynamoDB typically deletes expired items within two days
 * of expiration ... Items that have expired and not been deleted will still show up in reads"
 * (Amazon DynamoDB API Reference, UpdateTimeToLive,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html; and
 * Developer Guide, "Working with expired items",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html), so the
 * reader compares `expires_at` with its own clock instead of trusting that the item is gone.
 * @param state what the store knows
 * @param token the token's `iat` (epoch seconds)
 * @param nowSeconds the current time in epoch seconds
 * @returns true when the token must be refused
 */
export function isRevoked(
  state: RevocationState,
  token: { iat: number },
  nowSeconds: number,
): boolean {
  if (state.client !== 'active') return true;
  if (state.tokensNotBefore !== undefined && token.iat < state.tokensNotBefore) return true;
  return state.jtiRevokedUntil !== undefined && state.jtiRevokedUntil > nowSeconds;
}
