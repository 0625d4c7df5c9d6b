/**
 * A bounded memo of imported DPoP proof keys (issue 25, item 7). A client signs every proof with
 * the same key, and importing its `jwk` (node:crypto `createPublicKey`, the key rules of
 * prepareVerifyKey, the canonical-encoding check and the RFC 7638 thumbprint) costs about as much
 * as verifying the proof's signature for a P-256 key. The import is a pure function of the `alg`
 * and the key's public members, so its result can be reused; the signature of every proof is still
 * verified, and every other check of the proof is still made. Only a successful import is kept.
 *
 * Anyone can send proofs with fresh keys, so anyone can fill the memo: that evicts entries, which
 * costs their owners one import each, and nothing else. Memory is bounded: at most `maxEntries`
 * entries of a key of at most 4,096 bits (about 1.5 KB with its identity text).
 * @module
 */
import type { VerifyKey } from './jws-verify';

/** What importing a proof's `jwk` gives. */
export interface ImportedProofKey {
  /** The key, pinned to the proof's `alg`. */
  readonly key: VerifyKey;
  /** RFC 7638 thumbprint of the `jwk`. */
  readonly jkt: string;
}

/** The memo: imports by an identity text that holds the `alg` and every public member used. */
export interface ProofKeyMemo {
  /**
   * @param id the identity of an `alg` and a key's public members (see dpop-proof.ts)
   * @returns the import made for it before, or undefined
   */
  get(id: string): ImportedProofKey | undefined;
  /**
   * Records a successful import; the least recently used entry leaves when full.
   * @param id the identity
   * @param imported the import
   */
  set(id: string, imported: ImportedProofKey): void;
}

/** Entries the authorizer keeps by default: many more clients than one container serves at once. */
export const DEFAULT_PROOF_KEY_MEMO_SIZE = 256;

/**
 * Creates a memo.
 * @param maxEntries most entries kept; 0 keeps none
 * @returns the memo
 */
export function createProofKeyMemo(maxEntries = DEFAULT_PROOF_KEY_MEMO_SIZE): ProofKeyMemo {
  // A Map iterates in insertion order: a hit re-inserts its entry, so the first is the least
  // recently used.
  const entries = new Map<string, ImportedProofKey>();
  return {
    get: (id) => {
      const hit = entries.get(id);
      if (hit !== undefined) {
        entries.delete(id);
        entries.set(id, hit);
      }
      return hit;
    },
    set: (id, imported) => {
      if (maxEntries === 0) return;
      entries.set(id, imported);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
