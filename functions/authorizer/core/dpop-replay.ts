/**
 * The port of the authorizer's DPoP replay cache (RFC 9449 §11.1): a proof's `jti` is used once.
 * The adapter (adapters/dpop-replay-dynamodb.ts) is a conditional write; the handler refuses the
 * request when it answers "used" and when it fails.
 * @module
 */

/** One use of a proof. */
export interface DpopProofUse {
  /** The item's partition key, `dpopJtiKey` (dpop-request.ts) of the proof's key and `jti`. */
  readonly key: string;
  /** Epoch seconds after which the entry may go: once the proof's `iat` has left the window. */
  readonly expiresAt: number;
}

/** Records each proof `jti` once. */
export interface DpopReplayCache {
  /**
   * @param use the entry
   * @returns true on the first use, false when the entry exists (a replay)
   * @throws Error when the write fails (the caller fails closed)
   */
  useOnce(use: DpopProofUse): Promise<boolean>;
}
