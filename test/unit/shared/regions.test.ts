import { serviceRegions } from '../../../functions/shared/regions';

describe('serviceRegions', () => {
  it('is single-Region when SERVICE_REGIONS is unset or blank', () => {
    expect(serviceRegions({}, 'eu-west-1')).toEqual({
      own: 'eu-west-1',
      all: ['eu-west-1'],
      multiRegion: false,
    });
    expect(serviceRegions({ SERVICE_REGIONS: '  ' }, 'eu-west-1').multiRegion).toBe(false);
  });

  it('keeps the configured order and is multi-Region with two or more', () => {
    const regions = serviceRegions({ SERVICE_REGIONS: 'us-east-1, eu-west-1' }, 'eu-west-1');
    expect(regions).toEqual({
      own: 'eu-west-1',
      all: ['us-east-1', 'eu-west-1'],
      multiRegion: true,
    });
  });

  it('accepts a list of the own Region alone as single-Region', () => {
    expect(serviceRegions({ SERVICE_REGIONS: 'us-gov-west-1' }, 'us-gov-west-1').multiRegion).toBe(
      false,
    );
  });

  it.each([
    ['eu-west-1,', 'holds "", not a Region name'],
    ['eu-west-1,EU-WEST-2', 'holds "EU-WEST-2", not a Region name'],
    ['eu-west-1,dynamodb.example.com', 'holds "dynamodb.example.com", not a Region name'],
    ['eu-west-1,eu-west-1', 'lists a Region twice'],
    ['us-east-1,us-west-2', "does not list the function's own Region (eu-west-1)"],
  ])('refuses %j, naming SERVICE_REGIONS', (value, problem) => {
    expect(() => serviceRegions({ SERVICE_REGIONS: value }, 'eu-west-1')).toThrow(
      `Invalid configuration: SERVICE_REGIONS ${problem}`,
    );
  });
});
