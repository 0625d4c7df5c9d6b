// Client authentication: verifies a presented secret against the client's argon2id hashes.
import { base64UrlEncode } from '../../shared/base64url';
import type { ClientCredentials } from './client-auth';
import { InvalidClientError } from './errors';
import { MAX_CLIENT_ID_BYTES } from '../../shared/limits';

/** RFC 6749 Appendix A.1 VSCHAR: visible ASCII and space. */
const VSCHAR = /^[\x20-\x7E]*$/;
import { memoizeUntilRejected } from '../../shared/memoize';
import type { Clock, RandomBytes } from '../../shared/types';
import type { ClientRecord, ClientStore, PasswordHasher } from './types';

/**
 * argon2id verifications every failed authentication costs: the most secrets a client holds (two,
 * during a rotation). Fewer live hashes are padded with the dummy hash, so a wrong secret costs
 * the same for an unknown, a disabled, a one-secret and a rotating client.
 */
export const VERIFICATIONS_PER_FAILURE = 2;

/** Dependencies of {@link createClientAuthenticator}. */
export interface ClientAuthenticatorDeps {
  clientStore: ClientStore;
  hasher: PasswordHasher;
  clock: Clock;
  randomBytes: RandomBytes;
}

/** Authenticates clients. */
export interface ClientAuthenticator {
  /**
   * @param credentials the presented client id and secret
   * @returns the active client record whose secret matched
   * @throws InvalidClientError for an unknown or disabled client or a wrong secret
   */
  authenticate(credentials: ClientCredentials): Promise<ClientRecord>;
  /** Computes the dummy hash ahead of the first request (optional; authenticate does it too). */
  prepare(): Promise<void>;
}

/**
 * Creates an authenticator. The presented secret is verified against the client's live hashes,
 * padded to {@link VERIFICATIONS_PER_FAILURE} with a dummy hash of a random secret (made once with
 * the same hasher, so the same argon2 parameters). An unknown or disabled client, one with no
 * unexpired secret, one mid-rotation, and a `client_id` over MAX_CLIENT_ID_BYTES (never looked
 * up) all cost exactly that many verifications, so the response time reveals neither which ids
 * exist nor which are rotating. A match returns at once: only a caller who holds the secret can
 * observe that timing.
 * @param deps client store, hasher, clock (for secret expiry) and randomness (for the dummy)
 * @returns the authenticator
 */
export function createClientAuthenticator(deps: ClientAuthenticatorDeps): ClientAuthenticator {
  // A failed attempt is not cached, so the next request tries again.
  const getDummyHash = memoizeUntilRejected(() =>
    deps.hasher.hash(base64UrlEncode(deps.randomBytes(32))),
  );

  const isUsable = (expiresAt: string | undefined, now: number): boolean => {
    if (expiresAt === undefined) return true;
    // An unparseable expiry fails closed: the secret counts as expired.
    const expiry = Date.parse(expiresAt);
    return !Number.isNaN(expiry) && expiry > now;
  };

  return {
    async prepare(): Promise<void> {
      await getDummyHash();
    },
    async authenticate(credentials: ClientCredentials): Promise<ClientRecord> {
      const failure = (): InvalidClientError =>
        new InvalidClientError('client authentication failed');
      // RFC 6749 Appendix A.1: client-id = *VSCHAR (%x20-7E). An id outside that, or longer than
      // DynamoDB's key limit (MAX_CLIENT_ID_BYTES; VSCHAR is one byte each in UTF-8), cannot exist,
      // so the read is skipped; lone surrogates and control characters never reach DynamoDB.
      const lookUp =
        credentials.clientId.length <= MAX_CLIENT_ID_BYTES && VSCHAR.test(credentials.clientId);
      const client = lookUp ? await deps.clientStore.getClient(credentials.clientId) : undefined;
      const now = deps.clock();
      const hashes =
        client?.status === 'active'
          ? client.secrets.filter((s) => isUsable(s.expires_at, now)).map((s) => s.hash)
          : [];
      const dummy = await getDummyHash();
      const count = Math.max(VERIFICATIONS_PER_FAILURE, hashes.length);
      for (let i = 0; i < count; i++) {
        const real = i < hashes.length;
        const matched = await deps.hasher.verify(
          real ? (hashes[i] as string) : dummy,
          credentials.clientSecret,
        );
        // The dummy's secret is random and never known, but a match on it must never authenticate.
        if (matched && real) return client as ClientRecord;
      }
      throw failure();
    },
  };
}
