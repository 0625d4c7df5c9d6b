// Runs a TOKEN Lambda authorizer as API Gateway does: identity source, validation regex, output checks, per-token cache.
import { isPolicyDocument, type PolicyDocument } from './policy-evaluation';
import { lambdaContext } from './proxy-event';
import type { TokenAuthorizer } from './types';

/** A valid authorizer result. */
export interface AuthorizerResult {
  principalId: string;
  policyDocument: PolicyDocument;
  context: Record<string, string | number | boolean>;
  /** The API key the request is metered against, when the API's key source is AUTHORIZER. */
  usageIdentifierKey?: string;
}

/** Outcome of authorizing one request. */
export type AuthorizerOutcome =
  | { kind: 'result'; result: AuthorizerResult; cache: 'hit' | 'miss' | 'none' }
  /** No or invalid identity, or the authorizer threw `Unauthorized`: 401. */
  | { kind: 'unauthorized'; cache: 'hit' | 'miss' | 'none' }
  /** The authorizer threw something else: 500 AUTHORIZER_FAILURE. */
  | { kind: 'failure' }
  /** The authorizer returned something API Gateway rejects: 500 AUTHORIZER_CONFIGURATION_ERROR. */
  | { kind: 'configuration-error'; reason: string };

/**
 * API Gateway's authorizer result TTL: 0 disables the cache, 300 is the default and 3600 the
 * largest value (API Gateway Developer Guide, "Configure an API Gateway Lambda authorizer").
 * The emulator states API Gateway's own range; test/unit/tools/gateway/result-ttl.test.ts checks
 * it equals AUTHORIZER_RESULT_TTL_SECONDS in functions/shared/limits.ts.
 */
export const RESULT_TTL_SECONDS = { min: 0, max: 3600, default: 300 } as const;

/** Default `authorizer_result_ttl_in_seconds` of API Gateway. */
export const DEFAULT_RESULT_TTL_SECONDS = RESULT_TTL_SECONDS.default;

/**
 * Reads an authorizer's result TTL as API Gateway accepts it.
 * @param name the authorizer, for the message
 * @param ttl the configured value, or undefined for the default
 * @returns the TTL in milliseconds
 * @throws Error naming the authorizer when the value is out of range
 */
export function resultTtlMs(name: string, ttl: number | undefined): number {
  const seconds = ttl ?? RESULT_TTL_SECONDS.default;
  const { min, max } = RESULT_TTL_SECONDS;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new Error(`authorizer ${name}: resultTtlSeconds must be ${min}..${max} (got ${seconds})`);
  }
  return seconds * 1000;
}

/** Most cached tokens kept; the oldest entry goes first, so junk tokens cannot grow memory. */
const MAX_CACHE_ENTRIES = 10_000;

/**
 * Validates an authorizer's output the way API Gateway does.
 * @param output the handler's return value
 * @returns the result, or a reason it is rejected
 */
export function readAuthorizerOutput(output: unknown): AuthorizerResult | string {
  if (!output || typeof output !== 'object') return 'the authorizer returned no object';
  const { principalId, policyDocument, context, usageIdentifierKey } = output as Record<
    string,
    unknown
  >;
  if (typeof principalId !== 'string' || principalId === '') return 'principalId is missing';
  if (!isPolicyDocument(policyDocument)) return 'policyDocument is missing or malformed';
  if (context !== undefined && context !== null) {
    if (typeof context !== 'object' || Array.isArray(context)) return 'context is not an object';
    for (const [key, value] of Object.entries(context)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        return `context.${key} is not a string, number or boolean`;
      }
    }
  }
  if (usageIdentifierKey !== undefined && typeof usageIdentifierKey !== 'string') {
    return 'usageIdentifierKey is not a string';
  }
  return {
    principalId,
    policyDocument,
    context: (context ?? {}) as Record<string, string | number | boolean>,
    ...(usageIdentifierKey !== undefined ? { usageIdentifierKey } : {}),
  };
}

interface CacheEntry {
  outcome: { kind: 'result'; result: AuthorizerResult } | { kind: 'unauthorized' };
  expiresAt: number;
}

/** Header name from an identity source like `method.request.header.Authorization`. */
function identityHeader(identitySource: string | undefined): string {
  const source = identitySource ?? 'method.request.header.Authorization';
  const match = /^method\.request\.header\.([A-Za-z0-9!#$%&'*+.^_`|~-]+)$/.exec(source);
  if (!match) throw new Error(`unsupported TOKEN authorizer identity source ${source}`);
  return match[1] as string;
}

/** One TOKEN authorizer with its result cache (per token, like API Gateway's). */
export class TokenAuthorizerRunner {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly header: string;
  private readonly validation?: RegExp;
  private readonly ttlMs: number;

  /**
   * @param authorizer the authorizer definition
   * @param clock current time in ms (injected for tests)
   */
  constructor(
    private readonly authorizer: TokenAuthorizer,
    private readonly clock: () => number = Date.now,
  ) {
    this.header = identityHeader(authorizer.identitySource);
    this.validation = authorizer.identityValidationExpression
      ? new RegExp(`^(?:${authorizer.identityValidationExpression})$`)
      : undefined;
    this.ttlMs = resultTtlMs(authorizer.name, authorizer.resultTtlSeconds);
  }

  /** Header the token is read from. */
  get identityHeader(): string {
    return this.header;
  }

  /** Drops every cached result. */
  clearCache(): void {
    this.cache.clear();
  }

  /**
   * Authorizes one request.
   * @param headers request headers (name to last value, any case)
   * @param methodArn ARN of the called method
   * @param requestId request id, used as the invocation id
   * @returns the outcome
   */
  async authorize(
    headers: Record<string, string>,
    methodArn: string,
    requestId: string,
  ): Promise<AuthorizerOutcome> {
    const wanted = this.header.toLowerCase();
    const token = Object.entries(headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
    // Like API Gateway: no identity, or one failing the validation regex, answers 401 without a call.
    if (token === undefined || token === '') return { kind: 'unauthorized', cache: 'none' };
    if (this.validation && !this.validation.test(token))
      return { kind: 'unauthorized', cache: 'none' };

    const now = this.clock();
    if (this.ttlMs > 0) {
      const cached = this.cache.get(token);
      if (cached && cached.expiresAt > now) return { ...cached.outcome, cache: 'hit' };
      if (cached) this.cache.delete(token);
    }

    let output: unknown;
    try {
      output = await this.authorizer.handler(
        { type: 'TOKEN', authorizationToken: token, methodArn },
        lambdaContext(this.authorizer.name, requestId),
      );
    } catch (err) {
      if (err instanceof Error && err.message === 'Unauthorized') {
        return this.remember(token, { kind: 'unauthorized' }, now);
      }
      return { kind: 'failure' };
    }
    const read = readAuthorizerOutput(output);
    if (typeof read === 'string') return { kind: 'configuration-error', reason: read };
    return this.remember(token, { kind: 'result', result: read }, now);
  }

  private remember(token: string, outcome: CacheEntry['outcome'], now: number): AuthorizerOutcome {
    if (this.ttlMs === 0) return { ...outcome, cache: 'none' };
    if (this.cache.size >= MAX_CACHE_ENTRIES) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(token, { outcome, expiresAt: now + this.ttlMs });
    return { ...outcome, cache: 'miss' };
  }
}
