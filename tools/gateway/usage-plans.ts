/**
 * Usage plans as API Gateway applies them to a REST API whose key source is the authorizer: the
 * plan file (the Terraform `usage_plans` shape), a token bucket per key and method, and quotas per
 * period. What is modelled, and where API Gateway documents it:
 *
 * - The key is the authorizer's `usageIdentifierKey` ("Choose an API key source in API Gateway",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html):
 *   a method that requires a key and gets none, or one that is in no plan of the stage, is answered
 *   403 Forbidden (`InvalidKeyParameter`).
 * - Throttling is a token bucket: the rate is "the rate at which tokens are added to the token
 *   bucket" and the burst "the capacity of the token bucket", and over it "clients may receive 429
 *   Too Many Requests error responses"; a plan sets "per-method throttling targets ... for all
 *   methods", and may override single methods ("Throttle requests to your REST APIs for better
 *   throughput in API Gateway",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 *   So the bucket is per key and method.
 * - A quota is the number of requests a key may make per DAY, WEEK or MONTH, counted across the
 *   plan's stages ("Usage plans and API keys for REST APIs in API Gateway",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html);
 *   `offset` is "the day that a time period starts. For example, with a time period of WEEK, an
 *   offset of 0 starts on Sunday" (API Reference, QuotaSettings,
 *   https://docs.aws.amazon.com/apigateway/latest/api/API_QuotaSettings.html). Over it the answer is
 *   429 "Limit Exceeded" ("How do I troubleshoot 429 Too Many Requests or Limit Exceeded errors",
 *   https://repost.aws/knowledge-center/api-gateway-429-limit).
 *
 * The documentation is silent on three points, so the emulator makes a choice, which is not an
 * API Gateway fact (and is the lenient side for the last two): periods start at 00:00 UTC, a
 * throttled request does not count against the quota, and a key's counters survive a plan change
 * only when it stays in the same plan. API Gateway calls both limits
 * best-effort targets; the emulator enforces them exactly, so tests can rely on the bound.
 * @module
 */

/** A token bucket's settings: requests per second, and capacity. */
export interface ThrottleLimits {
  rateLimit: number;
  burstLimit: number;
}

/** A quota: at most `limit` requests per period, the period starting on day `offset`. */
export interface QuotaLimits {
  limit: number;
  period: 'DAY' | 'WEEK' | 'MONTH';
  offset: number;
}

/** One usage plan, as the emulator enforces it. */
export interface UsagePlanLimits {
  throttle: ThrottleLimits;
  quota?: QuotaLimits;
  /** Overrides by `"METHOD /resource"` (the resource template, e.g. `GET /orders/{id}`). */
  methodThrottles: Record<string, ThrottleLimits>;
}

/** A key as the gateway knows it: the plan it is in on this stage, and whether it is enabled. */
export interface UsageKeyBinding {
  /** The plan's id (its name locally); counters are kept per plan and key. */
  planId: string;
  plan: UsagePlanLimits;
  enabled: boolean;
}

/** Where the gateway looks a key value up (local store, or the API Gateway of `--from-api`). */
export interface UsagePlanSource {
  /**
   * @param keyValue the authorizer's `usageIdentifierKey`
   * @returns the key's plan on this stage, or undefined when no plan of the stage holds it
   */
  lookup(keyValue: string): Promise<UsageKeyBinding | undefined> | UsageKeyBinding | undefined;
}

/** The verdict on one request of a method that requires a key. */
export type UsageVerdict = 'ok' | 'INVALID_API_KEY' | 'THROTTLED' | 'QUOTA_EXCEEDED';

/** A usage plans file does not have the Terraform `usage_plans` shape; the message names the field. */
export class UsagePlansFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsagePlansFileError';
  }
}

