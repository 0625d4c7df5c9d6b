// Verifies a token this service issued, with the public keys of its JWKS: what revocation (RFC 7009) and introspection (RFC 7662) need to trust a presented token.
import { createPublicKey } from 'node:crypto';
import {
  createAccessTokenJwsVerifier,
  type AccessTokenJwsVerifier,
} from '../../shared/access-token-verify';
import { isNumericDate, prepareVerifyKey } from '../../shared/jws-verify';
import type { PublicJwk } from '../../shared/types';
import type { PublicKeySource } from './types';

/** The claims of a verified token that revocation and introspection use. */
export interface IssuedTokenClaims {
  iss: string;
  sub: string;
  client_id: string;
  aud: string | string[];
  iat: number;
  nbf: number | undefined;
  exp: number;
  jti: string;
  scope: string;
  /** RFC 9449 §6.1 confirmation of a DPoP-bound token; absent on a bearer token. */
  cnf?: { jkt: string };
}

/** Options of {@link createIssuedTokenVerifier}. */
export interface IssuedTokenVerifierOptions {
  issuer: string;
  publicKeys: PublicKeySource;
}

/** Verifies a token's signature, header and claim types; never throws for a bad token. */
export type IssuedTokenVerifier = (token: string) => Promise<IssuedTokenClaims | undefined>;

/**
 * Creates the verifier. The JWS layer is the authorizer's (functions/shared/access-token-verify.ts):
 * canonical base64url in every segment, a header of only `alg`, `typ` (`at+jwt`, RFC 9068 §2.1) and
 * `kid`, a key chosen by `kid` among the JWKS keys and its own algorithm the only one accepted, so
 * introspection calls active exactly the encodings the gateway lets through (issue 21, finding 4).
 * Then `iss` must be this issuer and the claims have their types. Time claims are only
 * type-checked here: revocation accepts expired tokens, and introspection compares them itself.
 * @param options issuer and the public key source (KMS in production)
 * @returns the verifier; undefined from it means "not a token of this issuer"
 */
export function createIssuedTokenVerifier(
  options: IssuedTokenVerifierOptions,
): IssuedTokenVerifier {
  // The JWKS is read on first use and kept; a failure is not kept, so the next request asks again.
  let verifier: Promise<AccessTokenJwsVerifier> | undefined;
  const loadVerifier = (): Promise<AccessTokenJwsVerifier> => {
    verifier ??= options.publicKeys.publicKeys().then(
      (jwks) => createAccessTokenJwsVerifier(new Map(jwks.map((jwk) => [jwk.kid, verifyKey(jwk)]))),
      (err: unknown) => {
        verifier = undefined;
        throw err;
      },
    );
    return verifier;
  };

  return async (token) => {
    const verifyJws = await loadVerifier();
    let claims: Record<string, unknown>;
    try {
      claims = verifyJws(token);
    } catch {
      // A JwtError names why the token is refused; like the authorizer, any failure refuses it.
      return undefined;
    }
    const { iss, sub, client_id, aud, iat, nbf, exp, jti, scope, cnf } = claims;
    // A `cnf` this service wrote is `{jkt: <thumbprint>}`; any other shape is no token of ours.
    const jkt = (cnf as { jkt?: unknown } | null | undefined)?.jkt;
    if (cnf !== undefined && (typeof jkt !== 'string' || jkt === '')) return undefined;
    if (
      iss !== options.issuer ||
      typeof sub !== 'string' ||
      typeof client_id !== 'string' ||
      !(
        typeof aud === 'string' ||
        (Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
      ) ||
      !isNumericDate(iat) ||
      !isNumericDate(exp) ||
      (nbf !== undefined && !isNumericDate(nbf)) ||
      typeof jti !== 'string' ||
      typeof scope !== 'string'
    ) {
      return undefined;
    }
    return {
      iss: options.issuer,
      sub,
      client_id,
      aud: aud as string | string[],
      iat,
      nbf: nbf as number | undefined,
      exp,
      jti,
      scope,
      ...(cnf === undefined ? {} : { cnf: { jkt: jkt as string } }),
    };
  };
}

/**
 * Prepares a JWKS key for verification, pinned to its `alg` (prepareVerifyKey refuses a key that
 * does not fit it).
 * @param jwk a public JWK of this service's JWKS
 * @returns the prepared key
 */
function verifyKey(jwk: PublicJwk): ReturnType<typeof prepareVerifyKey> {
  const { kid: _kid, alg: _alg, use: _use, ...material } = jwk;
  return prepareVerifyKey(createPublicKey({ key: { ...material }, format: 'jwk' }), jwk.alg);
}
