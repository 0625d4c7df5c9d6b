// Validates client records read back from a store, so a corrupt item fails safely instead of with a TypeError.
import { REGISTERED_AUTH_METHODS } from '../core/auth-methods';
import type { ClientJwk, ClientRecord, ClientSecret, RegisteredAuthMethod } from '../core/types';

/** Public members a stored JWK may carry; the token function validates the key itself on first use. */
const JWK_MEMBERS = ['kty', 'kid', 'alg', 'use', 'crv', 'x', 'y', 'n', 'e'] as const;

/** A stored record does not have the ClientRecord shape. The message names the field, never its value. */
export class MalformedClientRecordError extends Error {
  constructor(field: string) {
    super(`stored client record is malformed: ${field}`);
    this.name = 'MalformedClientRecordError';
  }
}

/**
 * @param v any parsed value
 * @returns whether it is a plain (non-array) object
 */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sort comparator: orders records by client id (code unit order, as both stores list them).
 * @param a a record
 * @param b another record
 * @returns negative, zero or positive
 */
export const byClientId = (a: ClientRecord, b: ClientRecord): number =>
  a.client_id < b.client_id ? -1 : a.client_id > b.client_id ? 1 : 0;

function str(obj: Record<string, unknown>, field: string): string {
  const value = obj[field];
  if (typeof value !== 'string') throw new MalformedClientRecordError(field);
  return value;
}

function strList(obj: Record<string, unknown>, field: string): string[] {
  const value = obj[field];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new MalformedClientRecordError(field);
  }
  return [...(value as string[])];
}

/** A string that parses as a time (the record's times are ISO 8601). */
function isTime(value: unknown): value is string {
  return typeof value === 'string' && Number.isFinite(Date.parse(value));
}

function secretOf(value: unknown): ClientSecret {
  if (!isObject(value)) throw new MalformedClientRecordError('secrets');
  const secret: ClientSecret = { hash: str(value, 'hash'), created_at: str(value, 'created_at') };
  if (value.expires_at !== undefined) secret.expires_at = str(value, 'expires_at');
  return secret;
}

/**
 * Copies a stored public JWK: string members only, `kty`, `kid` and `alg` required. A stored
 * private member makes the record malformed (it is never copied, and never used).
 */
function jwkOf(value: unknown): ClientJwk {
  if (!isObject(value)) throw new MalformedClientRecordError('jwks');
  const jwk: Record<string, string> = {};
  for (const [member, v] of Object.entries(value)) {
    if (!(JWK_MEMBERS as readonly string[]).includes(member) || typeof v !== 'string') {
      throw new MalformedClientRecordError('jwks');
    }
    jwk[member] = v;
  }
  if (!jwk.kty || !jwk.kid || !jwk.alg) throw new MalformedClientRecordError('jwks');
  return jwk as unknown as ClientJwk;
}

/**
 * Checks that a plain object read from a store is a ClientRecord and copies only its known fields.
 * @param value a parsed JSON object or an unmarshalled DynamoDB item
 * @returns a fresh ClientRecord
 * @throws MalformedClientRecordError naming the first bad field
 */
export function parseClientRecord(value: unknown): ClientRecord {
  if (!isObject(value)) throw new MalformedClientRecordError('record');
  const status = value.status;
  if (status !== 'active' && status !== 'disabled') throw new MalformedClientRecordError('status');
  if (!Array.isArray(value.secrets)) throw new MalformedClientRecordError('secrets');
  const version = value.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw new MalformedClientRecordError('version');
  }
  const record: ClientRecord = {
    client_id: str(value, 'client_id'),
    name: str(value, 'name'),
    status,
    secrets: value.secrets.map(secretOf),
    scopes: strList(value, 'scopes'),
    audiences: strList(value, 'audiences'),
    created_at: str(value, 'created_at'),
    updated_at: str(value, 'updated_at'),
    version,
  };
  const method = value.token_endpoint_auth_method;
  if (method !== undefined && method !== null) {
    if (!REGISTERED_AUTH_METHODS.includes(method as RegisteredAuthMethod)) {
      throw new MalformedClientRecordError('token_endpoint_auth_method');
    }
    record.token_endpoint_auth_method = method as RegisteredAuthMethod;
  }
  const jwks = value.jwks;
  if (jwks !== undefined && jwks !== null) {
    if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw new MalformedClientRecordError('jwks');
    record.jwks = { keys: jwks.keys.map(jwkOf) };
  }
  const added = value.keys_added_at;
  if (added !== undefined && added !== null) {
    if (!isObject(added) || !Object.values(added).every(isTime)) {
      throw new MalformedClientRecordError('keys_added_at');
    }
    record.keys_added_at = { ...(added as Record<string, string>) };
  }
  const ttl = value.token_ttl_seconds;
  if (ttl !== undefined && ttl !== null) {
    if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0) {
      throw new MalformedClientRecordError('token_ttl_seconds');
    }
    record.token_ttl_seconds = ttl;
  }
  // RFC 9449 §5.2: a boolean, absent meaning false; anything else is a corrupt record, refused
  // rather than read as "not required" (which would let the client get bearer tokens).
  const dpopBound = value.dpop_bound_access_tokens;
  if (dpopBound !== undefined && dpopBound !== null) {
    if (typeof dpopBound !== 'boolean') {
      throw new MalformedClientRecordError('dpop_bound_access_tokens');
    }
    record.dpop_bound_access_tokens = dpopBound;
  }
  const notBefore = value.tokens_not_before;
  if (notBefore !== undefined && notBefore !== null) {
    if (typeof notBefore !== 'number' || !Number.isSafeInteger(notBefore) || notBefore < 0) {
      throw new MalformedClientRecordError('tokens_not_before');
    }
    record.tokens_not_before = notBefore;
  }
  // Usage plan fields (docs/usage-plans.md): optional strings, copied when present.
  for (const field of ['usage_plan', 'usage_key', 'usage_key_id', 'pending_since'] as const) {
    const v = value[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v === '') throw new MalformedClientRecordError(field);
    record[field] = v;
  }
  // Written by the token function (at most hourly); compared by time, so it must parse as one.
  const lastUsedAt = value.last_used_at;
  if (lastUsedAt !== undefined && lastUsedAt !== null) {
    if (!isTime(lastUsedAt)) throw new MalformedClientRecordError('last_used_at');
    record.last_used_at = lastUsedAt;
  }
  return record;
}
