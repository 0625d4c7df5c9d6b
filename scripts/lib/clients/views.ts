// JSON views of clients for the client admin commands (`--json`): settings, last use, secret times and public keys; never a secret hash or key material.
import { acceptedAuthMethods } from '../../../functions/token/core/auth-methods';
import type { ClientJwk, ClientRecord } from '../../../functions/token/core/types';
import type { CreatedClient, RotatedSecret } from './model';
import { keyThumbprint } from './public-keys';

/** A registered public key as the CLI shows it: never more than public data. */
export interface KeyView {
  kid: string;
  alg: string;
  kty: string;
  crv: string | null;
  /** RFC 7638 thumbprint (SHA-256, base64url): compare it with the client team's key. */
  thumbprint: string;
  /** When the key was registered (`keys_added_at`); null for a key registered before that was recorded. */
  added_at: string | null;
}

/** A stored secret as the CLI shows it: its times, never its hash. */
export interface SecretView {
  created_at: string;
  expires_at: string | null;
}

/**
 * `create --json`: exactly these keys (issue 2) and the client's one method; a `private_key_jwt`
 * client has no `client_secret` and shows its keys instead.
 */
export interface CreatedView {
  client_id: string;
  client_secret?: string;
  name: string;
  scopes: string[];
  audiences: string[];
  token_endpoint_auth_method?: string;
  /** The RFC 7591 methods the client may use (see ListView). */
  accepted_auth_methods: string[];
  keys?: KeyView[];
}

/** A client as `list --json` shows it: no secrets, no hashes. */
export interface ListView {
  client_id: string;
  name: string;
  status: string;
  /**
   * What the record registers: `client_secret` (either secret transport), one RFC 7591 method, or
   * null for a record written before every client had one (either secret transport).
   */
  token_endpoint_auth_method: string | null;
  /**
   * The RFC 7591 methods the client may use, plainly: `client_secret_basic` is HTTP Basic,
   * `client_secret_post` a `client_secret` in a form or JSON body, `private_key_jwt` an assertion.
   */
  accepted_auth_methods: string[];
  scopes: string[];
  audiences: string[];
  token_ttl_seconds: number | null;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: no token without a DPoP proof (false when unset). */
  dpop_bound_access_tokens: boolean;
  created_at: string;
  updated_at: string;
  /** When the client last got a token, recorded at most hourly by the token function; null: never since recording began. */
  last_used_at: string | null;
  /** Secret metadata (for their age), never hashes; empty for a `private_key_jwt` client. */
  secrets: SecretView[];
  /** A `private_key_jwt` client's public keys. */
  keys?: KeyView[];
  /** `terraform` for a client declared in Terraform (docs/clients.md, "Clients as code"); absent for the CLI's own. */
  managed_by?: string;
  /** Where Terraform declares it, e.g. `clients["orders"]`. */
  terraform_address?: string;
}

/** A client as `show --json` (and update, enable, disable) shows it: secret metadata, no hashes. */
export interface ClientView extends ListView {
  version: number;
  /** The usage plan of the client's API key; null without one. Never the key's value. */
  usage_plan: string | null;
  /** The API key's id in API Gateway; null without one (or locally). */
  usage_key_id: string | null;
  /** Set while `create` has not finished the client (rerun it to finish). */
  pending_since: string | null;
  /** Declared public keys the token function cannot use, and why. */
  key_problems?: string[];
  /** True while the record of an adopted client still holds its old settings: run `adopt`. */
  adoption_unfinished?: true;
}

/**
 * @param jwk a registered key
 * @param addedAt when it was registered, if recorded
 * @returns what the CLI shows of it
 */
export function toKeyView(jwk: ClientJwk, addedAt?: string): KeyView {
  return {
    kid: jwk.kid,
    alg: jwk.alg,
    kty: jwk.kty,
    crv: jwk.crv ?? null,
    thumbprint: keyThumbprint(jwk),
    added_at: addedAt ?? null,
  };
}

/** The keys member of a view, present only when the record has keys. */
function keysView(record: ClientRecord): Pick<ClientView, 'keys'> {
  return record.jwks !== undefined
    ? { keys: record.jwks.keys.map((jwk) => toKeyView(jwk, record.keys_added_at?.[jwk.kid])) }
    : {};
}

/**
 * @param record a client
 * @returns the RFC 7591 methods it may use
 */
function acceptedView(record: ClientRecord): string[] {
  return [...acceptedAuthMethods(record.token_endpoint_auth_method)];
}

/** `rotate-secret --json`. */
export interface RotatedView {
  client_id: string;
  client_secret: string;
  /** When the previous secret stops working; null when it was revoked at once (or there was none). */
  previous_secret_expires_at: string | null;
}

/** `delete --json`. */
export interface DeletedView {
  client_id: string;
  name: string;
  deleted: true;
}

/**
 * @param created the created client
 * @returns the `create --json` object
 */
export function toCreatedView(created: CreatedClient): CreatedView {
  const { record, secret } = created;
  return {
    client_id: record.client_id,
    ...(secret !== undefined ? { client_secret: secret } : {}),
    name: record.name,
    scopes: record.scopes,
    audiences: record.audiences,
    ...(record.token_endpoint_auth_method !== undefined
      ? { token_endpoint_auth_method: record.token_endpoint_auth_method }
      : {}),
    accepted_auth_methods: acceptedView(record),
    ...keysView(record),
  };
}

/**
 * @param record a client
 * @returns its `list --json` entry
 */
export function toListView(record: ClientRecord): ListView {
  return {
    client_id: record.client_id,
    name: record.name,
    status: record.status,
    token_endpoint_auth_method: record.token_endpoint_auth_method ?? null,
    accepted_auth_methods: acceptedView(record),
    scopes: record.scopes,
    audiences: record.audiences,
    token_ttl_seconds: record.token_ttl_seconds ?? null,
    dpop_bound_access_tokens: record.dpop_bound_access_tokens === true,
    created_at: record.created_at,
    updated_at: record.updated_at,
    last_used_at: record.last_used_at ?? null,
    secrets: record.secrets.map((secret) => ({
      created_at: secret.created_at,
      expires_at: secret.expires_at ?? null,
    })),
    ...keysView(record),
    ...(record.managed_by !== undefined ? { managed_by: record.managed_by } : {}),
    ...(record.terraform_address !== undefined
      ? { terraform_address: record.terraform_address }
      : {}),
  };
}

/**
 * @param record a client
 * @returns its `show --json` object
 */
export function toClientView(record: ClientRecord): ClientView {
  return {
    ...toListView(record),
    version: record.version,
    usage_plan: record.usage_plan ?? null,
    usage_key_id: record.usage_key_id ?? null,
    pending_since: record.pending_since ?? null,
    ...(record.key_problems !== undefined ? { key_problems: record.key_problems } : {}),
    ...(record.adoption_unfinished === true ? { adoption_unfinished: true as const } : {}),
  };
}

/**
 * @param rotated the rotation result
 * @returns the `rotate-secret --json` object
 */
export function toRotatedView(rotated: RotatedSecret): RotatedView {
  return {
    client_id: rotated.record.client_id,
    client_secret: rotated.secret,
    previous_secret_expires_at: rotated.previousExpiresAt ?? null,
  };
}

/**
 * @param record the deleted client
 * @returns the `delete --json` object
 */
export function toDeletedView(record: ClientRecord): DeletedView {
  return { client_id: record.client_id, name: record.name, deleted: true };
}
