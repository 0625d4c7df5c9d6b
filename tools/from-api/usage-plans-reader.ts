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
 * Least time between two reads made because a request carried a key that was not known (or not
 * enabled) in the last read. A flood of unknown keys makes at most one read per this interval, and
 * each such request waits at most this long plus one read.
 */
export const UNKNOWN_KEY_REREAD_GAP_MS = 500;

/** A read of the plans: when it started, and when it is done (it never rejects). */
interface Read {
  startedAt: number;
  done: Promise<void>;
}

/**
 * The stage's usage plans as API Gateway holds them: which plan each key value is in, and whether
 * the key is enabled. Read at start, then again at most every {@link USAGE_PLANS_REFRESH_MS} when
 * requests arrive; a failed refresh keeps the last state read (and is reported).
 *
 * A key that the last read did not know, or knew as disabled (a client created or re-enabled
 * since), is not refused on that read alone: the request waits for a read that started after it
 * arrived, and is answered from that. Such reads are shared by every request waiting for one and
 * start at most once per {@link UNKNOWN_KEY_REREAD_GAP_MS}, so unknown keys cannot make the
 * runner read on every request.
 */
export class ApiGatewayUsagePlanSource implements UsagePlanSource {
  private byValue = new Map<string, UsageKeyBinding>();
  private readAtMs = Number.NEGATIVE_INFINITY;
  private inFlight: Read | undefined;
  private nextForUnknown: Promise<void> | undefined;
  private lastForUnknownAt = Number.NEGATIVE_INFINITY;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  /**
   * @param options client, API and stage, refresh interval, clock, sleep and error hook
   */
  constructor(
    private readonly options: {
      client: APIGatewayClient;
      restApiId: string;
      stage: string;
      refreshMs?: number;
      unknownKeyGapMs?: number;
      clock?: () => number;
      sleep?: (ms: number) => Promise<void>;
      onError?: (message: string, error: unknown) => void;
    },
  ) {
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  }

  /** Reads everything now; the start of `--from-api` awaits it, so a failure stops the start. */
  async load(): Promise<void> {
    const { client, restApiId, stage } = this.options;
    const startedAt = this.clock();
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
   * @returns the key's plan on the stage, as last read (after a fresh read when it was not known
   *   and enabled)
   */
  async lookup(keyValue: string): Promise<UsageKeyBinding | undefined> {
    const arrivedAt = this.clock();
    if (arrivedAt - this.readAtMs >= (this.options.refreshMs ?? USAGE_PLANS_REFRESH_MS)) {
      await this.read().done;
    }
    const known = this.byValue.get(keyValue);
    if (known?.enabled === true) return known;
    await this.readStartedSince(arrivedAt);
    return this.byValue.get(keyValue);
  }

  /** One read at a time: a caller that finds one under way shares it. */
  private read(): Read {
    if (this.inFlight !== undefined) return this.inFlight;
    const read: Read = {
      startedAt: this.clock(),
      done: this.load()
        .catch((err: unknown) => this.options.onError?.('usage plans could not be read', err))
        .finally(() => {
          if (this.inFlight === read) this.inFlight = undefined;
        }),
    };
    this.inFlight = read;
    return read;
  }

  /**
   * Waits for a read that started at or after `since`: the one under way if it did, else the next
   * read for unknown keys, which every request waiting for one shares.
   */
  private readStartedSince(since: number): Promise<void> {
    if (this.inFlight !== undefined && this.inFlight.startedAt >= since) return this.inFlight.done;
    this.nextForUnknown ??= this.readForUnknown();
    return this.nextForUnknown;
  }

  /** The next read for unknown keys: no sooner than the gap after the last one. */
  private async readForUnknown(): Promise<void> {
    const gapMs = this.options.unknownKeyGapMs ?? UNKNOWN_KEY_REREAD_GAP_MS;
    // Always awaited (even for 0 ms), so nextForUnknown is set before it is cleared below.
    await this.sleep(Math.max(0, this.lastForUnknownAt + gapMs - this.clock()));
    // A read under way started before some of the requests waiting here: wait it out.
    while (this.inFlight !== undefined) await this.inFlight.done;
    // Requests arriving from now on need a read that starts after them: the next one.
    this.nextForUnknown = undefined;
    this.lastForUnknownAt = this.clock();
    await this.read().done;
  }
}
