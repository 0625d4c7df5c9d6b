// Token function handler factory: routes API Gateway REST proxy events to the core, maps results to HTTP.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { TokenConfig } from './config';
import {
  IntrospectionForbiddenError,
  InvalidClientError,
  InvalidRequestError,
  OAuthError,
  RequestTooLargeError,
  TemporarilyUnavailableError,
  type OAuthErrorCode,
} from './core/errors';
import { createTokenIntrospector } from './core/introspect-token';
import { createTokenIssuer, type IssuedToken } from './core/issue-token';
import { memoizeUntilRejected } from '../shared/memoize';
import { MULTIPLE_VALUES, singleHeader } from '../shared/request-header';
import { CLOCK_SKEW_SECONDS } from '../shared/limits';
import { buildAuthorizationServerMetadata, TOKEN_PATH } from './core/metadata';
import { createTokenRevoker } from './core/revoke-token';
import { createIssuedTokenVerifier } from './core/verify-issued-token';
import { createClientAuthenticator } from './core/authenticate-client';
import { createAssertionVerifier } from './core/client-assertion';
import { matchTokenRoute } from './routes';
import { trackClientId } from './client-id-log';
import type { Clock, RandomBytes } from '../shared/types';
import type {
  AssertionReplayCache,
  ClientStore,
  PasswordHasher,
  PublicKeySource,
  RevocationStore,
  Signer,
} from './core/types';

/** The settings the handler uses (a subset of TokenConfig, so tests can build it inline). */
export type TokenHandlerConfig = Pick<
  TokenConfig,
  'issuer' | 'defaultAudience' | 'tokenTtlSeconds' | 'scopesSupported'
> &
  Partial<
    Pick<TokenConfig, 'minTokenTtlSeconds' | 'clockSkewSeconds' | 'acceptTokenEndpointAudience'>
  >;

/** The metric calls the handler makes; a powertools `Metrics` satisfies it. */
export type TokenMetrics = Pick<Metrics, 'addMetric' | 'singleMetric' | 'publishStoredMetrics'>;

/** Dependencies of {@link createTokenHandler}, built once per cold start. */
export interface TokenHandlerDeps {
  config: TokenHandlerConfig;
  clientStore: ClientStore;
  signer: Signer;
  publicKeys: PublicKeySource;
  hasher: PasswordHasher;
  clock: Clock;
  randomBytes: RandomBytes;
  /** Powertools logger; a quiet one is made when omitted. */
  logger?: Logger;
  /** Powertools metrics; no metrics when omitted. */
  metrics?: TokenMetrics;
  /** The RFC 7009 revocation list; `POST /oauth2/revoke` is served only when it is given. */
  revocations?: RevocationStore;
  /**
   * The `jti` replay cache of `private_key_jwt` assertions (RFC 7523); the method is offered (and
   * advertised) only when it is given.
   */
  replayCache?: AssertionReplayCache;
}

/** An API Gateway REST proxy handler (the Lambda context is not needed). */
export type TokenHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const JSON_TYPE = 'application/json; charset=utf-8';

/** RFC 6749 §5.1: token responses must not be cached. */
const NO_STORE = {
  'Content-Type': JSON_TYPE,
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
} as const;

