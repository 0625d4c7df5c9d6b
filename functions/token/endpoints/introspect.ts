// The introspection endpoint, POST /oauth2/introspect (RFC 7662): tells a permitted client whether a token is active.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { trackClientId } from '../client-id-log';
import type { TokenIntrospector } from '../core/introspect-token';
import { errorInfo, reasonOf } from '../error-log';
import type { TokenHandler, TokenMetrics } from '../handler-deps';
import { errorCodeOf, errorResponse, jsonResponse } from '../http-response';
import { publishStored } from '../metrics';
import { postRequest } from '../request';

/** The `outcome` dimension of `Introspections` (docs/metrics.md). */
export type IntrospectionOutcome = 'active' | 'inactive' | 'rejected';

/** What the introspection endpoint needs, built once per cold start. */
export interface IntrospectEndpointDeps {
  introspector: TokenIntrospector;
  logger: Logger;
  metrics: TokenMetrics | undefined;
  /** The Basic realm of 401 challenges (the issuer). */
  realm: string;
}

/**
 * Creates the `POST /oauth2/introspect` endpoint. Records `Introspections` with the outcome as
 * dimension (`active` or `inactive`, or `rejected` for a refused request), and publishes the
 * request's stored latencies.
 * @param deps the introspector, logger, optional metrics and realm
 * @returns the endpoint
 */
export function createIntrospectEndpoint(deps: IntrospectEndpointDeps): TokenHandler {
  const { introspector, logger, metrics, realm } = deps;
  const count = (outcome: IntrospectionOutcome): void => {
    metrics
      ?.singleMetric()
      .addDimension('outcome', outcome)
      .addMetric('Introspections', 'Count', 1);
  };
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const clientId = trackClientId();
    try {
      const result = await introspector.introspect(postRequest(event), clientId.hooks);
      logger.info('introspection request', { ...clientId.logKeys(), active: result.active });
      count(result.active ? 'active' : 'inactive');
      return jsonResponse(200, result);
    } catch (err) {
      const response = errorResponse(err, realm);
      const code = errorCodeOf(err);
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
      count('rejected');
      return response;
    } finally {
      publishStored(metrics);
    }
  };
}
