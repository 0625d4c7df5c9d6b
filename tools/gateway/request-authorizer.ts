// Runs a REQUEST Lambda authorizer as API Gateway does: event shape, identity sources (401 without a call when one is missing), cache keyed on their values, TTL, output checks.
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { lambdaContext } from './proxy-event';
import {
  DEFAULT_RESULT_TTL_SECONDS,
  readAuthorizerOutput,
  resultTtlMs,
  type AuthorizerOutcome,
  type AuthorizerResult,
} from './token-authorizer';
import type { RequestAuthorizer } from './types';

/** Most cached identities kept; the oldest entry goes first, so junk tokens cannot grow memory. */
const MAX_CACHE_ENTRIES = 10_000;

/**
 * `context.*` identity sources the emulator can supply: variables of "`$context` Variables for
 * data models, authorizers, mapping templates, and CloudWatch access logging" (API Gateway
 * Developer Guide, "API Gateway mapping template and access logging variable reference",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html)
 * that the request event carries. The docs list no subset for identity sources; any other
 * variable is refused when the API is loaded rather than silently left out of the cache key.
 */
export const CONTEXT_IDENTITY_SOURCES: Readonly<
  Record<string, (context: APIGatewayProxyEvent['requestContext']) => string | undefined>
> = {
  httpMethod: (c) => c.httpMethod,
  resourcePath: (c) => c.resourcePath,
  resourceId: (c) => c.resourceId,
  stage: (c) => c.stage,
  apiId: (c) => c.apiId,
  accountId: (c) => c.accountId,
};

/** One identity source, parsed. */
type IdentitySource = {
  kind: 'header' | 'querystring' | 'stageVariables' | 'context';
  name: string;
};

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const PARAMETER_NAME = /^[A-Za-z0-9._$-]+$/;

/**
 * Parses `identitySource`: "a comma-separated string of one or more mapping expressions of the
 * specified request parameters" (API Gateway API Reference, CreateAuthorizer `identitySource`,
 * https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html).
 * @param value e.g. `method.request.header.Authorization, context.httpMethod`
 * @param label the authorizer, for messages
 * @returns the sources, in order
 * @throws Error naming an expression the emulator cannot evaluate
 */
export function parseIdentitySources(value: string | undefined, label: string): IdentitySource[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((raw): IdentitySource => {
    const expression = raw.trim();
    const fail = (why: string): never => {
      throw new Error(`authorizer ${label}: identity source ${JSON.stringify(expression)} ${why}`);
    };
    const header = /^method\.request\.header\.(.+)$/.exec(expression);
    if (header) {
      if (!HEADER_NAME.test(header[1] as string)) fail('names no valid header');
      return { kind: 'header', name: header[1] as string };
    }
    const query = /^method\.request\.querystring\.(.+)$/.exec(expression);
    if (query) {
      if (!PARAMETER_NAME.test(query[1] as string)) fail('names no valid parameter');
      return { kind: 'querystring', name: query[1] as string };
    }
    const stage = /^stageVariables\.(.+)$/.exec(expression);
    if (stage) {
      if (!PARAMETER_NAME.test(stage[1] as string)) fail('names no valid stage variable');
      return { kind: 'stageVariables', name: stage[1] as string };
    }
    const context = /^context\.(.+)$/.exec(expression);
    if (context) {
      if (!Object.hasOwn(CONTEXT_IDENTITY_SOURCES, context[1] as string)) {
        fail(
          `is not supported (the emulator supplies ${Object.keys(CONTEXT_IDENTITY_SOURCES)
            .map((k) => `context.${k}`)
            .join(', ')})`,
        );
      }
      return { kind: 'context', name: context[1] as string };
    }
    if (expression.startsWith('method.request.path.')) {
      // "Path parameters can be passed as request parameters to the Lambda authorizer function,
      // but they cannot be used as identity sources." ("Input to an Amazon API Gateway Lambda
      // authorizer", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html)
      fail('is a path parameter, which API Gateway does not accept as an identity source');
    }
    return fail('is not a header, query string, stage variable or context expression');
  });
}

/**
 * Builds the REQUEST authorizer event from the request's proxy event, in the shape of "Input to
 * an Amazon API Gateway Lambda authorizer" (REQUEST example): the request parameters and the
 * request context, with `type` and `methodArn` and without body.
 * @param proxy the proxy event of the request (without authorizer output)
 * @param methodArn the method ARN
 * @returns the event
 */
