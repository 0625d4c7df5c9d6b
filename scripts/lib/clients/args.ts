// Strict command-line parsing of the client admin commands, on the shared strict flag parser.
import path from 'node:path';
import { durationFlag, parseStrictFlags, type FlagOptions } from '../../../tools/cli/strict-flags';
import { UsageError } from '../../../tools/cli/usage-error';
import {
  COMMANDS,
  type ClientChanges,
  type CommandName,
  type CommonOptions,
  type ListFilters,
  type ParsedCommand,
  type Target,
} from './model';
import { parseAuth, parseAuthMethod, parseKeyFiles } from './auth-args';
import {
  DEFAULT_GRACE_SECONDS,
  parseAudiences,
  parseClientId,
  parseGrace,
  parseName,
  parseScopes,
  parseTokenTtl,
} from './validate';

/** Days `usage` reports without --days (today and the six before). */
export const DEFAULT_USAGE_DAYS = 7;

/** API Gateway usage plan names as the Terraform variable allows them. */
const PLAN_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function parsePlan(value: string): string {
  if (!PLAN_NAME.test(value)) {
    throw new UsageError(
      `--plan ${JSON.stringify(value)} is not a plan name (1-64 letters, digits, '_' or '-')`,
    );
  }
  return value;
}

function parseDays(value: string): number {
  const days = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  if (!(days >= 1 && days <= 90))
    throw new UsageError('--days must be a whole number from 1 to 90');
  return days;
}

/** Longest `--unused-since` and `--secret-older-than`, in days (ten years). */
export const MAX_STALE_DAYS = 3650;

/** `list --unused-since DURATION --secret-older-than DURATION`: the given filters only. */
function parseListFilters(values: Record<string, unknown>): ListFilters {
  const unused = values['unused-since'] as string | undefined;
  const secret = values['secret-older-than'] as string | undefined;
  return {
    ...(unused !== undefined
      ? { unusedSinceMs: durationFlag('unused-since', unused, MAX_STALE_DAYS) }
      : {}),
    ...(secret !== undefined
      ? { secretOlderThanMs: durationFlag('secret-older-than', secret, MAX_STALE_DAYS) }
      : {}),
  };
}

/** Default directory of the local store (`--local` without `--data-dir`), relative to the working dir. */
export const DEFAULT_DATA_DIR = '.local';

/** `--skip-control-region`: `disable` and `revoke-tokens` only (scripts/lib/clients/emergency.ts). */
const SKIP_FLAG = '--skip-control-region';

