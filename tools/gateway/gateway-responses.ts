// API Gateway's gateway responses (errors the gateway answers itself), with its defaults and overrides as data.
import type { GatewayResponse, GatewayResponseType, GatewayResult } from './types';

interface BuiltIn {
  statusCode: number;
  /** `$context.error.message`; null renders as JSON null, as API Gateway does for authorizer failures. */
  message: string | null;
}

/** API Gateway's default status and message per response type. */
export const DEFAULT_GATEWAY_RESPONSES: Record<GatewayResponseType, BuiltIn> = {
  DEFAULT_4XX: { statusCode: 400, message: 'Bad Request' },
  DEFAULT_5XX: { statusCode: 500, message: 'Internal server error' },
  UNAUTHORIZED: { statusCode: 401, message: 'Unauthorized' },
  ACCESS_DENIED: {
    statusCode: 403,
    message: 'User is not authorized to access this resource with an explicit deny',
  },
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 403, message: 'Missing Authentication Token' },
  AUTHORIZER_FAILURE: { statusCode: 500, message: null },
  AUTHORIZER_CONFIGURATION_ERROR: { statusCode: 500, message: null },
  REQUEST_TOO_LARGE: { statusCode: 413, message: 'Request Too Long' },
  INTEGRATION_FAILURE: { statusCode: 502, message: 'Internal server error' },
  BAD_REQUEST_BODY: { statusCode: 400, message: 'Invalid request body' },
  // Usage plans. Status codes: "Gateway response types for API Gateway"
  // (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html):
  // INVALID_API_KEY 403, THROTTLED 429, QUOTA_EXCEEDED 429. Messages: a key that matches no plan
  // gives "403 Forbidden" ("Choose an API key source in API Gateway",
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html);
  // "429 Too Many Requests" or "Limit Exceeded" ("How do I troubleshoot 429 Too Many Requests or
  // Limit Exceeded errors", https://repost.aws/knowledge-center/api-gateway-429-limit).
  INVALID_API_KEY: { statusCode: 403, message: 'Forbidden' },
  THROTTLED: { statusCode: 429, message: 'Too Many Requests' },
  QUOTA_EXCEEDED: { statusCode: 429, message: 'Limit Exceeded' },
};

const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';
const HEADER_PREFIX = 'gatewayresponse.header.';

/**
 * Rejects what the emulator cannot reproduce faithfully (so nothing is silently ignored).
 * @param type response type
 * @param response configured response
 */
export function validateGatewayResponse(type: string, response: GatewayResponse): void {
  if (!(type in DEFAULT_GATEWAY_RESPONSES)) {
    throw new Error(`gateway response type ${type} is not supported by the emulator`);
  }
  for (const [key, value] of Object.entries(response.responseParameters ?? {})) {
    if (!key.startsWith(HEADER_PREFIX)) {
      throw new Error(`gateway response ${type}: unsupported response parameter ${key}`);
    }
    if (!/^'.*'$/s.test(value)) {
      throw new Error(
        `gateway response ${type}: ${key} must be a static value in single quotes (got ${value})`,
      );
    }
  }
}

/**
 * Renders a gateway response. A type's own settings override DEFAULT_4XX/DEFAULT_5XX's, which
 * override API Gateway's defaults, as in API Gateway.
 * @param type response type
 * @param configured the API's gateway responses
 * @param requestId request id for `$context.requestId`
 * @returns the HTTP result
 */
export function renderGatewayResponse(
  type: GatewayResponseType,
  configured: Partial<Record<GatewayResponseType, GatewayResponse>>,
  requestId: string,
): GatewayResult {
  const builtIn = DEFAULT_GATEWAY_RESPONSES[type];
  const family = builtIn.statusCode >= 500 ? configured.DEFAULT_5XX : configured.DEFAULT_4XX;
  const own = configured[type];
  const statusCode = own?.statusCode ?? builtIn.statusCode;
  const parameters = { ...family?.responseParameters, ...own?.responseParameters };
  const templates = own?.responseTemplates ?? family?.responseTemplates;
  const template =
    templates?.['application/json'] ?? Object.values(templates ?? {})[0] ?? DEFAULT_TEMPLATE;

  const message = builtIn.message;
  const body = template
    .replace(/\$context\.error\.messageString/g, JSON.stringify(message))
    .replace(/\$context\.error\.message/g, message ?? '')
    .replace(/\$context\.error\.responseType/g, type)
    .replace(/\$context\.requestId/g, requestId);

  const headers: Record<string, string[]> = { 'Content-Type': ['application/json'] };
  for (const [key, value] of Object.entries(parameters)) {
    headers[key.slice(HEADER_PREFIX.length)] = [value.slice(1, -1)];
  }
  return { statusCode, headers, body: Buffer.from(body, 'utf8') };
}
