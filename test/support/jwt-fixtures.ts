// Test fixtures for the access-token verifier: keys, token assembly with arbitrary headers, claims and signatures.
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { loadTrustedKeys, type TrustedKeys } from '../../functions/authorizer/core/trusted-keys';
import type { SigningAlgorithm } from '../../functions/shared/types';

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'https://api.example.com';
export const SKEW = 30;
/** Frozen "now", with a millisecond part so second rounding is exercised. */
export const NOW_MS = 1_750_000_000_250;
export const NOW = Math.floor(NOW_MS / 1000);

/** A key pair, its SPKI PEM and its algorithm. */
export interface TestKey {
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  pem: string;
  kid: string;
}

function makeKey(alg: SigningAlgorithm): Omit<TestKey, 'kid'> {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    alg,
    privateKey,
    publicKey,
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** Generates the trusted ES256 and RS256 keys plus an untrusted one of each kind. */
export function makeKeys(): {
  es: TestKey;
  rs: TestKey;
  untrustedEs: TestKey;
  untrustedRs: TestKey;
  trusted: TrustedKeys;
} {
  const es = makeKey('ES256');
  const rs = makeKey('RS256');
  const trusted = loadTrustedKeys([es.pem, rs.pem]);
  const [esKid, rsKid] = [...trusted.keys()] as [string, string];
  const untrustedEs = makeKey('ES256');
  const untrustedRs = makeKey('RS256');
  const kidOf = (pem: string): string => [...loadTrustedKeys([pem]).keys()][0] as string;
  return {
    es: { ...es, kid: esKid },
    rs: { ...rs, kid: rsKid },
    untrustedEs: { ...untrustedEs, kid: kidOf(untrustedEs.pem) },
    untrustedRs: { ...untrustedRs, kid: kidOf(untrustedRs.pem) },
    trusted,
  };
}

/** Valid RFC 9068 claims at NOW. */
export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: 'client-1',
    client_id: 'client-1',
    aud: AUDIENCE,
    iat: NOW - 10,
    nbf: NOW - 10,
    exp: NOW + 3600,
    jti: 'jti-1',
    scope: 'orders:read',
    ...overrides,
  };
}

/** Marker of a JSON number written as raw text, so a test can send `1e400`, which JSON.stringify cannot. */
const RAW_NUMBER = /"\\u0000raw:([^"]*)"/g;

/**
 * A JSON number token written verbatim into the payload, e.g. `rawNumber('1e400')`.
 * @param text the number's JSON text
 * @returns a placeholder for {@link b64json}
 */
export const rawNumber = (text: string): string => `\u0000raw:${text}`;

/** base64url of a JSON value; {@link rawNumber} placeholders become their raw number text. */
export const b64json = (value: unknown): string =>
  Buffer.from(JSON.stringify(value).replace(RAW_NUMBER, '$1')).toString('base64url');

/** How to sign: with a key (by its own kind), HMAC with a secret, or not at all. */
export type Signing = { key: TestKey } | { hmacSecret: string } | { none: true };

/**
 * Signs `header.payload` segments.
 * @returns the signature bytes
 */
export function signInput(input: string, signing: Signing): Buffer {
  if ('none' in signing) return Buffer.alloc(0);
  if ('hmacSecret' in signing)
    return createHmac('sha256', signing.hmacSecret).update(input).digest();
  const { key } = signing;
  return sign(
    'sha256',
    Buffer.from(input),
    key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey,
  );
}

/** Builds a compact JWS from arbitrary header and payload values. */
export function makeToken(header: unknown, payload: unknown, signing: Signing): string {
  const input = `${b64json(header)}.${b64json(payload)}`;
  return `${input}.${signInput(input, signing).toString('base64url')}`;
}

/** A valid token for a key. */
export function validToken(key: TestKey, claims: Record<string, unknown> = validClaims()): string {
  return makeToken({ alg: key.alg, typ: 'at+jwt', kid: key.kid }, claims, { key });
}
