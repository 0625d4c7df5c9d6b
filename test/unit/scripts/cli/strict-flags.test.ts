// Tests the flag parsing shared by build, npm start and --from-api (scripts/lib/cli/strict-flags.ts).
import {
  EXIT_USAGE,
  hostFlag,
  integerFlag,
  parseStrictFlags,
  UsageError,
} from '../../../../scripts/lib/cli/strict-flags';

const OPTIONS = {
  port: { type: 'string', default: '8080' },
  verbose: { type: 'boolean' },
} as const;

describe('parseStrictFlags', () => {
  it('returns the values with defaults applied', () => {
    // Act
    const values = parseStrictFlags(['--verbose'], OPTIONS);

    // Assert
    expect(values).toEqual({ port: '8080', verbose: true });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port'], /--port/],
    [['--verbose=yes'], /--verbose/],
    [['stray'], /stray/],
  ])('refuses %j with a UsageError naming it', (argv, message) => {
    // Act
    const act = (): unknown => parseStrictFlags(argv, OPTIONS);

    // Assert
    expect(act).toThrow(UsageError);
    expect(act).toThrow(message);
  });

  it('appends the hint to the message', () => {
    // Act
    const act = (): unknown => parseStrictFlags(['--bogus'], OPTIONS, '(only --port applies)');

    // Assert
    expect(act).toThrow(/Unknown option '--bogus'.* \(only --port applies\)$/);
  });

  it('bad flags exit with code 2', () => {
    // Assert
    expect(EXIT_USAGE).toBe(2);
  });
});

describe('integerFlag', () => {
  it('accepts the bounds', () => {
    // Act / Assert
    expect(integerFlag('port', '0', 0, 65535)).toBe(0);
    expect(integerFlag('port', '65535', 0, 65535)).toBe(65535);
  });

  it.each(['', 'abc', '-1', '1.5', '65536', ' 1'])(
    'refuses %j naming the flag and range',
    (raw) => {
      // Act
      const act = (): unknown => integerFlag('port', raw, 0, 65535);

      // Assert
      expect(act).toThrow(UsageError);
      expect(act).toThrow(`--port must be an integer from 0 to 65535 (got "${raw}")`);
    },
  );
});

describe('hostFlag', () => {
  it('trims the host', () => {
    // Act / Assert
    expect(hostFlag(' ::1 ')).toBe('::1');
  });

  it.each(['', '  ', 'a b', 'http://x'])('refuses %j naming --host', (raw) => {
    // Act
    const act = (): unknown => hostFlag(raw);

    // Assert
    expect(act).toThrow(UsageError);
    expect(act).toThrow(`--host must be a host name or IP address (got "${raw}")`);
  });
});
