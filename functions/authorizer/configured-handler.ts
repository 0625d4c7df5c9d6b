// The handler in front of the decision handler: a container's first invocation awaits its configuration (config-loader.ts); any invocation without a usable one is refused with 401, never allowed.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerPolicy } from './core/config-document';
import type { AuthorizerResult } from './core/policy';
import type { PolicyLoader } from './config-loader';
import type { AuthorizerHandler, AuthorizerLogger } from './create-handler';

/** Dependencies of {@link createConfiguredHandler}. */
export interface ConfiguredHandlerDeps {
  /** The container's configuration, read once (config-source.ts). */
  loadPolicy: PolicyLoader;
  /** Builds the decision handler from the keys and routes (create-handler.ts), once. */
  build: (policy: AuthorizerPolicy) => AuthorizerHandler;
  /** Receives one line per request refused for want of a configuration. */
  logger?: AuthorizerLogger;
}

/**
 * Creates the Lambda handler. Once the configuration is loaded, an invocation costs one more
 * function call than the decision handler alone; until then, each invocation asks the loader
 * (which reads at most once a second) and is refused with exactly `Error('Unauthorized')` when
 * there is no configuration.
 * @param deps the loader, the decision handler's factory and the logger
 * @returns the handler
 */
export function createConfiguredHandler(deps: ConfiguredHandlerDeps): AuthorizerHandler {
  let decide: AuthorizerHandler | undefined;

  const refuse = (): never => {
    deps.logger?.warn('Token rejected', { reason: 'ConfigurationUnavailable' });
    throw new Error('Unauthorized');
  };

  const beforeConfigured = async (
    event: APIGatewayRequestAuthorizerEvent,
  ): Promise<AuthorizerResult> => {
    const policy = await deps.loadPolicy();
    if (policy === undefined) return refuse();
    if (decide === undefined) {
      try {
        decide = deps.build(policy);
      } catch {
        return refuse();
      }
    }
    return decide(event);
  };

  return (event) => (decide === undefined ? beforeConfigured(event) : decide(event));
}
