// The one fast password-hasher fake for tests: SHA-256 behind a `$fake$` marker instead of argon2id; records every call.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../../functions/token/core/types';

/**
 * A fast, insecure stand-in for argon2id (unit tests only). The "hash" is deterministic and does
 * not contain the secret in any encoding, so "no secret in the output" assertions stay meaningful.
 */
export class FakeHasher implements PasswordHasher {
  /** Every `verify` call, in order. */
  readonly verified: Array<{ hash: string; secret: string }> = [];
  /** Number of `hash` calls. */
  hashCalls = 0;

  /**
   * @param secret the plain secret
   * @returns its fake hash, {@link FakeHasher.hashOf}
   */
  async hash(secret: string): Promise<string> {
    this.hashCalls += 1;
    return FakeHasher.hashOf(secret);
  }

  /**
   * @param phcHash the stored hash
   * @param secret the presented secret
   * @returns whether the secret matches, compared in constant time like the real adapter
   */
  async verify(phcHash: string, secret: string): Promise<boolean> {
    this.verified.push({ hash: phcHash, secret });
    const expected = Buffer.from(FakeHasher.hashOf(secret));
    const actual = Buffer.from(phcHash);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** @returns no ready dummy hash, so the authenticator makes one with {@link hash} (tests may spy on it) */
  dummyHash(): string | undefined {
    return undefined;
  }

  /**
   * @param secret the plain secret
   * @returns the deterministic fake hash of the secret
   */
  static hashOf(secret: string): string {
    return `$fake$${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
  }
}
