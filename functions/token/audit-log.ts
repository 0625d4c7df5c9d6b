// The keys that make a token endpoint log line an audit line: the mark, and where API Gateway says the request came from.
import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * Longest user agent an audit line carries, in UTF-16 code units. The header is the caller's to
 * choose: the bound keeps a scanner from filling the log (and the bill) with kilobytes a request.
 */
export const MAX_LOGGED_USER_AGENT_LENGTH = 256;

/** Longest source IP or request id kept (an IPv6 address is at most 45 characters). */
const MAX_LOGGED_ID_LENGTH = 64;

/** The keys every audit line of the token endpoint carries (`token issued`, rejected, failed). */
export interface AuditKeys {
  /**
   * Marks the line for filtering: `filter audit = 1` in CloudWatch Logs Insights, or
   * `{ $.audit IS TRUE }` in a subscription filter (docs/operations.md, "Audit trail").
   */
  audit: true;
  /** The address API Gateway saw the request come from (never a forwarded-for header). */
  sourceIp: string | undefined;
  /** The User-Agent API Gateway saw, cut to {@link MAX_LOGGED_USER_AGENT_LENGTH}. */
  userAgent: string | undefined;
  /** API Gateway's id of the request, to match the line with its access log and `x-amzn-RequestId`. */
  apiGatewayRequestId: string | undefined;
}

function bounded(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;
}

/**
 * The audit keys of one request, read from what API Gateway adds to the event: the values its
 * access logs show as `$context.identity.sourceIp`, `$context.identity.userAgent` and
 * `$context.requestId` (API Gateway Developer Guide, "Variables for access logging for API
 * Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html).
 * Nothing from the body or the Authorization header: those carry secrets and assertions.
 * @param event the proxy event (a test or the local emulator may leave the context empty)
 * @returns the keys; a value the event does not have is undefined and left out of the line
 */
export function auditKeys(event: APIGatewayProxyEvent): AuditKeys {
  const context = event.requestContext as Partial<APIGatewayProxyEvent['requestContext']> | null;
  const identity = context?.identity as
    Partial<APIGatewayProxyEvent['requestContext']['identity']> | null | undefined;
  return {
    audit: true,
    sourceIp: bounded(identity?.sourceIp, MAX_LOGGED_ID_LENGTH),
    userAgent: bounded(identity?.userAgent, MAX_LOGGED_USER_AGENT_LENGTH),
    apiGatewayRequestId: bounded(context?.requestId, MAX_LOGGED_ID_LENGTH),
  };
}
