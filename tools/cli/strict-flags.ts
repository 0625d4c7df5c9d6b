// The one flag parser of every entry point (build, clients, create-client, npm start, --from-api, tf-docs): strict parseArgs, UsageError naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error';

/** The flag definitions parseArgs takes. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** The values parseArgs returns for these flags in strict mode. */
export type StrictFlagValues<O extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/** How a command line may deviate from "known flags only", and how errors read. */
export interface StrictFlagsSettings {
  /** Appended to parseArgs' own message (which names the flag), e.g. which flags apply. */
  hint?: string;
  /** Accept positional arguments and return them (default: refuse them, naming the first). */
  allowPositionals?: boolean;
  /**
   * Refuse a single-valued flag given twice: parseArgs keeps the last one silently, and a
   * repeated flag is more likely a mistake than an intent. A `help` flag, when given, answers first.
   */
  refuseRepeated?: boolean;
  /**
   * `parseArgs` (default): node's own message, e.g. `Unknown option '--x'. To specify ...`;
   * `short`: `unknown option --x`, `--x needs a value`, `--x does not take a value`.
   */
  messages?: 'parseArgs' | 'short';
  /** The subcommand being parsed, recorded on the UsageError for a `help COMMAND` hint. */
  command?: string;
}

/** What a command line holds. */
export interface StrictFlags<O extends FlagOptions> {
  values: StrictFlagValues<O>;
  /** Positional arguments, in order (always empty unless `allowPositionals`). */
  positionals: string[];
}

/** Rewrites a node:util parseArgs error into a short message that names the flag. */
function shortMessage(err: { code?: string; message: string }): string {
  const { message } = err;
  const flag = /--[A-Za-z0-9-]+/.exec(message)?.[0];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const unknown = /'([^']+)'/.exec(message)?.[1] ?? flag;
      return `unknown option ${unknown}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message)) return `${flag} does not take a value`;
      if (/ambiguous/.test(message)) {
        return `${flag} needs a value (write ${flag}=VALUE for a value that starts with "-")`;
      }
      return `${flag} needs a value`;
    default:
      return message;
  }
}

/**
 * Parses flags strictly: unknown flags, missing values and (unless allowed) positional arguments
 * are refused.
 * @param argv arguments after the script name (or after the subcommand)
 * @param options the flags the script takes
 * @param settings positionals, repeated flags, message style, hint and subcommand
 * @returns the parsed flag values and positional arguments
 * @throws UsageError naming the flag
 */
export function parseStrictFlags<O extends FlagOptions>(
  argv: readonly string[],
  options: O,
  settings: StrictFlagsSettings = {},
): StrictFlags<O> {
  const { hint, command } = settings;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: settings.allowPositionals ?? false,
      tokens: true,
    });
  } catch (err) {
    // parseArgs names the flag: "Unknown option '--x'", "Option '--port <value>' argument missing".
    const error = err as { code?: string; message: string };
    const message = settings.messages === 'short' ? shortMessage(error) : error.message;
    throw new UsageError(hint ? `${message} ${hint}` : message, { command, cause: err });
  }
  const values = parsed.values as StrictFlagValues<O>;
  if (settings.refuseRepeated && (values as Record<string, unknown>).help !== true) {
    const seen = new Set<string>();
    for (const token of parsed.tokens) {
      if (token.kind !== 'option' || options[token.name]?.multiple) continue;
      if (seen.has(token.name)) {
        throw new UsageError(`--${token.name} given more than once`, { command });
      }
      seen.add(token.name);
    }
  }
  return { values, positionals: parsed.positionals };
}

/**
 * Validates a whole-number flag.
 * @param name flag name without the dashes
 * @param raw value as given
 * @param min smallest allowed value
 * @param max largest allowed value
 * @returns the number
 * @throws UsageError naming the flag and its range
 */
export function integerFlag(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

/** Milliseconds per unit of {@link durationFlag}: days and hours. */
const DURATION_UNITS = { d: 86_400_000, h: 3_600_000 } as const;

/**
 * Validates a duration flag: a whole number and a unit, `d` (days) or `h` (hours), e.g. `90d`,
 * `12h`, `365d`. No minutes or months: `m` would be ambiguous, and a month has no fixed length.
 * @param name flag name without the dashes
 * @param raw value as given
 * @param maxDays the longest duration allowed, in days
 * @returns the duration in milliseconds
 * @throws UsageError naming the flag, the accepted form and the range
 */
export function durationFlag(name: string, raw: string, maxDays: number): number {
  const match = /^(\d{1,7})([dh])$/.exec(raw);
  const ms = match ? Number(match[1]) * DURATION_UNITS[match[2] as 'd' | 'h'] : NaN;
  if (!(ms >= DURATION_UNITS.h && ms <= maxDays * DURATION_UNITS.d)) {
    throw new UsageError(
      `--${name} must be a duration such as 90d or 12h: a whole number of days (d) or hours (h), from 1h to ${maxDays}d (got "${raw}")`,
    );
  }
  return ms;
}

/**
 * Validates `--host`.
 * @param raw value as given
 * @returns the trimmed host name or address
 * @throws UsageError when it is empty or contains spaces or slashes
 */
export function hostFlag(raw: string): string {
  const host = raw.trim();
  if (!host || /[\s/]/.test(host)) {
    throw new UsageError(`--host must be a host name or IP address (got "${raw}")`);
  }
  return host;
}
