// DPoP proofs for tests, built by hand so that any one check of RFC 9449 §4.3 can be broken: keys, claims, headers and signatures.
import {
  constants,
  createHash,
  createHmac,
  generateKeyPairSync,
  randomUUID,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The algorithms a client key may sign proofs with. */
export type ProofAlgorithm = 'ES256' | 'RS256' | 'PS256';

/** A client's DPoP key pair. */
export interface DpopKey {
  alg: ProofAlgorithm;
  privateKey: KeyObject;
  /** The public JWK, in node:crypto's canonical members. */
  jwk: JWK;
  /** Its RFC 7638 thumbprint (the `cnf.jkt` of a token bound to it), computed by jose. */
  jkt: string;
}

/**
 * Generates a DPoP key pair.
 * @param alg ES256 (P-256) or RS256/PS256 (RSA 2048)
 * @returns the key, its public JWK and thumbprint
 */
export async function dpopKey(alg: ProofAlgorithm = 'ES256'): Promise<DpopKey> {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
  return { alg, privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** `ath`: base64url SHA-256 of the access token (RFC 9449 §4.2), computed here independently. */
export const ath = (accessToken: string): string =>
  createHash('sha256').update(accessToken).digest('base64url');

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** How a proof's signature is made. */
export type ProofSignature =
  | 'valid'
  /** Signed by another key than the one in `jwk`. */
  | { key: DpopKey }
  /** One bit of a valid signature flipped. */
  | 'flipped'
  /** HMAC-SHA256 with a secret (for `alg: HS256`). */
  | 'hmac'
  /** Empty (for `alg: none`). */
  | 'none';

/** What {@link dpopProof} builds: the claims and header of a proof, and how to break them. */
export interface ProofSpec {
  htm: string;
  htu: string;
  /** The access token whose hash is `ath`; absent at the token endpoint. */
  accessToken?: string;
  /** Epoch seconds (default now). */
  iat?: number;
  jti?: string;
  /** Header members added or replaced (`undefined` removes one). */
  header?: Record<string, unknown>;
  /** Claims added or replaced (`undefined` removes one). */
  claims?: Record<string, unknown>;
  signature?: ProofSignature;
}

function signWith(key: DpopKey, alg: string, input: string): Buffer {
  const data = Buffer.from(input);
  if (alg === 'ES256')
    return sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  if (alg === 'PS256') {
    return sign('sha256', data, {
      key: key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  }
  return sign('sha256', data, key.privateKey);
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/**
 * Builds a DPoP proof (RFC 9449 §4.2): a compact JWS with `typ` `dpop+jwt`, the key's `alg` and
 * public `jwk`, and `jti`, `htm`, `htu`, `iat` (and `ath` with an access token), each of which
 * {@link ProofSpec} can change to break one check.
 * @param key the client's key
 * @param spec claims, header changes and the signature
 * @returns the proof
 */
export function dpopProof(key: DpopKey, spec: ProofSpec): string {
  const header = withoutUndefined({
    typ: 'dpop+jwt',
    alg: key.alg,
    jwk: key.jwk,
    ...spec.header,
  });
  const payload = withoutUndefined({
    jti: spec.jti ?? randomUUID(),
    htm: spec.htm,
    htu: spec.htu,
    iat: spec.iat ?? Math.floor(Date.now() / 1000),
    ...(spec.accessToken === undefined ? {} : { ath: ath(spec.accessToken) }),
    ...spec.claims,
  });
  const input = `${b64(header)}.${b64(payload)}`;
  const how = spec.signature ?? 'valid';
  const alg = String(header.alg);
  let signature: Buffer;
  if (how === 'none') signature = Buffer.alloc(0);
  else if (how === 'hmac') signature = createHmac('sha256', 'secret').update(input).digest();
  else if (how === 'valid' || how === 'flipped') {
    signature = signWith(key, alg, input);
    if (how === 'flipped')
      signature.writeUInt8((signature.at(-1) as number) ^ 1, signature.length - 1);
  } else signature = signWith(how.key, alg, input);
  return `${input}.${signature.toString('base64url')}`;
}
