// argon2id password hashing of client secrets with @node-rs/argon2 (standard PHC strings).
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import type { PasswordHasher } from '../core/types';

/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, so spelled as its value). */
const ARGON2ID = 2 as Algorithm;

/** Parameters of new hashes. */
export interface Argon2Options {
  /** Memory cost in KiB (`m=`). */
  memoryCost: number;
  /** Number of passes (`t=`). */
  timeCost: number;
  /** Lanes (`p=`). */
  parallelism: number;
  /** Raw hash length in bytes. */
  outputLen: number;
}

/**
 * OWASP's minimum argon2id configuration (m=19456 KiB, t=2, p=1), 32-byte output.
 * Verification reads the parameters from each PHC string, so raising these later keeps old hashes valid.
 */
export const ARGON2_OPTIONS: Readonly<Argon2Options> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

/**
 * The dummy hash for {@link ARGON2_OPTIONS}: argon2id of 32 random bytes that were thrown away
 * when it was made (`hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS)`). Shipping it
 * saves every cold start one argon2id hash (19 MiB, two passes) that it would otherwise compute
 * at load. Public and constant, it is safe: verifying against it costs what verifying against any
 * client's hash costs, and a match on it never authenticates (createClientAuthenticator). A unit
 * test checks that its parameters are ARGON2_OPTIONS, so changing them means making a new one.
 */
export const ARGON2_DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$ryKp6xSp94BqWJ+e1MO5nw$J00Rzkw1m+kxt16ibw/bJ6DcDEzg2tKX77iqCNvMCos';

/** Hashes and verifies client secrets with argon2id. */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly options: Options;

  /**
   * @param options overrides of {@link ARGON2_OPTIONS} (tests may lower the cost; production should not)
   */
  constructor(options: Partial<Argon2Options> = {}) {
    this.options = { ...ARGON2_OPTIONS, ...options, algorithm: ARGON2ID };
  }

  /**
   * @returns {@link ARGON2_DUMMY_HASH} when this hasher makes hashes with ARGON2_OPTIONS; otherwise
   *   undefined, and the authenticator hashes a random secret with these parameters once
   */
  dummyHash(): string | undefined {
    const o = this.options;
    const production =
      o.memoryCost === ARGON2_OPTIONS.memoryCost &&
      o.timeCost === ARGON2_OPTIONS.timeCost &&
      o.parallelism === ARGON2_OPTIONS.parallelism &&
      o.outputLen === ARGON2_OPTIONS.outputLen;
    return production ? ARGON2_DUMMY_HASH : undefined;
  }

  /**
   * @param secret the plain-text secret
   * @returns an argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a random salt
   */
  async hash(secret: string): Promise<string> {
    return hash(secret, this.options);
  }

  /**
   * Constant-time comparison inside argon2; a malformed or foreign hash is a mismatch, never an error.
   * @param phcHash stored PHC string
   * @param secret presented secret
   * @returns true when the secret matches
   */
  async verify(phcHash: string, secret: string): Promise<boolean> {
    // Only argon2id hashes are accepted: secrets are never stored any other way (DESIGN.md).
    if (typeof phcHash !== 'string' || !phcHash.startsWith('$argon2id$')) return false;
    try {
      return await verify(phcHash, secret);
    } catch {
      return false;
    }
  }
}
