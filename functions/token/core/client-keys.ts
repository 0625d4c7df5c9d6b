/**
 * Public keys of `private_key_jwt` clients: validation of a registered JWK (public members only,
 * a `kid`, an `alg` the key fits, no degenerate key) and its preparation into a node:crypto verify
 * key. The clients CLI validates with the same rules before it writes, and the token function
 * again when it uses a stored key (records may be written by other tooling).
 * @module
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import {
  JWS_ALGORITHMS,
  KeyAlgorithmMismatchError,
  prepareVerifyKey,
  type JwsAlgorithm,
  type VerifyKey,
} from '../../shared/jws-verify';
import { jwkThumbprint } from '../../shared/jwk';
import { degenerateKeyProblem } from './degenerate-keys';
import type { ClientJwk } from './types';

/** Most keys one client may hold: room for a rotation, and a bound on the work a request costs. */
export const MAX_CLIENT_KEYS = 5;

/** Longest `kid`, in characters (printable ASCII). */
export const MAX_KID_LENGTH = 128;

/**
 * JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037
 * §2). A key holding any of them is refused: the server must never store a client's private key.
 */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * `alg` values an assertion header may carry: every pinned algorithm, plus `Ed25519`, the fully
 * specified name of EdDSA with Ed25519 (RFC 9864 §2.2) that oauth4webapi and openid-client sign
 * with; it verifies with a key registered as EdDSA (and the reverse).
 */
export const ASSERTION_SIGNING_ALGS: readonly string[] = [...JWS_ALGORITHMS, 'Ed25519'];

/**
 * @param alg a header or registered `alg`
 * @returns the pinned algorithm it names (`Ed25519` is EdDSA on an Ed25519 key), or undefined
 */
export function assertionAlgorithm(alg: unknown): JwsAlgorithm | undefined {
  if (alg === 'Ed25519') return 'EdDSA';
  return JWS_ALGORITHMS.includes(alg as JwsAlgorithm) ? (alg as JwsAlgorithm) : undefined;
}

/** A registered key is unusable; the message says why without quoting key material. */
export class ClientKeyError extends Error {
  /**
   * @param message what is wrong
   */
  constructor(message: string) {
    super(message);
    this.name = 'ClientKeyError';
  }
}

/**
 * The algorithm a key is registered with when none is given: RS256 for RSA (PS256 must be asked
 * for), ES256 for P-256, ES384 for P-384, EdDSA for Ed25519.
 * @param kty the key type
 * @param crv the curve, for EC and OKP keys
 * @returns the algorithm, or undefined for an unsupported type or curve
 */
