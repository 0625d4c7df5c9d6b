// Client authentication: verifies a presented secret against the client's argon2id hashes.
import { base64UrlEncode } from '../../shared/base64url';
import type { ClientCredentials } from './client-auth';
import { InvalidClientError } from './errors';
import { memoizeUntilRejected } from '../../shared/memoize';
import type { Clock, RandomBytes } from '../../shared/types';
import type { ClientRecord, ClientStore, PasswordHasher } from './types';

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
 * Creates an authenticator. An unknown or disabled client, or one with no unexpired secret, is
 * verified against a dummy hash of a random secret, made once with the same hasher and so the
 * same argon2 parameters, so the response time does not reveal which client ids exist.
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
      const client = await deps.clientStore.getClient(credentials.clientId);
      const now = deps.clock();
      const hashes =
        client?.status === 'active'
          ? client.secrets.filter((s) => isUsable(s.expires_at, now)).map((s) => s.hash)
          : [];
      if (!client || hashes.length === 0) {
        await deps.hasher.verify(await getDummyHash(), credentials.clientSecret);
        throw failure();
      }
      for (const hash of hashes) {
        if (await deps.hasher.verify(hash, credentials.clientSecret)) return client;
      }
      throw failure();
    },
  };
}
