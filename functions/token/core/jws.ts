// JWS compact serialization (RFC 7515) of an access token, signed through the Signer port.
import { base64UrlEncode } from '../../shared/base64url';
import type { Signer } from './types';

/** The last header serialised and its segment: a signer's header is the same on every token. */
let lastHeader = { json: '', segment: '' };

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
  const json = JSON.stringify(header);
  if (json !== lastHeader.json) lastHeader = { json, segment: base64UrlEncode(json) };
  const signingInput = `${lastHeader.segment}.${base64UrlEncode(JSON.stringify(payload))}`;
  // base64url and `.` are ASCII, so these latin1 bytes are the UTF-8 ones (RFC 7515 §7.1).
  const signature = await signer.sign(Buffer.from(signingInput, 'latin1'));
  return `${signingInput}.${base64UrlEncode(signature)}`;
}
