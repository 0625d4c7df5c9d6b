// Tests how `npm start` picks its log level: POWERTOOLS_LOG_LEVEL, then LOG_LEVEL, else INFO.
import { DEFAULT_LOCAL_LOG_LEVEL, localLogLevel } from '../../../../tools/local-server/log-level';

describe('localLogLevel', () => {
  test('is INFO when neither variable is set, so refusal reasons are shown', () => {
    // Act
    const level = localLogLevel({});

    // Assert
    expect(level).toBe('INFO');
    expect(DEFAULT_LOCAL_LOG_LEVEL).toBe('INFO');
  });

  test.each([
    [{ LOG_LEVEL: 'warn' }, 'WARN'],
    [{ LOG_LEVEL: ' Error ' }, 'ERROR'],
    [{ POWERTOOLS_LOG_LEVEL: 'debug', LOG_LEVEL: 'ERROR' }, 'DEBUG'],
    [{ POWERTOOLS_LOG_LEVEL: '', LOG_LEVEL: 'SILENT' }, 'SILENT'],
  ])('reads %j as Powertools does: %s', (env, expected) => {
    // Act
    const level = localLogLevel(env);

    // Assert
    expect(level).toBe(expected);
  });

  test.each([
    [{ LOG_LEVEL: 'verbose' }, /^LOG_LEVEL must be one of TRACE, DEBUG, INFO.*\(got "verbose"\)$/],
    [{ POWERTOOLS_LOG_LEVEL: 'loud' }, /^POWERTOOLS_LOG_LEVEL must be one of .*\(got "loud"\)$/],
  ])('refuses %j, naming the variable', (env, message) => {
    // Act / Assert
    expect(() => localLogLevel(env)).toThrow(message);
  });
});
