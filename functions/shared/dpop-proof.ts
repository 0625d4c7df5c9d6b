/**
 * The DPoP proof verifier (RFC 9449): every check of §4.3 on one `DPoP` request header, with the
 * RFC 7638 thumbprint of the proof's key as result. The token endpoint binds tokens with it
 * (issue 25, item 1); the authorizer is meant to use the same function with `ath` (item 2), so both
 * sides read proofs by one rule. Stateless: single use of `jti` (§11.1) is the caller's replay cache.
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import DPOP_ALGORITHM_LIST from './dpop-algorithms.json';
import { jwkThumbprint } from './jwk';
import {
  isCanonicalBase64Url,
  isNumericDate,
  prepareVerifyKey,
  verifyJwsSignature,
  type VerifyKey,
} from './jws-verify';
import type { ImportedProofKey, ProofKeyMemo } from './dpop-proof-keys';
import { DPOP_IAT_FUTURE_SECONDS, DPOP_IAT_PAST_SECONDS } from './limits';
import { MULTIPLE_VALUES } from './request-header';

/** The `typ` of a DPoP proof (RFC 9449 §4.2). */
export const DPOP_TYP = 'dpop+jwt';

/** Asymmetric algorithms a proof may use (RFC 9449 §4.2: "MUST NOT be none or an identifier for a symmetric algorithm"). */
export type DpopAlgorithm = 'ES256' | 'PS256' | 'RS256';

/**
 * Every {@link DpopAlgorithm}, as `dpop_signing_alg_values_supported` lists them (RFC 9449 §5.1).
 * One definition, dpop-algorithms.json, which modules/authorizer also reads for the `algs` of the
 * 401 challenge (`WWW-Authenticate: DPoP algs="…"`, §7.1), so the two cannot drift apart.
 */
export const DPOP_ALGORITHMS: readonly DpopAlgorithm[] = DPOP_ALGORITHM_LIST as DpopAlgorithm[];

/** Longest proof accepted, in characters, checked before any decoding (a 4096-bit RSA jwk fits). */
export const MAX_DPOP_PROOF_LENGTH = 8192;

/**
 * Longest `jti` accepted. RFC 9449 §4.2 asks for at least 96 bits of randomness (a UUID, or 16
 * bytes base64url: 22 to 36 characters); the bound keeps replay-cache keys and logs small.
 */
export const MAX_DPOP_JTI_LENGTH = 256;

/** How far `iat` may lie in the past and the future, in seconds (RFC 9449 §4.3 step 11, §11.1). */
export interface DpopIatWindow {
  readonly pastSeconds: number;
  readonly futureSeconds: number;
}

/**
 * The default `iat` window: a proof is fresh for 60 s, and may be dated 5 s ahead of this clock
 * (the defaults of DPOP_IAT_PAST_SECONDS and DPOP_IAT_FUTURE_SECONDS, which the functions read
 * from their environment). "Within an acceptable window" is left to the server (§4.3 step 11);
 * §11.1 asks for a short one, because the window is how long a replay cache must remember a `jti`.
 */
export const DEFAULT_DPOP_IAT_WINDOW: DpopIatWindow = Object.freeze({
  pastSeconds: DPOP_IAT_PAST_SECONDS.default,
  futureSeconds: DPOP_IAT_FUTURE_SECONDS.default,
});

/** Why a proof was refused: a closed set, for logs and tests (never sent to the client). */
export type DpopProofReason =
  | 'missing'
  | 'multiple'
  | 'malformed'
  | 'typ'
  | 'alg'
  | 'jwk'
  | 'signature'
  | 'jti'
  | 'htm'
  | 'htu'
  | 'iat'
  | 'ath';

/** A DPoP proof failed a check of RFC 9449 §4.3; `reason` names which. */
export class DpopProofError extends Error {
  /** The check that failed. */
  readonly reason: DpopProofReason;

  /**
   * @param reason the check that failed
   * @param message what is wrong, never the proof itself
   */
  constructor(reason: DpopProofReason, message: string) {
    super(message);
    this.name = 'DpopProofError';
    this.reason = reason;
  }
}

