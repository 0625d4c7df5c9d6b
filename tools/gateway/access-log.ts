// One-line access log of the emulator: method, path, status, latency, and how the authorizer answered.
import type { AccessLogEntry } from './types';

/**
 * Formats an access log entry. It holds no headers, query string or body, so no credential or token.
 * @param entry the emulator's entry for one request
 * @returns e.g. `GET /hello 200 3ms authorizer=hit`
 */
export function formatAccessLog(entry: AccessLogEntry): string {
  return [
    `${entry.method} ${entry.path} ${entry.statusCode} ${entry.latencyMs}ms`,
    entry.authorizerCache ? `authorizer=${entry.authorizerCache}` : undefined,
    entry.gatewayResponse ? `gateway=${entry.gatewayResponse}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}
