// Tests the flags of `npm start` (scripts/local.ts parseFlags): defaults, and bad values named by flag.
import path from 'node:path';
import { UsageError } from '../../../tools/cli/usage-error';
import { parseFlags } from '../../../scripts/local';

describe('npm start parseFlags', () => {
  it('applies the documented defaults', () => {
    // Act
    const options = parseFlags([]);

    // Assert
    expect(options).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('.local'),
      routesFile: path.resolve(__dirname, '../../../examples/local/routes.json'),
      tokenTtlSeconds: 3600,
      audience: 'local',
      authorizerTtlSeconds: 30,
      revocationCacheTtlSeconds: 10,
    });
  });

  it('takes --usage-plans FILE, resolved, and refuses it empty or with --revocation off', () => {
    // Act
    const options = parseFlags(['--usage-plans', 'plans.json']);

    // Assert
    expect(options).toMatchObject({ usagePlansFile: path.resolve('plans.json') });
    expect(() => parseFlags(['--usage-plans', ' '])).toThrow(/--usage-plans must not be empty/);
    expect(() => parseFlags(['--usage-plans', 'p.json', '--revocation', 'off'])).toThrow(
      /--usage-plans needs --revocation on/,
    );
  });

  it('takes --issuer as given (http or https origin)', () => {
    // Act / Assert
    expect(parseFlags(['--issuer', 'http://localhost:8080'])).toMatchObject({
      issuer: 'http://localhost:8080',
    });
    expect(parseFlags(['--issuer', 'https://auth.example.test'])).toMatchObject({
      issuer: 'https://auth.example.test',
    });
  });

  it('with --revocation off: no revocation cache, and the authorizer TTL defaults to 300', () => {
    // Act
    const options = parseFlags(['--revocation', 'off']);

    // Assert
    expect(options).toMatchObject({
      authorizerTtlSeconds: 300,
      revocationCacheTtlSeconds: undefined,
    });
    expect(parseFlags(['--revocation-cache-ttl', '0'])).toMatchObject({
      revocationCacheTtlSeconds: 0,
    });
    expect(() => parseFlags(['--revocation', 'maybe'])).toThrow(/--revocation must be on or off/);
    expect(() => parseFlags(['--revocation-cache-ttl', '61'])).toThrow(/--revocation-cache-ttl/);
  });

  it('returns help for --help and -h', () => {
    // Act / Assert
    expect(parseFlags(['--help'])).toBe('help');
    expect(parseFlags(['-h'])).toBe('help');
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port'], /--port/],
    [['extra'], /extra/],
    [['--port', 'abc'], /--port must be an integer from 0 to 65535 \(got "abc"\)/],
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--host', 'a b'], /--host must be a host name or IP address/],
    [['--data-dir', ' '], /--data-dir must not be empty/],
    [['--routes', ''], /--routes must not be empty/],
    [['--token-ttl', '59'], /--token-ttl must be an integer from 60 to 86400/],
    [['--token-ttl', '86401'], /--token-ttl must be an integer from 60 to 86400/],
    [['--audience', 'a b'], /--audience must be a non-empty string without spaces/],
    [['--authorizer-ttl', '3601'], /--authorizer-ttl must be an integer from 0 to 3600/],
    [['--issuer', 'localhost:8080'], /--issuer must be an http or https origin .*localhost:8080/],
    [['--issuer', 'not a url'], /--issuer must be .*an absolute URL/],
    [['--issuer', 'ftp://localhost'], /--issuer must be .*http or https/],
    [['--issuer', 'http://localhost:8080/'], /--issuer must be .*without a path or trailing slash/],
    [['--issuer', 'http://localhost:8080/v1'], /--issuer must be .*without a path/],
    [['--issuer', 'http://localhost:8080?'], /--issuer must be .*without query/],
    [['--issuer', 'http://u:p@localhost:8080'], /--issuer must be .*credentials/],
  ])('refuses %j with a UsageError naming the flag', (argv, message) => {
    // Act
    const act = (): unknown => parseFlags(argv);

    // Assert
    expect(act).toThrow(UsageError);
    expect(act).toThrow(message);
  });
});
