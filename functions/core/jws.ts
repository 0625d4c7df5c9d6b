// JWS compact serialization (RFC 7515) of an access token, signed through the Signer port.
import { base64UrlEncode } from './base64url';
import type { Signer, SigningKeyInfo } from './types';

const ENCODER = new TextEncoder();

/** The protected header of an access token (RFC 9068 §2.1). */
export interface AccessTokenHeader {
  alg: SigningKeyInfo['alg'];
  typ: 'at+jwt';
  kid: string;
}

/**
 * Builds the header for a key.
 * @param key the signing key's description
 * @returns `{alg, typ: "at+jwt", kid}`
 */
export function accessTokenHeader(key: SigningKeyInfo): AccessTokenHeader {
  return { alg: key.alg, typ: 'at+jwt', kid: key.kid };
}

/**
 * Assembles and signs a compact JWS.
 * @param header the protected header
 * @param payload the claims set
 * @param signer signs the ASCII bytes of `base64url(header) "." base64url(payload)`
 * @returns `header.payload.signature`
 */
export async function signCompactJws(
  header: object,
  payload: object,
  signer: Pick<Signer, 'sign'>,
): Promise<string> {
  const signingInput = `${base64UrlEncode(JSON.stringify(header))}.${base64UrlEncode(JSON.stringify(payload))}`;
  const signature = await signer.sign(ENCODER.encode(signingInput));
  return `${signingInput}.${base64UrlEncode(signature)}`;
}
