// The token endpoint, POST /oauth2/token: issues an access token and logs and counts the outcome.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { auditKeys } from '../audit-log';
import { trackClientId } from '../client-id-log';
import type { OAuthError } from '../core/errors';
import type { IssuedToken, TokenIssuer } from '../core/issue-token';
import { errorInfo, reasonOf } from '../error-log';
import type { TokenHandler, TokenMetrics } from '../handler-deps';
import { errorCodeOf, errorResponse, jsonResponse } from '../http-response';
import { publishStored } from '../metrics';
import { postRequest } from '../request';

/** What the token endpoint needs, built once per cold start. */
export interface TokenEndpointDeps {
  issuer: TokenIssuer;
  logger: Logger;
  metrics: TokenMetrics | undefined;
  /** The Basic realm of 401 challenges (the issuer). */
  realm: string;
}

/**
 * Creates the `POST /oauth2/token` endpoint (RFC 6749 §4.4). Records `TokensIssued` and
 * `TokensIssuedByAuthMethod` with the client's authentication method as dimension, or
 * `TokenRequestsRejected` with the error code as dimension, and publishes them with the request's
 * stored latencies. Its one log line per request is an audit line (`audit: true`, see
 * audit-log.ts): who got which token, or who was refused and why, and where the request came
 * from; never a secret, assertion, token or hash.
 * @param deps the issuer, logger, optional metrics and realm
 * @returns the endpoint
 */
export function createTokenEndpoint(deps: TokenEndpointDeps): TokenHandler {
  const { issuer, logger, metrics, realm } = deps;
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
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
    const origin = auditKeys(event);
    try {
      const token = await issuer.issueToken(postRequest(event), clientId.hooks);
      // A literal without a spread: V8 builds it from one shape (a spread here cost ~15 µs a
      // request in a CPU profile). The token's client has authenticated: its id is logged as is.
      logger.info('token issued', {
        audit: origin.audit,
        clientId: token.clientId,
        kid: token.kid,
        scope: token.scope,
        audience: token.audience,
        jti: token.jti,
        authMethod: token.authMethod,
        // The DPoP outcome (issue 25): `DPoP` with the bound key's thumbprint, or `Bearer`.
        tokenType: token.tokenType,
        jkt: token.jkt,
        exp: token.exp,
        sourceIp: origin.sourceIp,
        userAgent: origin.userAgent,
        apiGatewayRequestId: origin.apiGatewayRequestId,
        latencyMs: latencyMs(),
      });
      if (metrics !== undefined) {
        metrics.addMetric('TokensIssued', 'Count', 1);
        // Its own line: the stored metrics carry only `service` (docs/metrics.md).
        metrics
          .singleMetric()
          .addDimension('auth_method', token.authMethod)
          .addMetric('TokensIssuedByAuthMethod', 'Count', 1);
      }
      return tokenResponse(token);
    } catch (err) {
      const response = errorResponse(err, realm);
      const code = errorCodeOf(err);
      if (response.statusCode >= 500) {
        logger.error('token request failed', {
          ...origin,
          ...clientId.logKeys(),
          error: code,
          latencyMs: latencyMs(),
          ...errorInfo(err),
        });
      } else {
        logger.info('token request rejected', {
          ...origin,
          ...clientId.logKeys(),
          error: code,
          ...reasonOf(err),
          description: (err as OAuthError).message,
          latencyMs: latencyMs(),
        });
      }
      metrics
        ?.singleMetric()
        .addDimension('error', code)
        .addMetric('TokenRequestsRejected', 'Count', 1);
      return response;
    } finally {
      publishStored(metrics);
    }
  };
}

function tokenResponse(token: IssuedToken): APIGatewayProxyResult {
  // `scope` undefined is left out by JSON.stringify (RFC 6749 §5.1: no empty scope member).
  const response = jsonResponse(200, {
    access_token: token.accessToken,
    token_type: token.tokenType,
    expires_in: token.expiresIn,
    scope: token.scope,
  });
  // RFC 9449 §8.2: "including a DPoP-Nonce HTTP header in the HTTP 200 (OK) response from the
  // previous request"; the response is no-store already (jsonResponse), as §8.2 asks.
  if (token.dpopNonce !== undefined) {
    response.headers = { ...response.headers, 'DPoP-Nonce': token.dpopNonce };
  }
  return response;
}
