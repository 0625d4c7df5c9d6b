// The revocation endpoint, POST /oauth2/revoke (RFC 7009): revokes a token and logs and counts the outcome.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { trackClientId } from '../client-id-log';
import type { TokenRevoker } from '../core/revoke-token';
import type { RegionWrite } from '../core/types';
import { errorInfo, reasonOf } from '../error-log';
import type { TokenHandler, TokenMetrics } from '../handler-deps';
import { errorCodeOf, errorResponse, NO_STORE } from '../http-response';
import { publishStored } from '../metrics';
import { postRequest } from '../request';

/** What the revocation endpoint needs, built once per cold start. */
export interface RevokeEndpointDeps {
  revoker: TokenRevoker;
  logger: Logger;
  metrics: TokenMetrics | undefined;
  /** The Basic realm of 401 challenges (the issuer). */
  realm: string;
}

/**
 * @param writes each Region's result of a multi-Region revocation
 * @returns the log field: `{ "<region>": "ok" | "<failure kind>" }`, own Region first
 */
function regionsField(writes: RegionWrite[] | undefined): { regions?: Record<string, string> } {
  return writes === undefined
    ? {}
    : { regions: Object.fromEntries(writes.map((w) => [w.region, w.result])) };
}

/**
 * Creates the `POST /oauth2/revoke` endpoint. Records `Revocations` with the outcome as dimension,
 * and publishes the request's stored latencies. In a multi-Region deployment its log line names
 * every Region with `ok` or the kind of failure (never the token), and each Region not written
 * counts one `RevocationFanOutFailures` (docs/metrics.md); the answer is then 503.
 * @param deps the revoker, logger, optional metrics and realm
 * @returns the endpoint
 */
export function createRevokeEndpoint(deps: RevokeEndpointDeps): TokenHandler {
  const { revoker, logger, metrics, realm } = deps;
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const clientId = trackClientId();
    let writes: RegionWrite[] | undefined;
    const hooks = {
      ...clientId.hooks,
      onRegionWrites: (w: RegionWrite[]) => {
        writes = w;
        const failed = w.filter((r) => r.result !== 'ok').length;
        if (failed > 0) metrics?.addMetric('RevocationFanOutFailures', 'Count', failed);
      },
    };
    try {
      const outcome = await revoker.revoke(postRequest(event), hooks);
      logger.info('revocation request', {
        ...clientId.logKeys(),
        outcome,
        ...regionsField(writes),
      });
      metrics?.singleMetric().addDimension('outcome', outcome).addMetric('Revocations', 'Count', 1);
      // RFC 7009 §2.2: 200; the body is not used by the client.
      return { statusCode: 200, headers: { ...NO_STORE }, body: '{}' };
    } catch (err) {
      const response = errorResponse(err, realm);
      const code = errorCodeOf(err);
      if (response.statusCode >= 500) {
        logger.error('revocation request failed', {
          ...clientId.logKeys(),
          error: code,
          ...errorInfo(err),
          ...regionsField(writes),
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
      publishStored(metrics);
    }
  };
}
