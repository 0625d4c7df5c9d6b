// Generation of client ids and client secrets from injected cryptographic randomness.
import { CLIENT_ID_BYTES } from '../../../functions/shared/client-id';
import type { RandomBytes } from '../../../functions/shared/types';

// The id's size is defined with its shape, which the token function's log relies on.
export { CLIENT_ID_BYTES };

/** Random bytes in a client secret: 256 bits (DESIGN.md: at least 256 bits of randomness). */
export const CLIENT_SECRET_BYTES = 32;

/**
 * Draws exactly `size` random bytes, refusing a short or broken source.
 * @param randomBytes the injected source
 * @param size number of bytes
 * @returns the bytes
 */
function draw(randomBytes: RandomBytes, size: number): Buffer {
  const bytes = randomBytes(size);
  if (bytes.length !== size) {
    throw new Error(`random source returned ${bytes.length} bytes instead of ${size}`);
  }
  return Buffer.from(bytes);
}

/**
 * Generates a client id: 32 lowercase hex characters (128 random bits), the shape
 * `hasIssuedClientIdShape` (functions/shared/client-id.ts) recognises.
 * Hex rather than base64url: an id never starts with `-` (which a command line would read as a
 * flag) and needs no escaping in HTTP Basic credentials, URLs or shells.
 * @param randomBytes cryptographically secure random source
 * @returns the client id
 */
export function generateClientId(randomBytes: RandomBytes): string {
  return draw(randomBytes, CLIENT_ID_BYTES).toString('hex');
}

/**
 * Generates a client secret: 32 random bytes (256 bits), base64url without padding (43 characters).
 * Only its argon2id hash is stored; the plain text is printed once.
 * @param randomBytes cryptographically secure random source
 * @returns the client secret
 */
export function generateClientSecret(randomBytes: RandomBytes): string {
  return draw(randomBytes, CLIENT_SECRET_BYTES).toString('base64url');
}
