// The emulator's usage plans: the plans file, quota periods, the token bucket per key and method, quotas, and the 403/429 answers through handle().
import fc from 'fast-check';
import { ApiGatewayEmulator } from '../../../../tools/gateway/emulator';
import type {
  ApiDefinition,
  GatewayRequest,
  TokenAuthorizerHandler,
} from '../../../../tools/gateway/types';
import {
  parseUsagePlans,
  quotaPeriodStart,
  UsagePlanEnforcer,
  UsagePlansFileError,
  type UsageKeyBinding,
  type UsagePlanLimits,
} from '../../../../tools/gateway/usage-plans';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0); // a Tuesday
const KEY = 'k'.repeat(40);

const plan = (
  rateLimit: number,
  burstLimit: number,
  extra: Partial<UsagePlanLimits> = {},
): UsagePlanLimits => ({
  throttle: { rateLimit, burstLimit },
  methodThrottles: {},
  ...extra,
});

function sourceOf(bindings: Record<string, UsageKeyBinding>) {
  return { lookup: (value: string) => bindings[value] };
}

describe('parseUsagePlans', () => {
  it('reads the Terraform usage_plans shape, bare or wrapped with a default plan', () => {
    // Arrange
    const plans = {
      bronze: { rate_limit: 2, burst_limit: 2, quota: { limit: 5, period: 'DAY' } },
      gold: {
        rate_limit: 100,
        burst_limit: 200,
        quota: { limit: 1000, period: 'WEEK', offset: 1 },
        method_throttles: { 'GET /orders/{id}': { rate_limit: 10, burst_limit: 20 } },
      },
    };

    // Act
    const bare = parseUsagePlans(plans);
    const wrapped = parseUsagePlans({ usage_plans: plans, default_usage_plan: 'bronze' });

    // Assert
    expect(bare.defaultPlan).toBeUndefined();
    expect(bare.plans.bronze).toEqual({
      throttle: { rateLimit: 2, burstLimit: 2 },
      quota: { limit: 5, period: 'DAY', offset: 0 },
      methodThrottles: {},
    });
    expect(bare.plans.gold?.methodThrottles['GET /orders/{id}']).toEqual({
      rateLimit: 10,
      burstLimit: 20,
    });
    expect(wrapped.defaultPlan).toBe('bronze');
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /JSON object of plans/],
    ['wrapped non-object', { usage_plans: 1 }, /usage_plans must be an object/],
    ['bad name', { 'a b': { rate_limit: 1, burst_limit: 1 } }, /plan name "a b"/],
    ['plan not an object', { p: 1 }, /p must be an object/],
    ['zero rate', { p: { rate_limit: 0, burst_limit: 1 } }, /p\.rate_limit/],
    ['fractional burst', { p: { rate_limit: 1, burst_limit: 1.5 } }, /p\.burst_limit/],
    [
      'quota not an object',
      { p: { rate_limit: 1, burst_limit: 1, quota: 5 } },
      /p\.quota must be an object/,
    ],
    [
      'quota zero',
      { p: { rate_limit: 1, burst_limit: 1, quota: { limit: 0, period: 'DAY' } } },
      /quota\.limit/,
    ],
    [
      'quota period',
      { p: { rate_limit: 1, burst_limit: 1, quota: { limit: 1, period: 'YEAR' } } },
      /quota\.period/,
    ],
    [
      'quota offset',
      { p: { rate_limit: 1, burst_limit: 1, quota: { limit: 1, period: 'WEEK', offset: 7 } } },
      /quota\.offset/,
    ],
    [
      'method map',
      { p: { rate_limit: 1, burst_limit: 1, method_throttles: [] } },
      /method_throttles must be an object/,
    ],
    [
      'method key',
      {
        p: {
          rate_limit: 1,
          burst_limit: 1,
          method_throttles: { 'ANY /x': { rate_limit: 1, burst_limit: 1 } },
        },
      },
      /"ANY \/x"/,
    ],
    [
      'method limits',
      {
        p: {
          rate_limit: 1,
          burst_limit: 1,
          method_throttles: { 'GET /x': { rate_limit: 1, burst_limit: 0 } },
        },
      },
      /GET \/x"\]\.burst_limit/,
    ],
    ['unknown default', { usage_plans: {}, default_usage_plan: 'gold' }, /default_usage_plan/],
  ])('rejects %s with a message naming the field', (_name, json, message) => {
    // Act / Assert
    expect(() => parseUsagePlans(json)).toThrow(UsagePlansFileError);
    expect(() => parseUsagePlans(json)).toThrow(message);
  });
});

