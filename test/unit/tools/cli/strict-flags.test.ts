// Tests the one flag parser of every entry point (tools/cli/strict-flags.ts), its UsageError and the exit code of bad flags.
import { EXIT } from '../../../../tools/cli/exit-codes';
import {
  durationFlag,
  hostFlag,
  integerFlag,
  parseStrictFlags,
} from '../../../../tools/cli/strict-flags';
import { UsageError } from '../../../../tools/cli/usage-error';

/** The UsageError a call throws (fails the test when it throws nothing or something else). */
function usageError(act: () => unknown): UsageError {
  try {
    act();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

const OPTIONS = {
  port: { type: 'string', default: '8080' },
  verbose: { type: 'boolean' },
} as const;

describe('parseStrictFlags', () => {
  it('returns the values with defaults applied', () => {
    // Act
    const { values, positionals } = parseStrictFlags(['--verbose'], OPTIONS);

    // Assert
    expect(values).toEqual({ port: '8080', verbose: true });
    expect(positionals).toEqual([]);
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
    const act = (): unknown =>
      parseStrictFlags(['--bogus'], OPTIONS, { hint: '(only --port applies)' });

    // Assert
    expect(act).toThrow(/Unknown option '--bogus'.* \(only --port applies\)$/);
  });

  it('bad flags exit with code 2', () => {
    // Assert
    expect(EXIT.USAGE).toBe(2);
  });

  it('returns positional arguments when they are allowed', () => {
    // Act
    const { values, positionals } = parseStrictFlags(['abc', '--port', '1', 'def'], OPTIONS, {
      allowPositionals: true,
    });

    // Assert
    expect(values).toEqual({ port: '1' });
    expect(positionals).toEqual(['abc', 'def']);
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['--verbose=yes'], '--verbose does not take a value'],
    [['--port'], '--port needs a value'],
    [
      ['--port', '--verbose'],
      '--port needs a value (write --port=VALUE for a value that starts with "-")',
    ],
  ])('writes short messages for %j when asked to', (argv, message) => {
    // Act
    const error = usageError(() => parseStrictFlags(argv, OPTIONS, { messages: 'short' }));

    // Assert
    expect(error.message).toBe(message);
  });

  it('refuses a repeated single-valued flag when asked to, but not a multiple one', () => {
    // Arrange
    const options = { ...OPTIONS, tag: { type: 'string', multiple: true } } as const;
    const argv = ['--tag', 'a', '--tag', 'b', '--port', '1', '--port', '2'];

    // Act
    const lenient = parseStrictFlags(argv, options);
    const strict = usageError(() => parseStrictFlags(argv, options, { refuseRepeated: true }));

    // Assert
    expect(lenient.values).toEqual({ port: '2', tag: ['a', 'b'] });
    expect(strict.message).toBe('--port given more than once');
    expect(
      parseStrictFlags(['--tag', 'a', '--tag', 'b'], options, { refuseRepeated: true }).values,
    ).toEqual({ port: '8080', tag: ['a', 'b'] });
  });

  it('lets --help answer before a repeated flag', () => {
    // Arrange
    const options = { ...OPTIONS, help: { type: 'boolean' } } as const;

    // Act
    const { values } = parseStrictFlags(['--port', '1', '--port', '2', '--help'], options, {
      refuseRepeated: true,
    });

    // Assert
    expect(values.help).toBe(true);
  });

  it('records the subcommand on the error', () => {
    // Act
    const error = usageError(() => parseStrictFlags(['--bogus'], OPTIONS, { command: 'list' }));

    // Assert
    expect(error.command).toBe('list');
    expect(error.name).toBe('UsageError');
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

describe('durationFlag', () => {
  it.each([
    ['90d', 90 * 86_400_000],
    ['365d', 365 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['1h', 3_600_000],
    ['36500d', 36500 * 86_400_000],
  ])('reads %s', (raw, ms) => {
    // Act / Assert
    expect(durationFlag('unused-since', raw, 36500)).toBe(ms);
  });

  it.each([
    '',
    '90',
    'd',
    '90 d',
    ' 90d',
    '90D',
    '1.5d',
    '-1d',
    '0d',
    '0h',
    '30m',
    '2w',
    '1y',
    '36501d',
    '99999999d',
  ])('refuses %j, naming the flag, the form and the range', (raw) => {
    // Act
    const err = usageError(() => durationFlag('secret-older-than', raw, 36500));

    // Assert
    expect(err.message).toBe(
      `--secret-older-than must be a duration such as 90d or 12h: a whole number of days (d) or hours (h), from 1h to 36500d (got "${raw}")`,
    );
  });
});