const PLAN_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const METHOD_ROUTE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/[^\s?#]*$/;
const PERIOD_DAYS = { DAY: 1, WEEK: 7, MONTH: 28 } as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function throttleOf(value: unknown, where: string): ThrottleLimits {
  if (!isObject(value)) throw new UsagePlansFileError(`${where} must be an object`);
  const rate = value.rate_limit;
  const burst = value.burst_limit;
  if (typeof rate !== 'number' || !(rate > 0 && rate <= 10000)) {
    throw new UsagePlansFileError(`${where}.rate_limit must be a number above 0, at most 10000`);
  }
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1 || burst > 5000) {
    throw new UsagePlansFileError(`${where}.burst_limit must be a whole number from 1 to 5000`);
  }
  return { rateLimit: rate, burstLimit: burst };
}

function quotaOf(value: unknown, where: string): QuotaLimits | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new UsagePlansFileError(`${where}.quota must be an object`);
  const { limit, period } = value;
  const offset = value.offset ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new UsagePlansFileError(`${where}.quota.limit must be a whole number of at least 1`);
  }
  if (period !== 'DAY' && period !== 'WEEK' && period !== 'MONTH') {
    throw new UsagePlansFileError(`${where}.quota.period must be DAY, WEEK or MONTH`);
  }
  if (
    typeof offset !== 'number' ||
    !Number.isInteger(offset) ||
    offset < 0 ||
    offset >= PERIOD_DAYS[period]
  ) {
    throw new UsagePlansFileError(
      `${where}.quota.offset must be a whole number of days below the period (0 for DAY, 0-6 for WEEK, 0-27 for MONTH)`,
    );
  }
  return { limit, period, offset };
}

/**
 * Parses a usage plans file: the Terraform `usage_plans` map itself, or
 * `{ "usage_plans": {...}, "default_usage_plan": "name" }`. The rules are the Terraform validations.
 * @param json the parsed file
 * @returns the plans by name, and the default plan
 * @throws UsagePlansFileError naming the first bad field
 */
export function parseUsagePlans(json: unknown): {
  plans: Record<string, UsagePlanLimits>;
  defaultPlan: string | undefined;
} {
  if (!isObject(json)) throw new UsagePlansFileError('the file must hold a JSON object of plans');
  const wrapped = 'usage_plans' in json;
  const raw = wrapped ? json.usage_plans : json;
  if (!isObject(raw)) throw new UsagePlansFileError('usage_plans must be an object of plans');
  const plans: Record<string, UsagePlanLimits> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!PLAN_NAME.test(name)) {
      throw new UsagePlansFileError(
        `plan name ${JSON.stringify(name)} must be 1-64 letters, digits, '_' or '-'`,
      );
    }
    const throttle = throttleOf(value, name);
    const methods = (value as Record<string, unknown>).method_throttles ?? {};
    if (!isObject(methods))
      throw new UsagePlansFileError(`${name}.method_throttles must be an object`);
    const methodThrottles: Record<string, ThrottleLimits> = {};
    for (const [route, limits] of Object.entries(methods)) {
      if (!METHOD_ROUTE.test(route)) {
        throw new UsagePlansFileError(
          `${name}.method_throttles key ${JSON.stringify(route)} must be "METHOD /resource"`,
        );
      }
      methodThrottles[route] = throttleOf(limits, `${name}.method_throttles["${route}"]`);
    }
    plans[name] = {
      throttle,
      quota: quotaOf((value as Record<string, unknown>).quota, name),
      methodThrottles,
    };
  }
  const defaultPlan = wrapped ? json.default_usage_plan : undefined;
  if (defaultPlan !== undefined && defaultPlan !== null) {
    if (typeof defaultPlan !== 'string' || !(defaultPlan in plans)) {
      throw new UsagePlansFileError('default_usage_plan must name one of the plans');
    }
    return { plans, defaultPlan };
  }
  return { plans, defaultPlan: undefined };
}

