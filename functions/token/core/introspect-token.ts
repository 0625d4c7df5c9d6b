// RFC 7662 token introspection for resource servers outside this API Gateway: the same checks as the authorizer (signature, claims, revocation), for clients holding the introspection scope.
import { extractClientCredentials } from './client-auth';
import type { ClientAuthenticator } from './authenticate-client';
import { InvalidRequestError, IntrospectionForbiddenError } from './errors';
import { parseTokenRequest } from './token-request';
import type { IssuedTokenVerifier } from './verify-issued-token';
import type { RevocationHttpRequest } from './revoke-token';
import { isRevoked } from '../../shared/revocation';
import type { Clock } from '../../shared/types';
import type { ClientIdHooks, ClientStore, RevocationStore } from './types';

/**
 * The reserved scope that lets a client call the introspection endpoint. A scope and not a new
 * record field: the CLI already manages scopes (`--scopes "... token:introspect"`), and the
 * permission shows in `clients show`. It is never granted implicitly.
 */
export const INTROSPECTION_SCOPE = 'token:introspect';

/** An RFC 7662 §2.2 response: exactly `{active: false}`, or the active token's claims. */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      sub: string;
      aud: string | string[];
      iss: string;
      exp: number;
      iat: number;
      nbf?: number;
      jti: string;
      /** `DPoP` for a token bound with `cnf` (RFC 9449 §6.2), else `Bearer`. */
      token_type: 'Bearer' | 'DPoP';
      /** RFC 9449 §6.2: the confirmation of a bound token, as in the token. */
      cnf?: { jkt: string };
    };

/** Dependencies of {@link createTokenIntrospector}. */
export interface TokenIntrospectorDeps {
  authenticator: Pick<ClientAuthenticator, 'authenticate'>;
  verifyToken: IssuedTokenVerifier;
  clientStore: ClientStore;
  revocations: Pick<RevocationStore, 'revokedUntil'>;
  /** The authorizer's skew on `exp` and `nbf`. */
  clockSkewSeconds: number;
  clock: Clock;
}

/** Introspects tokens. */
export interface TokenIntrospector {
  /**
   * @param request the HTTP request parts
   * @param hooks called with the presented client id once known, then with the authenticated one
   * @returns the §2.2 response
   * @throws InvalidRequestError (400), InvalidClientError (401), IntrospectionForbiddenError (403);
   *   adapter errors pass through
   */
  introspect(request: RevocationHttpRequest, hooks?: ClientIdHooks): Promise<IntrospectionResponse>;
}

const INACTIVE = { active: false } as const;

/**
 * Creates the introspector. The token is active only when the authorizer would accept it apart
 * from the route: a signature by a JWKS key, `typ`, `iss`, `exp`/`nbf` within the skew, an active
 * client, `iat` not before `tokens_not_before`, and a `jti` not revoked. Anything else is exactly
 * `{"active":false}` (§2.2), never a reason.
 * @param deps authenticator, verifier, stores, skew and clock
 * @returns the introspector
 */
export function createTokenIntrospector(deps: TokenIntrospectorDeps): TokenIntrospector {
  return {
    async introspect(request, hooks) {
      const params = parseTokenRequest(request);
      const credentials = extractClientCredentials(request.authorization, params);
      hooks?.onClientId?.(credentials.clientId);
      const token = params.token;
      // §2.1: `token` is REQUIRED.
      if (token === undefined || token === '') throw new InvalidRequestError('missing token');
      const caller = await deps.authenticator.authenticate(credentials);
      hooks?.onAuthenticated?.(caller.client_id);
      if (!caller.scopes.includes(INTROSPECTION_SCOPE)) {
        throw new IntrospectionForbiddenError(
          `the client needs the ${INTROSPECTION_SCOPE} scope to introspect tokens`,
        );
      }
      const claims = await deps.verifyToken(token);
      if (claims === undefined) return INACTIVE;
      const now = Math.floor(deps.clock() / 1000);
      const skew = deps.clockSkewSeconds;
      if (now >= claims.exp + skew) return INACTIVE;
      if (claims.nbf !== undefined && now < claims.nbf - skew) return INACTIVE;
      const [client, revokedUntil] = await Promise.all([
        deps.clientStore.getClient(claims.client_id),
        deps.revocations.revokedUntil(claims.jti),
      ]);
      const state = {
        client: client?.status === 'active' ? ('active' as const) : ('inactive' as const),
        tokensNotBefore: client?.tokens_not_before,
        jtiRevokedUntil: revokedUntil,
      };
      if (isRevoked(state, claims, now)) return INACTIVE;
      return {
        active: true,
        scope: claims.scope,
        client_id: claims.client_id,
        sub: claims.sub,
        aud: claims.aud,
        iss: claims.iss,
        exp: claims.exp,
        iat: claims.iat,
        ...(claims.nbf !== undefined ? { nbf: claims.nbf } : {}),
        jti: claims.jti,
        ...(claims.cnf === undefined
          ? { token_type: 'Bearer' as const }
          : { token_type: 'DPoP' as const, cnf: { jkt: claims.cnf.jkt } }),
      };
    },
  };
}
