// Reads what a running server printed, for the DPoP tests: the authorizer's `Token rejected` reasons and its AuthorizerUnauthorized metric lines, each new one once.
/** One refusal as the authorizer logged and counted it. */
export interface LoggedRefusal {
  /** `reason` of the `Token rejected` log line. */
  reason: string;
  /** `reason` dimension of the AuthorizerUnauthorized EMF line, when metrics are on. */
  metric?: string;
}

/** JSON lines of the output, parsed; other lines are skipped. */
function jsonLines(output: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    const start = line.indexOf('{');
    if (start < 0) continue;
    try {
      const value = JSON.parse(line.slice(start)) as unknown;
      if (typeof value === 'object' && value !== null) lines.push(value as Record<string, unknown>);
    } catch {
      // Not a JSON line (the access log, the banner).
    }
  }
  return lines;
}

/**
 * Follows a server's output. Each call of {@link ServerLog.nextRefusals} returns the refusals
 * printed since the previous call, waiting (bounded) until `count` of them have arrived: the
 * authorizer prints its line before the gateway answers, but the pipe may deliver it later.
 */
export class ServerLog {
  private seenReasons = 0;
  private seenMetrics = 0;

  /**
   * @param output everything the server printed so far
   * @param metrics whether AuthorizerUnauthorized lines are expected (metrics on)
   */
  constructor(
    private readonly output: () => string,
    private readonly metrics: boolean,
  ) {}

  private read(): { reasons: string[]; metrics: string[] } {
    const lines = jsonLines(this.output());
    return {
      reasons: lines
        .filter((line) => line.message === 'Token rejected')
        .map((line) => String(line.reason)),
      metrics: lines
        .filter((line) => 'AuthorizerUnauthorized' in line)
        .map((line) => String(line.reason)),
    };
  }

  /**
   * @param count how many new refusals to wait for (0: none may have appeared)
   * @param timeoutMs the bound of the wait
   * @returns the new refusals, in order (more than `count` when more arrived)
   */
  async nextRefusals(count: number, timeoutMs = 5000): Promise<LoggedRefusal[]> {
    const deadline = Date.now() + timeoutMs;
    let read = this.read();
    const arrived = (): boolean =>
      read.reasons.length >= this.seenReasons + count &&
      (!this.metrics || read.metrics.length >= this.seenMetrics + count);
    while (!arrived() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // poll interval of a bounded wait
      read = this.read();
    }
    const reasons = read.reasons.slice(this.seenReasons);
    const metrics = read.metrics.slice(this.seenMetrics);
    this.seenReasons = read.reasons.length;
    this.seenMetrics = read.metrics.length;
    return reasons.map((reason, i) => ({
      reason,
      ...(this.metrics ? { metric: metrics[i] as string } : {}),
    }));
  }
}
