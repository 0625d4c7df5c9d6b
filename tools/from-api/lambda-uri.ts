// Parses API Gateway Lambda integration and authorizer URIs into Lambda function ARNs.

/** A Lambda function ARN split into its parts. */
export interface FunctionArn {
  /** The whole ARN, qualifier included when present. */
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  functionName: string;
  /** Version or alias, when the URI names one. */
  qualifier?: string;
}

const INVOCATION_URI =
  /^arn:(aws[a-z-]*):apigateway:([a-z0-9-]+):lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;
const FUNCTION_ARN =
  /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/;
const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;

/**
 * Replaces `${stageVariables.name}` references, as API Gateway does before it calls the integration.
 * @param text URI or template text
 * @param stageVariables the stage's variables
 * @returns the text, or an error message naming the first missing variable
 */
export function substituteStageVariables(
  text: string,
  stageVariables: Record<string, string>,
): { value: string } | { missing: string } {
  let missing: string | undefined;
  const value = text.replace(STAGE_VARIABLE, (_, name: string) => {
    const found = stageVariables[name];
    if (found === undefined) missing ??= name;
    return found ?? '';
  });
  return missing === undefined ? { value } : { missing };
}

/**
 * Parses a Lambda function ARN (optionally qualified by a version or alias).
 * @param arn e.g. `arn:aws:lambda:us-east-1:123456789012:function:name`
 * @returns its parts, or undefined when it is not a function ARN
 */
export function parseFunctionArn(arn: string): FunctionArn | undefined {
  const match = FUNCTION_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, accountId, functionName, qualifier] = match as unknown as string[];
  return {
    arn,
    partition: partition as string,
    region: region as string,
    accountId: accountId as string,
    functionName: functionName as string,
    ...(qualifier ? { qualifier } : {}),
  };
}

/**
 * Reads the function ARN out of a Lambda invocation URI, as `aws_lambda_function.invoke_arn` builds it:
 * `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations`.
 * @param uri integration or authorizer URI (stage variables already substituted)
 * @returns the function ARN, or undefined when the URI is not a Lambda invocation URI
 */
export function functionArnFromUri(uri: string): FunctionArn | undefined {
  const match = INVOCATION_URI.exec(uri);
  return match ? parseFunctionArn(match[3] as string) : undefined;
}
