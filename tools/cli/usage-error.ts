// The error every entry point raises for a bad command line; it exits with EXIT.USAGE (2).

/** A bad command line or flag value; the message names the flag or argument. Nothing was done. */
export class UsageError extends Error {
  /** The subcommand the error is about (for a `help COMMAND` hint), when there is one. */
  readonly command: string | undefined;

  /**
   * @param message what is wrong, naming the flag or argument
   * @param options the subcommand being parsed, if any, and the cause
   */
  constructor(message: string, options?: { command?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.command = options?.command;
  }
}