/**
 * The start (epoch ms) of the quota period holding `nowMs`, in UTC.
 * @param quota the period and its offset in days
 * @param nowMs the time
 * @returns the period's start
 */
export function quotaPeriodStart(
  quota: Pick<QuotaLimits, 'period' | 'offset'>,
  nowMs: number,
): number {
  const now = new Date(nowMs);
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (quota.period === 'DAY') return day;
  if (quota.period === 'WEEK') {
    // Offset 0 is Sunday (getUTCDay() 0), 1 is Monday.
    const back = (now.getUTCDay() - quota.offset + 7) % 7;
    return day - back * 86_400_000;
  }
  // MONTH: day `offset + 1` of this month, or of the previous one when that day is still ahead.
  const thisMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1 + quota.offset);
  return thisMonth <= nowMs
    ? thisMonth
    : Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1 + quota.offset);
}

interface Bucket {
  tokens: number;
  atMs: number;
  rate: number;
  burst: number;
}

/**
 * Meters requests by key: a token bucket per plan, key and method, and a quota counter per plan
 * and key. State lives in memory, per emulator.
 */
export class UsagePlanEnforcer {
  private readonly buckets = new Map<string, Bucket>();
  private readonly quotas = new Map<string, { periodStart: number; used: number }>();

  /**
   * @param source where key values are looked up
   * @param clock current time in ms
   */
  constructor(
    private readonly source: UsagePlanSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Decides one request to a method that requires an API key, and counts it when admitted.
   * @param keyValue the authorizer's `usageIdentifierKey` (undefined when it returned none)
   * @param method the request's method
   * @param resource the matched resource template
   * @returns `ok`, or the gateway response type to answer with
   */
  async admit(
    keyValue: string | undefined,
    method: string,
    resource: string,
  ): Promise<UsageVerdict> {
    if (keyValue === undefined || keyValue === '') return 'INVALID_API_KEY';
    const binding = await this.source.lookup(keyValue);
    if (binding === undefined || !binding.enabled) return 'INVALID_API_KEY';
    const { planId, plan } = binding;
    const now = this.clock();
    const route = `${method} ${resource}`;
    const limits = plan.methodThrottles[route] ?? plan.throttle;
    const bucketKey = `${planId}\u0000${keyValue}\u0000${route}`;
    let bucket = this.buckets.get(bucketKey);
    if (
      bucket === undefined ||
      bucket.rate !== limits.rateLimit ||
      bucket.burst !== limits.burstLimit
    ) {
      // A new bucket, or new limits (a plan update): it starts full at the new capacity.
      bucket = {
        tokens: limits.burstLimit,
        atMs: now,
        rate: limits.rateLimit,
        burst: limits.burstLimit,
      };
      this.buckets.set(bucketKey, bucket);
    }
    bucket.tokens = Math.min(
      bucket.burst,
      bucket.tokens + (Math.max(0, now - bucket.atMs) / 1000) * bucket.rate,
    );
    bucket.atMs = now;
    if (bucket.tokens < 1) return 'THROTTLED';

    if (plan.quota !== undefined) {
      const quotaKey = `${planId}\u0000${keyValue}`;
      const periodStart = quotaPeriodStart(plan.quota, now);
      let counter = this.quotas.get(quotaKey);
      if (counter === undefined || counter.periodStart !== periodStart) {
        counter = { periodStart, used: 0 };
        this.quotas.set(quotaKey, counter);
      }
      if (counter.used >= plan.quota.limit) return 'QUOTA_EXCEEDED';
      counter.used += 1;
    }
    bucket.tokens -= 1;
    return 'ok';
  }

  /**
   * The requests a key made in its current quota period (what GetUsage would report locally).
   * @param planId the plan
   * @param keyValue the key
   * @returns the count, or 0 when none were counted
   */
  used(planId: string, keyValue: string): number {
    return this.quotas.get(`${planId}\u0000${keyValue}`)?.used ?? 0;
  }
}
