// The Regions both config loaders read at cold start (AWS_REGION and SERVICE_REGIONS), and the multi-Region cap on DPOP_IAT_PAST_SECONDS.
import {
  checkMultiRegionDpopIatPast,
  loadServiceRegions,
  MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX,
} from '../../../functions/shared/regions';

describe('loadServiceRegions', () => {
  it('is undefined when no Region at all is set (tests, the local server)', () => {
    expect(loadServiceRegions({})).toBeUndefined();
    expect(loadServiceRegions({ AWS_REGION: ' ', SERVICE_REGIONS: '' })).toBeUndefined();
  });

  it('is the own Region alone with AWS_REGION (or AWS_DEFAULT_REGION) and no SERVICE_REGIONS', () => {
    expect(loadServiceRegions({ AWS_REGION: 'eu-west-1' })).toEqual({
      own: 'eu-west-1',
      all: ['eu-west-1'],
      multiRegion: false,
    });
    expect(loadServiceRegions({ AWS_DEFAULT_REGION: 'us-east-1' })?.own).toBe('us-east-1');
  });

  it('is multi-Region when SERVICE_REGIONS lists the own Region and another', () => {
    expect(
      loadServiceRegions({ AWS_REGION: 'us-east-1', SERVICE_REGIONS: 'eu-west-1,us-east-1' }),
    ).toEqual({ own: 'us-east-1', all: ['eu-west-1', 'us-east-1'], multiRegion: true });
  });

  it.each([
    [{ SERVICE_REGIONS: 'eu-west-1,us-east-1' }, /^Invalid configuration: AWS_REGION is not set/],
    [{ AWS_REGION: 'EU_WEST_1' }, /^Invalid configuration: .*AWS_REGION/],
    [
      { AWS_REGION: 'ap-south-1', SERVICE_REGIONS: 'eu-west-1,us-east-1' },
      /^Invalid configuration: SERVICE_REGIONS does not list the function's own Region \(ap-south-1\)/,
    ],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadServiceRegions(env)).toThrow(message);
  });
});

describe('checkMultiRegionDpopIatPast', () => {
  const multi = { own: 'eu-west-1', all: ['eu-west-1', 'us-east-1'], multiRegion: true };
  const single = { own: 'eu-west-1', all: ['eu-west-1'], multiRegion: false };

  it('lets any window through in a single-Region deployment', () => {
    expect(() => checkMultiRegionDpopIatPast(undefined, 300)).not.toThrow();
    expect(() => checkMultiRegionDpopIatPast(single, 300)).not.toThrow();
  });

  it('lets a window of at most 60 s through in a multi-Region deployment', () => {
    expect(MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX).toBe(60);
    expect(() => checkMultiRegionDpopIatPast(multi, 60)).not.toThrow();
  });

  it('refuses a longer one, naming DPOP_IAT_PAST_SECONDS and SERVICE_REGIONS', () => {
    expect(() => checkMultiRegionDpopIatPast(multi, 61)).toThrow(
      /^Invalid configuration: DPOP_IAT_PAST_SECONDS must be at most 60 when SERVICE_REGIONS lists more than one Region \(got 61\)/,
    );
  });
});
