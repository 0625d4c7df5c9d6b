/**
 * The one verifier of an access token's JWS layer (RFC 7515 compact serialisation, RFC 9068
 * header): size, three canonical base64url segments, a header of only `alg`/`typ`/`kid` with `typ`
 * `at+jwt`, the key named by `kid` with the algorithm pinned to it, and the signature. It returns
 * the payload's JSON object without judging its claims. The authorizer adds its claim checks
 * (authorizer/core/jwt-verify.ts); revocation and introspection add theirs
 * (token/core/verify-issued-token.ts). Both thus accept exactly the same encodings of a token:
 * before issue 21 (finding 4) introspection decoded leniently and called active a token whose
 * spare base64url bits had been changed, which the gateway refused.
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { verify as cryptoVerify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { ACCESS_TOKEN_HEADER_MEMBERS, ACCESS_TOKEN_TYP } from './access-token';
import {
  JwtAlgNotAllowedError,
  JwtInvalidHeaderError,
  JwtMalformedError,
  JwtSignatureError,
  JwtTooLargeError,
  JwtUnknownKidError,
} from './jwt-errors';
import { isCanonicalBase64Url, type JwsAlgorithm } from './jws-verify';

/** Longest token accepted, in characters, checked before any decoding. */
export const MAX_TOKEN_LENGTH = 8192;

/** A verification key of access tokens, prepared for `crypto.verify` (see prepareVerifyKey). */
export interface AccessTokenKey {
  /** The only algorithm the key verifies; a token header must name exactly this one. */
  readonly alg: JwsAlgorithm;
  /** What `crypto.verify` takes: the key plus `dsaEncoding: 'ieee-p1363'` for ES256. */
  readonly verifyKey: KeyObject | VerifyKeyObjectInput;
  /** Exact length of the base64url signature segment. */
  readonly signatureB64Length: number;
}

/**
 * Verifies a token's JWS layer.
 * @param token the compact JWS (no `Bearer ` prefix)
 * @returns the payload, a JSON object whose claims are not yet checked
 * @throws JwtError (a subclass naming the reason) when the token is not acceptable
 */
export type AccessTokenJwsVerifier = (token: string) => Record<string, unknown>;

/** Header members a token may carry; anything else (jku, jwk, x5u, b64, crit, …) is rejected. */
const ALLOWED_HEADER_MEMBERS: ReadonlySet<string> = new Set(ACCESS_TOKEN_HEADER_MEMBERS);

/** Distinct valid headers remembered (there is one per key and typ spelling in practice). */
const HEADER_CACHE_SIZE = 32;

/** Encodes the (ASCII) token into the scratch buffer. */
const ENCODER = new TextEncoder();

/** The RFC 9068 `typ`, as jose normalises it (media types are case-insensitive, RFC 7515 §4.1.9). */
const NORMALIZED_TYP = `application/${ACCESS_TOKEN_TYP}`;

/**
 * Decodes a canonical base64url segment holding a UTF-8 JSON object.
 * @param segment the base64url text
 * @param what `header` or `payload`, for messages
 * @returns the parsed object
 * @throws JwtMalformedError when it is not one
 */
function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  if (!isCanonicalBase64Url(segment)) throw new JwtMalformedError(`${what} is not base64url`);
  return parseJsonObject(Buffer.from(segment, 'base64url'), what);
}

/**
 * Parses UTF-8 bytes holding a JSON object.
 * @param bytes decoded segment
 * @param what `header` or `payload`, for messages
 * @returns the parsed object
 * @throws JwtMalformedError when it is not one
 */
