// Graceful shutdown of a local server on SIGINT/SIGTERM: close it once, then exit 0 (or 1 if closing fails).

/**
 * Stops the server on the first SIGINT or SIGTERM and exits the process.
 * @param server anything with an async `close()`, such as the emulator's server
 */
export function stopOnSignals(server: { close(): Promise<void> }): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
