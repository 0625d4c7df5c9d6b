// Client authentication: verifies a presented secret against the client's argon2id hashes.
import { base64UrlEncode } from '../../shared/base64url';
import { acceptsAuthMethod } from './auth-methods';
import { AssertionRejectedError, type AssertionVerifier } from './client-assertion';
import type { AssertionCredentials, ClientCredentials } from './client-auth';
import { InvalidClientError } from './errors';
import { MAX_CLIENT_ID_BYTES } from '../../shared/limits';

/** RFC 6749 Appendix A.1 VSCHAR: visible ASCII and space. */
const VSCHAR = /^[\x20-\x7E]*$/;
import { memoizeUntilRejected } from '../../shared/memoize';
import type { Clock, RandomBytes } from '../../shared/types';
import type {
  AssertionReplayCache,
  ClientRecord,
  ClientStore,
  PasswordHasher,
  TokenEndpointAuthMethod,
} from './types';

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
  /**
   * `private_key_jwt` (RFC 7523): the verifier, the `jti` replay cache and the skew added to an
   * assertion's `exp` for its cache entry. Without them every assertion is refused.
   */
  assertions?: {
    verifier: AssertionVerifier;
    replayCache: AssertionReplayCache;
    clockSkewSeconds: number;
  };
  /**
   * The client authentication methods the deployment accepts at all (default every one): the FAPI
   * 2.0 profile takes `private_key_jwt` only. Another method is refused before any client is looked
   * up, so the refusal says nothing about the client and costs nothing.
   */
  allowedMethods?: readonly TokenEndpointAuthMethod[];
}

/** Authenticates clients. */
export interface ClientAuthenticator {
  /**
   * @param credentials the presented client id and secret or assertion
   * @returns the active client record whose secret or key matched
   * @throws InvalidClientError (with a `reason` for the log) for an unknown or disabled client, a
   *   method the client is not registered for, a wrong secret, a bad or replayed assertion
   */
  authenticate(credentials: ClientCredentials): Promise<ClientRecord>;
  /** Computes the dummy hash ahead of the first request (optional; authenticate does it too). */
  prepare(): Promise<void>;
}

/**
 * Creates an authenticator. The presented secret is verified against the client's live hashes,
 * padded to {@link VERIFICATIONS_PER_FAILURE} with a dummy hash of a secret nobody holds, with the
 * parameters of new hashes (the hasher's ready one, or a random secret hashed once by the same
 * hasher). An unknown or disabled client, one with no
 * unexpired secret, one mid-rotation, and a `client_id` over MAX_CLIENT_ID_BYTES (never looked
 * up) all cost exactly that many verifications, so the response time reveals neither which ids
 * exist nor which are rotating. A match returns at once: only a caller who holds the secret can
 * observe that timing.
 * @param deps client store, hasher, clock (for secret expiry) and randomness (for the dummy)
 * @returns the authenticator
 */
export function createClientAuthenticator(deps: ClientAuthenticatorDeps): ClientAuthenticator {
  // A failed attempt is not cached, so the next request tries again.
  const getDummyHash = memoizeUntilRejected(() => {
    const ready = deps.hasher.dummyHash?.();
    return ready !== undefined
      ? Promise.resolve(ready)
      : deps.hasher.hash(base64UrlEncode(deps.randomBytes(32)));
  });

  const isUsable = (expiresAt: string | undefined, now: number): boolean => {
    if (expiresAt === undefined) return true;
    // An unparseable expiry fails closed: the secret counts as expired.
    const expiry = Date.parse(expiresAt);
    return !Number.isNaN(expiry) && expiry > now;
  };

  const failure = (reason: string): InvalidClientError =>
    new InvalidClientError('client authentication failed', { reason });

  return {
    async prepare(): Promise<void> {
      await getDummyHash();
    },
    async authenticate(credentials: ClientCredentials): Promise<ClientRecord> {
      if (deps.allowedMethods !== undefined && !deps.allowedMethods.includes(credentials.method)) {
        throw new InvalidClientError(
          `this server accepts only ${deps.allowedMethods.join(', ')} client authentication (FAPI 2.0 profile), not ${credentials.method}`,
          { reason: 'method_not_allowed' },
        );
      }
      // RFC 6749 Appendix A.1: client-id = *VSCHAR (%x20-7E). An id outside that, or longer than
      // DynamoDB's key limit (MAX_CLIENT_ID_BYTES; VSCHAR is one byte each in UTF-8), cannot exist,
      // so the read is skipped; lone surrogates and control characters never reach DynamoDB.
      const lookUp =
        credentials.clientId.length <= MAX_CLIENT_ID_BYTES && VSCHAR.test(credentials.clientId);
      const client = lookUp ? await deps.clientStore.getClient(credentials.clientId) : undefined;
      const now = deps.clock();
      // Registered for this method (auth-methods.ts): a secret client takes either secret
      // transport unless pinned to one, a key client only assertions.
      const fits = acceptsAuthMethod(client?.token_endpoint_auth_method, credentials.method);
      const refusal =
        client === undefined
          ? 'unknown_client'
          : client.status !== 'active'
            ? 'client_disabled'
            : fits
              ? undefined
              : 'method_not_registered';
      if (credentials.method === 'private_key_jwt') {
        return authenticateAssertion(
          credentials,
          refusal === undefined ? client : undefined,
          refusal,
          now,
        );
      }
      const hashes =
        refusal === undefined
          ? (client as ClientRecord).secrets
              .filter((s) => isUsable(s.expires_at, now))
              .map((s) => s.hash)
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
      throw failure(refusal ?? 'wrong_secret');
    },
  };

  /**
   * Verifies an assertion with the client's registered keys, then records its `jti` (a replay is
   * refused). Without a usable client the assertion is still parsed and checked against a dummy
   * key, so an unknown, disabled or secret client costs what a wrong signature costs. The costly
   * degenerate-key checks of a stored key run only after a signature verifies with it
   * (client-assertion.ts), so they never tell a prober without a valid signature which ids exist.
   */
  async function authenticateAssertion(
    credentials: AssertionCredentials,
    client: ClientRecord | undefined,
    refusal: string | undefined,
    now: number,
  ): Promise<ClientRecord> {
    const assertions = deps.assertions;
    if (assertions === undefined) throw failure('assertions_not_supported');
    try {
      const keys = client?.jwks?.keys ?? [];
      if (client === undefined || keys.length === 0) {
        assertions.verifier.verifyWithoutKey(credentials.assertion);
      }
      const { jti, exp } = assertions.verifier.verify(
        credentials.assertion,
        credentials.clientId,
        keys,
        now,
      );
      // RFC 7523 §3 item 7: a `jti` is used once; the entry outlives the assertion's acceptance.
      const first = await assertions.replayCache.useOnce({
        clientId: credentials.clientId,
        jti,
        expiresAt: exp + assertions.clockSkewSeconds,
      });
      if (!first) throw failure('assertion_replayed');
      return client as ClientRecord;
    } catch (err) {
      if (err instanceof AssertionRejectedError) throw failure(refusal ?? err.reason);
      throw err;
    }
  }
}
