// The handler in front of the decision handler: it waits for the configuration, refuses with exactly "Unauthorized" without one, builds the decision handler once, then delegates.
import type { AuthorizerPolicy } from '../../../functions/authorizer/core/config-document';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import { createConfiguredHandler } from '../../../functions/authorizer/configured-handler';
import type { AuthorizerHandler } from '../../../functions/authorizer/create-handler';
import { AUDIENCE, ISSUER, makeKeys, SKEW } from '../../support/jwt-fixtures';

const POLICY: AuthorizerPolicy = { keys: makeKeys().trusted, routes: parseRouteMap({}) };
const SETTINGS = { issuer: ISSUER, audience: AUDIENCE, clockSkewSeconds: SKEW };
const EVENT = { type: 'REQUEST' } as never;
const ALLOW = { principalId: 'c', policyDocument: { Version: '2012-10-17', Statement: [] } };

describe('createConfiguredHandler', () => {
  it('builds the decision handler once, from the loaded policy, and delegates every call to it', async () => {
    // Arrange
    const decide = jest.fn(() => Promise.resolve(ALLOW)) as unknown as AuthorizerHandler;
    const build = jest.fn(() => decide);
    const loadPolicy = jest.fn(() => Promise.resolve(POLICY));
    const clock = () => 0;
    const handler = createConfiguredHandler({ config: SETTINGS, loadPolicy, build, clock });

    // Act
    const results = await Promise.all([handler(EVENT), handler(EVENT)]);
    await handler(EVENT);

    // Assert
    expect(results).toEqual([ALLOW, ALLOW]);
    expect(build).toHaveBeenCalledTimes(1);
    // The settings and the policy make the configuration; other dependencies pass through.
    expect(build).toHaveBeenCalledWith({ config: { ...SETTINGS, ...POLICY }, clock });
    expect(decide).toHaveBeenCalledTimes(3);
    // Once built, the loader is not asked again.
    expect(loadPolicy).toHaveBeenCalledTimes(2);
  });

  it('refuses with exactly Error("Unauthorized") and logs the reason while there is no configuration', async () => {
    // Arrange
    const logger = { warn: jest.fn() };
    const build = jest.fn();
    const handler = createConfiguredHandler({
      config: SETTINGS,
      loadPolicy: () => Promise.resolve(undefined),
      build,
      logger,
    });

    // Act
    const error = await handler(EVENT).catch((e: unknown) => e);

    // Assert
    expect(error).toEqual(new Error('Unauthorized'));
    expect(build).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith('Token rejected', {
      reason: 'ConfigurationUnavailable',
    });
  });

  it('counts a refusal without configuration as unauthorized, reason configuration_unavailable', async () => {
    // Arrange
    const metrics = {
      decision: jest.fn(),
      unauthorized: jest.fn(),
      revocationCacheHit: jest.fn(),
      revocationReadFailure: jest.fn(),
    };
    const handler = createConfiguredHandler({
      config: SETTINGS,
      loadPolicy: () => Promise.resolve(undefined),
      metrics,
    });

    // Act
    await handler(EVENT).catch(() => undefined);

    // Assert
    expect(metrics.decision).toHaveBeenCalledWith('unauthorized');
    expect(metrics.unauthorized).toHaveBeenCalledWith('configuration_unavailable');
  });

  it('builds the real decision handler by default', async () => {
    // Arrange
    const handler = createConfiguredHandler({
      config: SETTINGS,
      loadPolicy: () => Promise.resolve(POLICY),
    });

    // Act / Assert: no Bearer token, so the decision handler refuses
    await expect(handler(EVENT)).rejects.toThrow(/^Unauthorized$/);
  });

  it('refuses when the decision handler cannot be built', async () => {
    // Arrange
    const handler = createConfiguredHandler({
      config: SETTINGS,
      loadPolicy: () => Promise.resolve(POLICY),
      build: () => {
        throw new Error('Invalid configuration: REVOCATION_CHECK is on but no revocation source');
      },
    });

    // Act / Assert
    await expect(handler(EVENT)).rejects.toThrow(/^Unauthorized$/);
  });
});
