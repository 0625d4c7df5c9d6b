// loadTokenConfig in a multi-Region deployment: SERVICE_REGIONS is loaded with AWS_REGION, the assertion lifetime cap is set, and a DPoP iat past window above 60 s or a clock skew above 30 s stops the cold start.
import type { Env } from '../../../functions/shared/env';
import { loadTokenConfig } from '../../../functions/token/config';

const BASE: Env = {
  ISSUER: 'https://auth.example.com',
  DEFAULT_AUDIENCE: 'https://api.example.com',
  CLIENTS_TABLE: 'clients',
  SIGNING_KEY_ID: 'alias/token',
};
const MULTI: Env = { ...BASE, AWS_REGION: 'us-east-1', SERVICE_REGIONS: 'eu-west-1,us-east-1' };

describe('loadTokenConfig: Regions', () => {
  it('has no Regions and no cap without any Region set (outside Lambda)', () => {
    const config = loadTokenConfig(BASE);
    expect(config.serviceRegions).toBeUndefined();
    expect(config.maxAssertionLifetimeSeconds).toBeUndefined();
  });

  it('single-Region: the own Region, no cap, any DPOP_IAT_PAST_SECONDS up to its maximum', () => {
    const config = loadTokenConfig({
      ...BASE,
      AWS_REGION: 'eu-west-1',
      DPOP_IAT_PAST_SECONDS: '300',
      CLOCK_SKEW_SECONDS: '300',
    });
    expect(config.serviceRegions).toEqual({
      own: 'eu-west-1',
      all: ['eu-west-1'],
      multiRegion: false,
    });
    expect(config.maxAssertionLifetimeSeconds).toBeUndefined();
    expect(config.dpopIatWindow?.pastSeconds).toBe(300);
    expect(config.clockSkewSeconds).toBe(300);
  });

  it('multi-Region: the Regions and the 60 s assertion lifetime cap', () => {
    const config = loadTokenConfig(MULTI);
    expect(config.serviceRegions).toEqual({
      own: 'us-east-1',
      all: ['eu-west-1', 'us-east-1'],
      multiRegion: true,
    });
    expect(config.maxAssertionLifetimeSeconds).toBe(60);
    expect(
      loadTokenConfig({ ...MULTI, DPOP_IAT_PAST_SECONDS: '60' }).dpopIatWindow?.pastSeconds,
    ).toBe(60);
    expect(loadTokenConfig({ ...MULTI, CLOCK_SKEW_SECONDS: '30' }).clockSkewSeconds).toBe(30);
  });

  it.each([
    [
      { ...MULTI, DPOP_IAT_PAST_SECONDS: '61' },
      /DPOP_IAT_PAST_SECONDS must be at most 60 when SERVICE_REGIONS/,
    ],
    [
      { ...MULTI, CLOCK_SKEW_SECONDS: '31' },
      /CLOCK_SKEW_SECONDS must be at most 30 when SERVICE_REGIONS/,
    ],
    [
      { ...MULTI, AWS_REGION: 'ap-south-1' },
      /SERVICE_REGIONS does not list the function's own Region/,
    ],
    [{ ...BASE, SERVICE_REGIONS: 'eu-west-1,us-east-1' }, /AWS_REGION is not set/],
  ])('refuses %j at cold start, naming the variable', (env, message) => {
    expect(() => loadTokenConfig(env)).toThrow(message);
  });
});