function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  // jose decodes with a fatal TextDecoder; Buffer#toString would replace bad sequences silently.
  if (!isUtf8(bytes)) throw new JwtMalformedError(`${what} is not UTF-8`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new JwtMalformedError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtMalformedError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Validates a protected header against the profile and picks its key.
 * @param segment the base64url header
 * @param keys trusted keys by `kid`
 * @returns the key the header names
 * @throws JwtError subclasses for every header problem
 */
function resolveHeader<K extends AccessTokenKey>(segment: string, keys: ReadonlyMap<string, K>): K {
  const header = decodeJsonObject(segment, 'header');
  // RFC 7515 §4.1.11: a verifier must reject `crit` members it does not understand; we support none.
  if (Object.hasOwn(header, 'crit')) throw new JwtInvalidHeaderError('crit is not supported');
  for (const member of Object.keys(header)) {
    if (!ALLOWED_HEADER_MEMBERS.has(member)) {
      throw new JwtInvalidHeaderError(`header member ${JSON.stringify(member)} is not allowed`);
    }
  }
  const { alg, typ, kid } = header;
  if (alg !== 'ES256' && alg !== 'RS256' && alg !== 'PS256') {
    throw new JwtAlgNotAllowedError('alg is not allowed');
  }
  if (kid === undefined) throw new JwtUnknownKidError('kid is missing');
  if (typeof kid !== 'string') throw new JwtInvalidHeaderError('kid is not a string');
  const key = keys.get(kid);
  if (key === undefined) throw new JwtUnknownKidError('kid names no trusted key');
  // The key decides the algorithm: an RS256 header on an EC key (or the reverse), or on a key
  // pinned to PS256 (or the reverse), never verifies.
  if (alg !== key.alg) throw new JwtAlgNotAllowedError(`alg ${alg} is not the key's ${key.alg}`);
  if (typeof typ !== 'string' || normalizeTyp(typ) !== NORMALIZED_TYP) {
    throw new JwtInvalidHeaderError('typ is not at+jwt');
  }
  return key;
}

/**
 * Normalises a `typ` like jose: lower case, `application/` prefixed when it has no slash.
 * @param typ the header value
 * @returns the full media type in lower case
 */
function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

/**
 * Builds the verifier over a set of keys, prepared once by the caller. Valid headers are cached
 * by their exact base64url text, so a warm call decodes only the payload and the signature. Every
 * segment must be canonical unpadded base64url (isCanonicalBase64Url: the URL-safe alphabet, no
 * `=`, zero spare bits), so one token has exactly one accepted spelling.
 * @param keys the keys by `kid` (ES256, RS256 and PS256 keys verify; others never match a header)
 * @returns the verifier
 */
export function createAccessTokenJwsVerifier<K extends AccessTokenKey>(
  keys: ReadonlyMap<string, K>,
): AccessTokenJwsVerifier {
  const headers = new Map<string, K>();
  // Room for the ASCII token followed by the decoded signature.
  const scratch = Buffer.alloc(MAX_TOKEN_LENGTH * 2);

  return (token) => {
    if (token.length > MAX_TOKEN_LENGTH) throw new JwtTooLargeError('token is too large');
    const dot1 = token.indexOf('.');
    const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    // Exactly three segments: rejects JWE (five) and JSON serialisation.
    if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) {
      throw new JwtMalformedError('token is not a compact JWS');
    }

    const headerSegment = token.slice(0, dot1);
    let key = headers.get(headerSegment);
    if (key === undefined) {
      key = resolveHeader(headerSegment, keys);
      // Only valid headers are cached, and only a few: an attacker cannot grow this map.
      if (headers.size < HEADER_CACHE_SIZE) headers.set(headerSegment, key);
    }

    const signatureSegment = token.slice(dot2 + 1);
    // ES256 is exactly 64 bytes (R||S); RSA signatures are exactly the modulus length.
    if (
      signatureSegment.length !== key.signatureB64Length ||
      !isCanonicalBase64Url(signatureSegment)
    ) {
      throw new JwtSignatureError('signature has the wrong length or encoding');
    }
    const payloadSegment = token.slice(dot1 + 1, dot2);
    if (!isCanonicalBase64Url(payloadSegment))
      throw new JwtMalformedError('payload is not base64url');

    // Every character is now ASCII (<= MAX_TOKEN_LENGTH bytes), so the signing input and the
    // signature are written into buffers reused across calls: no allocation, and safe because
    // crypto.verify is synchronous.
    const { written } = ENCODER.encodeInto(token, scratch);
    const signingInput = scratch.subarray(0, dot2);
    const signature = scratch.subarray(
      written,
      written + scratch.write(signatureSegment, written, 'base64url'),
    );
    if (!cryptoVerify('sha256', signingInput, key.verifyKey, signature)) {
      throw new JwtSignatureError('signature verification failed');
    }

    return parseJsonObject(Buffer.from(payloadSegment, 'base64url'), 'payload');
  };
}