describe('quotaPeriodStart', () => {
  it('starts days at 00:00 UTC, weeks on Sunday plus the offset, months on day 1 plus the offset', () => {
    // Act / Assert
    expect(quotaPeriodStart({ period: 'DAY', offset: 0 }, T0)).toBe(Date.UTC(2026, 11, 1));
    expect(quotaPeriodStart({ period: 'WEEK', offset: 0 }, T0)).toBe(Date.UTC(2026, 10, 29)); // Sunday
    expect(quotaPeriodStart({ period: 'WEEK', offset: 1 }, T0)).toBe(Date.UTC(2026, 10, 30)); // Monday
    expect(quotaPeriodStart({ period: 'WEEK', offset: 3 }, T0)).toBe(Date.UTC(2026, 10, 25)); // last Wednesday
    expect(quotaPeriodStart({ period: 'MONTH', offset: 0 }, T0)).toBe(Date.UTC(2026, 11, 1));
    expect(quotaPeriodStart({ period: 'MONTH', offset: 4 }, T0)).toBe(Date.UTC(2026, 10, 5));
  });

  it('property: the start is never after now and less than one period before it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom('DAY', 'WEEK', 'MONTH'),
        fc.integer({ min: 0, max: 27 }),
        (now, period, rawOffset) => {
          const offset = period === 'DAY' ? 0 : period === 'WEEK' ? rawOffset % 7 : rawOffset;
          const start = quotaPeriodStart({ period, offset }, now);
          const longest = { DAY: 1, WEEK: 7, MONTH: 31 }[period] * 86_400_000;
          return start <= now && now - start < longest;
        },
      ),
    );
  });
});

