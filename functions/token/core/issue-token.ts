// Orchestrates a client credentials token request (RFC 6749 §4.4): parse, authenticate, sign, and record the last use beside the Sign.
import { resolveAudience } from './audience';
import {
  createClientAuthenticator,
  type ClientAuthenticator,
  type ClientAuthenticatorDeps,
} from './authenticate-client';
import { buildAccessTokenClaims, type AccessTokenClaims } from '../../shared/access-token';
import { extractClientCredentials, type ClientAuthMethod } from './client-auth';
import {
  InvalidRequestError,
  TemporarilyUnavailableError,
  UnsupportedGrantTypeError,
} from './errors';
import type { MULTIPLE_VALUES } from '../../shared/request-header';
import { completeProof, startProof, type TokenDpopDeps } from './token-dpop';

export type { TokenDpopDeps } from './token-dpop';
import { signCompactJws } from './jws';
import { accessTokenHeader } from '../../shared/access-token';
import { startLastUseRecord, type LastUseDeps } from './last-use';
import { parseScope, resolveScopes } from './scope';
import { parseTokenRequest, type TokenRequestBody } from './token-request';
import type { Clock, RandomBytes } from '../../shared/types';
import type { ClientIdHooks, ClientStore, PasswordHasher, Signer, SigningKeyInfo } from './types';

/** The only grant this service supports. */
export const CLIENT_CREDENTIALS = 'client_credentials';

/**
 * Dependencies and settings of {@link createTokenIssuer}; with `lastUse`, each client's last use
 * is recorded at most hourly (last-use.ts).
 */
export interface TokenIssuerDeps extends LastUseDeps {
  issuer: string;
  defaultAudience: string;
  /** Default token lifetime in seconds; a client's `token_ttl_seconds` overrides it. */
  tokenTtlSeconds: number;
  /**
   * Shortest lifetime issued, in seconds (default 0): the authorizer's result cache TTL, so that
   * no token lives shorter than a cached decision about it (see docs/authorizer.md). A client's
   * shorter `token_ttl_seconds` is raised to it; `expires_in` reports the lifetime issued.
   */
  minTokenTtlSeconds?: number;
  clientStore: ClientStore;
  hasher: PasswordHasher;
  signer: Signer;
  clock: Clock;
  randomBytes: RandomBytes;
  /** `private_key_jwt` support (verifier and replay cache); without it assertions are refused. */
  assertions?: ClientAuthenticatorDeps['assertions'];
  /** The client authentication methods accepted at all (the FAPI 2.0 profile: private_key_jwt). */
  allowedMethods?: ClientAuthenticatorDeps['allowedMethods'];
  /** DPoP support (RFC 9449 §5); without it a request with a `DPoP` header is refused. */
  dpop?: TokenDpopDeps;
}

/** An HTTP token request, reduced to what the core needs. */
export interface TokenHttpRequest extends TokenRequestBody {
  /** Value of the Authorization header, if any. */
  authorization: string | undefined;
  /** Value of the DPoP header (RFC 9449 §4.1): undefined when absent, MULTIPLE_VALUES when repeated. */
  dpop?: string | typeof MULTIPLE_VALUES;
}

/** A freshly issued access token and what the handler logs about it. */
export interface IssuedToken {
  accessToken: string;
  /** `DPoP` for a token bound to a proof's key (RFC 9449 §5), else `Bearer`. */
  tokenType: 'Bearer' | 'DPoP';
  /** The bound key's RFC 7638 thumbprint (`cnf.jkt`), for a DPoP token. */
  jkt: string | undefined;
  /** With server nonces, the nonce for the client's next proof (the `DPoP-Nonce` header, §8.2). */
  dpopNonce?: string;
  /** Lifetime in seconds (RFC 6749 §5.1), not a timestamp. */
  expiresIn: number;
  /** The token's `exp` claim (epoch seconds), for the audit log line. */
  exp: number;
  scope: string | undefined;
  clientId: string;
  audience: string;
  kid: string;
  jti: string;
  authMethod: ClientAuthMethod;
}

/** Observer callbacks, so the handler can log the client id before the request finishes. */
export type IssueTokenHooks = ClientIdHooks;

