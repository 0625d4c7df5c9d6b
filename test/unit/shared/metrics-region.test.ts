// Multi-Region metrics: each EMF line also publishes its metrics under each dimension set plus `region`, for stored and single metrics alike, with real Powertools Metrics.
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  addRegionDimensionSets,
  withRegionDimensionSets,
} from '../../../functions/shared/metrics-region';
import { captureEmf, type EmfLine } from '../../support/emf';

const published = (run: (metrics: Metrics) => void, region?: string): EmfLine[] => {
  const emf = captureEmf();
  try {
    const plain = new Metrics({ namespace: 'Test', serviceName: 'svc' });
    run(region === undefined ? plain : addRegionDimensionSets(plain, region));
    return [...emf.lines];
  } finally {
    emf.restore();
  }
};

describe('withRegionDimensionSets', () => {
  it('adds each set plus region after the sets, and the region member', () => {
    // Arrange
    const line = {
      _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['service']] }] },
      service: 'svc',
      Count: 1,
    };

    // Act
    const out = withRegionDimensionSets(line, 'eu-west-1');

    // Assert
    expect(out).toEqual({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['service'], ['service', 'region']] }],
      },
      service: 'svc',
      Count: 1,
      region: 'eu-west-1',
    });
    expect(line._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
  });
});

describe('addRegionDimensionSets', () => {
  it('publishes stored metrics under [service] and [service, region]', () => {
    const lines = published((m) => {
      m.addMetric('TokensIssued', 'Count', 1);
      m.publishStoredMetrics();
    }, 'us-east-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service'],
      ['service', 'region'],
    ]);
    expect(lines[0]).toMatchObject({ service: 'svc', region: 'us-east-1', TokensIssued: 1 });
  });

  it('publishes a single metric with a second dimension under it and under it plus region', () => {
    const lines = published((m) => {
      m.singleMetric()
        .addDimension('kind', 'assertion')
        .addMetric('JtiSeenInOtherRegion', 'Count', 1);
    }, 'us-east-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'kind'],
      ['service', 'kind', 'region'],
    ]);
    expect(lines[0]).toMatchObject({ kind: 'assertion', region: 'us-east-1' });
  });

  it('leaves an object it was not applied to as it was (single-Region: the exact sets)', () => {
    const lines = published((m) => {
      m.addMetric('TokensIssued', 'Count', 1);
      m.publishStoredMetrics();
    });
    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(lines[0]).not.toHaveProperty('region');
  });
});