export function requestAuthorizerEvent(
  proxy: APIGatewayProxyEvent,
  methodArn: string,
): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn,
    resource: proxy.resource,
    path: proxy.path,
    httpMethod: proxy.httpMethod,
    headers: proxy.headers,
    multiValueHeaders: proxy.multiValueHeaders,
    queryStringParameters: proxy.queryStringParameters,
    multiValueQueryStringParameters: proxy.multiValueQueryStringParameters,
    pathParameters: proxy.pathParameters,
    stageVariables: proxy.stageVariables,
    requestContext: proxy.requestContext,
  } as APIGatewayRequestAuthorizerEvent;
}

interface CacheEntry {
  outcome: { kind: 'result'; result: AuthorizerResult } | { kind: 'unauthorized' };
  expiresAt: number;
}

/** One REQUEST authorizer with its result cache, keyed on the identity-source values. */
export class RequestAuthorizerRunner {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly sources: IdentitySource[];
  private readonly ttlMs: number;

  /**
   * @param authorizer the authorizer definition
   * @param clock current time in ms (injected for tests)
   */
  constructor(
    private readonly authorizer: RequestAuthorizer,
    private readonly clock: () => number = Date.now,
  ) {
    this.sources = parseIdentitySources(authorizer.identitySource, authorizer.name);
    const ttl = authorizer.resultTtlSeconds ?? DEFAULT_RESULT_TTL_SECONDS;
    this.ttlMs = resultTtlMs(authorizer.name, ttl);
    // identitySource "For the REQUEST authorizer, this is required when authorization caching is
    // enabled" (CreateAuthorizer, API Reference).
    if (ttl > 0 && this.sources.length === 0) {
      throw new Error(
        `authorizer ${authorizer.name}: a REQUEST authorizer with caching needs identity sources`,
      );
    }
  }

  /** Drops every cached result. */
  clearCache(): void {
    this.cache.clear();
  }

  /**
   * The values of the identity sources for one request.
   * @param event the REQUEST event
   * @returns the values in order, or undefined when one is missing or empty
   */
  identityValues(event: APIGatewayRequestAuthorizerEvent): string[] | undefined {
    const values: string[] = [];
    for (const source of this.sources) {
      let value: string | null | undefined;
      if (source.kind === 'header') {
        const wanted = source.name.toLowerCase();
        value = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === wanted)?.[1];
      } else if (source.kind === 'querystring') {
        value = event.queryStringParameters?.[source.name];
      } else if (source.kind === 'stageVariables') {
        value = event.stageVariables?.[source.name];
      } else {
        value = (CONTEXT_IDENTITY_SOURCES[source.name] as (c: unknown) => string | undefined)(
          event.requestContext,
        );
      }
      if (value === undefined || value === null || value === '') return undefined;
      values.push(value);
    }
    return values;
  }

  /**
   * Authorizes one request. "These parameters will be used to derive the authorization caching
   * key and to perform runtime validation of the REQUEST authorizer by verifying all of the
   * identity-related request parameters are present, not null and non-empty. Only when this is
   * true does the authorizer invoke the authorizer Lambda function, otherwise, it returns a 401
   * Unauthorized response without calling the Lambda function." (CreateAuthorizer
   * `identitySource`, API Reference.)
   * @param event the REQUEST event
   * @param requestId request id, used as the invocation id
   * @returns the outcome
   */
  async authorize(
    event: APIGatewayRequestAuthorizerEvent,
    requestId: string,
  ): Promise<AuthorizerOutcome> {
    const values = this.identityValues(event);
    if (values === undefined) return { kind: 'unauthorized', cache: 'none' };
    const key = JSON.stringify(values);
    const now = this.clock();
    if (this.ttlMs > 0) {
      const cached = this.cache.get(key);
      if (cached && cached.expiresAt > now) return { ...cached.outcome, cache: 'hit' };
      if (cached) this.cache.delete(key);
    }

    let output: unknown;
    try {
      output = await this.authorizer.handler(event, lambdaContext(this.authorizer.name, requestId));
    } catch (err) {
      if (err instanceof Error && err.message === 'Unauthorized') {
        return this.remember(key, { kind: 'unauthorized' }, now);
      }
      return { kind: 'failure' };
    }
    const read = readAuthorizerOutput(output);
    if (typeof read === 'string') return { kind: 'configuration-error', reason: read };
    return this.remember(key, { kind: 'result', result: read }, now);
  }

  private remember(key: string, outcome: CacheEntry['outcome'], now: number): AuthorizerOutcome {
    if (this.ttlMs === 0) return { ...outcome, cache: 'none' };
    if (this.cache.size >= MAX_CACHE_ENTRIES) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, { outcome, expiresAt: now + this.ttlMs });
    return { ...outcome, cache: 'miss' };
  }
}