/** Issues access tokens. */
export interface TokenIssuer {
  /**
   * @param request the HTTP request parts
   * @param hooks optional observers
   * @returns the token
   * @throws OAuthError subclasses for every RFC 6749 §5.2 failure; adapter errors pass through
   */
  issueToken(request: TokenHttpRequest, hooks?: IssueTokenHooks): Promise<IssuedToken>;
  /** Warms up what can be prepared before the first request (the dummy hash). */
  prepare(): Promise<void>;
}

/**
 * Creates a token issuer. Cheap syntax checks run before the costly argon2 verification, and
 * authorization checks (scope, audience) after it, so unauthenticated callers learn nothing
 * about a client's permissions.
 * @param deps settings and ports
 * @returns the issuer
 */
export function createTokenIssuer(deps: TokenIssuerDeps): TokenIssuer {
  const authenticator: ClientAuthenticator = createClientAuthenticator(deps);
  return {
    prepare: () => authenticator.prepare(),
    async issueToken(request: TokenHttpRequest, hooks?: IssueTokenHooks): Promise<IssuedToken> {
      const params = parseTokenRequest(request);
      const credentials = extractClientCredentials(request.authorization, params);
      hooks?.onClientId?.(credentials.clientId);

      const grantType = params.grant_type;
      if (grantType === undefined) throw new InvalidRequestError('missing grant_type');
      if (grantType !== CLIENT_CREDENTIALS) {
        throw new UnsupportedGrantTypeError('only grant_type client_credentials is supported');
      }
      const requestedScopes = parseScope(params.scope);
      // The proof's stateless checks run before the costly client authentication; its nonce
      // beside it, its `jti` write only after it, so unauthenticated callers cannot fill the
      // replay cache (token-dpop.ts).
      const started = startProof(deps.dpop, request.dpop, deps.clock());

      const client = await authenticator.authenticate(credentials);
      hooks?.onAuthenticated?.(client.client_id);
      const bound = await completeProof(deps.dpop, started, client);
      // A token with `iat` before tokens_not_before is dead at the authorizer, so none is issued:
      // whatever the order of a revoke and this request, no live token predates the revoke.
      // The caller has just proven it is this client, so it may learn how long to wait.
      const notBefore = client.tokens_not_before;
      const nowMs = deps.clock();
      const nowSeconds = Math.floor(nowMs / 1000);
      if (notBefore !== undefined && nowSeconds < notBefore) {
        const wait = notBefore - nowSeconds;
        throw new TemporarilyUnavailableError(
          `this client's tokens were revoked moments ago; new tokens are issued again in ${wait} s`,
          { retryAfterSeconds: wait },
        );
      }
      const scopes = resolveScopes(requestedScopes, client.scopes);
      const audience = resolveAudience(params.audience, client.audiences, deps.defaultAudience);
      const ttlSeconds = Math.max(
        client.token_ttl_seconds ?? deps.tokenTtlSeconds,
        deps.minTokenTtlSeconds ?? 0,
      );

      // The last use is written beside the Sign: started here, awaited at the end (also when the
      // Sign fails, so no write is left running in a frozen container). It adds latency only when
      // it outlasts the Sign, which its own small budget bounds, and it never fails the request.
      const lastUse = startLastUseRecord(deps, client, nowMs);
      let key: SigningKeyInfo;
      let claims: AccessTokenClaims;
      let accessToken: string;
      try {
        key = await deps.signer.keyInfo();
        claims = buildAccessTokenClaims({
          issuer: deps.issuer,
          clientId: client.client_id,
          audience,
          scopes,
          ttlSeconds,
          clock: deps.clock,
          randomBytes: deps.randomBytes,
          jkt: bound?.jkt,
        });
        accessToken = await signCompactJws(accessTokenHeader(key), claims, deps.signer);
      } finally {
        await lastUse;
      }
      return {
        accessToken,
        tokenType: bound === undefined ? 'Bearer' : 'DPoP',
        jkt: bound?.jkt,
        ...(bound?.dpopNonce === undefined ? {} : { dpopNonce: bound.dpopNonce }),
        expiresIn: ttlSeconds,
        exp: claims.exp,
        // RFC 6749 §5.1 `scope` is a non-empty list of tokens, so none granted means no member.
        scope: scopes.length === 0 ? undefined : claims.scope,
        clientId: client.client_id,
        audience,
        kid: key.kid,
        jti: claims.jti,
        authMethod: credentials.method,
      };
    },
  };
}