describe('UsagePlanEnforcer', () => {
  let now = T0;
  const clock = (): number => now;
  beforeEach(() => {
    now = T0;
  });

  it('admits a burst of burst_limit at once, then refills at rate_limit per second', async () => {
    // Arrange
    const enforcer = new UsagePlanEnforcer(
      sourceOf({ [KEY]: { planId: 'p', plan: plan(2, 2), enabled: true } }),
      clock,
    );

    // Act
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await enforcer.admit(KEY, 'GET', '/hello'));
    now += 499;
    const early = await enforcer.admit(KEY, 'GET', '/hello');
    now += 1;
    const refilled = await enforcer.admit(KEY, 'GET', '/hello');

    // Assert
    expect(burst).toEqual(['ok', 'ok', 'THROTTLED']);
    expect(early).toBe('THROTTLED');
    expect(refilled).toBe('ok');
  });

  it('keeps one bucket per key and method, and applies method overrides', async () => {
    // Arrange
    const other = 'o'.repeat(40);
    const limits = plan(1, 1, {
      methodThrottles: { 'GET /orders/{id}': { rateLimit: 1, burstLimit: 3 } },
    });
    const enforcer = new UsagePlanEnforcer(
      sourceOf({
        [KEY]: { planId: 'p', plan: limits, enabled: true },
        [other]: { planId: 'p', plan: limits, enabled: true },
      }),
      clock,
    );

    // Act
    const hello = [
      await enforcer.admit(KEY, 'GET', '/hello'),
      await enforcer.admit(KEY, 'GET', '/hello'),
    ];
    const post = await enforcer.admit(KEY, 'POST', '/hello');
    const otherKey = await enforcer.admit(other, 'GET', '/hello');
    const orders = [];
    for (let i = 0; i < 4; i++) orders.push(await enforcer.admit(KEY, 'GET', '/orders/{id}'));

    // Assert
    expect(hello).toEqual(['ok', 'THROTTLED']);
    expect(post).toBe('ok');
    expect(otherKey).toBe('ok');
    expect(orders).toEqual(['ok', 'ok', 'ok', 'THROTTLED']);
  });

  it('counts a quota across methods per period and answers QUOTA_EXCEEDED past it, until the next period', async () => {
    // Arrange
    const limits = plan(100, 100, { quota: { limit: 5, period: 'DAY', offset: 0 } });
    const enforcer = new UsagePlanEnforcer(
      sourceOf({ [KEY]: { planId: 'p', plan: limits, enabled: true } }),
      clock,
    );

    // Act
    const verdicts = [];
    for (let i = 0; i < 6; i++)
      verdicts.push(await enforcer.admit(KEY, i % 2 ? 'GET' : 'POST', '/hello'));
    const used = enforcer.used('p', KEY);
    now = Date.UTC(2026, 11, 2);
    const nextDay = await enforcer.admit(KEY, 'GET', '/hello');

    // Assert
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'QUOTA_EXCEEDED']);
    expect(used).toBe(5);
    expect(nextDay).toBe('ok');
  });

  it('a throttled request does not use quota', async () => {
    // Arrange
    const limits = plan(1, 1, { quota: { limit: 2, period: 'DAY', offset: 0 } });
    const enforcer = new UsagePlanEnforcer(
      sourceOf({ [KEY]: { planId: 'p', plan: limits, enabled: true } }),
      clock,
    );

    // Act
    await enforcer.admit(KEY, 'GET', '/hello');
    const throttled = await enforcer.admit(KEY, 'GET', '/hello');
    now += 1000;
    const second = await enforcer.admit(KEY, 'GET', '/hello');

    // Assert
    expect(throttled).toBe('THROTTLED');
    expect(second).toBe('ok');
    expect(enforcer.used('p', KEY)).toBe(2);
  });

  it('answers INVALID_API_KEY without a key, for a key in no plan, and for a disabled key', async () => {
    // Arrange
    const disabled = 'd'.repeat(40);
    const enforcer = new UsagePlanEnforcer(
      sourceOf({ [disabled]: { planId: 'p', plan: plan(10, 10), enabled: false } }),
      clock,
    );

    // Act / Assert
    expect(await enforcer.admit(undefined, 'GET', '/hello')).toBe('INVALID_API_KEY');
    expect(await enforcer.admit('', 'GET', '/hello')).toBe('INVALID_API_KEY');
    expect(await enforcer.admit(KEY, 'GET', '/hello')).toBe('INVALID_API_KEY');
    expect(await enforcer.admit(disabled, 'GET', '/hello')).toBe('INVALID_API_KEY');
  });

  it('applies new plan limits on the next request after the source reports them', async () => {
    // Arrange
    const bindings: Record<string, UsageKeyBinding> = {
      [KEY]: { planId: 'small', plan: plan(1, 1), enabled: true },
    };
    const enforcer = new UsagePlanEnforcer(sourceOf(bindings), clock);
    await enforcer.admit(KEY, 'GET', '/hello');

    // Act
    const before = await enforcer.admit(KEY, 'GET', '/hello');
    bindings[KEY] = { planId: 'big', plan: plan(100, 50), enabled: true };
    const after = [];
    for (let i = 0; i < 50; i++) after.push(await enforcer.admit(KEY, 'GET', '/hello'));

    // Assert
    expect(before).toBe('THROTTLED');
    expect(after.every((v) => v === 'ok')).toBe(true);
  });

  it('property: over any schedule, admitted requests never exceed burst + rate x elapsed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 80 }),
        async (rate, burst, gaps) => {
          let t = T0;
          const enforcer = new UsagePlanEnforcer(
            sourceOf({ [KEY]: { planId: 'p', plan: plan(rate, burst), enabled: true } }),
            () => t,
          );
          let admitted = 0;
          for (const gap of gaps) {
            t += gap;
            if ((await enforcer.admit(KEY, 'GET', '/x')) === 'ok') admitted += 1;
          }
          return admitted <= burst + (rate * (t - T0)) / 1000;
        },
      ),
    );
  });
});

