/**
 * Token-side contracts: client records, and the ports that adapters implement (ClientStore,
 * Signer, PublicKeySource, PasswordHasher, LastUseRecorder).
 * @module
 */
import type { JwsAlgorithm } from '../../shared/jws-verify';
import type { PublicJwk, SigningAlgorithm } from '../../shared/types';

/**
 * RFC 7591 §2 `token_endpoint_auth_method` values this server supports: how one request
 * authenticates its client (exactly one method per request, RFC 6749 §2.3).
 */
export type TokenEndpointAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/**
 * What a client record registers (`token_endpoint_auth_method` in the record):
 * - `client_secret`: a secret client that sends its secret either way, HTTP Basic or in the body
 *   (form or JSON). What `create` registers when no `--auth` is given. Not an RFC 7591 value
 *   (RFC 7591 has one method per client); it follows Keycloak's "client-secret" authenticator,
 *   since pinning one transport buys no security: Basic and the body carry the same secret.
 * - `client_secret_basic` or `client_secret_post`: a secret client pinned to that one transport.
 * - `private_key_jwt`: a key client (RFC 7523), which never accepts a secret.
 * A record without the attribute (written before v0.1.0 gave every client one) means the same as
 * `client_secret`, so such records keep working unchanged.
 */
export type RegisteredAuthMethod = TokenEndpointAuthMethod | 'client_secret';

/**
 * A client's public key (RFC 7517), as a `private_key_jwt` client registers it: public members
 * only, a `kid` and the one `alg` it signs assertions with.
 */
export interface ClientJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: JwsAlgorithm;
  use?: 'sig';
  /** EC: P-256 or P-384; OKP: Ed25519. */
  crv?: 'P-256' | 'P-384' | 'Ed25519';
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** Lifecycle state of a client. */
export type ClientStatus = 'active' | 'disabled';

/** One stored secret: only its argon2id PHC hash, never the plain text. */
export interface ClientSecret {
  /** argon2id PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…` */
  hash: string;
  /** ISO 8601 creation time. */
  created_at: string;
  /** ISO 8601 time after which this secret is rejected (set on the old secret by rotation). */
  expires_at?: string;
}

/** A client record, as stored in DynamoDB (partition key `client_id`) or the local file store. */
export interface ClientRecord {
  client_id: string;
  name: string;
  status: ClientStatus;
  /** At most two secrets, so a rotation needs no downtime; empty for a `private_key_jwt` client. */
  secrets: ClientSecret[];
  /**
   * How this client authenticates ({@link RegisteredAuthMethod}); set on every new client. Absent
   * only on a record written before every client had one: either secret transport, never
   * `private_key_jwt`.
   */
  token_endpoint_auth_method?: RegisteredAuthMethod;
  /** RFC 7591 `jwks`: the public keys of a `private_key_jwt` client (at least one). */
  jwks?: { keys: ClientJwk[] };
  /**
   * ISO 8601 time each key of `jwks` was registered, by `kid` (the JWKs themselves hold public
   * members only), so the CLI can show a key's age. A key registered before this was recorded has
   * no entry.
   */
  keys_added_at?: Record<string, string>;
  /** Allowed scopes (RFC 6749 §3.3 scope tokens). */
  scopes: string[];
  /** Allowed audiences; the first is the default. Empty: the service's default audience. */
  audiences: string[];
  /** Per-client access token lifetime, overriding the service default. */
  token_ttl_seconds?: number;
  /**
   * RFC 9449 §5.2 `dpop_bound_access_tokens`: when true, the client gets no token without a DPoP
   * proof. Absent means false (the RFC's default): a proof is optional.
   */
  dpop_bound_access_tokens?: boolean;
  /**
   * Epoch seconds set by `revoke-tokens` and `disable`: tokens with an earlier `iat` are dead at
   * the authorizer, and none is issued before it (docs/revocation.md).
   */
  tokens_not_before?: number;
  /** Name of the client's usage plan (docs/usage-plans.md); absent without usage plans. */
  usage_plan?: string;
  /** Value of the client's API Gateway API key, returned by the authorizer as `usageIdentifierKey`. */
  usage_key?: string;
  /** Id of that API key in API Gateway (the CLI manages it). */
  usage_key_id?: string;
  /**
   * Set (ISO 8601) while `clients create` has written the record but not yet finished its API key;
   * the client stays disabled until then, and a rerun of the same create finishes it.
   */
  pending_since?: string;
  /**
   * ISO 8601 time the client last got a token, written by the token function at most once per
   * LAST_USE_INTERVAL_MS (an hour), so it may lag the latest token by up to that; absent until the
   * first token. The token function's IAM policy lets it update this attribute and no other.
   */
  last_used_at?: string;
  /** ISO 8601. */
  created_at: string;
  /** ISO 8601. */
  updated_at: string;
  /** Incremented by every write; conditional writes compare it (optimistic locking). */
  version: number;
  /**
   * `terraform` for a client declared in Terraform (functions/shared/declared-clients.ts): its
   * declared fields come from its declaration item, its secrets, `tokens_not_before` and last use
   * from its runtime record, and `version`, `created_at` and `updated_at` are the runtime record's
   * (0 and empty before it exists). Absent for a client the clients CLI owns.
   */
  managed_by?: 'terraform';
  /** Where Terraform declares the client (e.g. `clients["orders"]`), for the CLI's messages. */
  terraform_address?: string;
  /**
   * A declared client whose runtime record is still the whole record the CLI wrote before
   * Terraform adopted it: `clients adopt` reduces it to its runtime fields. Until then the
   * declaration wins, but removing it from Terraform would leave that record a client again.
   */
  adoption_unfinished?: true;
  /**
   * Declared public keys the token function cannot use, each with the reason (never key
   * material); such keys are left out of `jwks`. The CLI shows them.
   */
  key_problems?: string[];
}

