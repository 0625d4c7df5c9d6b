// Error raised when a deployed API cannot be served faithfully: the message names what and why, for the operator.

/**
 * A deployed API, function or artifact the emulator cannot serve as deployed. `npm start` prints the
 * message and exits at start, so nothing unsupported is ever skipped silently.
 */
export class FromApiError extends Error {
  override readonly name = 'FromApiError';

  /**
   * @param message what is unsupported or missing, naming the resource and method or the function
   * @param options optional cause
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
