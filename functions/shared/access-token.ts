/**
 * The access-token contract, defined once: the RFC 9068 header and claims, and the `scope` claim
 * rule. The token function builds tokens with it and the authorizer checks them against it.
 * @module
 */
import { base64UrlEncode } from './base64url';
import type { Clock, RandomBytes, SigningAlgorithm } from './types';

/** Bytes of randomness in each `jti` (128 bits). */
export const JTI_BYTES = 16;

/** The `typ` of every access token (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** Header members an access token carries, and the only ones the authorizer accepts. */
export const ACCESS_TOKEN_HEADER_MEMBERS: readonly string[] = ['alg', 'typ', 'kid'];

/** The protected header of an access token (RFC 9068 §2.1). `kid` is the RFC 7638 thumbprint. */
export interface AccessTokenHeader {
  alg: SigningAlgorithm;
  typ: typeof ACCESS_TOKEN_TYP;
  kid: string;
}

/**
 * The JWT claims set of an access token (RFC 9068 §2.2). `scope` is always present: the granted
 * scope tokens separated by single spaces, or `""` for a client with no scopes, so the claim is
 * never missing and the authorizer never has to guess what a missing claim means.
 */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  client_id: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  scope: string;
  /**
   * RFC 9449 §6.1 confirmation: the RFC 7638 thumbprint of the DPoP key the token is bound to.
   * Absent on a bearer token. The authorizer refuses a token with `cnf` presented as Bearer.
   */
  cnf?: { jkt: string };
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), tokens separated by single spaces.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const SCOPE_LIST = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/**
 * Checks one RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`.
 * @param token the candidate
 * @returns true when it is a scope-token
 */
export function isScopeToken(token: string): boolean {
  return SCOPE_TOKEN.test(token);
}

/**
 * Checks a space-delimited list of scope tokens (the RFC 6749 §3.3 `scope` syntax, non-empty).
 * @param value the candidate
 * @returns true when it is one or more scope tokens separated by single spaces
 */
export function isScopeList(value: string): boolean {
  return SCOPE_LIST.test(value);
}

/**
 * Formats granted scopes as the `scope` claim.
 * @param scopes the granted scope tokens
 * @returns the tokens joined by single spaces; `""` when there are none
 */
export function formatScopeClaim(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/**
 * Reads a `scope` claim.
 * @param scope the claim value
 * @returns the scope tokens (none for `""`), or undefined when the value breaks the rule
 */
export function parseScopeClaim(scope: unknown): string[] | undefined {
  if (scope === '') return [];
  if (typeof scope !== 'string' || !SCOPE_LIST.test(scope)) return undefined;
  return scope.split(' ');
}

/**
 * Builds the header for a signing key.
 * @param key the key's algorithm and thumbprint
 * @returns `{alg, typ: "at+jwt", kid}`
 */
export function accessTokenHeader(key: { alg: SigningAlgorithm; kid: string }): AccessTokenHeader {
  return { alg: key.alg, typ: ACCESS_TOKEN_TYP, kid: key.kid };
}

/** Inputs of {@link buildAccessTokenClaims}. */
export interface ClaimsInput {
  issuer: string;
  clientId: string;
  audience: string;
  /** Granted scope tokens; none gives `scope: ""`. */
  scopes: readonly string[];
  /** Token lifetime in seconds. */
  ttlSeconds: number;
  clock: Clock;
  randomBytes: RandomBytes;
  /** The DPoP key's thumbprint, for a bound token (`cnf.jkt`); omitted for a bearer token. */
  jkt?: string;
}

/**
 * Builds the claims. For client credentials there is no resource owner, so `sub` is the client
 * id (RFC 9068 §2.2). `iat` and `nbf` are the current second; `jti` is 128 random bits; `cnf`
 * binds a DPoP token to its key (RFC 9449 §6.1).
 * @param input issuer, client, audience, scopes, lifetime, clock and randomness
 * @returns the claims, in a stable order
 */
export function buildAccessTokenClaims(input: ClaimsInput): AccessTokenClaims {
  const now = Math.floor(input.clock() / 1000);
  return {
    iss: input.issuer,
    sub: input.clientId,
    client_id: input.clientId,
    aud: input.audience,
    iat: now,
    nbf: now,
    exp: now + input.ttlSeconds,
    jti: base64UrlEncode(input.randomBytes(JTI_BYTES)),
    scope: formatScopeClaim(input.scopes),
    ...(input.jkt === undefined ? {} : { cnf: { jkt: input.jkt } }),
  };
}
