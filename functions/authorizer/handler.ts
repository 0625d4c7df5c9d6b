// Lambda entry point of the TOKEN authorizer, built once per cold start from the environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { loadAuthorizerConfig } from '../authorizer-config';
import { createAuthorizerHandler } from './create-handler';

/** One JSON logger per function (POWERTOOLS_SERVICE_NAME, LOG_LEVEL). Never logs tokens. */
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'authorizer' });

/** The Lambda handler (`index.handler` in the bundle). A bad configuration fails the cold start. */
export const handler = createAuthorizerHandler({
  config: loadAuthorizerConfig(process.env),
  logger,
});
