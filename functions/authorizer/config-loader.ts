// Loads the authorizer's trusted keys and route map once per container and fails closed: until a usable configuration is loaded every request is refused (401); a failed read is retried at most once a second, an unusable document never.
import type { Logger } from '@aws-lambda-powertools/logger';
import { ConfigDocumentError, type AuthorizerPolicy } from './core/config-document';
import { AUTHORIZER_CONFIG_RETRY_INTERVAL_MS } from '../shared/limits';

/** The part of a Powertools Logger the loader uses. */
export type ConfigLogger = Pick<Logger, 'warn' | 'error'>;

/** Loads the configuration: the policy, or undefined when there is none to decide with (refuse). */
export type PolicyLoader = () => Promise<AuthorizerPolicy | undefined>;

/** Options of {@link createPolicyLoader}. */
export interface PolicyLoaderOptions {
  /**
   * Reads and decodes the configuration. It throws a ConfigDocumentError for an unusable
   * document, and an error with `transient: true` (adapters/config-item-dynamodb.ts,
   * ConfigReadError) for a read that a later attempt may complete.
   */
  read: () => Promise<AuthorizerPolicy> | AuthorizerPolicy;
  /** Where the configuration lives, for the log: `inline` or `table`. */
  source: 'inline' | 'table';
  /** The digest the function was deployed with; its first 12 hex digits go into the log. */
  sha256?: string;
  /** Receives one line per failed load: warn when it will be retried, error when not. */
  logger?: ConfigLogger;
  /** Current time in ms (default Date.now). */
  clock?: () => number;
  /** Least time between two reads after a transient failure (default 1 s). */
  retryIntervalMs?: number;
}

/** What a failure says in the log: a code, never the content. */
function reasonOf(error: unknown): { reason: string; transient: boolean } {
  if (error instanceof ConfigDocumentError) {
    return {
      reason: error.code === 'config_invalid' ? `${error.code}:${error.part}` : error.code,
      transient: false,
    };
  }
  const { code, transient } = (error ?? {}) as { code?: unknown; transient?: unknown };
  if (typeof code === 'string') return { reason: code, transient: transient === true };
  return { reason: 'config_load_failed', transient: false };
}

/**
 * Creates the loader. Concurrent first invocations share one read; a loaded configuration is
 * reused for the life of the container; an unusable document (bad gzip, JSON, keys or routes, or a
 * digest that is not the pinned one) is final for the container, because the same bytes fail the
 * same way and only a new deployment (a new environment, hence new containers) changes them.
 * @param options the read, the log labels, and the clock
 * @returns the loader
 */
export function createPolicyLoader(options: PolicyLoaderOptions): PolicyLoader {
  const clock = options.clock ?? Date.now;
  const retryIntervalMs = options.retryIntervalMs ?? AUTHORIZER_CONFIG_RETRY_INTERVAL_MS;
  const labels = {
    config_source: options.source,
    ...(options.sha256 === undefined ? {} : { config_sha256: options.sha256.slice(0, 12) }),
  };
  let policy: AuthorizerPolicy | undefined;
  let final = false;
  let failedAt: number | undefined;
  let inFlight: Promise<AuthorizerPolicy | undefined> | undefined;

  const attempt = async (): Promise<AuthorizerPolicy | undefined> => {
    try {
      policy = await options.read();
      return policy;
    } catch (error) {
      const { reason, transient } = reasonOf(error);
      if (transient) {
        failedAt = clock();
        options.logger?.warn('Authorizer configuration unavailable; requests are refused', {
          ...labels,
          reason,
          retry_after_ms: retryIntervalMs,
        });
      } else {
        final = true;
        options.logger?.error('Authorizer configuration unusable; every request is refused', {
          ...labels,
          reason,
        });
      }
      return undefined;
    }
  };

  return () => {
    if (policy !== undefined) return Promise.resolve(policy);
    if (final) return Promise.resolve(undefined);
    if (inFlight !== undefined) return inFlight;
    if (failedAt !== undefined && clock() - failedAt < retryIntervalMs) {
      return Promise.resolve(undefined);
    }
    const current = attempt();
    inFlight = current;
    void current.then(() => {
      if (inFlight === current) inFlight = undefined;
    });
    return current;
  };
}
