// The replay watcher's one setting: its own Region, the `region` of every log line and metric.

/**
 * The function's Region from AWS_REGION, which the Lambda runtime defines ("AWS_REGION – The AWS
 * Region where the Lambda function is executed", AWS Lambda Developer Guide, "Defined runtime
 * environment variables",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * The watcher makes no AWS call: the Region only names where a detection was made. It reads no
 * SERVICE_REGIONS either: it is deployed in multi-Region deployments only (modules/replay-watch),
 * so its metrics always carry the `region` dimension set too.
 * @param env the environment
 * @returns the Region
 * @throws Error naming AWS_REGION when it is unset or not a Region name
 */
export function watchRegion(env: Record<string, string | undefined>): string {
  const region = env.AWS_REGION?.trim() ?? '';
  if (region === '') {
    throw new Error(
      'Invalid configuration: AWS_REGION is not set; the replay watcher names its Region on every log line and metric',
    );
  }
  if (!/^[a-z0-9-]{1,40}$/.test(region)) {
    throw new Error(
      `Invalid configuration: AWS_REGION is not a Region name: ${JSON.stringify(region)}`,
    );
  }
  return region;
}
