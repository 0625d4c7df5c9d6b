// Errors and exit codes of the client admin commands (scripts/clients.ts, scripts/create-client.ts).

/**
 * Process exit codes of the client admin commands.
 * - `OK` 0: done.
 * - `FAILURE` 1: an unexpected failure (AWS credentials, network, I/O); nothing is known to be written.
 * - `USAGE` 2: bad arguments, an unknown client id or a missing table; nothing was written.
 * - `CONFLICT` 3: someone else changed the client at the same time; nothing was written, run the command again.
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  CONFLICT: 3,
} as const;

/** An exit code of the client admin commands. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A bad command line or argument value; reported with exit code 2 before anything is written. */
export class UsageError extends Error {
  /** The command the error is about (for the help hint), when known. */
  readonly command: string | undefined;

  /**
   * @param message what is wrong, naming the flag or argument
   * @param command the command being parsed, if any
   */
  constructor(message: string, command?: string) {
    super(message);
    this.name = new.target.name;
    this.command = command;
  }
}