export function defaultAlgorithm(kty: unknown, crv: unknown): JwsAlgorithm | undefined {
  if (kty === 'RSA') return 'RS256';
  if (kty === 'EC' && crv === 'P-256') return 'ES256';
  if (kty === 'EC' && crv === 'P-384') return 'ES384';
  if (kty === 'OKP' && crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * Validates a registered public JWK and prepares its verify key.
 * @param value a parsed JSON value
 * @param options.defaults fill in a missing `alg` (by key type) and `kid` (RFC 7638 thumbprint),
 *   as the CLI does for a key file; the stored form always has both
 * @param options.checkDegenerate false leaves out the degenerate-key checks (degenerate-keys.ts),
 *   which cost milliseconds: the token function runs them only once a signature has verified with
 *   the key (client-assertion.ts), so that no unauthenticated caller can make it pay for them
 * @returns the normalised public JWK (only the members verification uses, as node:crypto exports
 *   them: one spelling per key, whatever spelling was given) and its verify key
 * @throws ClientKeyError naming the problem: not a JWK object, a private or symmetric key, an
 *   unsupported type, curve or algorithm, an RSA key too small or too large or with an unsafe
 *   exponent, a degenerate key (degenerate-keys.ts: forgeable without the private key), a bad
 *   `kid` or `use`, an `alg` the key does not fit
 */
export function loadClientJwk(
  value: unknown,
  options: { defaults?: boolean; checkDegenerate?: boolean } = {},
): { jwk: ClientJwk; verifyKey: VerifyKey } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ClientKeyError('is not a JWK (a JSON object)');
  }
  const raw = value as Record<string, unknown>;
  const secret = PRIVATE_MEMBERS.find((m) => Object.hasOwn(raw, m));
  if (secret !== undefined) {
    throw new ClientKeyError(
      secret === 'k'
        ? 'is a symmetric (HMAC) key; register an asymmetric public key'
        : `is a private key (it has the private member "${secret}"); register the public key only`,
    );
  }
  const { kty, crv } = raw;
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') {
    throw new ClientKeyError(`has unsupported kty ${JSON.stringify(kty)}; use RSA, EC or OKP`);
  }
  if (kty !== 'RSA' && defaultAlgorithm(kty, crv) === undefined) {
    throw new ClientKeyError(
      `has unsupported curve ${JSON.stringify(crv)}; use P-256 or P-384 (EC) or Ed25519 (OKP)`,
    );
  }
  const given = raw.alg ?? (options.defaults === true ? defaultAlgorithm(kty, crv) : undefined);
  // A key registered as `Ed25519` (RFC 9864) is stored as EdDSA: one algorithm, two names.
  const alg = assertionAlgorithm(given);
  if (alg === undefined) {
    throw new ClientKeyError(
      given === undefined
        ? 'has no alg'
        : `has alg ${JSON.stringify(given)}; use one of ${ASSERTION_SIGNING_ALGS.join(', ')} (never none or HMAC)`,
    );
  }
  if (raw.use !== undefined && raw.use !== 'sig') {
    throw new ClientKeyError(
      `has use ${JSON.stringify(raw.use)}; a client assertion key is use "sig"`,
    );
  }
  const members: JsonWebKey =
    kty === 'RSA'
      ? { kty, n: raw.n as string, e: raw.e as string }
      : kty === 'EC'
        ? { kty, crv: crv as string, x: raw.x as string, y: raw.y as string }
        : { kty, crv: crv as string, x: raw.x as string };
  if (!Object.values(members).every(isString)) {
    throw new ClientKeyError(
      `is missing a member of a ${kty} public key (${Object.keys(members).join(', ')})`,
    );
  }
  let verifyKey: VerifyKey;
  let canonical: JsonWebKey;
  try {
    const keyObject = createPublicKey({ key: members, format: 'jwk' });
    verifyKey = prepareVerifyKey(keyObject, alg);
    canonical = canonicalMembers(keyObject.export({ format: 'jwk' }));
  } catch (err) {
    if (err instanceof KeyAlgorithmMismatchError) {
      throw new ClientKeyError(`does not fit its alg: ${err.message}`);
    }
    throw new ClientKeyError(`is not a valid ${kty} public key`);
  }
  // A well-formed key can still be one whose signatures anyone can forge (issue 21).
  if (options.checkDegenerate !== false) {
    const degenerate = degenerateKeyProblem(canonical);
    if (degenerate !== undefined) throw new ClientKeyError(degenerate);
  }
  const kid =
    raw.kid ??
    (options.defaults === true ? jwkThumbprint(canonical as { kty: string }) : undefined);
  if (typeof kid !== 'string' || !/^[\x21-\x7e]+$/.test(kid) || kid.length > MAX_KID_LENGTH) {
    throw new ClientKeyError(
      kid === undefined
        ? 'has no kid'
        : `has a kid that is not 1-${MAX_KID_LENGTH} printable ASCII characters without spaces`,
    );
  }
  const jwk = { ...canonical, kid, alg, use: 'sig' } as ClientJwk;
  return { jwk, verifyKey };
}

/**
 * The public members of a key as node:crypto exports them: base64url without padding, no leading
 * zero byte in `n` or `e`, EC coordinates at the curve's length, an Ed25519 `x` without spare
 * bits. node:crypto accepts many spellings of one key (a leading 00 byte, `AAEAAQ` for `AQAB`,
 * `=` padding, the `+/` alphabet); storing the one it exports keeps one key one text, so that a
 * thumbprint, a `kid` or a comparison never tells two spellings apart (issue 21, finding 7).
 * @param exported the JWK node:crypto exported from the key object
 * @returns the members verification uses, in the order RSA `n`, `e`; EC `crv`, `x`, `y`; OKP `crv`, `x`
 */
function canonicalMembers(exported: JsonWebKey): JsonWebKey {
  const { kty, crv, x, y, n, e } = exported;
  if (kty === 'RSA') return { kty, n, e };
  if (kty === 'EC') return { kty, crv, x, y };
  return { kty, crv, x };
}

/**
 * Validates a client's whole key set: 1..MAX_CLIENT_KEYS keys with distinct `kid`s.
 * @param keys the keys
 * @returns the normalised keys
 * @throws ClientKeyError naming the key (by position) and the problem
 */
export function validateClientKeys(keys: readonly unknown[]): ClientJwk[] {
  if (keys.length === 0)
    throw new ClientKeyError('a private_key_jwt client needs at least one key');
  if (keys.length > MAX_CLIENT_KEYS) {
    throw new ClientKeyError(`a client holds at most ${MAX_CLIENT_KEYS} keys, got ${keys.length}`);
  }
  const seen = new Set<string>();
  return keys.map((key, index) => {
    let jwk: ClientJwk;
    try {
      jwk = loadClientJwk(key).jwk;
    } catch (err) {
      throw new ClientKeyError(`key ${index + 1} ${(err as Error).message}`);
    }
    if (seen.has(jwk.kid)) throw new ClientKeyError(`key ${index + 1} duplicates kid ${jwk.kid}`);
    seen.add(jwk.kid);
    return jwk;
  });
}
