// Assertion helper: an HTTP response equals the gateway response the shared definition (modules/authorizer/gateway-responses.json) renders.
import { renderGatewayResponse } from '../../tools/gateway/gateway-responses';
import type { GatewayResponseType } from '../../tools/gateway/types';
import { oauthGatewayResponses } from '../../tools/local-server/oauth-gateway-responses';

/**
 * Expects `res` to carry exactly the status, the configured headers and the body of the shared
 * definition's response of `type`.
 * @param res the fetch response (its body is read)
 * @param type UNAUTHORIZED or ACCESS_DENIED
 * @param options dpop: the API has a DPoP route, so its 401 also carries the DPoP challenge
 * @returns the parsed body, for further assertions
 */
export async function expectSharedGatewayResponse(
  res: Response,
  type: Extract<GatewayResponseType, 'UNAUTHORIZED' | 'ACCESS_DENIED'>,
  options: { dpop: boolean } = { dpop: false },
): Promise<Record<string, unknown>> {
  const expected = renderGatewayResponse(type, oauthGatewayResponses(options), 'unused');
  expect(res.status).toBe(expected.statusCode);
  for (const [name, values] of Object.entries(expected.headers)) {
    expect([name, res.headers.get(name)]).toEqual([name, values.join(', ')]);
  }
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toEqual(JSON.parse(expected.body.toString('utf8')));
  return body;
}