/** Members of a JWK that carry private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_JWK_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The request a proof is checked against. */
export interface DpopRequest {
  /** The request's method, e.g. `POST` (§4.3 step 8 compares it exactly). */
  readonly method: string;
  /**
   * The access token the request presents, at a resource (§7.1): `ath` must be its hash. Left out
   * at the token endpoint, where a proof has no `ath` to check.
   */
  readonly accessToken?: string;
}

/** A proof that passed every check. */
export interface VerifiedDpopProof {
  /** RFC 7638 thumbprint of the proof's `jwk`: the `cnf.jkt` a token is bound to (§6.1). */
  readonly jkt: string;
  /** The proof's `jti`, for the caller's replay cache (§11.1). */
  readonly jti: string;
  /** The proof's `iat` (epoch seconds): a replay cache keeps the `jti` until `iat` + window. */
  readonly iat: number;
  readonly alg: DpopAlgorithm;
  /**
   * The proof's `nonce` claim as sent, unchecked (anything, or undefined when absent): a server
   * that hands out nonces (RFC 9449 §8, §4.3 step 10) compares it; one that does not ignores it.
   */
  readonly nonce: unknown;
}

/** Settings of {@link createDpopProofVerifier}. */
export interface DpopVerifierOptions {
  /**
   * The target URI proofs must name in `htu`: the token endpoint URL, or later a resource's
   * client-visible URL. Normalised once with {@link normalizeHtu}.
   */
  readonly targetUri: string;
  /** Default {@link DEFAULT_DPOP_IAT_WINDOW}. */
  readonly iatWindow?: DpopIatWindow;
  /** Imported proof keys to reuse (dpop-proof-keys.ts); none by default. */
  readonly keyMemo?: ProofKeyMemo;
  /**
   * The algorithms accepted, a subset of {@link DPOP_ALGORITHMS} (default all of them); the FAPI
   * 2.0 profile takes ES256 and PS256 only ("use PS256, ES256, or EdDSA").
   */
  readonly algorithms?: readonly DpopAlgorithm[];
}

/**
 * Checks one DPoP header value against a request.
 * @param header the value of the request's `DPoP` header, as {@link singleHeader} reads it:
 *   undefined when absent, {@link MULTIPLE_VALUES} when sent more than once
 * @param request the request's method and, at a resource, its access token
 * @param nowMs the current time in milliseconds
 * @returns the thumbprint, `jti`, `iat` and `alg` of the proof
 * @throws DpopProofError naming the failed check
 */
export type DpopProofVerifier = (
  header: string | undefined | typeof MULTIPLE_VALUES,
  request: DpopRequest,
  nowMs: number,
) => VerifiedDpopProof;

/**
 * Builds a verifier for one target URI.
 * @param options the target URI and the `iat` window
 * @returns the verifier
 * @throws Error when the target URI is not an absolute http(s) URI without query and fragment
 */
