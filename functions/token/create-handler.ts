// Token function handler factory: wires the core once per cold start and routes each REST proxy event to its endpoint module.
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createTokenIntrospector } from './core/introspect-token';
import { createTokenIssuer } from './core/issue-token';
import { createDpopProofVerifier, DEFAULT_DPOP_IAT_WINDOW } from '../shared/dpop-proof';
import { createDpopNonces } from './core/dpop-nonce';
import {
  FAPI2_ASSERTION_ALGORITHMS,
  FAPI2_AUTH_METHODS,
  FAPI2_DPOP_ALGORITHMS,
} from './core/security-profile';
import { CLOCK_SKEW_SECONDS } from '../shared/limits';
import { TOKEN_PATH } from './core/metadata';
import { createTokenRevoker } from './core/revoke-token';
import { createIssuedTokenVerifier } from './core/verify-issued-token';
import { createClientAuthenticator } from './core/authenticate-client';
import { createAssertionVerifier } from './core/client-assertion';
import { createIntrospectEndpoint } from './endpoints/introspect';
import { createJwksEndpoint } from './endpoints/jwks';
import { createMetadataEndpoint } from './endpoints/metadata';
import { createRevokeEndpoint } from './endpoints/revoke';
import { createTokenEndpoint } from './endpoints/token';
import { errorInfo } from './error-log';
import type { TokenHandler, TokenHandlerDeps } from './handler-deps';
import { jsonResponse, NO_STORE } from './http-response';
import { matchTokenRoute, type TokenRoute } from './routes';

export type {
  TokenHandler,
  TokenHandlerConfig,
  TokenHandlerDeps,
  TokenMetrics,
} from './handler-deps';

/**
 * Creates the token function's handler. Serves `POST /oauth2/token`, `GET /.well-known/jwks.json`,
 * and the discovery document at `GET /.well-known/oauth-authorization-server` (RFC 8414) and
 * `GET /.well-known/openid-configuration`, and with revocations `POST /oauth2/revoke` and
 * `POST /oauth2/introspect`. The route is the event's `resource` (routes.ts), matched exactly;
 * other methods on those resources get 405 with `Allow`, other resources 404.
 * @param deps configuration, ports, clock, randomness, logger and optional metrics
 * @returns the handler
 */
