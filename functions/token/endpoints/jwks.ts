// The JWKS endpoint, GET /.well-known/jwks.json: the signing keys' public halves, serialised once.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { PublicKeySource } from '../core/types';
import { errorInfo } from '../error-log';
import type { TokenHandler } from '../handler-deps';
import { errorResponse, JSON_TYPE } from '../http-response';
import { memoizeUntilRejected } from '../../shared/memoize';

/** What the JWKS endpoint needs, built once per cold start. */
export interface JwksEndpointDeps {
  publicKeys: PublicKeySource;
  logger: Logger;
  /** The Basic realm of 401 challenges (the issuer). */
  realm: string;
}

/**
 * Creates the `GET /.well-known/jwks.json` endpoint. The key set is loaded and serialised on first
 * use and then reused; a failed load is not cached, so the next request asks again.
 * @param deps the public key source, logger and realm
 * @returns the endpoint
 */
export function createJwksEndpoint(deps: JwksEndpointDeps): TokenHandler {
  const { publicKeys, logger, realm } = deps;
  // Serialised once; a failure is not cached, so the next request asks again.
  const getJwksBody = memoizeUntilRejected(() =>
    publicKeys.publicKeys().then((keys) => JSON.stringify({ keys })),
  );
  return async (): Promise<APIGatewayProxyResult> => {
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
      return errorResponse(err, realm);
    }
  };
}
