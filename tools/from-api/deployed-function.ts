// Reads a deployed Lambda function's configuration and builds the environment its local worker runs with.
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { FromApiError } from './errors';
import type { FunctionArn } from './lambda-uri';

/** What running a function locally needs from its deployed configuration. */
export interface DeployedFunction {
  arn: string;
  name: string;
  handler: string;
  runtime: string;
  codeSha256: string;
  /** `x86_64` or `arm64`. */
  architecture: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  region: string;
}

/**
 * Checks a function configuration and keeps what matters locally.
 * @param fn the ARN the API calls
 * @param config `GetFunctionConfiguration` output
 * @returns the function
 * @throws FromApiError for container images, layers and non-Node.js runtimes
 */
export function toDeployedFunction(
  fn: FunctionArn,
  config: FunctionConfiguration,
): DeployedFunction {
  const name = config.FunctionName ?? fn.functionName;
  if (config.PackageType === 'Image') {
    throw new FromApiError(
      `function ${name} is a container image; only zip packages are supported`,
    );
  }
  if (!config.Runtime?.startsWith('nodejs')) {
    throw new FromApiError(
      `function ${name} uses runtime ${config.Runtime ?? '(none)'}; only Node.js runtimes are supported`,
    );
  }
  if (config.Layers?.length) {
    throw new FromApiError(
      `function ${name} uses layers (${config.Layers.map((l) => l.Arn).join(', ')}), which are not loaded locally`,
    );
  }
  if (!config.Handler || !config.CodeSha256) {
    throw new FromApiError(`function ${name} reports no handler or code digest`);
  }
  return {
    arn: fn.arn,
    name,
    handler: config.Handler,
    runtime: config.Runtime,
    codeSha256: config.CodeSha256,
    architecture: config.Architectures?.[0] ?? 'x86_64',
    environment: config.Environment?.Variables ?? {},
    timeoutSeconds: config.Timeout ?? 3,
    memoryMb: config.MemorySize ?? 128,
    region: fn.region,
  };
}

/**
 * Reads one function's deployed configuration (GetFunctionConfiguration,
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html), whose
 * `Environment.Variables` are the function's environment: for the authorizer, among others
 * AUTHORIZER_RESULT_TTL_SECONDS, DPOP_REPLAY_TABLE and DPOP_ALLOWED_HOSTS (dpop-settings.ts).
 * @param fn the ARN (a qualifier selects that version or alias)
 * @param client Lambda client (default: standard AWS environment)
 * @returns the function
 * @throws FromApiError when it does not exist or is not supported
 */
export async function readDeployedFunction(
  fn: FunctionArn,
  client: LambdaClient = new LambdaClient({}),
): Promise<DeployedFunction> {
  let config: FunctionConfiguration;
  try {
    config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn.arn }));
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') {
      throw new FromApiError(`function ${fn.arn}, which the API calls, does not exist`, {
        cause: err,
      });
    }
    throw err;
  }
  return toDeployedFunction(fn, config);
}

/** Local variables passed through so the function reaches the same AWS (endpoint, region, credentials). */
const PASS_THROUGH = /^(AWS_|HOME$|PATH$|NODE_EXTRA_CA_CERTS$|HTTPS?_PROXY$|NO_PROXY$)/i;

/**
 * The worker's environment: what the Lambda runtime sets, then the deployed variables, then this
 * machine's AWS settings (AWS_ENDPOINT_URL, AWS_REGION, credentials), which must win so that the
 * function talks to the same account or emulator this process read the API from.
 * @param fn the deployed function
 * @param taskRoot unpacked zip directory
 * @param local this process's environment
 * @returns the environment
 */
export function functionEnvironment(
  fn: DeployedFunction,
  taskRoot: string,
  local: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const runtime: Record<string, string> = {
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: taskRoot,
    _HANDLER: fn.handler,
  };
  const passed: Record<string, string> = {};
  for (const [key, value] of Object.entries(local)) {
    if (value !== undefined && PASS_THROUGH.test(key)) passed[key] = value;
  }
  return { ...runtime, ...fn.environment, ...passed };
}
