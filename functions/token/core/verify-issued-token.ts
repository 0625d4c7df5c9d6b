// Verifies a token this service issued, with the public keys of its JWKS: what revocation (RFC 7009) and introspection (RFC 7662) need to trust a presented token.
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_TYP } from '../../shared/access-token';
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
}

/** Options of {@link createIssuedTokenVerifier}. */
export interface IssuedTokenVerifierOptions {
  issuer: string;
  publicKeys: PublicKeySource;
}

/** Verifies a token's signature, header and claim types; never throws for a bad token. */
export type IssuedTokenVerifier = (token: string) => Promise<IssuedTokenClaims | undefined>;

const MAX_TOKEN_LENGTH = 8192;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function decodeJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Creates the verifier. A key is chosen by `kid` among the JWKS keys, and its own algorithm is the
 * only one accepted (RS256 for RSA, ES256 for P-256; never `none` or HMAC). `typ` must be `at+jwt`
 * (RFC 9068 §2.1) and `iss` this issuer. Time claims are only type-checked here: revocation accepts
 * expired tokens, and introspection compares them itself.
 * @param options issuer and the public key source (KMS in production)
 * @returns the verifier; undefined from it means "not a token of this issuer"
 */
export function createIssuedTokenVerifier(
  options: IssuedTokenVerifierOptions,
): IssuedTokenVerifier {
  let keys: Promise<Map<string, { key: KeyObject; alg: string }>> | undefined;
  const loadKeys = (): Promise<Map<string, { key: KeyObject; alg: string }>> => {
    keys ??= options.publicKeys.publicKeys().then(
      (jwks) => new Map(jwks.map((jwk) => [jwk.kid, { key: keyObject(jwk), alg: jwk.alg }])),
      (err: unknown) => {
        keys = undefined;
        throw err;
      },
    );
    return keys;
  };

  return async (token) => {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
    const [h, p, s] = parts as [string, string, string];
    const header = decodeJson(h);
    if (!isObject(header) || header.typ !== ACCESS_TOKEN_TYP || typeof header.kid !== 'string') {
      return undefined;
    }
    const entry = (await loadKeys()).get(header.kid);
    if (entry === undefined || header.alg !== entry.alg) return undefined;
    const signed = Buffer.from(`${h}.${p}`, 'ascii');
    const signature = Buffer.from(s, 'base64url');
    const ok =
      entry.alg === 'ES256'
        ? verifySignature(
            'sha256',
            signed,
            { key: entry.key, dsaEncoding: 'ieee-p1363' },
            signature,
          )
        : verifySignature('sha256', signed, entry.key, signature);
    if (!ok) return undefined;
    const claims = decodeJson(p);
    if (!isObject(claims) || claims.iss !== options.issuer) return undefined;
    const { sub, client_id, aud, iat, nbf, exp, jti, scope } = claims;
    if (
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
    };
  };
}

function keyObject(jwk: PublicJwk): KeyObject {
  const { kid: _kid, alg: _alg, use: _use, ...material } = jwk;
  return createPublicKey({ key: { ...material }, format: 'jwk' });
}
