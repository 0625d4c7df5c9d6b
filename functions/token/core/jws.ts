// JWS compact serialization (RFC 7515) of an access token, signed through the Signer port.
import { base64UrlEncode } from '../../shared/base64url';
import type { Signer } from './types';

const ENCODER = new TextEncoder();

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
