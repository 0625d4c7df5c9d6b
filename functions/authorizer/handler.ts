// Lambda entry point of the REQUEST authorizer, built once per cold start from the environment.
import type { Logger } from '@aws-lambda-powertools/logger';
import { loadAuthorizerConfig } from './config';
import { createAuthorizerHandler, type AuthorizerLogger } from './create-handler';

let logger: Logger | undefined;

/**
 * One JSON Powertools logger per function (POWERTOOLS_SERVICE_NAME, LOG_LEVEL), created on the
 * first rejection: the authorizer logs nothing else, so a cold start that only allows requests
 * does not pay the ~4 ms it takes to load (issue 3's cold-load target is 20 ms). Never logs tokens.
 */
const lazyLogger: AuthorizerLogger = {
  warn: (message: string, attributes: Record<string, unknown>) => {
    if (logger === undefined) {
      // A require() inside a function stays lazy in the esbuild bundle.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Logger: PowertoolsLogger } = require('@aws-lambda-powertools/logger') as {
        Logger: typeof Logger;
      };
      logger = new PowertoolsLogger({
        serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'authorizer',
      });
    }
    logger.warn(message, attributes);
  },
};

/** The Lambda handler (`index.handler` in the bundle). A bad configuration fails the cold start. */
export const handler = createAuthorizerHandler({
  config: loadAuthorizerConfig(process.env),
  logger: lazyLogger,
});
