// The discovery endpoint: RFC 8414 metadata and the OpenID configuration, one document serialised once.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { buildAuthorizationServerMetadata } from '../core/metadata';
import type { SecurityProfile } from '../core/security-profile';
import type { TokenHandler } from '../handler-deps';
import { JSON_TYPE } from '../http-response';

/** What the discovery document advertises. */
export interface MetadataEndpointOptions {
  issuer: string;
  scopesSupported: readonly string[];
  /** Whether revocation and introspection are served. */
  revocation: boolean;
  /** Whether `private_key_jwt` is offered. */
  privateKeyJwt: boolean;
  /** Whether DPoP-bound tokens are offered (RFC 9449 §5.1). */
  dpop?: boolean;
  /** `fapi2` narrows what is advertised to what the FAPI 2.0 profile accepts. */
  securityProfile?: SecurityProfile;
}

/**
 * Creates the `GET /.well-known/oauth-authorization-server` and
 * `GET /.well-known/openid-configuration` endpoint; the body is built once per cold start.
 * @param options the issuer and the features to advertise
 * @returns the endpoint
 */
export function createMetadataEndpoint(options: MetadataEndpointOptions): TokenHandler {
  const body = JSON.stringify(buildAuthorizationServerMetadata(options));
  return async (): Promise<APIGatewayProxyResult> => ({
    statusCode: 200,
    headers: {
      'Content-Type': JSON_TYPE,
      'Cache-Control': 'public, max-age=3600',
    },
    body,
  });
}
