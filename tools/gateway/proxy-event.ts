// Builds REST API Lambda proxy events (payload 1.0) and reads proxy results, as API Gateway does.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** Request facts the event is built from. */
export interface ProxyEventInput {
  method: string;
  /** Path without stage (or base path), e.g. `/orders/42`. */
  path: string;
  /**
   * The path as the client sent it (`requestContext.path`): `/{stage}/orders/42` on execute-api,
   * `/{basePath}/orders/42` on a custom domain (see request-path.ts).
   */
  requestPath: string;
  /** Raw query string without `?`. */
  rawQuery: string;
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  resourcePath: string;
  /** `requestContext.resourceId`; the emulator uses the resource path when the API has no ids. */
  resourceId?: string;
  pathParameters: Record<string, string> | null;
  stage: string;
  stageVariables: Record<string, string> | null;
  restApiId: string;
  accountId: string;
  requestId: string;
  now: number;
  /** Authorizer output (principalId and context), when the method has one. */
  authorizer?: { principalId: string; context: Record<string, string | number | boolean> };
  binaryMediaTypes?: string[];
}

/** Content types that reach Lambda as UTF-8 text when the API declares no binary media types. */
const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|x-www-form-urlencoded|xml|javascript|graphql)$/,
  /^application\/[^/]+\+(json|xml)$/,
];

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Whether API Gateway would base64-encode this body for Lambda.
 * @param contentType request Content-Type
 * @param binaryMediaTypes the API's binary media types; undefined: everything but text
 * @returns true for binary bodies
 */
export function isBinaryBody(
  contentType: string | undefined,
  binaryMediaTypes?: string[],
): boolean {
  const type = mediaType(contentType);
  if (binaryMediaTypes) {
    return binaryMediaTypes.some((pattern) => {
      const [main, sub] = pattern.toLowerCase().split('/');
      const [tMain, tSub] = type.split('/');
      return (main === '*' || main === tMain) && (sub === '*' || sub === tSub);
    });
  }
  if (!type) return false;
  return !TEXT_TYPES.some((re) => re.test(type));
}

function headerMaps(rawHeaders: string[]): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const names = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    // The first spelling of a header name is kept; later repeats join its value list.
    const name = names.get(raw.toLowerCase()) ?? raw;
    names.set(raw.toLowerCase(), name);
    (multiValueHeaders[name] ??= []).push(value);
    headers[name] = value;
  }
  return { headers, multiValueHeaders };
}

function queryMaps(rawQuery: string): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  if (!rawQuery) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    (multi[key] ??= []).push(value);
    single[key] = value;
  }
  return Object.keys(single).length ? { single, multi } : { single: null, multi: null };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.requestTime` format: `27/Nov/2025:21:01:00 +0000`. */
function requestTime(now: number): string {
  const d = new Date(now);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * Builds the event API Gateway sends to a Lambda proxy integration.
 * @param input request facts
 * @returns the proxy event
 */
export function buildProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = headerMaps(input.rawHeaders);
  const query = queryMaps(input.rawQuery);
  const contentType = Object.entries(headers).find(
    ([k]) => k.toLowerCase() === 'content-type',
  )?.[1];
  const userAgent = Object.entries(headers).find(([k]) => k.toLowerCase() === 'user-agent')?.[1];
  const host =
    Object.entries(headers).find(([k]) => k.toLowerCase() === 'host')?.[1] ?? 'localhost';
  const binary = input.body.length > 0 && isBinaryBody(contentType, input.binaryMediaTypes);
  const authorizer = input.authorizer
    ? {
        ...Object.fromEntries(
          Object.entries(input.authorizer.context).map(([k, v]) => [k, String(v)]),
        ),
        principalId: input.authorizer.principalId,
        integrationLatency: 0,
      }
    : null;
  return {
    resource: input.resourcePath,
    path: input.path,
    httpMethod: input.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: input.pathParameters,
    stageVariables: input.stageVariables,
    body: input.body.length === 0 ? null : input.body.toString(binary ? 'base64' : 'utf8'),
    isBase64Encoded: binary,
    requestContext: {
      accountId: input.accountId,
      apiId: input.restApiId,
      authorizer,
      // "$context.domainName: The full domain name used to invoke the API. This should be the same
      // as the incoming Host header." ("$context Variables for data models, authorizers, mapping
      // templates, and CloudWatch access logging",
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html).
      // A domain name has no port; the Host header, with its port, is in `headers` as sent.
      domainName: host.split(':')[0] as string,
      domainPrefix: (host.split('.')[0] as string).split(':')[0] as string,
      extendedRequestId: input.requestId,
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: input.sourceIp,
        user: null,
        userAgent: userAgent ?? null,
        userArn: null,
      },
      // `$context.path`, "the request path" (same page): as sent, see request-path.ts, rule 2.
      path: input.requestPath,
      protocol: 'HTTP/1.1',
      requestId: input.requestId,
      requestTime: requestTime(input.now),
      requestTimeEpoch: input.now,
      resourceId: input.resourceId ?? input.resourcePath,
      resourcePath: input.resourcePath,
      stage: input.stage,
    },
  };
}

/**
 * A Lambda context object for in-process invocations.
 * @param functionName function name
 * @param requestId invocation id
 * @param timeoutMs remaining time budget
 * @returns the context
 */
export function lambdaContext(
  functionName: string,
  requestId: string,
  timeoutMs = 29_000,
): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Checks a proxy result as API Gateway does; a malformed one is a 502.
 * @param value what the handler returned
 * @returns the result, or undefined when malformed
 */
export function readProxyResult(value: unknown): APIGatewayProxyResult | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const result = value as Partial<APIGatewayProxyResult>;
  const status = Number(result.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    return undefined;
  }
  if (
    result.headers !== undefined &&
    (typeof result.headers !== 'object' || result.headers === null)
  ) {
    return undefined;
  }
  return { ...result, statusCode: status, body: result.body ?? '' } as APIGatewayProxyResult;
}
