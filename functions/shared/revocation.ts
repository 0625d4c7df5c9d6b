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
 * Partition key prefix of a client's cutoff item: `client_id = "cutoff#<client id>"`, the client's
 * revocation state (`status`, `tokens_not_before`) as the clients CLI writes it to EVERY Region of
 * the service (`revoke-tokens`, `disable`, `enable`; docs/multi-region.md). It exists because
 * writing the client record itself in several Regions would let a stale copy win last-writer-wins
 * and undo an admin write; the cutoff item holds nothing an admin write could lose. Readers (the
 * authorizer, token issuance, introspection) treat a token as dead when the record OR the cutoff
 * kills it ({@link withCutoff}). Single-Region deployments write it too: one code path.
 */
export const CUTOFF_PREFIX = 'cutoff#';

/** String attribute of a cutoff item (as of a client record): `active` or `disabled`. */
export const STATUS_ATTRIBUTE = 'status';

/** Number attribute of a cutoff item: epoch seconds of the CLI's write (for operators). */
export const UPDATED_AT_ATTRIBUTE = 'updated_at';

/**
 * Number attribute of a cutoff item: the client record's `version` it reflects. The CLI's write is
 * conditional on it (never replaces a cutoff of a later version), so two operators' writes that
 * cross cannot leave an older state in a Region. Readers ignore it.
 */
export const RECORD_VERSION_ATTRIBUTE = 'record_version';

/**
 * @param clientId a client id
 * @returns the partition key of its cutoff item
 */
export function cutoffKey(clientId: string): string {
  return CUTOFF_PREFIX + clientId;
}

/** A client's cutoff item, read. */
export interface ClientCutoff {
  /** `disabled`: every token of the client is dead and none is issued. */
  status: 'active' | 'disabled';
  /** Epoch seconds; tokens with an earlier `iat` are dead (0: none). */
  tokensNotBefore: number;
}

/** A cutoff item whose attributes cannot be read; the reader must fail closed. */
export class MalformedCutoffError extends Error {
  constructor(field: string) {
    super(`the client's cutoff item is malformed: ${field}`);
    this.name = 'MalformedCutoffError';
  }
}

/**
 * Reads a cutoff item's attributes, however the reader decoded them (a DynamoDB `N` string or a
 * number). Both are required: an item the CLI did not write whole is refused, never read as "no
 * cutoff".
 * @param status the `status` attribute's value
 * @param tokensNotBefore the `tokens_not_before` attribute's value
 * @returns the cutoff
 * @throws MalformedCutoffError naming the first attribute that is missing or wrong
 */
export function parseCutoff(status: unknown, tokensNotBefore: unknown): ClientCutoff {
  if (status !== 'active' && status !== 'disabled')
    throw new MalformedCutoffError(STATUS_ATTRIBUTE);
  // Number('') and Number(' ') are 0, which would read as "no cutoff": refused like any other
  // unreadable value.
  const n =
    typeof tokensNotBefore === 'number'
      ? tokensNotBefore
      : typeof tokensNotBefore === 'string' && /^\d+$/.test(tokensNotBefore)
        ? Number(tokensNotBefore)
        : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new MalformedCutoffError(TOKENS_NOT_BEFORE_ATTRIBUTE);
  }
  return { status, tokensNotBefore: n };
}

/** What kills a client's tokens, as one item or the other says. */
export interface ClientKillState {
  /** False for a disabled (or unknown) client: every token is dead. */
  active: boolean;
  /** Epoch seconds; tokens with an earlier `iat` are dead. */
  tokensNotBefore: number | undefined;
}

/**
 * The client's state with its cutoff item applied: inactive when either says so, and the later
 * of the two `tokens_not_before` (a cutoff can only kill more tokens, never revive one).
 * @param state what the client record (and declaration) say
 * @param cutoff the cutoff item, or undefined when there is none
 * @returns the state a reader acts on
 */
export function withCutoff(
  state: ClientKillState,
  cutoff: ClientCutoff | undefined,
): ClientKillState {
  if (cutoff === undefined) return state;
  const later = Math.max(state.tokensNotBefore ?? 0, cutoff.tokensNotBefore);
  return {
    active: state.active && cutoff.status === 'active',
    tokensNotBefore: later > 0 ? later : state.tokensNotBefore,
  };
}

/**
 * @param jti a token's `jti`
 * @returns the partition key of its revocation item
 */
export function revokedJtiKey(jti: string): string {
  return REVOKED_JTI_PREFIX + jti;
}

/**
 * Whether a string is a reserved (non-client) partition key of the clients table: a revoked token
 * (`revoked#`), a client's cutoff (`cutoff#`), an assertion's single use (`jti#`), an audit entry
 * (`audit#`) or a configuration item (`config#`). No client id may hold a `#`.
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