export function createDpopProofVerifier(options: DpopVerifierOptions): DpopProofVerifier {
  const target = normalizeHtu(options.targetUri);
  if (target === undefined) throw new Error('the DPoP target URI is not an http(s) URI');
  const window = options.iatWindow ?? DEFAULT_DPOP_IAT_WINDOW;
  const algorithms: readonly string[] = (options.algorithms ?? DPOP_ALGORITHMS).filter((a) =>
    DPOP_ALGORITHMS.includes(a),
  );
  return (header, request, nowMs) => {
    // §4.3 step 1: "There is not more than one DPoP HTTP request header field."
    if (header === MULTIPLE_VALUES)
      throw new DpopProofError('multiple', 'more than one DPoP header');
    if (header === undefined || header === '')
      throw new DpopProofError('missing', 'no DPoP header');
    // §4.3 step 2: "The DPoP HTTP request header field value is a single and well-formed JWT."
    const { headerJson, payload, signingInput, signature } = splitProof(header);
    // §4.3 step 4: "The typ JOSE Header Parameter has the value dpop+jwt." Compared exactly, as
    // the RFC spells it (the `application/` prefix of RFC 7515 §4.1.9 is not accepted here).
    if (headerJson.typ !== DPOP_TYP) throw new DpopProofError('typ', 'typ is not dpop+jwt');
    // §4.3 step 5: "The alg JOSE Header Parameter indicates a registered asymmetric digital
    // signature algorithm [...], is not none, is supported by the application, and is
    // acceptable per local policy." An allow-list: none, HMAC and anything unknown fall out.
    const alg = headerJson.alg;
    if (typeof alg !== 'string' || !algorithms.includes(alg)) {
      throw new DpopProofError('alg', 'alg is not an allowed asymmetric algorithm');
    }
    // RFC 7515 §4.1.11: an extension the verifier does not understand must fail; none is understood.
    if (headerJson.crit !== undefined)
      throw new DpopProofError('malformed', 'crit is not supported');
    // §4.3 step 6: the signature verifies with the public key in `jwk`; step 7: the key is public.
    const { key, jkt } = proofKey(headerJson.jwk, alg as DpopAlgorithm, options.keyMemo);
    if (!verifyJwsSignature(signingInput, signature, key)) {
      throw new DpopProofError('signature', 'the signature does not verify with jwk');
    }
    // §4.2: `jti` is a unique identifier; §11.1: the server keeps it to refuse replays.
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_DPOP_JTI_LENGTH) {
      throw new DpopProofError(
        'jti',
        `jti must be a string of 1 to ${MAX_DPOP_JTI_LENGTH} characters`,
      );
    }
    // §4.3 step 8: "The htm claim matches the HTTP method of the current request." Methods are
    // case-sensitive (RFC 9110 §9.1), so the comparison is exact.
    if (payload.htm !== request.method) throw new DpopProofError('htm', 'htm is not the method');
    // §4.3 step 9: htu matches the target URI "ignoring any query and fragment parts", after
    // syntax- and scheme-based normalisation (RFC 3986 §6.2.2, §6.2.3), which servers SHOULD apply.
    // A claim that itself carries a query or fragment breaks §4.2 ("without query and fragment").
    const htu = payload.htu;
    if (typeof htu !== 'string' || normalizeHtu(htu) !== target) {
      throw new DpopProofError('htu', 'htu is not the target URI');
    }
    // §4.3 step 11: "The creation time of the JWT, as determined by either the iat claim or a
    // server managed timestamp via the nonce claim, is within an acceptable window." No nonce
    // here (§8 is not implemented), so `iat`.
    const iat = payload.iat;
    const now = Math.floor(nowMs / 1000);
    if (!isNumericDate(iat) || iat < now - window.pastSeconds || iat > now + window.futureSeconds) {
      throw new DpopProofError('iat', 'iat is outside the accepted window');
    }
    // §4.3 step 12: with an access token, `ath` is its base64url SHA-256 (§4.2), compared exactly.
    if (request.accessToken !== undefined && payload.ath !== accessTokenHash(request.accessToken)) {
      throw new DpopProofError('ath', 'ath is not the hash of the access token');
    }
    return { jkt, jti, iat, alg: alg as DpopAlgorithm, nonce: payload.nonce };
  };
}

/**
 * The `ath` of an access token (RFC 9449 §4.2): base64url of the SHA-256 of its ASCII text.
 * @param accessToken the access token
 * @returns the hash, base64url without padding
 */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The decoded parts of a compact JWS. */
interface ProofParts {
  headerJson: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: string;
}

/**
 * Splits a proof into its three canonical base64url segments and decodes header and payload
 * (§4.3 step 2; step 3, the required claims, is checked claim by claim afterwards).
 * @throws DpopProofError `malformed`
 */
