// The `region` of used-jti items, and the report of a refused use whose item another Region wrote.
import {
  REGION_ATTRIBUTE,
  regionOfItem,
  reportOtherRegion,
  type OtherRegionUse,
} from '../../../functions/shared/replay-region';

describe('regionOfItem', () => {
  it('reads the S value of the region attribute', () => {
    expect(REGION_ATTRIBUTE).toBe('region');
    expect(regionOfItem({ client_id: { S: 'jti#x' }, region: { S: 'us-east-1' } })).toBe(
      'us-east-1',
    );
  });

  it.each([
    ['no item', undefined],
    ['no attribute (written before items had one)', { client_id: { S: 'jti#x' } }],
    ['not a string', { region: { N: '1' } }],
    ['not an attribute value', { region: 'us-east-1' }],
  ])('is undefined for %s', (_label, item) => {
    expect(regionOfItem(item)).toBeUndefined();
  });
});

describe('reportOtherRegion', () => {
  const use = { kind: 'assertion' as const, region: 'eu-west-1', clientId: 'c1' };

  it('tells the observer when the item names another Region', () => {
    // Arrange
    const seen: OtherRegionUse[] = [];

    // Act
    reportOtherRegion((u) => seen.push(u), use, { region: { S: 'us-east-1' } });

    // Assert
    expect(seen).toEqual([{ ...use, firstRegion: 'us-east-1' }]);
  });

  it.each([
    ['the own Region (a replay within the Region)', { region: { S: 'eu-west-1' } }],
    ['no Region', {}],
    ['no item', undefined],
  ])('tells nothing for an item of %s', (_label, item) => {
    const observer = jest.fn();
    reportOtherRegion(observer, use, item);
    expect(observer).not.toHaveBeenCalled();
  });

  it('does nothing without an observer, and drops what an observer throws', () => {
    expect(() => reportOtherRegion(undefined, use, { region: { S: 'us-east-1' } })).not.toThrow();
    const throwing = jest.fn(() => {
      throw new Error('log sink down');
    });
    expect(() => reportOtherRegion(throwing, use, { region: { S: 'us-east-1' } })).not.toThrow();
    expect(throwing).toHaveBeenCalledTimes(1);
  });
});
