// RFC 9068 access token claims (iss sub client_id aud iat nbf exp jti scope).
import { base64UrlEncode } from './base64url';
import type { Clock, RandomBytes } from './types';

/** Bytes of randomness in each `jti` (128 bits). */
export const JTI_BYTES = 16;

/** The JWT claims set of an access token (RFC 9068 §2.2). */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  client_id: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  scope?: string;
}

/** Inputs of {@link buildAccessTokenClaims}. */
export interface ClaimsInput {
  issuer: string;
  clientId: string;
  audience: string;
  /** Granted scope, space-delimited; omitted from the token when undefined. */
  scope: string | undefined;
  /** Token lifetime in seconds. */
  ttlSeconds: number;
  clock: Clock;
  randomBytes: RandomBytes;
}

/**
 * Builds the claims. For client credentials there is no resource owner, so `sub` is the client
 * id (RFC 9068 §2.2). `iat` and `nbf` are the current second; `jti` is 128 random bits.
 * @param input issuer, client, audience, scope, lifetime, clock and randomness
 * @returns the claims, in a stable order
 */
export function buildAccessTokenClaims(input: ClaimsInput): AccessTokenClaims {
  const now = Math.floor(input.clock() / 1000);
  const claims: AccessTokenClaims = {
    iss: input.issuer,
    sub: input.clientId,
    client_id: input.clientId,
    aud: input.audience,
    iat: now,
    nbf: now,
    exp: now + input.ttlSeconds,
    jti: base64UrlEncode(input.randomBytes(JTI_BYTES)),
  };
  if (input.scope !== undefined) claims.scope = input.scope;
  return claims;
}
