// The handler in front of the decision handler: a container's first invocation awaits its configuration (config-loader.ts); any invocation without a usable one is refused with 401, never allowed.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerSettings } from './config';
import type { PolicyLoader } from './config-loader';
import type { AuthorizerResult } from './core/policy';
import {
  createAuthorizerHandler,
  type AuthorizerDeps,
  type AuthorizerHandler,
} from './create-handler';
import { guardedMetrics } from './metrics';

/**
 * Dependencies of {@link createConfiguredHandler}: those of the decision handler
 * (create-handler.ts), with the settings in place of the whole configuration, and the loader of
 * the keys and routes. Every other dependency is passed through as it is.
 */
export interface ConfiguredHandlerDeps extends Omit<AuthorizerDeps, 'config'> {
  /** Every setting but the keys and routes. */
  config: AuthorizerSettings;
  /** The container's keys and routes, read once (config-source.ts). */
  loadPolicy: PolicyLoader;
  /** Builds the decision handler, once (default createAuthorizerHandler). */
  build?: (deps: AuthorizerDeps) => AuthorizerHandler;
}

/**
 * Creates the Lambda handler. Once the configuration is loaded, an invocation costs one more
 * function call than the decision handler alone; until then each invocation asks the loader
 * (which reads at most once a second) and, without a configuration, is refused with exactly
 * `Error('Unauthorized')` and a log line whose reason is `ConfigurationUnavailable`.
 * @param deps the settings, the loader, and the decision handler's other dependencies
 * @returns the handler
 */
export function createConfiguredHandler(deps: ConfiguredHandlerDeps): AuthorizerHandler {
  const { config, loadPolicy, build = createAuthorizerHandler, ...decisionDeps } = deps;
  let decide: AuthorizerHandler | undefined;

  const metrics = deps.metrics === undefined ? undefined : guardedMetrics(deps.metrics);
  const refuse = (): never => {
    deps.logger?.warn('Token rejected', { reason: 'ConfigurationUnavailable' });
    metrics?.decision('unauthorized');
    metrics?.unauthorized('configuration_unavailable');
    throw new Error('Unauthorized');
  };

  const beforeConfigured = async (
    event: APIGatewayRequestAuthorizerEvent,
  ): Promise<AuthorizerResult> => {
    const policy = await loadPolicy();
    if (policy === undefined) return refuse();
    if (decide === undefined) {
      try {
        decide = build({ ...decisionDeps, config: { ...config, ...policy } });
      } catch {
        return refuse();
      }
    }
    return decide(event);
  };

  return (event) => (decide === undefined ? beforeConfigured(event) : decide(event));
}
