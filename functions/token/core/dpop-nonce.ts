/**
 * Stateless DPoP server nonces (RFC 9449 §8): the nonce of a time window is a MAC, under a key no
 * container holds (KMS GenerateMac, adapters/nonce-mac-kms.ts), of a label naming the issuer and the
 * window. Every container derives the same nonce for the same window without sharing a secret or
 * a table, and remembers it for the window; a proof's `nonce` is accepted when it is the current
 * or the previous window's, so a nonce lives between one and two periods.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { DPOP_NONCE_PERIOD_SECONDS } from '../../shared/limits';

/** The MAC of a label (KMS GenerateMac with HMAC_SHA_256 in production). */
export interface NonceMac {
  /**
   * @param message the label, ASCII
   * @returns the raw MAC
   * @throws OAuthError subclasses (TemporarilyUnavailableError, ServerError) when it cannot be made
   */
  mac(message: string): Promise<Uint8Array>;
}

/** The outcome of checking a proof's `nonce`. */
export interface NonceCheck {
  /** Whether the nonce is the current or the previous window's. */
  readonly accepted: boolean;
  /** The current window's nonce: what the client is told to use next (`DPoP-Nonce`). */
  readonly current: string;
}

/** Checks and hands out nonces. */
export interface DpopNonces {
  /**
   * @param nonce the proof's `nonce` claim, as sent (anything, or undefined when absent)
   * @param nowMs the current time
   * @returns whether it is accepted, and the current nonce
   * @throws what the MAC throws: without a nonce nothing is accepted
   */
  check(nonce: unknown, nowMs: number): Promise<NonceCheck>;
}

/** Options of {@link createDpopNonces}. */
export interface DpopNoncesOptions {
  /** Makes the MAC of a window's label. */
  mac: NonceMac;
  /** The issuer: part of the label, so no other deployment's nonce (same key or not) passes. */
  issuer: string;
  /** Length of a window, in seconds (default DPOP_NONCE_PERIOD_SECONDS). */
  periodSeconds?: number;
}

/** Version of the label format: a future format gets another, so no old nonce matches it. */
const LABEL_VERSION = 'v1';

/**
 * A nonce is the base64url of a 32-byte HMAC-SHA-256: 43 characters of RFC 4648 §5, which are
 * NQCHARs (RFC 9449 §8.1: `nonce = 1*NQCHAR`).
 */
const NONCE_SYNTAX = /^[A-Za-z0-9_-]{43}$/;

/**
 * Creates the nonce source. A window's nonce is derived once per container (a failed derivation is
 * forgotten, so the next request asks again), and only the current and the previous window's are
 * kept. A value that is not a string of the nonce syntax is refused without any derivation beyond
 * the current window's (which the answer needs); comparisons are constant-time.
 * @param options the MAC, the issuer and the period
 * @returns the nonce source
 */
export function createDpopNonces(options: DpopNoncesOptions): DpopNonces {
  const periodMs = (options.periodSeconds ?? DPOP_NONCE_PERIOD_SECONDS) * 1000;
  const derived = new Map<number, Promise<Buffer>>();

  const nonceOf = (window: number): Promise<Buffer> => {
    let nonce = derived.get(window);
    if (nonce === undefined) {
      const label = `dpop-nonce:${LABEL_VERSION}:${options.issuer}:${window}`;
      nonce = options.mac.mac(label).then(
        (mac) => Buffer.from(Buffer.from(mac).toString('base64url'), 'ascii'),
        (err: unknown) => {
          derived.delete(window);
          throw err;
        },
      );
      derived.set(window, nonce);
      // Only this window and the previous one are ever asked for.
      for (const old of derived.keys()) if (old < window - 1) derived.delete(old);
    }
    return nonce;
  };

  const matches = (given: Buffer, nonce: Buffer): boolean =>
    given.length === nonce.length && timingSafeEqual(given, nonce);

  return {
    async check(nonce, nowMs) {
      const window = Math.floor(nowMs / periodMs);
      const current = await nonceOf(window);
      const answer = (accepted: boolean): NonceCheck => ({
        accepted,
        current: current.toString('ascii'),
      });
      if (typeof nonce !== 'string' || !NONCE_SYNTAX.test(nonce)) return answer(false);
      const given = Buffer.from(nonce, 'ascii');
      if (matches(given, current)) return answer(true);
      return answer(matches(given, await nonceOf(window - 1)));
    },
  };
}
