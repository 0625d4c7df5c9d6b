// The replay watcher as handler.ts builds it from the environment: a double use is one warn line with region and one JtiUsedInTwoRegions EMF line (service + kind, and multi-Region also + region); a batch with nothing to report writes nothing.
import { REPLAY_KINDS } from '../../../functions/shared/replay-region';
import { captureEmf, emittedMetrics, type EmfCapture } from '../../support/emf';
import { MULTI_REGION_SECTIONS, readMetricContract } from '../../support/metric-contract';

const A = 'eu-west-1';
const B = 'us-east-1';

const doubleUse = {
  eventID: 'e1',
  eventName: 'MODIFY',
  dynamodb: {
    Keys: { client_id: { S: 'dpopjti#k' } },
    OldImage: {
      client_id: { S: 'dpopjti#k' },
      region: { S: A },
      expires_at: { N: '2000000065' },
      used_at: { N: '2000000000' },
    },
    NewImage: {
      client_id: { S: 'dpopjti#k' },
      region: { S: B },
      expires_at: { N: '2000000066' },
      used_at: { N: '2000000001' },
    },
  },
};

describe('replay-watch handler module', () => {
  const saved = { ...process.env };
  let capture: EmfCapture;
  const load = async (env: Record<string, string | undefined>) => {
    process.env = { ...saved, ...env };
    for (const [name, value] of Object.entries(env))
      if (value === undefined) delete process.env[name];
    return import('../../../functions/replay-watch/handler');
  };
  beforeEach(() => {
    capture = captureEmf();
  });
  afterEach(() => {
    capture.restore();
    process.env = { ...saved };
    jest.resetModules();
  });

  const base = {
    AWS_REGION: A,
    POWERTOOLS_SERVICE_NAME: 'auth-replay-watch',
    POWERTOOLS_METRICS_NAMESPACE: 'Auth',
    LOG_LEVEL: 'WARN',
  };

  it('logs the detection with the own Region and publishes JtiUsedInTwoRegions under service + kind and + region', async () => {
    // Arrange
    const { handler, METRIC_NAME } = await load(base);

    // Act
    const summary = await handler({ Records: [doubleUse, doubleUse] });

    // Assert
    expect(summary.doubleUses).toHaveLength(2);
    const logs = capture.other.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({
      level: 'WARN',
      message: 'jti_used_in_two_regions',
      service: 'auth-replay-watch',
      region: A,
      kind: 'dpop_authorizer',
      firstRegion: A,
      secondRegion: B,
      expiresAt: 2000000065,
      itemKey: 'dpopjti#k',
    });
    expect(capture.lines).toHaveLength(2);
    expect(capture.lines[0]).toMatchObject({
      service: 'auth-replay-watch',
      kind: 'dpop_authorizer',
      region: A,
      [METRIC_NAME]: 1,
    });
    expect(capture.lines[0]?._aws.CloudWatchMetrics[0]?.Namespace).toBe('Auth');
    expect(capture.lines[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'kind'],
      ['service', 'kind', 'region'],
    ]);
  });

  it('writes JtiUsedInTwoRegions as its row of docs/metrics.md says: unit, dimension sets and every kind', async () => {
    // Arrange: a detection of each kind.
    const row = readMetricContract(undefined, MULTI_REGION_SECTIONS).find(
      (m) => m.fn === 'replay-watch',
    );
    const { handler } = await load(base);
    const ofKind = (kind: string) => {
      const key = kind === 'dpop_authorizer' ? 'dpopjti#k' : 'jti#k';
      const withKind = (image: Record<string, unknown>) => ({
        ...image,
        client_id: { S: key },
        kind: { S: kind },
      });
      return {
        ...doubleUse,
        dynamodb: {
          Keys: { client_id: { S: key } },
          OldImage: withKind(doubleUse.dynamodb.OldImage),
          NewImage: withKind(doubleUse.dynamodb.NewImage),
        },
      };
    };

    // Act
    await handler({ Records: REPLAY_KINDS.map(ofKind) });

    // Assert
    expect(row).toMatchObject({
      name: 'JtiUsedInTwoRegions',
      unit: 'Count',
      dimensions: ['service', 'kind'],
    });
    expect([...(row?.values ?? [])].sort()).toEqual([...REPLAY_KINDS].sort());
    const metrics = emittedMetrics(capture.lines);
    expect(metrics.map((m) => [m.name, m.unit, m.dimensionSets])).toEqual(
      REPLAY_KINDS.map(() => [
        row?.name,
        row?.unit,
        [row?.dimensions, [...(row?.dimensions ?? []), 'region']],
      ]),
    );
    expect(capture.lines.map((l) => l.kind)).toEqual([...REPLAY_KINDS]);
  });

  it('logs a malformed record at ERROR with the Region, and counts nothing for it', async () => {
    const { handler } = await load(base);
    await handler({ Records: [{ eventName: 'MODIFY', dynamodb: {} }] });
    expect(capture.lines).toEqual([]);
    const logs = capture.other.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'replay_watch_record_skipped',
        reason: 'no_key',
        region: A,
      }),
    ]);
  });

  it('logs but publishes nothing without POWERTOOLS_METRICS_NAMESPACE, and defaults the service name', async () => {
    const { handler } = await load({
      ...base,
      POWERTOOLS_METRICS_NAMESPACE: undefined,
      POWERTOOLS_SERVICE_NAME: undefined,
    });
    await handler({ Records: [doubleUse] });
    expect(capture.lines).toEqual([]);
    expect(JSON.parse(capture.other[0] as string)).toMatchObject({ service: 'replay-watch' });
  });

  it('writes nothing for a batch with nothing to report', async () => {
    const { handler } = await load(base);
    await handler({ Records: [{ ...doubleUse, eventName: 'INSERT' }] });
    expect([capture.lines, capture.other]).toEqual([[], []]);
  });

  it.each([
    ['without AWS_REGION', { AWS_REGION: undefined }, 'AWS_REGION is not set'],
    ['with an empty AWS_REGION', { AWS_REGION: ' ' }, 'AWS_REGION is not set'],
    [
      'with an AWS_REGION that is no Region name',
      { AWS_REGION: 'EU West' },
      'AWS_REGION is not a Region name',
    ],
  ])('refuses to start %s, naming the variable', async (_label, env, message) => {
    await expect(load({ ...base, ...env })).rejects.toThrow(message);
  });
});
