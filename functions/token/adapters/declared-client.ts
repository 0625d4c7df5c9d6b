// Builds the client the token function (and the clients CLI) sees from a client's two items: its runtime record and, for a client declared in Terraform, its declaration.
import { ClientKeyError, MAX_CLIENT_KEYS } from '../core/client-keys';
import { publicKeysFromText } from '../core/public-key-text';
import type { ClientJwk, ClientRecord } from '../core/types';
import { DECLARED_CLIENT_PREFIX, MANAGED_BY_TERRAFORM } from '../../shared/declared-clients';
import { MalformedClientRecordError, parseClientRecord } from './client-record';

/** Attributes of a declaration that are the runtime record's alone; never read from a declaration. */
const RUNTIME_ONLY = [
  'secrets',
  'tokens_not_before',
  'last_used_at',
  'version',
  'created_at',
  'updated_at',
  'keys_added_at',
  'pending_since',
  'jwks',
] as const;

/** Declared key texts already read, with their keys or the reason they are refused. */
const keyCache = new Map<string, { keys: ClientJwk[] } | { problem: string }>();

/** Most key texts kept; a container serves few declared clients, each with at most 5 keys. */
const KEY_CACHE_LIMIT = 256;

/**
 * Reads one declared key text with the CLI's rules (publicKeysFromText), without the costly
 * degenerate-key checks, which the assertion verifier runs once a signature verified with the key.
 * Cached by text: a declaration is read on every token request.
 */
function keysOfText(text: string): { keys: ClientJwk[] } | { problem: string } {
  let entry = keyCache.get(text);
  if (entry === undefined) {
    try {
      entry = { keys: publicKeysFromText(text, { checkDegenerate: false }) };
    } catch (err) {
      /* istanbul ignore next -- publicKeysFromText throws ClientKeyError only */
      if (!(err instanceof ClientKeyError)) throw err;
      entry = { problem: err.message };
    }
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(text, entry);
  }
  return entry;
}

/**
 * The public keys a declaration lists (`public_keys`: PEM, JWK or JWKS texts). A text that cannot
 * be used is left out and its problem recorded, so the client gets `invalid_client` for it rather
 * than a 500; a set over MAX_CLIENT_KEYS or with a repeated `kid` is left out whole.
 * @returns the usable keys and the problems (by position: `public_keys[0]: ...`)
 */
function declaredKeys(texts: unknown): { keys: ClientJwk[]; problems: string[] } {
  if (texts === undefined || texts === null) return { keys: [], problems: [] };
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) {
    throw new MalformedClientRecordError('public_keys');
  }
  const keys: ClientJwk[] = [];
  const problems: string[] = [];
  texts.forEach((text: string, index) => {
    const read = keysOfText(text);
    if ('problem' in read) problems.push(`public_keys[${index}] ${read.problem}`);
    else keys.push(...read.keys);
  });
  // validateClientKeys's rules and messages, without its costly degenerate-key checks.
  const kids = keys.map((key) => key.kid);
  const repeated = kids.findIndex((kid, i) => kids.indexOf(kid) !== i);
  if (keys.length > MAX_CLIENT_KEYS || repeated >= 0) {
    problems.push(
      keys.length > MAX_CLIENT_KEYS
        ? `public_keys: a client holds at most ${MAX_CLIENT_KEYS} keys, got ${keys.length}`
        : `public_keys: key ${repeated + 1} duplicates kid ${kids[repeated]}`,
    );
    return { keys: [], problems };
  }
  return { keys, problems };
}

/**
 * Reads a declaration item: the declared fields, checked as a client record's are.
 * @param clientId the client's id
 * @param value the unmarshalled declaration item
 * @returns the declared part of the client
 * @throws MalformedClientRecordError naming the first bad field
 */
function parseDeclaration(clientId: string, value: Record<string, unknown>): ClientRecord {
  if (value.managed_by !== MANAGED_BY_TERRAFORM) throw new MalformedClientRecordError('managed_by');
  if (value.token_endpoint_auth_method === undefined) {
    throw new MalformedClientRecordError('token_endpoint_auth_method');
  }
  const address = value.terraform_address;
  if (address !== undefined && typeof address !== 'string') {
    throw new MalformedClientRecordError('terraform_address');
  }
  const declared: Record<string, unknown> = { ...value };
  for (const field of RUNTIME_ONLY) delete declared[field];
  // The record parser checks every declared field; the runtime fields are filled in by the caller.
  const record = parseClientRecord({
    ...declared,
    client_id: clientId,
    secrets: [],
    version: 0,
    created_at: '',
    updated_at: '',
  });
  const { keys, problems } = declaredKeys(value.public_keys);
  return {
    ...record,
    ...(record.token_endpoint_auth_method === 'private_key_jwt' ? { jwks: { keys } } : {}),
    managed_by: MANAGED_BY_TERRAFORM,
    ...(address !== undefined ? { terraform_address: address } : {}),
    ...(problems.length > 0 ? { key_problems: problems } : {}),
  };
}

/**
 * Reads the runtime part of a client's record: its secrets, `tokens_not_before`, last use,
 * version and times. The record may be a whole record the CLI owns (a client being adopted), one
 * the CLI wrote beside a declaration, or only the `last_used_at` the token function recorded.
 */
function parseRuntime(value: Record<string, unknown>): ClientRecord {
  return parseClientRecord({
    name: '',
    status: 'disabled',
    scopes: [],
    audiences: [],
    ...value,
    secrets: value.secrets ?? [],
    version: value.version ?? 0,
    created_at: value.created_at ?? '',
    updated_at: value.updated_at ?? '',
  });
}

/**
 * The client a request sees, from its two items (functions/shared/declared-clients.ts):
 * - a declaration: its declared fields, with the runtime record's secrets, `tokens_not_before`,
 *   last use, version and times (none before the record exists);
 * - no declaration: the record when it is a whole client record (it has a `status`); a runtime
 *   record without one belonged to a client removed from Terraform, and is no client.
 * @param clientId the id asked for
 * @param runtime the unmarshalled item `<clientId>`, if any
 * @param declaration the unmarshalled item `declared#<clientId>`, if any
 * @returns the client, or undefined when there is none
 * @throws MalformedClientRecordError naming the first bad field
 */
export function clientFromItems(
  clientId: string,
  runtime: Record<string, unknown> | undefined,
  declaration: Record<string, unknown> | undefined,
): ClientRecord | undefined {
  if (declaration === undefined) {
    if (runtime === undefined || runtime.status === undefined) return undefined;
    return parseClientRecord(runtime);
  }
  const declared = parseDeclaration(clientId, declaration);
  if (runtime === undefined) return declared;
  const { secrets, tokens_not_before, last_used_at, version, created_at, updated_at } =
    parseRuntime(runtime);
  return {
    ...declared,
    secrets,
    ...(tokens_not_before !== undefined ? { tokens_not_before } : {}),
    ...(last_used_at !== undefined ? { last_used_at } : {}),
    version,
    created_at,
    updated_at,
    ...(runtime.status !== undefined ? { adoption_unfinished: true } : {}),
  };
}

/**
 * @param key a partition key of the clients table
 * @returns the client id a declaration item's key names, or undefined for any other key
 */
export function declaredClientIdOf(key: string): string | undefined {
  return key.startsWith(DECLARED_CLIENT_PREFIX)
    ? key.slice(DECLARED_CLIENT_PREFIX.length)
    : undefined;
}