const STATUS_BY_CODE: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  server_error: 500,
  temporarily_unavailable: 503,
};

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
  const { config } = deps;
  const logger = deps.logger ?? quietLogger();
  const clockSkewSeconds = config.clockSkewSeconds ?? CLOCK_SKEW_SECONDS.default;
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
          }),
          replayCache: deps.replayCache,
          clockSkewSeconds,
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
  });
  // Make the dummy hash now, so the first unknown client costs no extra hash (timing).
  issuer.prepare().catch((err: unknown) => {
    logger.warn('could not prepare the dummy hash; will retry on first use', errorInfo(err));
  });

  const metadataBody = JSON.stringify(
    buildAuthorizationServerMetadata({
      issuer: config.issuer,
      scopesSupported: config.scopesSupported,
      revocation: deps.revocations !== undefined,
      privateKeyJwt: assertions !== undefined,
    }),
  );
  const revocations = deps.revocations;
  // A second authenticator over the same ports: the same dummy-hash timing rules apply.
  const authenticator = createClientAuthenticator({ ...deps, assertions });
  const verifyToken = createIssuedTokenVerifier({
    issuer: config.issuer,
    publicKeys: deps.publicKeys,
  });
  const revoker =
    revocations === undefined
      ? undefined
      : createTokenRevoker({
          authenticator,
          verifyToken,
          revocations,
          clockSkewSeconds,
          clock: deps.clock,
        });
  const introspector =
    revocations === undefined
      ? undefined
      : createTokenIntrospector({
          authenticator,
          verifyToken,
          clientStore: deps.clientStore,
          revocations,
          clockSkewSeconds,
          clock: deps.clock,
        });
  // Serialised once; a failure is not cached, so the next request asks again.
  const getJwksBody = memoizeUntilRejected(() =>
    deps.publicKeys.publicKeys().then((keys) => JSON.stringify({ keys })),
  );

  const handleToken = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const started = performance.now();
    const latencyMs = (): number => Math.round((performance.now() - started) * 10) / 10;
    // This request's own log keys, passed with every log call ("Extra keys: You can append
    // additional data to a single log item by passing objects as additional parameters",
    // Powertools for AWS Lambda (TypeScript), Logger, Appending additional keys,
    // https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/#appending-additional-keys).
    // Not appendKeys on the shared logger: concurrent requests in one process (the local server,
    // --from-api) would overwrite each other's clientId. An id that has not authenticated may be
    // a secret sent in its place, so it is logged only in the shape client-id-log.ts allows.
    const clientId = trackClientId();
    try {
      const token = await issuer.issueToken(
        {
          contentType: header(event, 'Content-Type'),
          authorization: header(event, 'Authorization'),
          body: event.body,
          isBase64Encoded: event.isBase64Encoded,
        },
        clientId.hooks,
      );
      // A literal without a spread: V8 builds it from one shape (a spread here cost ~15 µs a
      // request in a CPU profile). The token's client has authenticated: its id is logged as is.
      logger.info('token issued', {
        clientId: token.clientId,
        kid: token.kid,
        scope: token.scope,
        audience: token.audience,
        jti: token.jti,
        authMethod: token.authMethod,
        latencyMs: latencyMs(),
      });
      deps.metrics?.addMetric('TokensIssued', 'Count', 1);
      return tokenResponse(token);
    } catch (err) {
      const response = errorResponse(err, config.issuer);
      const code = err instanceof OAuthError ? err.code : 'server_error';
      if (response.statusCode >= 500) {
        logger.error('token request failed', {
          ...clientId.logKeys(),
          error: code,
          latencyMs: latencyMs(),
          ...errorInfo(err),
        });
      } else {
        logger.info('token request rejected', {
          ...clientId.logKeys(),
          error: code,
          ...reasonOf(err),
          description: (err as OAuthError).message,
          latencyMs: latencyMs(),
        });
      }
      deps.metrics
        ?.singleMetric()
        .addDimension('error', code)
        .addMetric('TokenRequestsRejected', 'Count', 1);
      return response;
    } finally {
      deps.metrics?.publishStoredMetrics();
    }
  };

  const handleRevoke = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const clientId = trackClientId();
    try {
      const outcome = await (revoker as NonNullable<typeof revoker>).revoke(
        {
          contentType: header(event, 'Content-Type'),
          authorization: header(event, 'Authorization'),
          body: event.body,
          isBase64Encoded: event.isBase64Encoded,
        },
        clientId.hooks,
      );
      logger.info('revocation request', { ...clientId.logKeys(), outcome });
      deps.metrics
        ?.singleMetric()
        .addDimension('outcome', outcome)
        .addMetric('Revocations', 'Count', 1);
      // RFC 7009 §2.2: 200; the body is not used by the client.
      return { statusCode: 200, headers: { ...NO_STORE }, body: '{}' };
    } catch (err) {
      const response = errorResponse(err, config.issuer);
      const code = err instanceof OAuthError ? err.code : 'server_error';
      if (response.statusCode >= 500) {
        logger.error('revocation request failed', {
          ...clientId.logKeys(),
          error: code,
          ...errorInfo(err),
        });
      } else {
        logger.info('revocation request rejected', {
          ...clientId.logKeys(),
          error: code,
          ...reasonOf(err),
        });
      }
      return response;
    } finally {
      deps.metrics?.publishStoredMetrics();
    }
  };

  const handleIntrospect = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const clientId = trackClientId();
    try {
      const result = await (introspector as NonNullable<typeof introspector>).introspect(
        {
          contentType: header(event, 'Content-Type'),
          authorization: header(event, 'Authorization'),
          body: event.body,
          isBase64Encoded: event.isBase64Encoded,
        },
        clientId.hooks,
      );
      logger.info('introspection request', { ...clientId.logKeys(), active: result.active });
      return jsonResponse(200, result);
    } catch (err) {
      const response = errorResponse(err, config.issuer);
      const code = err instanceof OAuthError ? err.code : 'server_error';
      if (response.statusCode >= 500) {
        logger.error('introspection request failed', {
          ...clientId.logKeys(),
          error: code,
          ...errorInfo(err),
        });
      } else {
        logger.info('introspection request rejected', {
          ...clientId.logKeys(),
          error: code,
          ...reasonOf(err),
        });
      }
      return response;
    }
  };

  const handleJwks = async (): Promise<APIGatewayProxyResult> => {
    try {
      return {
        statusCode: 200,
        headers: {
          'Content-Type': JSON_TYPE,
          'Cache-Control': 'public, max-age=300',
        },
        body: await getJwksBody(),
      };
    } catch (err) {
      logger.error('could not load the public keys', errorInfo(err));
      return errorResponse(err, config.issuer);
    }
  };

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const entry = matchTokenRoute(event.resource);
    if (
      !entry ||
      ((entry.route === 'revoke' || entry.route === 'introspect') && revocations === undefined)
    )
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
    switch (entry.route) {
      case 'token':
        return handleToken(event);
      case 'revoke':
        return handleRevoke(event);
      case 'introspect':
        return handleIntrospect(event);
      case 'jwks':
        return handleJwks();
      case 'metadata':
        return {
          statusCode: 200,
          headers: {
            'Content-Type': JSON_TYPE,
            'Cache-Control': 'public, max-age=3600',
          },
          body: metadataBody,
        };
    }
  };
}

