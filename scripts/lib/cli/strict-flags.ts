// Flag parsing shared by `npm run build`, `npm start` and `npm start -- --from-api`: strict parseArgs, usage errors, exit code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The flag definitions parseArgs takes. */
type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** The values parseArgs returns for these flags in strict mode without positionals. */
type StrictFlagValues<O extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/** Exit code for bad flags. */
export const EXIT_USAGE = 2;

/** A bad command line; the message names the offending flag. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses flags strictly: unknown flags, missing values and positional arguments are refused.
 * @param argv arguments after the script name
 * @param options the flags the script takes
 * @param hint appended to parseArgs' own message (which names the flag), e.g. which flags apply
 * @returns the parsed flag values
 * @throws UsageError naming the flag
 */
export function parseStrictFlags<O extends FlagOptions>(
  argv: string[],
  options: O,
  hint?: string,
): StrictFlagValues<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // parseArgs names the flag: "Unknown option '--x'", "Option '--port <value>' argument missing".
    const message = (err as Error).message;
    throw new UsageError(hint ? `${message} ${hint}` : message);
  }
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
