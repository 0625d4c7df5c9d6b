// The log level of `npm start`'s token and authorizer loggers: the environment's, else INFO as in Lambda.

/** Levels the local server accepts in LOG_LEVEL / POWERTOOLS_LOG_LEVEL (Powertools Logger's). */
export const LOCAL_LOG_LEVELS = [
  'TRACE',
  'DEBUG',
  'INFO',
  'WARN',
  'ERROR',
  'CRITICAL',
  'SILENT',
] as const;

/** One of {@link LOCAL_LOG_LEVELS}. */
export type LocalLogLevel = (typeof LOCAL_LOG_LEVELS)[number];

/**
 * Level when neither variable is set: INFO, the Terraform module's `log_level` default, so that
 * `npm start` shows what a deployed function logs, among it the reason code of every refused
 * token request (`"reason":"wrong_secret"`). The handlers never log secrets, hashes or tokens at
 * any level (test/unit/token/logging.test.ts).
 */
export const DEFAULT_LOCAL_LOG_LEVEL: LocalLogLevel = 'INFO';

/**
 * Reads the level as the Lambda functions' Powertools Logger does: POWERTOOLS_LOG_LEVEL first, then
 * LOG_LEVEL, case-insensitive. Unlike Powertools, which falls back to INFO silently, an unknown
 * value is refused, so a typo does not hide the logs someone asked for.
 * @param env the environment (default: this process's)
 * @returns the level for the token and authorizer loggers
 * @throws Error naming the variable when its value is not a level
 */
export function localLogLevel(
  env: Readonly<Record<string, string | undefined>> = process.env,
): LocalLogLevel {
  const settings: ReadonlyArray<[string, string | undefined]> = [
    ['POWERTOOLS_LOG_LEVEL', env.POWERTOOLS_LOG_LEVEL],
    ['LOG_LEVEL', env.LOG_LEVEL],
  ];
  for (const [name, value] of settings) {
    const raw = value?.trim();
    if (raw === undefined || raw === '') continue;
    const level = raw.toUpperCase();
    if (!(LOCAL_LOG_LEVELS as readonly string[]).includes(level)) {
      throw new Error(`${name} must be one of ${LOCAL_LOG_LEVELS.join(', ')} (got "${raw}")`);
    }
    return level as LocalLogLevel;
  }
  return DEFAULT_LOCAL_LOG_LEVEL;
}
