// The replay watcher's batch: one log line and one count per double use, a logged skip per malformed record, and nothing thrown, whatever the logger or metrics do.
import {
  DETECTION_MESSAGE,
  MALFORMED_MESSAGE,
  watchRecords,
  type WatchLogger,
  type WatchMetrics,
} from '../../../../functions/replay-watch/core/watch';
import type { ReplayKind } from '../../../../functions/shared/replay-region';

const A = 'eu-west-1';
const B = 'us-east-1';

const modify = (key: string, oldRegion: string, newRegion: string, kind?: string) => ({
  eventID: `e-${key}`,
  eventName: 'MODIFY',
  dynamodb: {
    Keys: { client_id: { S: key } },
    OldImage: {
      client_id: { S: key },
      region: { S: oldRegion },
      expires_at: { N: '1060' },
      used_at: { N: '1000' },
      ...(kind === undefined ? {} : { kind: { S: kind } }),
    },
    NewImage: {
      client_id: { S: key },
      region: { S: newRegion },
      expires_at: { N: '1065' },
      used_at: { N: '1005' },
      ...(kind === undefined ? {} : { kind: { S: kind } }),
    },
  },
});

function recorder() {
  const lines: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  const counted: ReplayKind[] = [];
  const logger: WatchLogger = {
    warn: (message, attributes) => lines.push({ level: 'warn', message, attributes }),
    error: (message, attributes) => lines.push({ level: 'error', message, attributes }),
  };
  const metrics: WatchMetrics = { jtiUsedInTwoRegions: (kind) => counted.push(kind) };
  return { lines, counted, logger, metrics };
}

describe('watchRecords', () => {
  it('logs and counts each double use, skips a malformed record with a log line, and ignores the rest quietly', () => {
    // Arrange
    const { lines, counted, logger, metrics } = recorder();
    const event = {
      Records: [
        modify('jti#k1', A, B, 'assertion'),
        modify('dpopjti#k2', B, A),
        modify('jti#k3', A, A, 'assertion'),
        { eventID: 'bad', eventName: 'MODIFY', dynamodb: { Keys: {} } },
        { eventName: 'INSERT', dynamodb: { Keys: { client_id: { S: 'jti#k4' } } } },
      ],
    };

    // Act
    const summary = watchRecords(event, { logger, metrics });

    // Assert
    expect(counted).toEqual(['assertion', 'dpop_authorizer']);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: DETECTION_MESSAGE,
        attributes: {
          kind: 'assertion',
          firstRegion: A,
          secondRegion: B,
          firstUsedAt: 1000,
          secondUsedAt: 1005,
          expiresAt: 1060,
          itemKey: 'jti#k1',
        },
      },
      expect.objectContaining({
        level: 'warn',
        attributes: expect.objectContaining({ kind: 'dpop_authorizer', firstRegion: B }) as unknown,
      }),
      {
        level: 'error',
        message: MALFORMED_MESSAGE,
        attributes: { reason: 'no_key', eventId: 'bad' },
      },
    ]);
    expect(summary).toMatchObject({ records: 5, malformed: 1 });
    expect(summary.doubleUses).toHaveLength(2);
  });

  it('logs a malformed record without an event id', () => {
    const { lines, logger, metrics } = recorder();
    watchRecords({ Records: [42] }, { logger, metrics });
    expect(lines).toEqual([
      { level: 'error', message: MALFORMED_MESSAGE, attributes: { reason: 'not_a_record' } },
    ]);
  });

  it.each([
    ['no Records', {}],
    ['Records that are not a list', { Records: 'x' }],
    ['not an object', null],
  ])('logs an event with %s and returns', (_label, event) => {
    const { lines, counted, logger, metrics } = recorder();
    expect(watchRecords(event, { logger, metrics })).toEqual({
      records: 0,
      doubleUses: [],
      malformed: 1,
    });
    expect(lines).toEqual([
      { level: 'error', message: MALFORMED_MESSAGE, attributes: { reason: 'no_records' } },
    ]);
    expect(counted).toEqual([]);
  });

  it('keeps going when the logger and the metrics throw', () => {
    // Arrange
    const boom = () => {
      throw new Error('sink down');
    };
    const deps = {
      logger: { warn: boom, error: boom },
      metrics: { jtiUsedInTwoRegions: boom },
    };

    // Act
    const run = () =>
      watchRecords(
        { Records: [modify('jti#a', A, B, 'dpop_token'), 7, modify('jti#b', B, A, 'assertion')] },
        deps,
      );

    // Assert
    expect(run).not.toThrow();
    expect(run().doubleUses.map((u) => u.itemKey)).toEqual(['jti#a', 'jti#b']);
    expect(watchRecords(undefined, deps).malformed).toBe(1);
  });
});