function splitProof(proof: string): ProofParts {
  if (proof.length > MAX_DPOP_PROOF_LENGTH) throw new DpopProofError('malformed', 'proof too long');
  const parts = proof.split('.');
  if (parts.length !== 3 || !parts.every(isCanonicalBase64Url)) {
    throw new DpopProofError('malformed', 'not a compact JWS');
  }
  const [header, payload, signature] = parts as [string, string, string];
  return {
    headerJson: jsonObject(header),
    payload: jsonObject(payload),
    signingInput: `${header}.${payload}`,
    signature,
  };
}

function jsonObject(segment: string): Record<string, unknown> {
  const bytes = Buffer.from(segment, 'base64url');
  let value: unknown;
  try {
    // A fatal decode, as jose's: Buffer#toString would replace bad sequences silently.
    if (!isUtf8(bytes)) throw new Error('not UTF-8');
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new DpopProofError('malformed', 'a segment is not a UTF-8 JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DpopProofError('malformed', 'a segment is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Imports the proof's `jwk` (RFC 9449 §4.2: "MUST NOT contain a private key"; §4.3 step 7) for
 * `alg`, with the key rules every verifier here applies (prepareVerifyKey: curve, RSA size and
 * exponent). Its members must be the canonical ones node:crypto exports, so one key has one
 * thumbprint (RFC 7638 hashes the members as sent).
 * @throws DpopProofError `jwk`
 */
function proofKey(jwk: unknown, alg: DpopAlgorithm, memo?: ProofKeyMemo): ImportedProofKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new DpopProofError('jwk', 'jwk is missing');
  }
  const members = jwk as Record<string, unknown>;
  for (const member of PRIVATE_JWK_MEMBERS) {
    if (member in members) throw new DpopProofError('jwk', 'jwk holds private key material');
  }
  const { kty, crv, x, y, n, e } = members;
  const given = (
    kty === 'EC' ? { kty, crv, x, y } : kty === 'RSA' ? { kty, n, e } : {}
  ) as JsonWebKey;
  if (given.kty === undefined || !Object.values(given).every((v) => typeof v === 'string')) {
    throw new DpopProofError('jwk', 'jwk is not an EC or RSA public key');
  }
  // What the import below depends on, and nothing else: the alg and the members it reads (the
  // private members were refused above, on every call).
  const id = memo === undefined ? '' : JSON.stringify([alg, ...Object.values(given)]);
  const known = memo?.get(id);
  if (known !== undefined) return known;
  let keyObject: KeyObject;
  let key: VerifyKey;
  try {
    keyObject = createPublicKey({ key: given, format: 'jwk' });
    key = prepareVerifyKey(keyObject, alg);
  } catch {
    throw new DpopProofError('jwk', `jwk is not a usable ${alg} public key`);
  }
  const exported = keyObject.export({ format: 'jwk' });
  const canonical = kty === 'EC' ? ['x', 'y'] : ['n', 'e'];
  if (canonical.some((m) => exported[m as keyof JsonWebKey] !== given[m as keyof JsonWebKey])) {
    throw new DpopProofError('jwk', 'jwk members are not canonical base64url');
  }
  const imported = { key, jkt: jwkThumbprint(given as { kty: string }) };
  memo?.set(id, imported);
  return imported;
}

/** RFC 3986 §2.3 unreserved characters, which percent-encoding normalisation decodes. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Normalises an `htu` value or a target URI for comparison (RFC 9449 §4.3 step 9). WHATWG URL
 * parsing applies most of RFC 3986 §6.2.2 and §6.2.3: scheme and host to lower case, the default
 * port dropped, an empty path as `/`, dot segments removed. Percent-encoding is then normalised by
 * hand (§6.2.2.1 upper-case hex digits; §6.2.2.2 unreserved characters decoded), which URL leaves
 * alone. Query and fragment are refused, not dropped: §4.2 defines `htu` without them.
 * @param uri the absolute URI
 * @returns the normalised `scheme://authority/path`, or undefined when `uri` is not an absolute
 *   http(s) URI without userinfo (RFC 9110 §4.2.4), query or fragment
 */
export function normalizeHtu(uri: string): string | undefined {
  if (uri.includes('?') || uri.includes('#')) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  return `${url.protocol}//${url.host}${path}`;
}
