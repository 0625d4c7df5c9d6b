// RFC 7009 token revocation: authenticate the client as the token endpoint does, then record the revocation of its own token until that token's expiry.
import { extractClientCredentials } from './client-auth';
import type { ClientAuthenticator } from './authenticate-client';
import { InvalidRequestError, TemporarilyUnavailableError } from './errors';
import { parseTokenRequest, type TokenRequestBody } from './token-request';
import type { IssuedTokenVerifier } from './verify-issued-token';
import type { Clock } from '../../shared/types';
import { REVOCATION_FANOUT_RETRY_AFTER_SECONDS } from '../../shared/limits';
import type { ClientIdHooks, RegionWrite, RevocationFanOut, RevocationStore } from './types';

/** Dependencies of {@link createTokenRevoker}. */
export interface TokenRevokerDeps {
  authenticator: Pick<ClientAuthenticator, 'authenticate'>;
  verifyToken: IssuedTokenVerifier;
  revocations: Pick<RevocationStore, 'revokeToken'>;
  /** The authorizer's skew: the item is kept until `exp + skew`, when no verifier accepts it. */
  clockSkewSeconds: number;
  clock: Clock;
  /** Multi-Region: writes the item to every other Region after the local write. */
  fanOut?: RevocationFanOut;
}

/** Hooks of one revocation: the client id ones, and the per-Region report of a fan-out. */
export interface RevocationHooks extends ClientIdHooks {
  /** Called with every Region's result (own first) once a multi-Region revocation is written. */
  onRegionWrites?(writes: RegionWrite[]): void;
}

/**
 * The token is revoked in this Region but not in every other one. RFC 7009 §2.2.1: "If the server
 * responds with HTTP status code 503, the client must assume the token still exists and may retry
 * after a reasonable delay" (https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1): so the client
 * retries, and the retry writes every Region again (the writes are idempotent).
 */
export class RevocationIncompleteError extends TemporarilyUnavailableError {
  /** The Regions that were not written. */
  readonly failedRegions: string[];

  constructor(failedRegions: string[]) {
    super('the revocation could not be recorded in every Region; retry later', {
      retryAfterSeconds: REVOCATION_FANOUT_RETRY_AFTER_SECONDS,
    });
    this.name = 'RevocationIncompleteError';
    this.failedRegions = failedRegions;
  }
}

/** An HTTP revocation request, reduced to what the core needs. */
export interface RevocationHttpRequest extends TokenRequestBody {
  authorization: string | undefined;
}

/** What happened, for the log (the response is 200 in every case). */
export type RevocationOutcome = 'revoked' | 'not-a-token' | 'foreign-token' | 'expired';

/** Revokes tokens. */
export interface TokenRevoker {
  /**
   * @param request the HTTP request parts
   * @param hooks called with the presented client id once known, then with the authenticated one
   * @returns what happened; the HTTP answer is 200 whatever it is
   * @throws InvalidRequestError for a malformed request; InvalidClientError when authentication
   *   fails; adapter errors pass through (503 / 500)
   */
  revoke(request: RevocationHttpRequest, hooks?: RevocationHooks): Promise<RevocationOutcome>;
}

/**
 * Creates the revoker. RFC 7009 §2.2: "The authorization server responds with HTTP status code
 * 200 if the token has been revoked successfully or if the client submitted an invalid token",
 * so an unknown, foreign or expired token gets the same 200 as a revoked one and the caller learns
 * nothing about tokens it does not hold. §2.1 lets the server ignore `token_type_hint`; this
 * server issues access tokens only, so it is accepted and ignored. The write is idempotent: the
 * same item is put again. In a multi-Region deployment the item is written here first, then to
 * every other Region at once ({@link RevocationFanOut}); if one fails, the answer is 503
 * ({@link RevocationIncompleteError}), never a 200 that would tell the client a token is dead
 * where it still lives.
 * @param deps authenticator, verifier, store, skew and clock
 * @returns the revoker
 */
export function createTokenRevoker(deps: TokenRevokerDeps): TokenRevoker {
  return {
    async revoke(request, hooks) {
      const params = parseTokenRequest(request);
      const credentials = extractClientCredentials(request.authorization, params);
      hooks?.onClientId?.(credentials.clientId);
      // §2.1: `token` is REQUIRED; its absence is invalid_request (§2.2.1, RFC 6749 §5.2).
      const token = params.token;
      if (token === undefined || token === '') throw new InvalidRequestError('missing token');

      const client = await deps.authenticator.authenticate(credentials);
      hooks?.onAuthenticated?.(client.client_id);
      const claims = await deps.verifyToken(token);
      if (claims === undefined) return 'not-a-token';
      // §2.1: the server "verifies whether the token was issued to the client making the
      // revocation request"; a foreign token is left alone, answered like an invalid one.
      if (claims.client_id !== client.client_id) return 'foreign-token';
      const expiresAt = claims.exp + deps.clockSkewSeconds;
      if (expiresAt <= Math.floor(deps.clock() / 1000)) return 'expired';
      const revoked = { jti: claims.jti, clientId: client.client_id, expiresAt };
      await deps.revocations.revokeToken(revoked);
      if (deps.fanOut !== undefined) {
        const writes = [
          { region: deps.fanOut.ownRegion, result: 'ok' },
          ...(await deps.fanOut.revokeToken(revoked)),
        ];
        hooks?.onRegionWrites?.(writes);
        const failed = writes.filter((w) => w.result !== 'ok').map((w) => w.region);
        if (failed.length > 0) throw new RevocationIncompleteError(failed);
      }
      return 'revoked';
    },
  };
}
