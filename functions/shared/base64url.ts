// base64url (RFC 4648 §5, no padding) encoding used for JWS segments and random identifiers.

/**
 * Encodes bytes or a UTF-8 string as unpadded base64url.
 * @param input bytes, or a string encoded as UTF-8 first
 * @returns the base64url text without `=` padding
 */
export function base64UrlEncode(input: Uint8Array | string): string {
  // A view of the caller's bytes, not a copy (Buffer.from(arrayBuffer, offset, length) shares memory).
  const bytes =
    typeof input === 'string'
      ? Buffer.from(input, 'utf8')
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return bytes.toString('base64url');
}
