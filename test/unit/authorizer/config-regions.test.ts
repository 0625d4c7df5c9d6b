// loadAuthorizerSettings in a multi-Region deployment: SERVICE_REGIONS is loaded with AWS_REGION, and a DPoP iat past window above 60 s stops the cold start.
import { loadAuthorizerSettings } from '../../../functions/authorizer/config';

const BASE = { ISSUER: 'https://auth.example.com', AUDIENCE: 'https://api.example.com' };
const MULTI = { ...BASE, AWS_REGION: 'eu-west-1', SERVICE_REGIONS: 'eu-west-1,us-east-1' };

describe('loadAuthorizerSettings: Regions', () => {
  it('has no Regions without any Region set (outside Lambda)', () => {
    expect(loadAuthorizerSettings(BASE).serviceRegions).toBeUndefined();
  });

  it('single-Region: the own Region and any DPOP_IAT_PAST_SECONDS up to its maximum', () => {
    const settings = loadAuthorizerSettings({
      ...BASE,
      AWS_REGION: 'us-east-1',
      DPOP_IAT_PAST_SECONDS: '300',
    });
    expect(settings.serviceRegions).toEqual({
      own: 'us-east-1',
      all: ['us-east-1'],
      multiRegion: false,
    });
    expect(settings.dpopIatWindow?.pastSeconds).toBe(300);
  });

  it('multi-Region: the Regions, with a past window of at most 60 s', () => {
    const settings = loadAuthorizerSettings({ ...MULTI, DPOP_IAT_PAST_SECONDS: '60' });
    expect(settings.serviceRegions).toEqual({
      own: 'eu-west-1',
      all: ['eu-west-1', 'us-east-1'],
      multiRegion: true,
    });
    expect(settings.dpopIatWindow?.pastSeconds).toBe(60);
  });

  it.each([
    [
      { ...MULTI, DPOP_IAT_PAST_SECONDS: '120' },
      /DPOP_IAT_PAST_SECONDS must be at most 60 when SERVICE_REGIONS lists more than one Region \(got 120\)/,
    ],
    [{ ...MULTI, SERVICE_REGIONS: 'eu-west-1,eu-west-1' }, /SERVICE_REGIONS lists a Region twice/],
  ])('refuses %j at cold start, naming the variable', (env, message) => {
    expect(() => loadAuthorizerSettings(env)).toThrow(message);
  });
});