export function createTokenHandler(deps: TokenHandlerDeps): TokenHandler {
  const { config, metrics } = deps;
  const logger = deps.logger ?? quietLogger();
  const realm = config.issuer;
  const clockSkewSeconds = config.clockSkewSeconds ?? CLOCK_SKEW_SECONDS.default;
  // The FAPI 2.0 profile (core/security-profile.ts, docs/fapi.md): private_key_jwt alone with
  // PS256/ES256/EdDSA assertions, DPoP on every token with ES256/PS256 proofs.
  const fapi2 = config.securityProfile === 'fapi2';
  // Without the replay cache neither assertions nor DPoP proofs can be used once: the profile
  // would refuse every request, so the handler refuses to start instead.
  if (fapi2 && deps.replayCache === undefined) {
    throw new Error('Invalid configuration: the FAPI 2.0 profile needs the replay cache');
  }
  // docs/private-key-jwt.md: `aud` is the issuer identifier, its sole value (rfc7523bis); the token
  // endpoint URL that RFC 7523 §3 allowed only when the deployment opts in for older clients.
  const assertions =
    deps.replayCache === undefined
      ? undefined
      : {
          verifier: createAssertionVerifier({
            audiences: [
              config.issuer,
              ...(config.acceptTokenEndpointAudience === true ? [config.issuer + TOKEN_PATH] : []),
            ],
            clockSkewSeconds,
            ...(fapi2 ? { algorithms: FAPI2_ASSERTION_ALGORITHMS } : {}),
            // Multi-Region (docs/multi-region.md): `exp` − now and `exp` − `iat` both capped.
            ...(config.maxAssertionLifetimeSeconds === undefined
              ? {}
              : {
                  maxLifetimeSeconds: config.maxAssertionLifetimeSeconds,
                  maxIssuedLifetimeSeconds: config.maxAssertionLifetimeSeconds,
                }),
          }),
          replayCache: deps.replayCache,
          clockSkewSeconds,
        };
  const allowedMethods = fapi2 ? { allowedMethods: FAPI2_AUTH_METHODS } : {};
  // DPoP (RFC 9449 §5): proofs name the token endpoint URL in `htu`; their `jti`s share the
  // assertions' replay cache under their own keys (replay-keys.ts, dpopProofJtiKey).
  const dpopIatWindow = config.dpopIatWindow ?? DEFAULT_DPOP_IAT_WINDOW;
  const dpop =
    deps.replayCache === undefined
      ? undefined
      : {
          verifier: createDpopProofVerifier({
            targetUri: config.issuer + TOKEN_PATH,
            iatWindow: dpopIatWindow,
            ...(fapi2 ? { algorithms: FAPI2_DPOP_ALGORITHMS } : {}),
          }),
          replayCache: deps.replayCache,
          iatWindow: dpopIatWindow,
          // RFC 9449 §8, stateless: a MAC of the issuer and the time window (core/dpop-nonce.ts).
          nonces:
            deps.nonceMac === undefined
              ? undefined
              : createDpopNonces({ mac: deps.nonceMac, issuer: config.issuer }),
          // FAPI 2.0: "shall only issue sender-constrained access tokens".
          required: fapi2,
        };
  const issuer = createTokenIssuer({
    issuer: config.issuer,
    defaultAudience: config.defaultAudience,
    tokenTtlSeconds: config.tokenTtlSeconds,
    minTokenTtlSeconds: config.minTokenTtlSeconds,
    clientStore: deps.clientStore,
    hasher: deps.hasher,
    signer: deps.signer,
    clock: deps.clock,
    randomBytes: deps.randomBytes,
    assertions,
    ...allowedMethods,
    dpop,
    lastUse: deps.lastUse,
    // The client has authenticated, so its id is logged as is; the AwsCallError's message names
    // the operation, its code and attempts, never request data.
    onLastUseFailure: (clientId, err) =>
      logger.warn('could not record the last use of the client', { clientId, ...errorInfo(err) }),
  });
  // Make the dummy hash now, so the first unknown client costs no extra hash (timing).
  issuer.prepare().catch((err: unknown) => {
    logger.warn('could not prepare the dummy hash; will retry on first use', errorInfo(err));
  });

  const revocations = deps.revocations;
  // A second authenticator over the same ports: the same dummy-hash timing rules apply.
  const authenticator = createClientAuthenticator({ ...deps, assertions, ...allowedMethods });
  const verifyToken = createIssuedTokenVerifier({
    issuer: config.issuer,
    publicKeys: deps.publicKeys,
  });
  // Revocation and introspection are served only with a revocation list; without one their
  // resources answer 404, as unknown ones do.
  const endpoints: Partial<Record<TokenRoute, TokenHandler>> = {
    token: createTokenEndpoint({ issuer, logger, metrics, realm }),
    jwks: createJwksEndpoint({ publicKeys: deps.publicKeys, logger, realm }),
    metadata: createMetadataEndpoint({
      issuer: config.issuer,
      scopesSupported: config.scopesSupported,
      revocation: revocations !== undefined,
      privateKeyJwt: assertions !== undefined,
      dpop: dpop !== undefined,
      securityProfile: config.securityProfile,
    }),
    ...(revocations === undefined
      ? {}
      : {
          revoke: createRevokeEndpoint({
            revoker: createTokenRevoker({
              authenticator,
              verifyToken,
              revocations,
              clockSkewSeconds,
              clock: deps.clock,
              ...(deps.revocationFanOut === undefined ? {} : { fanOut: deps.revocationFanOut }),
            }),
            logger,
            metrics,
            realm,
          }),
          introspect: createIntrospectEndpoint({
            introspector: createTokenIntrospector({
              authenticator,
              verifyToken,
              clientStore: deps.clientStore,
              revocations,
              clockSkewSeconds,
              clock: deps.clock,
            }),
            logger,
            metrics,
            realm,
          }),
        }),
  };

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const entry = matchTokenRoute(event.resource);
    const endpoint = entry === undefined ? undefined : endpoints[entry.route];
    if (entry === undefined || endpoint === undefined)
      return jsonResponse(404, { error: 'not_found', error_description: 'no such resource' });
    if (event.httpMethod !== entry.method) {
      return {
        ...jsonResponse(405, {
          error: 'invalid_request',
          error_description: `method not allowed; use ${entry.method}`,
        }),
        headers: { ...NO_STORE, Allow: entry.method },
      };
    }
    return endpoint(event);
  };
}

function quietLogger(): Logger {
  return new Logger({ logLevel: 'SILENT' });
}
