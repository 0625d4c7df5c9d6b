// Where and as whom the Lambdas call AWS: region, service endpoint and credentials, from the environment as the AWS SDKs read it.

/** The environment, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** AWS credentials, as the Lambda runtime puts them in the environment. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The services the Lambdas call, by SigV4 signing name. */
export type AwsServiceName = 'dynamodb' | 'kms';

/** A setting the environment lacks or holds wrong; thrown at a cold start, before any request. */
export class AwsEnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsEnvironmentError';
  }
}

/**
 * The function's region: AWS_REGION, which Lambda defines ("AWS_REGION – The AWS Region where the
 * Lambda function is executed", AWS Lambda Developer Guide, "Defined runtime environment
 * variables", https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * else AWS_DEFAULT_REGION, as the SDKs read it elsewhere ("AWS_REGION ... AWS_DEFAULT_REGION",
 * AWS SDKs and Tools Reference Guide, "AWS Region",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html).
 * @param env the environment
 * @returns the region
 * @throws AwsEnvironmentError when neither is set or the value is not a region name
 */
export function regionFrom(env: Env): string {
  const fromRegion = nonEmpty(env.AWS_REGION);
  const region = fromRegion ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (region === undefined) {
    throw new AwsEnvironmentError('AWS_REGION is not set (nor AWS_DEFAULT_REGION)');
  }
  return checkRegion(region, fromRegion === undefined ? 'AWS_DEFAULT_REGION' : 'AWS_REGION');
}

/**
 * @param region a region name from a setting
 * @param setting the setting's name, for the message
 * @returns the region
 * @throws AwsEnvironmentError when it is not a region name (lowercase letters, digits and dashes:
 *   anything else would end up in a host name)
 */
export function checkRegion(region: string, setting: string): string {
  if (!/^[a-z0-9-]{1,40}$/.test(region)) {
    throw new AwsEnvironmentError(`${setting} is not a region name: ${JSON.stringify(region)}`);
  }
  return region;
}

/**
 * @param value an endpoint URL from a setting
 * @param setting the setting's name, for the message
 * @returns the URL
 * @throws AwsEnvironmentError when it is not an http or https URL
 */
export function checkEndpoint(value: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AwsEnvironmentError(`${setting} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AwsEnvironmentError(`${setting} must be an http or https URL, not ${url.protocol}`);
  }
  return url;
}

/**
 * The base URL of a service: the override the AWS SDKs honour, or the service's regional endpoint.
 * AWS_ENDPOINT_URL sets "the endpoint that is used for all service requests. This endpoint is
 * overridden by any configured service-specific endpoint", AWS_ENDPOINT_URL_<SERVICE> (here
 * AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_KMS), and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
 * ignores both (AWS SDKs and Tools Reference Guide, "Service-specific endpoints",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). The regional
 * endpoints are `dynamodb.<region>.amazonaws.com` and `kms.<region>.amazonaws.com`, with `.cn`
 * appended in the China Regions ("Amazon DynamoDB endpoints and quotas",
 * https://docs.aws.amazon.com/general/latest/gr/ddb.html; "AWS Key Management Service endpoints
 * and quotas", https://docs.aws.amazon.com/general/latest/gr/kms.html). FIPS, dual-stack and the
 * isolated partitions are not resolved: the module never sets their variables (docs/timeouts.md).
 * @param service the signing name
 * @param env the environment
 * @param region the region
 * @returns the base URL
 * @throws AwsEnvironmentError when an override is not an http(s) URL
 */
export function serviceEndpoint(service: AwsServiceName, env: Env, region: string): URL {
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  // Spelled out, so a reader (and the test of docs/deploy.md's variable table) sees every name read.
  const name = service === 'dynamodb' ? 'AWS_ENDPOINT_URL_DYNAMODB' : 'AWS_ENDPOINT_URL_KMS';
  const value = service === 'dynamodb' ? env.AWS_ENDPOINT_URL_DYNAMODB : env.AWS_ENDPOINT_URL_KMS;
  const specific = ignore ? undefined : nonEmpty(value);
  const global = ignore ? undefined : nonEmpty(env.AWS_ENDPOINT_URL);
  const override = specific ?? global;
  if (override === undefined) {
    const suffix = region.startsWith('cn-') ? '.cn' : '';
    return new URL(`https://${service}.${region}.amazonaws.com${suffix}`);
  }
  return checkEndpoint(override, specific === undefined ? 'AWS_ENDPOINT_URL' : name);
}

/**
 * The execution role's credentials that Lambda puts in the environment ("AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN – The access keys obtained from the function's execution
 * role", AWS Lambda Developer Guide, "Defined runtime environment variables",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Read at each request, so the current values are always used.
 * @param env the environment
 * @returns the credentials, or undefined when the key id or secret is missing
 */
export function credentialsFrom(env: Env): AwsCredentials | undefined {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return sessionToken === undefined
    ? { accessKeyId, secretAccessKey }
    : { accessKeyId, secretAccessKey, sessionToken };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
