// Tests the flags of `npm start -- --from-api` (scripts/lib/from-api/cli.ts parseFromApiFlags).
import path from 'node:path';
import { UsageError } from '../../../../tools/cli/usage-error';
import { parseFromApiFlags } from '../../../../tools/from-api/cli';

describe('parseFromApiFlags', () => {
  it('parses the API id and applies the defaults', () => {
    // Act
    const options = parseFromApiFlags(['--from-api', 'a1b2c3d4e5', '--port', '0']);

    // Assert
    expect(options).toEqual({
      restApiId: 'a1b2c3d4e5',
      artifactsDir: path.resolve(__dirname, '../../../../dist'),
      port: 0,
      host: '127.0.0.1',
    });
  });

  it('keeps a valid --stage', () => {
    // Act
    const options = parseFromApiFlags(['--from-api=abc', '--stage', 'v1_live-2']);

    // Assert
    expect(options).toMatchObject({ restApiId: 'abc', stage: 'v1_live-2' });
  });

  it.each([
    [['--from-api', 'abc', '--token-ttl', '60'], /Unknown option '--token-ttl'.*only --stage/],
    [['--from-api'], /--from-api/],
    [['--from-api', 'abc', 'extra'], /extra/],
    [['--stage', 'v1'], /--from-api must be a REST API id such as a1b2c3d4e5 \(got ""\)/],
    [['--from-api', 'ab/c'], /--from-api must be a REST API id/],
    [['--from-api', 'abc', '--stage', 'a b'], /--stage must be a stage name/],
    [['--from-api', 'abc', '--port', '65536'], /--port must be an integer from 0 to 65535/],
    [['--from-api', 'abc', '--port', '-1'], /--port/],
    [['--from-api', 'abc', '--host', ''], /--host must be a host name or IP address/],
    [['--from-api', 'abc', '--artifacts-dir', ' '], /--artifacts-dir must not be empty/],
  ])('refuses %j with a UsageError naming the flag', (argv, message) => {
    // Act
    const act = (): unknown => parseFromApiFlags(argv);

    // Assert
    expect(act).toThrow(UsageError);
    expect(act).toThrow(message);
  });
});
