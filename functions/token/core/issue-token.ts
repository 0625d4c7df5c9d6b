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
  InvalidDpopProofError,
  InvalidRequestError,
  TemporarilyUnavailableError,
  UnsupportedGrantTypeError,
} from './errors';
import {
  DpopProofError,
  type DpopIatWindow,
  type DpopProofVerifier,
  type VerifiedDpopProof,
} from '../../shared/dpop-proof';
import type { MULTIPLE_VALUES } from '../../shared/request-header';
import { signCompactJws } from './jws';
import { accessTokenHeader } from '../../shared/access-token';
import { startLastUseRecord, type LastUseDeps } from './last-use';
import { parseScope, resolveScopes } from './scope';
import { parseTokenRequest, type TokenRequestBody } from './token-request';
import type { Clock, RandomBytes } from '../../shared/types';
import type {
  AssertionReplayCache,
  ClientIdHooks,
  ClientStore,
  PasswordHasher,
  Signer,
  SigningKeyInfo,
} from './types';

/** The only grant this service supports. */
export const CLIENT_CREDENTIALS = 'client_credentials';

/** Seconds a used DPoP proof id is kept past its `iat` window (see the replay write). */
const DPOP_REPLAY_SLACK_SECONDS = 30;

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
  /** DPoP support (RFC 9449 §5); without it a request with a `DPoP` header is refused. */
  dpop?: TokenDpopDeps;
}

/** What binding tokens to DPoP keys needs (RFC 9449 §5, §6.1). */
export interface TokenDpopDeps {
  /** Checks proofs against the token endpoint URL (functions/shared/dpop-proof.ts). */
  verifier: DpopProofVerifier;
  /** Where proof `jti`s are used once (RFC 9449 §11.1): the assertions' cache, its own keys. */
  replayCache: AssertionReplayCache;
  /** The verifier's `iat` window: a `jti` is kept until it could no longer be accepted. */
  iatWindow: DpopIatWindow;
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
      // The proof's stateless checks run before the costly client authentication; its `jti` is
      // written only after it, so unauthenticated callers cannot fill the replay cache.
      const proof = checkProof(deps.dpop, request.dpop, deps.clock());

      const client = await authenticator.authenticate(credentials);
      hooks?.onAuthenticated?.(client.client_id);
      if (proof === undefined) {
        // RFC 9449 §5.2: with dpop_bound_access_tokens true, the server "MUST reject token
        // requests from this client that do not contain the DPoP header". It names no error code;
        // invalid_dpop_proof is the one RFC 9449 registers for token requests (§12.2), and tells
        // the client what to fix.
        if (client.dpop_bound_access_tokens === true) {
          throw new InvalidDpopProofError('this client must send a DPoP proof', 'required');
        }
      } else {
        // RFC 9449 §11.1: a proof is used once. Kept until its `iat` has left the window, with
        // room for a request checked at the window's edge and written after a slow
        // authentication (argon2, DynamoDB retries).
        const { iatWindow } = deps.dpop as TokenDpopDeps;
        const first = await (deps.dpop as TokenDpopDeps).replayCache.useOnce({
          clientId: client.client_id,
          jti: proof.jti,
          expiresAt:
            proof.iat + iatWindow.pastSeconds + iatWindow.futureSeconds + DPOP_REPLAY_SLACK_SECONDS,
          proofKey: proof.jkt,
        });
        if (!first) throw new InvalidDpopProofError('the DPoP proof was already used', 'replay');
      }
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
          jkt: proof?.jkt,
        });
        accessToken = await signCompactJws(accessTokenHeader(key), claims, deps.signer);
      } finally {
        await lastUse;
      }
      return {
        accessToken,
        tokenType: proof === undefined ? 'Bearer' : 'DPoP',
        jkt: proof?.jkt,
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

/**
 * Checks the request's DPoP proof, if any, against the token endpoint (RFC 9449 §4.3, §5).
 * @param dpop the DPoP settings; undefined when DPoP is not offered
 * @param header the DPoP header value
 * @param nowMs the current time
 * @returns the verified proof, or undefined when the request has no DPoP header
 * @throws InvalidDpopProofError when the proof fails a check, or DPoP is not offered
 */
function checkProof(
  dpop: TokenDpopDeps | undefined,
  header: string | typeof MULTIPLE_VALUES | undefined,
  nowMs: number,
): VerifiedDpopProof | undefined {
  if (header === undefined) return undefined;
  // A client that asks for a bound token and would get a bearer one is told, not ignored.
  if (dpop === undefined) {
    throw new InvalidDpopProofError('DPoP is not supported by this server', 'unsupported');
  }
  try {
    return dpop.verifier(header, { method: 'POST' }, nowMs);
  } catch (err) {
    if (err instanceof DpopProofError) throw new InvalidDpopProofError(err.message, err.reason);
    throw err;
  }
}