/**
 * Reads a request header case-insensitively (REST API events keep the client's spelling), by the
 * authorizer's rule (functions/shared/request-header.ts).
 * @param event the proxy event
 * @param name the header name as written in messages, e.g. `Authorization`
 * @returns the value, or undefined when absent
 * @throws InvalidRequestError when the header was sent more than once: two Authorization headers
 *   are two credentials, two Content-Type headers two ways to read the body
 */
function header(
  event: APIGatewayProxyEvent,
  name: 'Authorization' | 'Content-Type',
): string | undefined {
  const value = singleHeader(event, name.toLowerCase());
  if (value === MULTIPLE_VALUES) {
    throw new InvalidRequestError(`the request has more than one ${name} header`);
  }
  return value;
}

function jsonResponse(statusCode: number, body: object): APIGatewayProxyResult {
  // NO_STORE's members as a literal: a fresh object per response, cheaper than a spread.
  return {
    statusCode,
    headers: {
      'Content-Type': NO_STORE['Content-Type'],
      'Cache-Control': NO_STORE['Cache-Control'],
      Pragma: NO_STORE.Pragma,
    },
    body: JSON.stringify(body),
  };
}

function tokenResponse(token: IssuedToken): APIGatewayProxyResult {
  // `scope` undefined is left out by JSON.stringify (RFC 6749 §5.1: no empty scope member).
  return jsonResponse(200, {
    access_token: token.accessToken,
    token_type: token.tokenType,
    expires_in: token.expiresIn,
    scope: token.scope,
  });
}

/**
 * Maps an error to an RFC 6749 §5.2 response. Internal failures get a generic description.
 * @param err the error
 * @param realm the Basic realm (the issuer)
 * @returns the response
 */
function errorResponse(err: unknown, realm: string): APIGatewayProxyResult {
  // Unknown errors and ServerError alike: no internal detail reaches the client.
  if (!(err instanceof OAuthError) || err.code === 'server_error') {
    return jsonResponse(500, { error: 'server_error', error_description: 'internal error' });
  }
  if (err.code === 'temporarily_unavailable') {
    // A wait the core knows (a revoke's tokens_not_before) is told; an AWS throttle or timeout
    // is not described, and a client retries after a second.
    const retryAfter =
      err instanceof TemporarilyUnavailableError ? err.retryAfterSeconds : undefined;
    return {
      ...jsonResponse(503, {
        error: 'temporarily_unavailable',
        error_description:
          retryAfter === undefined
            ? 'the service is temporarily unavailable; retry later'
            : err.message,
      }),
      headers: { ...NO_STORE, 'Retry-After': String(retryAfter ?? 1) },
    };
  }
  const statusCode =
    err instanceof RequestTooLargeError
      ? 413
      : err instanceof IntrospectionForbiddenError
        ? 403
        : STATUS_BY_CODE[err.code];
  const response = jsonResponse(statusCode, { error: err.code, error_description: err.message });
  if (statusCode === 401) {
    // RFC 6749 §5.2 requires the challenge when Basic was tried; RFC 9110 §15.5.2 requires one on
    // every 401, so it is always sent, naming the scheme this server supports.
    response.headers = { ...response.headers, 'WWW-Authenticate': `Basic realm="${realm}"` };
  }
  return response;
}

/**
 * What is safe to log about an unexpected error: class names and messages of it and its cause,
 * never request data (adapters keep secrets and hashes out of their messages).
 */
function errorInfo(err: unknown): Record<string, string> {
  if (!(err instanceof Error)) return { errorType: typeof err };
  const info: Record<string, string> = { errorType: err.name, errorMessage: err.message };
  if (err.cause instanceof Error) {
    info.causeType = err.cause.name;
    info.causeMessage = err.cause.message;
  }
  return info;
}

/** The log-only reason of a failed client authentication (`assertion_aud`, `wrong_secret`, …). */
function reasonOf(err: unknown): { reason?: string } {
  return err instanceof InvalidClientError && err.reason !== undefined
    ? { reason: err.reason }
    : {};
}

function quietLogger(): Logger {
  return new Logger({ logLevel: 'SILENT' });
}
