// Replay-cache keys of the token function: a used client-assertion `jti` and a used DPoP proof `jti`, both `jti#<digest>` items of the clients table.
import { createHash } from 'node:crypto';
import type { AssertionUse } from './types';

/**
 * Partition key prefix of a used assertion `jti` in the clients table: `jti#<digest>`. No client id
 * holds `#` (functions/shared/revocation.ts), so no such item is a client record.
 */
export const ASSERTION_JTI_PREFIX = 'jti#';

/**
 * The key is a SHA-256 digest of the pair, so that two clients' `jti`s never meet and the key stays
 * 47 bytes whatever the lengths of the client id and the `jti`: a partition key is at most 2048
 * bytes ("Constraints in Amazon DynamoDB", Partition keys and sort keys,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html; see
 * MAX_CLIENT_ID_BYTES), which `jti#` + a 2048-byte id + a 256-character `jti` would exceed.
 * @param clientId the client
 * @param jti the assertion's `jti`
 * @returns the partition key of its replay-cache item
 */
export function assertionJtiKey(clientId: string, jti: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([clientId, jti]))
    .digest('base64url');
  return `${ASSERTION_JTI_PREFIX}${digest}`;
}

/**
 * The replay-cache key of a used DPoP proof `jti`: the same `jti#` prefix (the token function's IAM
 * policy allows PutItem on it and nothing else), over a digest of a three-member array that starts
 * with `dpop`. An assertion's digest input is a two-member array, so the two JSON texts never
 * coincide and neither do their digests: a proof `jti` never uses up an assertion's or the reverse.
 * Keyed by the proof key, not the client: RFC 9449 §11.1 makes a `jti` unique per key.
 * @param jkt RFC 7638 thumbprint of the proof's key
 * @param jti the proof's `jti`
 * @returns the partition key of its replay-cache item
 */
export function dpopProofJtiKey(jkt: string, jti: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(['dpop', jkt, jti]))
    .digest('base64url');
  return `${ASSERTION_JTI_PREFIX}${digest}`;
}

/**
 * The replay-cache key of one use: an assertion's or, with `proofKey`, a DPoP proof's.
 * @param use the use
 * @returns its partition key
 */
export function replayEntryKey(use: AssertionUse): string {
  return use.proofKey === undefined
    ? assertionJtiKey(use.clientId, use.jti)
    : dpopProofJtiKey(use.proofKey, use.jti);
}
