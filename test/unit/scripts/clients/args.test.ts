// Unit tests of the strict command-line parser of `npm run clients` / `create-client`.
import path from 'node:path';
import { parseCommandLine } from '../../../../scripts/lib/clients/args';
import type { ParsedCommand } from '../../../../scripts/lib/clients/model';
import { UsageError } from '../../../../tools/cli/usage-error';

const CWD = '/srv/app';
const parse = (...argv: string[]): ParsedCommand => parseCommandLine(argv, CWD);

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv, CWD);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('parses create with every flag', () => {
    // Act
    const parsed = parse(
      'create',
      '--name',
      'Orders',
      '--scopes',
      'orders:read orders:write',
      '--audience',
      'https://api.example.com',
      '--audience=https://other.example.com',
      '--token-ttl',
      '900',
      '--table',
      'clients',
      '--json',
    );
    // Assert
    expect(parsed).toEqual({
      command: 'create',
      target: { kind: 'dynamodb', table: 'clients' },
      json: true,
      name: 'Orders',
      scopes: ['orders:read', 'orders:write'],
      audiences: ['https://api.example.com', 'https://other.example.com'],
      tokenTtlSeconds: 900,
      // RFC 7591 §2: "If unspecified or omitted, the default is client_secret_basic".
      authMethod: 'client_secret',
    });
  });

  it('parses update --auth and refuses an unknown method, naming --auth', () => {
    expect(parse('update', 'abc', '--local', '--auth', 'client_secret_post')).toMatchObject({
      command: 'update',
      clientId: 'abc',
      changes: { authMethod: 'client_secret_post' },
    });
    expect(() => parse('update', 'abc', '--local', '--auth', 'secret')).toThrow(
      /--auth must be one of client_secret, client_secret_basic, client_secret_post, private_key_jwt/,
    );
  });

  it('defaults --local to .local in the working directory and resolves --data-dir', () => {
    expect(parse('list', '--local')).toEqual({
      command: 'list',
      target: { kind: 'local', dataDir: path.join(CWD, '.local') },
      json: false,
    });
    expect(parse('list', '--local', '--data-dir', 'tmp/data')).toMatchObject({
      target: { kind: 'local', dataDir: path.join(CWD, 'tmp/data') },
    });
  });

  it('accepts a table ARN', () => {
    const arn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/clients';
    expect(parse('list', '--table', arn)).toMatchObject({
      target: { kind: 'dynamodb', table: arn },
    });
  });

  it('parses the id commands', () => {
    for (const command of ['show', 'disable', 'enable', 'delete'] as const) {
      expect(parse(command, 'abc', '--local')).toMatchObject({ command, clientId: 'abc' });
    }
    expect(parse('rotate-secret', 'abc', '--local')).toMatchObject({ graceSeconds: 86_400 });
    expect(parse('rotate-secret', 'abc', '--local', '--grace', '0')).toMatchObject({
      graceSeconds: 0,
    });
  });

  it('parses update changes, including clearing the TTL and audiences', () => {
    // Act
    const a = parse('update', 'abc', '--local', '--scopes', 'x y', '--token-ttl', '120');
    const b = parse('update', 'abc', '--local', '--clear-token-ttl', '--clear-audiences');
    const c = parse('update', 'abc', '--local', '--name', 'N', '--audience', 'aud');
    // Assert
    expect(a).toMatchObject({ changes: { scopes: ['x', 'y'], tokenTtlSeconds: 120 } });
    expect(b).toMatchObject({ changes: { tokenTtlSeconds: null, audiences: [] } });
    expect(c).toMatchObject({ changes: { name: 'N', audiences: ['aud'] } });
  });

  it('parses --plan on create and update, and usage with its --days default', () => {
    // Act
    const create = parseCommandLine(
      ['create', '--local', '--name', 'n', '--scopes', 'a', '--plan', 'gold'],
      '/w',
    );
    const update = parseCommandLine(['update', 'abc', '--local', '--plan', 'silver_2'], '/w');
    const usage = parseCommandLine(['usage', 'abc', '--local'], '/w');
    const days = parseCommandLine(['usage', 'abc', '--local', '--days', '30'], '/w');

    // Assert
    expect(create).toMatchObject({ command: 'create', plan: 'gold' });
    expect(update).toMatchObject({ command: 'update', changes: { plan: 'silver_2' } });
    expect(usage).toMatchObject({ command: 'usage', clientId: 'abc', days: 7 });
    expect(days).toMatchObject({ days: 30 });
  });

  it('parses help in its three spellings', () => {
    expect(parse('help')).toEqual({ command: 'help' });
    expect(parse('help', 'rotate-secret')).toEqual({ command: 'help', topic: 'rotate-secret' });
    expect(parse('--help')).toEqual({ command: 'help' });
    expect(parse('update', '-h')).toEqual({ command: 'help', topic: 'update' });
  });

  it.each([
    [[], /no command given/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['help', 'frobnicate'], /unknown command "frobnicate"/],
    [['list', '--local', '--bogus'], /unknown option --bogus/],
    [['list', '--local', '-x'], /unknown option -x/],
    [['list', '--local=yes'], /--local does not take a value/],
    [['create', '--local', '--name'], /--name needs a value/],
    [['create', '--local', '--name', '--scopes', 'a'], /--name needs a value.*--name=VALUE/],
    [['create', '--local', '--scopes', 'a'], /--name NAME is required/],
    [['create', '--local', '--name', 'n'], /--scopes "SCOPE \.\.\." is required/],
    [
      ['create', '--local', '--name', 'n', '--name', 'm', '--scopes', 'a'],
      /--name given more than once/,
    ],
    [['create', '--local', '--name', 'n', '--scopes', 'a"b'], /not a valid scope/],
    [['create', '--local', '--name', 'n', '--scopes', 'a', '--token-ttl', '30'], /--token-ttl/],
    [
      ['create', '--local', '--name', 'n', '--scopes', 'a', '--audience', ''],
      /--audience must not be empty/,
    ],
    [['create', '--local', '--name', 'n', '--scopes', 'a', 'extra'], /unexpected argument "extra"/],
    [['create', '--name', 'n', '--scopes', 'a'], /--table TABLE \(DynamoDB\) or --local/],
    [
      ['create', '--name', 'n', '--scopes', 'a', '--table', 't12', '--local'],
      /either --table TABLE or --local, not both/,
    ],
    [['list', '--data-dir', 'x'], /--data-dir needs --local/],
    [['list', '--local', '--data-dir='], /--data-dir must not be empty/],
    [['list', '--table', 'a b'], /not a DynamoDB table name/],
    [['list', '--table', 'ab'], /not a DynamoDB table name/],
    [['show', '--local'], /show needs a client id/],
    [['show', 'a', 'b', '--local'], /show takes one client id, got 2 arguments/],
    [['show', 'a b', '--local'], /not a valid client id/],
    [['list', '--local', '--grace', '5'], /unknown option --grace/],
    [['update', 'abc', '--local'], /nothing to update/],
    [
      ['update', 'abc', '--local', '--token-ttl', '90', '--clear-token-ttl'],
      /--token-ttl or --clear-token-ttl/,
    ],
    [
      ['update', 'abc', '--local', '--audience', 'a', '--clear-audiences'],
      /--audience or --clear-audiences/,
    ],
    [['rotate-secret', 'abc', '--local', '--grace', '-5'], /--grace/],
    [
      ['create', '--local', '--name', 'n', '--scopes', 'a', '--plan', 'a b'],
      /--plan "a b" is not a plan name/,
    ],
    [['update', 'abc', '--local', '--plan', ''], /--plan "" is not a plan name/],
    [['usage', 'abc', '--local', '--days', '0'], /--days must be a whole number from 1 to 90/],
    [['usage', 'abc', '--local', '--days', '91'], /--days/],
    [['usage', '--local'], /usage needs a client id/],
  ])('rejects %j', (argv, message) => {
    // Act
    const error = usageError(argv);
    // Assert
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(message);
  });

  it('names the command in the error, for the help hint', () => {
    expect(usageError(['create', '--local', '--name', 'n']).command).toBe('create');
    expect(usageError(['frobnicate']).command).toBeUndefined();
  });
});
