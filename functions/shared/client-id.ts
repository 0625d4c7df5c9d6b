/**
 * The shape of the client ids this service issues, defined once: the CLI generates them and the
 * token function logs a presented client id as is only when it has this shape.
 * @module
 */

/** Random bytes in a client id: 128 bits, so ids are unguessable and never collide in practice. */
export const CLIENT_ID_BYTES = 16;

/** An issued client id: {@link CLIENT_ID_BYTES} random bytes as lowercase hex. */
const ISSUED_CLIENT_ID = new RegExp(`^[0-9a-f]{${CLIENT_ID_BYTES * 2}}$`);

/**
 * True when `id` has the shape of a client id this service issues (32 lowercase hex characters).
 * A client secret (43 base64url characters) never has it.
 * @param id a client id as presented
 * @returns whether it has the issued shape
 */
export function hasIssuedClientIdShape(id: string): boolean {
  return ISSUED_CLIENT_ID.test(id);
}