describe('ApiGatewayEmulator with usage plans', () => {
  const API = { restApiId: 'abc123', stage: 'dev', region: 'eu-west-1', accountId: '111122223333' };
  const authorizer: TokenAuthorizerHandler = async (event) => ({
    principalId: 'c1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          Resource: `${event.methodArn.split('/')[0]}/*`,
        },
      ],
    },
    context: {},
    ...(event.authorizationToken === 'Bearer keyed' ? { usageIdentifierKey: KEY } : {}),
    ...(event.authorizationToken === 'Bearer junk' ? { usageIdentifierKey: 7 } : {}),
  });
  const backend = jest.fn(async () => ({ statusCode: 200, body: '{}' }));

  function emulator(withPlans = true) {
    const api: ApiDefinition = {
      ...API,
      routes: [
        {
          method: 'GET',
          resourcePath: '/metered',
          authorization: 'CUSTOM',
          authorizerId: 'auth',
          apiKeyRequired: true,
          integration: { type: 'lambda-proxy', handler: backend },
        },
        {
          method: 'GET',
          resourcePath: '/free',
          authorization: 'CUSTOM',
          authorizerId: 'auth',
          integration: { type: 'lambda-proxy', handler: backend },
        },
      ],
      authorizers: { auth: { name: 'auth', handler: authorizer, resultTtlSeconds: 0 } },
    };
    const plans = sourceOf({
      [KEY]: {
        planId: 'p',
        plan: plan(1, 2, { quota: { limit: 3, period: 'DAY', offset: 0 } }),
        enabled: true,
      },
    });
    return new ApiGatewayEmulator(api, {
      clock: () => T0,
      ...(withPlans ? { usagePlans: plans } : {}),
    });
  }
  const get = (path: string, token: string, extra: string[] = []): GatewayRequest => ({
    method: 'GET',
    url: `/dev${path}`,
    rawHeaders: ['Authorization', `Bearer ${token}`, ...extra],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
  });
  const json = (body: Buffer): unknown => JSON.parse(body.toString('utf8'));

  it('meters the key the authorizer returned: 429 Too Many Requests past the burst', async () => {
    // Arrange
    const gateway = emulator();

    // Act
    const statuses = [];
    let last;
    for (let i = 0; i < 3; i++) {
      last = await gateway.handle(get('/metered', 'keyed'));
      statuses.push(last.statusCode);
    }

    // Assert
    expect(statuses).toEqual([200, 200, 429]);
    expect(json(last!.body)).toEqual({ message: 'Too Many Requests' });
  });

  it('answers 403 Forbidden when the authorizer gives no key, even with an x-api-key header', async () => {
    // Arrange
    const gateway = emulator();
    backend.mockClear();

    // Act
    const result = await gateway.handle(get('/metered', 'plain', ['x-api-key', KEY]));
    const free = await gateway.handle(get('/free', 'plain'));

    // Assert
    expect(result.statusCode).toBe(403);
    expect(json(result.body)).toEqual({ message: 'Forbidden' });
    expect(free.statusCode).toBe(200);
    expect(backend).toHaveBeenCalledTimes(1);
  });

  it('answers 429 Limit Exceeded past the quota', async () => {
    // Arrange
    let now = T0;
    const api = emulator();
    const gateway = new ApiGatewayEmulator(api.api, {
      clock: () => (now += 1000),
      usagePlans: sourceOf({
        [KEY]: {
          planId: 'p',
          plan: plan(1, 2, { quota: { limit: 3, period: 'DAY', offset: 0 } }),
          enabled: true,
        },
      }),
    });

    // Act
    const statuses = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await gateway.handle(get('/metered', 'keyed'));
      statuses.push(last.statusCode);
    }

    // Assert
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(json(last!.body)).toEqual({ message: 'Limit Exceeded' });
  });

  it('answers 403 on metered routes when the stage has no usage plans, and 500 for a non-string key', async () => {
    // Arrange
    const gateway = emulator(false);

    // Act
    const metered = await gateway.handle(get('/metered', 'keyed'));
    const junk = await emulator().handle(get('/metered', 'junk'));

    // Assert
    expect(metered.statusCode).toBe(403);
    expect(junk.statusCode).toBe(500);
  });
});
