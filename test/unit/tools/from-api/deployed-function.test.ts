// Unit tests of the deployed function checks and the environment its worker runs with.
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import {
  functionEnvironment,
  toDeployedFunction,
} from '../../../../tools/from-api/deployed-function';
import { FromApiError } from '../../../../tools/from-api/errors';
import { parseFunctionArn, type FunctionArn } from '../../../../tools/from-api/lambda-uri';

const ARN = parseFunctionArn(
  'arn:aws:lambda:us-east-1:123456789012:function:oauth-token',
) as FunctionArn;
const CONFIG: FunctionConfiguration & { Environment: { Variables: Record<string, string> } } = {
  FunctionName: 'oauth-token',
  Runtime: 'nodejs22.x',
  Handler: 'index.handler',
  CodeSha256: 'abc=',
  Architectures: ['x86_64' as const],
  Environment: { Variables: { ISSUER: 'https://issuer', AWS_REGION: 'ignored-by-lambda' } },
  Timeout: 10,
  MemorySize: 1024,
};

describe('toDeployedFunction', () => {
  it('keeps what running the function needs', () => {
    expect(toDeployedFunction(ARN, CONFIG)).toEqual({
      arn: ARN.arn,
      name: 'oauth-token',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      codeSha256: 'abc=',
      architecture: 'x86_64',
      environment: CONFIG.Environment.Variables,
      timeoutSeconds: 10,
      memoryMb: 1024,
      region: 'us-east-1',
    });
  });

  it.each([
    [{ PackageType: 'Image' as const }, /is a container image/],
    [{ Runtime: 'python3.12' as const }, /uses runtime python3.12; only Node.js/],
    [{ Layers: [{ Arn: 'arn:layer' }] }, /uses layers \(arn:layer\)/],
    [{ Handler: undefined }, /reports no handler/],
  ] as [FunctionConfiguration, RegExp][])('refuses %j', (overrides, message) => {
    expect(() => toDeployedFunction(ARN, { ...CONFIG, ...overrides })).toThrow(FromApiError);
    expect(() => toDeployedFunction(ARN, { ...CONFIG, ...overrides })).toThrow(message);
  });
});

describe('functionEnvironment', () => {
  it('layers runtime variables, deployed variables and the local AWS settings, in that order', () => {
    // Arrange
    const fn = toDeployedFunction(ARN, CONFIG);

    // Act
    const env = functionEnvironment(fn, '/tmp/task', {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      SECRET_OF_THIS_SHELL: 'not passed',
      HOME: '/root',
    });

    // Assert
    expect(env).toEqual({
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'oauth-token',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: '/tmp/task',
      _HANDLER: 'index.handler',
      ISSUER: 'https://issuer',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_ACCESS_KEY_ID: 'testing',
      HOME: '/root',
    });
  });
});