const COMMON_OPTIONS: FlagOptions = {
  table: { type: 'string' },
  local: { type: 'boolean' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const COMMAND_OPTIONS: Record<CommandName, FlagOptions> = {
  create: {
    name: { type: 'string' },
    scopes: { type: 'string' },
    audience: { type: 'string', multiple: true },
    'token-ttl': { type: 'string' },
    plan: { type: 'string' },
    auth: { type: 'string' },
    'jwks-file': { type: 'string' },
    'public-key-file': { type: 'string', multiple: true },
    'allow-shared-key': { type: 'boolean' },
    'dpop-bound': { type: 'boolean' },
  },
  list: { 'unused-since': { type: 'string' }, 'secret-older-than': { type: 'string' } },
  show: {},
  update: {
    name: { type: 'string' },
    scopes: { type: 'string' },
    audience: { type: 'string', multiple: true },
    'clear-audiences': { type: 'boolean' },
    'token-ttl': { type: 'string' },
    'clear-token-ttl': { type: 'boolean' },
    plan: { type: 'string' },
    auth: { type: 'string' },
    'dpop-bound': { type: 'boolean' },
    'no-dpop-bound': { type: 'boolean' },
  },
  disable: { 'skip-control-region': { type: 'boolean' } },
  enable: {},
  'rotate-secret': { grace: { type: 'string' } },
  'add-key': {
    'jwks-file': { type: 'string' },
    'public-key-file': { type: 'string', multiple: true },
    'allow-shared-key': { type: 'boolean' },
  },
  'remove-key': {},
  'revoke-tokens': { 'skip-control-region': { type: 'boolean' } },
  'revoke-token': {},
  delete: { yes: { type: 'boolean', short: 'y' } },
  usage: { days: { type: 'string' } },
  history: {},
  adopt: {},
};

/**
 * Commands that take exactly one positional argument, the client id: all but create, list,
 * remove-key (an id and a kid) and history (an id or none).
 */
const TAKES_CLIENT_ID: ReadonlySet<CommandName> = new Set(
  COMMANDS.filter(
    (command) =>
      command !== 'create' &&
      command !== 'list' &&
      command !== 'remove-key' &&
      command !== 'history',
  ),
);

/** DynamoDB table names (3..255 of `[A-Za-z0-9_.-]`), or a table ARN. */
const TABLE_NAME = /^(?:arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/)?[A-Za-z0-9_.-]{3,255}$/;

/**
 * Checks whether a word is a command name.
 * @param word candidate
 * @returns true for one of COMMANDS
 */
export function isCommandName(word: string): word is CommandName {
  return (COMMANDS as readonly string[]).includes(word);
}

/**
 * Resolves the target flags: exactly one of `--table TABLE` and `--local [--data-dir DIR]`.
 * Errors name no command: parseCommandLine adds it.
 */
function parseTarget(values: Record<string, unknown>, cwd: string): Target {
  const table = values.table as string | undefined;
  const local = values.local === true;
  const dataDir = values['data-dir'] as string | undefined;
  if (table !== undefined && local) {
    throw new UsageError('use either --table TABLE or --local, not both');
  }
  if (dataDir !== undefined && !local) {
    throw new UsageError('--data-dir needs --local');
  }
  if (table !== undefined) {
    if (!TABLE_NAME.test(table)) {
      throw new UsageError(
        `--table ${JSON.stringify(table)} is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -) or table ARN`,
      );
    }
    return { kind: 'dynamodb', table };
  }
  if (local) {
    if (dataDir === '') throw new UsageError('--data-dir must not be empty');
    return { kind: 'local', dataDir: path.resolve(cwd, dataDir ?? DEFAULT_DATA_DIR) };
  }
  throw new UsageError(
    'say where the clients are: --table TABLE (DynamoDB) or --local [--data-dir DIR]',
  );
}

/** Validates the flags of `update` into a change set (parseCommandLine adds the command to errors). */
function parseChanges(values: Record<string, unknown>): ClientChanges {
  const changes: ClientChanges = {};
  const audiences = values.audience as string[] | undefined;
  if (audiences !== undefined && values['clear-audiences'] === true) {
    throw new UsageError('use either --audience or --clear-audiences, not both');
  }
  if (values['token-ttl'] !== undefined && values['clear-token-ttl'] === true) {
    throw new UsageError('use either --token-ttl or --clear-token-ttl, not both');
  }
  if (values['dpop-bound'] === true && values['no-dpop-bound'] === true) {
    throw new UsageError('use either --dpop-bound or --no-dpop-bound, not both');
  }
  if (values.name !== undefined) changes.name = parseName(values.name as string);
  if (values.scopes !== undefined) changes.scopes = parseScopes(values.scopes as string);
  if (audiences !== undefined) changes.audiences = parseAudiences(audiences);
  if (values['clear-audiences'] === true) changes.audiences = [];
  if (values['token-ttl'] !== undefined) {
    changes.tokenTtlSeconds = parseTokenTtl(values['token-ttl'] as string);
  }
  if (values['clear-token-ttl'] === true) changes.tokenTtlSeconds = null;
  if (values.plan !== undefined) changes.plan = parsePlan(values.plan as string);
  if (values.auth !== undefined) changes.authMethod = parseAuthMethod(values.auth as string);
  if (values['dpop-bound'] === true) changes.dpopBound = true;
  if (values['no-dpop-bound'] === true) changes.dpopBound = false;
  if (Object.keys(changes).length === 0) {
    throw new UsageError(
      'nothing to update: give at least one of --name, --scopes, --audience, --clear-audiences, ' +
        '--token-ttl, --clear-token-ttl, --plan, --auth, --dpop-bound, --no-dpop-bound',
    );
  }
  return changes;
}

/**
 * Parses and validates a command line. Throws before anything touches a store.
 * @param argv arguments after the program name, starting with the command (e.g. `['list', '--local']`)
 * @param cwd directory that a relative `--data-dir` is resolved against
 * @returns the parsed command
 * @throws UsageError naming the offending flag or argument
 */
export function parseCommandLine(
  argv: readonly string[],
  cwd: string = process.cwd(),
): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === 'help' || first === '--help' || first === '-h') {
    const topic = rest[0];
    if (topic === undefined) return { command: 'help' };
    if (!isCommandName(topic)) throw new UsageError(`unknown command ${JSON.stringify(topic)}`);
    return { command: 'help', topic };
  }
  if (!isCommandName(first)) throw new UsageError(`unknown command ${JSON.stringify(first)}`);
  const command = first;
  // The emergency path is for the two commands that kill tokens without the control Region.
  if (!('skip-control-region' in COMMAND_OPTIONS[command]) && rest.includes(SKIP_FLAG)) {
    throw new UsageError(
      `${SKIP_FLAG} is only for disable and revoke-tokens (the emergency path while the ` +
        `control Region is down); ${command} does not take it`,
      { command },
    );
  }

  const parsed = parseStrictFlags(
    rest,
    { ...COMMON_OPTIONS, ...COMMAND_OPTIONS[command] },
    { allowPositionals: true, refuseRepeated: true, messages: 'short', command },
  );
  const values = parsed.values as Record<string, unknown>;
  if (values.help === true) return { command: 'help', topic: command };

  const positionals = parsed.positionals;
  let clientId: string | undefined;
  if (TAKES_CLIENT_ID.has(command)) {
    if (positionals.length === 0) throw new UsageError(`${command} needs a client id`, { command });
    if (positionals.length > 1) {
      throw new UsageError(
        `${command} takes one client id, got ${positionals.length} arguments: ${positionals.join(' ')}`,
        { command },
      );
    }
    clientId = parseClientId(positionals[0] as string);
  } else if (command === 'remove-key') {
    if (positionals.length !== 2) {
      throw new UsageError('remove-key needs a client id and a kid: remove-key CLIENT_ID KID', {
        command,
      });
    }
    clientId = parseClientId(positionals[0] as string);
  } else if (command === 'history') {
    if (positionals.length > 1) {
      throw new UsageError(
        `history takes at most one client id, got ${positionals.length} arguments: ${positionals.join(' ')}`,
        { command },
      );
    }
    if (positionals[0] !== undefined) clientId = parseClientId(positionals[0]);
  } else if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])} (${command} takes flags only)`,
      { command },
    );
  }

  try {
    const common: CommonOptions = {
      target: parseTarget(values, cwd),
      json: values.json === true,
    };
    switch (command) {
      case 'create': {
        if (values.name === undefined) throw new UsageError('--name NAME is required');
        if (values.scopes === undefined) throw new UsageError('--scopes "SCOPE ..." is required');
        const ttl = values['token-ttl'] as string | undefined;
        return {
          command,
          ...common,
          name: parseName(values.name as string),
          scopes: parseScopes(values.scopes as string),
          audiences: parseAudiences((values.audience as string[] | undefined) ?? []),
          ...(ttl !== undefined ? { tokenTtlSeconds: parseTokenTtl(ttl) } : {}),
          ...(values.plan !== undefined ? { plan: parsePlan(values.plan as string) } : {}),
          ...(values['dpop-bound'] === true ? { dpopBound: true } : {}),
          ...parseAuth(values, cwd),
        };
      }
      case 'usage': {
        const days = values.days as string | undefined;
        return {
          command,
          ...common,
          clientId: clientId as string,
          days: days === undefined ? DEFAULT_USAGE_DAYS : parseDays(days),
        };
      }
      case 'add-key': {
        const files = parseKeyFiles(values, cwd);
        if (files === undefined)
          throw new UsageError('give --public-key-file FILE or --jwks-file FILE');
        return {
          command,
          ...common,
          clientId: clientId as string,
          ...files,
          allowSharedKey: values['allow-shared-key'] === true,
        };
      }
      case 'remove-key':
        return { command, ...common, clientId: clientId as string, kid: positionals[1] as string };
      case 'list':
        return { command, ...common, ...parseListFilters(values) };
      case 'history':
        return { command, ...common, ...(clientId !== undefined ? { clientId } : {}) };
      case 'revoke-token':
        // The one positional is a token id (`jti`), checked by the same printable-ASCII rule.
        return { command, ...common, jti: clientId as string };
      case 'update':
        return { command, ...common, clientId: clientId as string, changes: parseChanges(values) };
      case 'delete':
        return { command, ...common, clientId: clientId as string, yes: values.yes === true };
      case 'disable':
      case 'revoke-tokens':
        return {
          command,
          ...common,
          clientId: clientId as string,
          ...(values['skip-control-region'] === true ? { skipControlRegion: true } : {}),
        };
      case 'rotate-secret': {
        const grace = values.grace as string | undefined;
        return {
          command,
          ...common,
          clientId: clientId as string,
          graceSeconds: grace === undefined ? DEFAULT_GRACE_SECONDS : parseGrace(grace),
        };
      }
      default:
        return { command, ...common, clientId: clientId as string };
    }
  } catch (err) {
    // Validation errors (of the target, the values, the changes) are about this command.
    if (err instanceof UsageError && err.command === undefined) {
      throw new UsageError(err.message, { command, cause: err });
    }
    throw err;
  }
}
