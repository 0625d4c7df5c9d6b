// What the token function may log about a failed request: error class names and messages, and the log-only reason.
import { InvalidClientError, InvalidDpopProofError, UseDpopNonceError } from './core/errors';

/**
 * What is safe to log about an unexpected error: class names and messages of it and its cause,
 * never request data (adapters keep secrets and hashes out of their messages).
 * @param err the error
 * @returns `errorType`, `errorMessage` and, with an Error cause, `causeType` and `causeMessage`
 */
export function errorInfo(err: unknown): Record<string, string> {
  if (!(err instanceof Error)) return { errorType: typeof err };
  const info: Record<string, string> = { errorType: err.name, errorMessage: err.message };
  if (err.cause instanceof Error) {
    info.causeType = err.cause.name;
    info.causeMessage = err.cause.message;
  }
  return info;
}

/**
 * The log-only reason of a failed client authentication (`assertion_aud`, `wrong_secret`, …) or
 * of a refused DPoP proof (`htu`, `replay`, `required`, …).
 * @param err the error
 * @returns `{reason}` for an InvalidClientError that has one or an InvalidDpopProofError, else `{}`
 */
export function reasonOf(err: unknown): { reason?: string } {
  if (err instanceof InvalidDpopProofError || err instanceof UseDpopNonceError) {
    return { reason: err.reason };
  }
  return err instanceof InvalidClientError && err.reason !== undefined
    ? { reason: err.reason }
    : {};
}
