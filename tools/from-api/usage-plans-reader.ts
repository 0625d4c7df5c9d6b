// Reads a deployed stage's usage plans, their API keys and the keys' values from API Gateway, refreshed periodically, for `--from-api`.
import {
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  type APIGatewayClient,
  type UsagePlan,
} from '@aws-sdk/client-api-gateway';
import type {
  ThrottleLimits,
  UsageKeyBinding,
  UsagePlanLimits,
  UsagePlanSource,
} from '../gateway/usage-plans';
import { readAllPages } from './api-reader';

/** How often the plans, keys and their states are read again: a plan change applies within it. */
export const USAGE_PLANS_REFRESH_MS = 2000;

/** Largest page size the API Gateway API accepts. */
const PAGE_SIZE = 500;

/**
 * A plan without a throttle is limited only by the account: 10,000 requests per second with a
 * burst of 5,000 by default ("Amazon API Gateway quotas",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
 */
const ACCOUNT_THROTTLE: ThrottleLimits = { rateLimit: 10000, burstLimit: 5000 };

/**
 * Converts one usage plan to the emulator's limits for one API stage. Method throttles are keyed
 * `/<resource path>/<METHOD>` in API Gateway and `METHOD /<resource path>` in the emulator.
 * @param plan the usage plan as GetUsagePlans returns it
 * @param restApiId the API
 * @param stage the stage
 * @returns the limits, or undefined when the plan does not cover that stage
 */
export function planLimits(
  plan: UsagePlan,
  restApiId: string,
  stage: string,
): UsagePlanLimits | undefined {
  const apiStage = plan.apiStages?.find((s) => s.apiId === restApiId && s.stage === stage);
  if (apiStage === undefined) return undefined;
  const throttle: ThrottleLimits =
    plan.throttle?.rateLimit !== undefined && plan.throttle.burstLimit !== undefined
      ? { rateLimit: plan.throttle.rateLimit, burstLimit: plan.throttle.burstLimit }
      : ACCOUNT_THROTTLE;
  const methodThrottles: Record<string, ThrottleLimits> = {};
  for (const [key, limits] of Object.entries(apiStage.throttle ?? {})) {
    const slash = key.lastIndexOf('/');
    const resource = key.slice(0, slash) || '/';
    methodThrottles[`${key.slice(slash + 1)} ${resource}`] = {
      rateLimit: limits.rateLimit ?? throttle.rateLimit,
      burstLimit: limits.burstLimit ?? throttle.burstLimit,
    };
  }
  const quota =
    plan.quota?.limit !== undefined && plan.quota.period !== undefined
      ? {
          limit: plan.quota.limit,
          period: plan.quota.period as 'DAY' | 'WEEK' | 'MONTH',
          offset: plan.quota.offset ?? 0,
        }
      : undefined;
  return { throttle, methodThrottles, ...(quota ? { quota } : {}) };
}

/**
 * The stage's usage plans as API Gateway holds them: which plan each key value is in, and whether
 * the key is enabled. Read at start, then again at most every {@link USAGE_PLANS_REFRESH_MS} when
 * requests arrive; a failed refresh keeps the last state read (and is reported).
 */
export class ApiGatewayUsagePlanSource implements UsagePlanSource {
  private byValue = new Map<string, UsageKeyBinding>();
  private readAtMs = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | undefined;

  /**
   * @param options client, API and stage, refresh interval, clock and error hook
   */
  constructor(
    private readonly options: {
      client: APIGatewayClient;
      restApiId: string;
      stage: string;
      refreshMs?: number;
      clock?: () => number;
      onError?: (message: string, error: unknown) => void;
    },
  ) {}

  /** Reads everything now; the start of `--from-api` awaits it, so a failure stops the start. */
  async load(): Promise<void> {
    const { client, restApiId, stage } = this.options;
    const startedAt = (this.options.clock ?? Date.now)();
    const [plans, keys] = await Promise.all([
      readAllPages((position) =>
        client.send(new GetUsagePlansCommand({ limit: PAGE_SIZE, position })),
      ),
      readAllPages((position) =>
        client.send(new GetApiKeysCommand({ limit: PAGE_SIZE, position, includeValues: false })),
      ),
    ]);
    const enabled = new Map(keys.map((k) => [k.id as string, k.enabled === true]));
    const next = new Map<string, UsageKeyBinding>();
    for (const plan of plans) {
      const limits = planLimits(plan, restApiId, stage);
      if (limits === undefined) continue;
      const planKeys = await readAllPages((position) =>
        client.send(
          new GetUsagePlanKeysCommand({ usagePlanId: plan.id, limit: PAGE_SIZE, position }),
        ),
      );
      for (const key of planKeys) {
        if (key.value === undefined || key.type !== 'API_KEY') continue;
        next.set(key.value, {
          planId: plan.id as string,
          plan: limits,
          enabled: enabled.get(key.id as string) ?? false,
        });
      }
    }
    this.byValue = next;
    this.readAtMs = startedAt;
  }

  /**
   * @param keyValue the authorizer's `usageIdentifierKey`
   * @returns the key's plan on the stage, as last read
   */
  async lookup(keyValue: string): Promise<UsageKeyBinding | undefined> {
    const now = (this.options.clock ?? Date.now)();
    if (now - this.readAtMs >= (this.options.refreshMs ?? USAGE_PLANS_REFRESH_MS)) {
      this.pending ??= this.load()
        .catch((err: unknown) => this.options.onError?.('usage plans could not be read', err))
        .finally(() => {
          this.pending = undefined;
        });
      await this.pending;
    }
    return this.byValue.get(keyValue);
  }
}