/** Read side of the client store, used by the token endpoint. */
export interface ClientStore {
  /**
   * Strongly consistent read of one client.
   * @param clientId the client id
   * @returns the record, or undefined when no such client exists
   */
  getClient(clientId: string): Promise<ClientRecord | undefined>;
}

/** One token issued to a client, as the last-use record needs it. */
export interface LastUse {
  clientId: string;
  /** ISO 8601 time of this token request: the new `last_used_at`. */
  usedAt: string;
  /**
   * ISO 8601: a stored `last_used_at` before this time is replaced; a later one is kept, because
   * another request (another container) recorded a use within the interval.
   */
  staleBefore: string;
  /**
   * The client is declared in Terraform (`managed_by`): its runtime record may not exist yet, and
   * the write creates it with `last_used_at` alone (functions/shared/declared-clients.ts).
   */
  declared?: boolean;
}

/** Records when a client last got a token (`last_used_at`), at most once per interval. */
export interface LastUseRecorder {
  /**
   * Sets the client's `last_used_at` to `use.usedAt`, unless the stored value is at or after
   * `use.staleBefore` or the client no longer exists (a conditional write: both are normal).
   * @param use the client and the times
   * @returns true when written, false when the condition kept the stored value
   * @throws on any other failure; the token endpoint logs it and answers as if nothing happened
   */
  recordUse(use: LastUse): Promise<boolean>;
}

/** The active signing key, as the token header needs it. */
export interface SigningKeyInfo {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublicJwk;
}

/** Signs JWS signing inputs. The private key may live elsewhere (KMS). */
export interface Signer {
  /** Describes the key (fetched once per cold start and cached by the adapter). */
  keyInfo(): Promise<SigningKeyInfo>;
  /**
   * Signs `header.payload` bytes.
   * @param signingInput ASCII bytes of the JWS signing input
   * @returns the JOSE signature (64-byte R||S for ES256, PKCS#1 v1.5 for RS256)
   */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

/** Source of every trusted public key, published in the JWKS. */
export interface PublicKeySource {
  /** @returns the public keys, each with its RFC 7638 thumbprint as `kid` */
  publicKeys(): Promise<PublicJwk[]>;
}

/** Password hashing (argon2id). */
export interface PasswordHasher {
  /** @returns a PHC string */
  hash(secret: string): Promise<string>;
  /** @returns true when the secret matches; false (never throws) on a mismatch or malformed hash */
  verify(phcHash: string, secret: string): Promise<boolean>;
  /**
   * A PHC string, with the parameters of new hashes, of a secret nobody holds, ready without
   * computing it (optional): the authenticator pads failed verifications with it. Without it,
   * the authenticator hashes a random secret once.
   * @returns the hash, or undefined when none is ready for these parameters
   */
  dummyHash?(): string | undefined;
}

/** A revoked token, as the revocation list stores it. */
export interface RevokedToken {
  jti: string;
  /** The client the token was issued to. */
  clientId: string;
  /** Epoch seconds until which the item is kept (DynamoDB TTL): the token's `exp` plus the skew. */
  expiresAt: number;
}

/** Write and read side of the token revocation list (RFC 7009), used by the token function. */
export interface RevocationStore {
  /**
   * Records a revoked token; idempotent (the same item is written again).
   * @param token what to record
   */
  revokeToken(token: RevokedToken): Promise<void>;
  /**
   * @param jti a token id
   * @returns epoch seconds until which it is revoked, or undefined when it is not
   */
  revokedUntil(jti: string): Promise<number | undefined>;
}

/** How writing a revocation to one Region went (multi-Region deployments, docs/multi-region.md). */
export interface RegionWrite {
  region: string;
  /** `ok`, or the kind of failure (`timeout`, `throttled`, `network`, `denied`, `not-found`, ...). */
  result: 'ok' | string;
}

/**
 * Writes a revoked token to the service's OTHER Regions (the local write is the RevocationStore's),
 * so that every Region's authorizer denies it without waiting for replication.
 */
export interface RevocationFanOut {
  /** The function's own Region, named first in reports. */
  readonly ownRegion: string;
  /**
   * @param token what to record, as the local write records it (idempotent)
   * @returns one result per other Region, in the configured order; never throws
   */
  revokeToken(token: RevokedToken): Promise<RegionWrite[]>;
}

/** One use of a client assertion's `jti`, as the replay cache records it. */
export interface AssertionUse {
  clientId: string;
  jti: string;
  /** Epoch seconds until which the entry is kept (DynamoDB TTL): the assertion's `exp` plus the skew. */
  expiresAt: number;
  /**
   * Set for a DPoP proof's `jti` instead of an assertion's: the RFC 7638 thumbprint of the proof's
   * key. The entry is then keyed by the proof key and `jti` (replayEntryKey), never by the client.
   */
  proofKey?: string;
}

/**
 * Single-use `jti` of client assertions (RFC 7523 §3 item 7) and of DPoP proofs at the token
 * endpoint (RFC 9449 §11.1): a conditional write.
 */
export interface AssertionReplayCache {
  /**
   * Records the use of a `jti` unless it is already recorded and unexpired.
   * @param use client, jti and expiry
   * @returns true on the first use, false on a replay
   */
  useOnce(use: AssertionUse): Promise<boolean>;
}

/**
 * Observers of the client id a request names, so the handler can log it. The presented id may be
 * anything a caller sent, even its secret; the authenticated one names a real client.
 */
export interface ClientIdHooks {
  /** Called once the presented, not yet authenticated, client id is known. */
  onClientId?(clientId: string): void;
  /** Called with the client's id once it has authenticated. */
  onAuthenticated?(clientId: string): void;
}
