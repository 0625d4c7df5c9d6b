// What the token function logs about the client id a request names: the id itself only once it is safe to.
import { createHash } from 'node:crypto';
import { hasIssuedClientIdShape } from '../shared/client-id';
import type { ClientIdHooks } from './core/types';

/** How a client id appears in a log line. */
export type ClientIdLogKeys =
  | { clientId: string }
  | { clientIdFingerprint: string; clientIdLength: number }
  | Record<string, never>;

/** Hex characters of SHA-256 kept in a fingerprint: 32 bits, enough to tell ids apart in a log. */
const FINGERPRINT_HEX = 8;

/**
 * A short fingerprint of a presented client id: `sha256:` and the first 8 hex characters of the
 * SHA-256 of its UTF-8 bytes. It lets an operator match log lines of one caller, or check a
 * suspected id (`printf %s "$ID" | sha256sum | cut -c1-8`), while 32 bits of a hash tell nothing
 * useful about a 256-bit secret that a caller may have sent in the id's place.
 * @param id the presented client id
 * @returns e.g. `sha256:1a2b3c4d`
 */
export function clientIdFingerprint(id: string): string {
  return `sha256:${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, FINGERPRINT_HEX)}`;
}

/**
 * The log keys for a client id that has not authenticated. A caller that swaps its id and secret
 * (issue 21, finding 3) puts the secret here, so the id is logged as is only when it has the shape
 * the CLI issues (functions/shared/client-id.ts), which no secret has; any other is logged as its
 * fingerprint and length.
 * @param id the presented client id
 * @returns `{clientId}`, or `{clientIdFingerprint, clientIdLength}`
 */
export function presentedClientIdKeys(id: string): ClientIdLogKeys {
  return hasIssuedClientIdShape(id)
    ? { clientId: id }
    : { clientIdFingerprint: clientIdFingerprint(id), clientIdLength: id.length };
}

/** The client id of one request, as the core reports it, and its log keys. */
export interface RequestClientId {
  /** Hooks for the core: the presented id, then the authenticated one. */
  readonly hooks: Required<ClientIdHooks>;
  /**
   * The keys for this request's log lines: the client id once the client authenticated (it names
   * a real client, so it is no secret), the presented id's keys before, nothing before either.
   */
  logKeys(): ClientIdLogKeys;
}

/**
 * Follows the client id of one request. The fingerprint is computed only when a line needs it.
 * @returns the hooks to pass to the core and the log keys they lead to
 */
export function trackClientId(): RequestClientId {
  let presented: string | undefined;
  let authenticated: string | undefined;
  return {
    hooks: {
      onClientId: (id) => (presented = id),
      onAuthenticated: (id) => (authenticated = id),
    },
    logKeys: () =>
      authenticated !== undefined
        ? { clientId: authenticated }
        : presented !== undefined
          ? presentedClientIdKeys(presented)
          : {},
  };
}
