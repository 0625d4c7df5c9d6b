// Fixtures for private_key_jwt tests: client key pairs per JWS algorithm, a raw JWS signer for crafted (and attack) assertions, and an in-memory replay cache.
import { constants, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { JwsAlgorithm } from '../../functions/shared/jws-verify';
import { jwkThumbprint } from '../../functions/shared/jwk';
import { CLIENT_ASSERTION_TYPE } from '../../functions/token/core/client-assertion';
import { replayEntryKey } from '../../functions/token/core/replay-keys';
import type {
  AssertionReplayCache,
  AssertionUse,
  ClientJwk,
  ClientRecord,
} from '../../functions/token/core/types';

/** A client's key pair and its registered public JWK. */
export interface ClientKeyPair {
  alg: JwsAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: ClientJwk;
}

/**
 * Makes a key pair for an algorithm, with the registered JWK (`kid` = RFC 7638 thumbprint).
 * @param alg the algorithm
 * @param kid a kid instead of the thumbprint
 * @param modulusLength RSA only: the key size in bits
 */
export function clientKeyPair(
  alg: JwsAlgorithm,
  kid?: string,
  modulusLength = 2048,
): ClientKeyPair {
  const pair =
    alg === 'RS256' || alg === 'PS256'
      ? generateKeyPairSync('rsa', { modulusLength })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' });
  const exported = pair.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const members: Record<string, string> =
    exported.kty === 'RSA'
      ? { kty: 'RSA', n: exported.n as string, e: exported.e as string }
      : exported.kty === 'EC'
        ? {
            kty: 'EC',
            crv: exported.crv as string,
            x: exported.x as string,
            y: exported.y as string,
          }
        : { kty: 'OKP', crv: 'Ed25519', x: exported.x as string };
  const jwk = {
    ...members,
    kid: kid ?? jwkThumbprint(members as { kty: string }),
    alg,
    use: 'sig',
  } as ClientJwk;
  return { alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString(
    'base64url',
  );

/**
 * Signs a compact JWS with node:crypto, header and payload exactly as given (for attacks too).
 * @param header the protected header (serialised as is)
 * @param payload the claims (an object, or raw text)
 * @param key the private key
 * @param alg how to sign: a JWS algorithm, `none` (empty signature) or `HS256` with `hmacKey`
 * @param hmacKey the HMAC key bytes for HS256
 * @returns the compact JWS
 */
export function signJws(
  header: Record<string, unknown>,
  payload: unknown,
  key: KeyObject | undefined,
  alg: JwsAlgorithm | 'none' | 'HS256',
  hmacKey?: Buffer,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  let signature: Buffer;
  if (alg === 'none') signature = Buffer.alloc(0);
  else if (alg === 'HS256')
    signature = createHmac('sha256', hmacKey as Buffer)
      .update(input)
      .digest();
  else if (alg === 'EdDSA') signature = sign(null, Buffer.from(input), key as KeyObject);
  else if (alg === 'PS256') {
    signature = sign('sha256', Buffer.from(input), {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  } else if (alg === 'RS256') signature = sign('sha256', Buffer.from(input), key as KeyObject);
  else {
    signature = sign(alg === 'ES256' ? 'sha256' : 'sha384', Buffer.from(input), {
      key: key as KeyObject,
      dsaEncoding: 'ieee-p1363',
    });
  }
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Valid assertion claims for a client at a time.
 * @param clientId iss and sub
 * @param audience aud
 * @param nowSeconds iat; exp is 60 s later
 * @param overrides claims to replace (undefined removes one)
 */
export function assertionClaims(
  clientId: string,
  audience: string,
  nowSeconds: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: clientId,
    sub: clientId,
    aud: audience,
    iat: nowSeconds,
    exp: nowSeconds + 60,
    jti: `jti-${nowSeconds}-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  return claims;
}

/**
 * A signed assertion with a key pair's alg and kid.
 * @param pair the client's key pair
 * @param claims the claims
 * @param header header members to add or replace (undefined removes one)
 */
export function signAssertion(
  pair: ClientKeyPair,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const h: Record<string, unknown> = { alg: pair.alg, kid: pair.jwk.kid, ...header };
  for (const [k, v] of Object.entries(h)) if (v === undefined) delete h[k];
  return signJws(h, claims, pair.privateKey, pair.alg);
}

/**
 * The form body of an assertion-authenticated client credentials request.
 * @param assertion the client assertion
 * @param extra more parameters (e.g. client_id, scope)
 */
export function assertionBody(assertion: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
    ...extra,
  }).toString();
}

/**
 * A private_key_jwt client record.
 * @param keys the registered public keys
 * @param overrides fields to replace
 */
export function jwtClientRecord(
  keys: readonly ClientJwk[],
  overrides: Partial<ClientRecord> = {},
): ClientRecord {
  return {
    client_id: 'jwt-client',
    name: 'JWT client',
    status: 'active',
    secrets: [],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [...keys] },
    scopes: ['orders:read', 'orders:write'],
    audiences: ['https://api.example.com'],
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** The replay cache in memory, with the adapters' semantics (an expired entry may be reused). */
export class MemoryReplayCache implements AssertionReplayCache {
  /** Recorded uses by their replay-cache key (replayEntryKey: assertion or DPoP proof). */
  readonly used = new Map<string, AssertionUse>();

  /** @param nowSeconds the clock the expiry is compared with */
  constructor(private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {}

  async useOnce(use: AssertionUse): Promise<boolean> {
    const key = replayEntryKey(use);
    const old = this.used.get(key);
    if (old !== undefined && old.expiresAt >= this.nowSeconds()) return false;
    this.used.set(key, { ...use });
    return true;
  }
}
