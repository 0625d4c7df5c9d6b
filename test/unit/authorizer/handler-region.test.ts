// The authorizer in a multi-Region deployment, as handler.ts builds it: every log line carries region, every metric is also published under its set plus region, and a cross-Region proof replay is logged and counted.
import { generateKeyPairSync } from 'node:crypto';
import {
  guardedMetrics,
  lazyMetrics,
  reportJtiSeenInOtherRegion,
  type AuthorizerMetrics,
} from '../../../functions/authorizer/metrics';
import { createEmfAuthorizerMetrics } from '../../../functions/authorizer/metrics-emf';
import { captureEmf, type EmfCapture } from '../../support/emf';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ format: 'pem', type: 'spki' })
  .toString();
const request = {
  type: 'REQUEST',
  methodArn: 'x',
  httpMethod: 'GET',
  resource: '/',
  headers: { Authorization: 'Basic x' },
} as never;

describe('authorizer handler module, multi-Region', () => {
  const saved = { ...process.env };
  let capture: EmfCapture;
  beforeEach(() => {
    Object.assign(process.env, {
      ISSUER: 'https://a.example',
      AUDIENCE: 'api',
      PUBLIC_KEYS_PEM: JSON.stringify([pem]),
      POWERTOOLS_SERVICE_NAME: 'auth-authorizer',
      POWERTOOLS_METRICS_NAMESPACE: 'Auth',
      AWS_REGION: 'us-east-1',
      SERVICE_REGIONS: 'eu-west-1,us-east-1',
      LOG_LEVEL: 'WARN',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    capture = captureEmf();
  });
  afterEach(() => {
    capture.restore();
    process.env = { ...saved };
    jest.resetModules();
  });

  it('logs each rejection with region, and publishes each metric under its set and its set plus region', async () => {
    // Arrange
    const { handler } = await import('../../../functions/authorizer/handler');

    // Act
    await expect(handler(request)).rejects.toThrow('Unauthorized');

    // Assert
    const lines = capture.other.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'Token rejected',
        region: 'us-east-1',
      }),
    ]);
    expect(capture.lines.map((l) => [l._aws.CloudWatchMetrics[0]?.Dimensions, l.region])).toEqual([
      [
        [
          ['service', 'decision'],
          ['service', 'decision', 'region'],
        ],
        'us-east-1',
      ],
      [
        [
          ['service', 'reason'],
          ['service', 'reason', 'region'],
        ],
        'us-east-1',
      ],
    ]);
  });

  it('single-Region (no SERVICE_REGIONS): region on the log lines, the exact metric sets', async () => {
    // Arrange
    delete process.env.SERVICE_REGIONS;
    const { handler } = await import('../../../functions/authorizer/handler');

    // Act
    await expect(handler(request)).rejects.toThrow('Unauthorized');

    // Assert
    const lines = capture.other.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.region)).toEqual(['us-east-1']);
    expect(capture.lines.map((l) => l._aws.CloudWatchMetrics[0]?.Dimensions)).toEqual([
      [['service', 'decision']],
      [['service', 'reason']],
    ]);
    expect(capture.lines.every((l) => !('region' in l))).toBe(true);
  });

  it('refuses a DPOP_IAT_PAST_SECONDS above 60 at load, naming it and SERVICE_REGIONS', async () => {
    process.env.DPOP_IAT_PAST_SECONDS = '90';
    await expect(import('../../../functions/authorizer/handler')).rejects.toThrow(
      /DPOP_IAT_PAST_SECONDS must be at most 60 when SERVICE_REGIONS/,
    );
  });
});

describe('authorizer reportJtiSeenInOtherRegion', () => {
  it('warns with the kind and the first Region, and counts JtiSeenInOtherRegion', () => {
    // Arrange
    const capture = captureEmf();
    const warn = jest.fn();
    const metrics = createEmfAuthorizerMetrics({
      namespace: 'Auth',
      serviceName: 's',
      region: 'us-east-1',
    });

    // Act
    try {
      reportJtiSeenInOtherRegion(
        { warn },
        guardedMetrics(lazyMetrics(() => metrics)),
      )({
        kind: 'dpop_authorizer',
        region: 'us-east-1',
        firstRegion: 'eu-west-1',
      });
    } finally {
      capture.restore();
    }

    // Assert
    expect(warn).toHaveBeenCalledWith('jti_seen_in_other_region', {
      kind: 'dpop_authorizer',
      firstRegion: 'eu-west-1',
    });
    expect(capture.lines).toEqual([
      expect.objectContaining({
        kind: 'dpop_authorizer',
        region: 'us-east-1',
        JtiSeenInOtherRegion: 1,
      }),
    ]);
  });

  it('only warns without metrics, or with metrics that do not record it', () => {
    const warn = jest.fn();
    const partial: AuthorizerMetrics = {
      decision: () => undefined,
      unauthorized: () => undefined,
      revocationCacheHit: () => undefined,
      revocationReadFailure: () => undefined,
    };
    const use = { kind: 'dpop_authorizer' as const, region: 'a-b-1', firstRegion: 'c-d-1' };
    reportJtiSeenInOtherRegion({ warn }, undefined)(use);
    reportJtiSeenInOtherRegion({ warn }, guardedMetrics(lazyMetrics(() => partial)))(use);
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
