// Unit tests of reading the usage times back from a store: `last_used_at`, which the token function writes and compares as a time.
import {
  MalformedClientRecordError,
  parseClientRecord,
} from '../../../../functions/token/adapters/client-record';
import { clientRecord } from '../../../support/token-fakes';

describe('parseClientRecord: last_used_at', () => {
  it('reads it back, and leaves it out when absent or null', () => {
    // Arrange
    const used = clientRecord({ last_used_at: '2026-01-02T03:04:05.678Z' });

    // Act / Assert
    expect(parseClientRecord(structuredClone(used))).toEqual(used);
    expect(parseClientRecord({ ...clientRecord(), last_used_at: null })).toEqual(clientRecord());
    expect('last_used_at' in parseClientRecord(clientRecord())).toBe(false);
  });

  it.each([
    ['a number', 1767323045],
    ['an empty string', ''],
    ['not a time', 'yesterday'],
    ['a list', ['2026-01-02T03:04:05.678Z']],
  ])('refuses %s, naming the field', (_label, value) => {
    // Act / Assert
    expect(() => parseClientRecord({ ...clientRecord(), last_used_at: value })).toThrow(
      new MalformedClientRecordError('last_used_at'),
    );
  });
});
