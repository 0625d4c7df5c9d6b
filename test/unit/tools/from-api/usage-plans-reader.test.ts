// Converting a deployed usage plan to the emulator's limits for one stage: throttle, method overrides, quota, and plans of other stages.
import { planLimits } from '../../../../tools/from-api/usage-plans-reader';

describe('planLimits', () => {
  it('reads rate, burst, quota and /path/METHOD overrides of the plan on that stage', () => {
    // Arrange
    const plan = {
      id: 'p1',
      throttle: { rateLimit: 2, burstLimit: 4 },
      quota: { limit: 5, period: 'DAY' as const, offset: 0 },
      apiStages: [
        { apiId: 'other', stage: 'v1' },
        {
          apiId: 'api1',
          stage: 'v1',
          throttle: {
            '/orders/{id}/GET': { rateLimit: 10, burstLimit: 20 },
            '/GET': { rateLimit: 1 },
          },
        },
      ],
    };

    // Act
    const limits = planLimits(plan, 'api1', 'v1');

    // Assert
    expect(limits).toEqual({
      throttle: { rateLimit: 2, burstLimit: 4 },
      quota: { limit: 5, period: 'DAY', offset: 0 },
      methodThrottles: {
        'GET /orders/{id}': { rateLimit: 10, burstLimit: 20 },
        'GET /': { rateLimit: 1, burstLimit: 4 },
      },
    });
  });

  it('gives a plan without throttle the account limits, and ignores plans of other stages', () => {
    // Act
    const unthrottled = planLimits({ id: 'p', apiStages: [{ apiId: 'a', stage: 's' }] }, 'a', 's');
    const elsewhere = planLimits({ id: 'p', apiStages: [{ apiId: 'a', stage: 'prod' }] }, 'a', 's');

    // Assert
    expect(unthrottled).toEqual({
      throttle: { rateLimit: 10000, burstLimit: 5000 },
      methodThrottles: {},
    });
    expect(elsewhere).toBeUndefined();
  });
});
