// Fault-injection HTTP proxy in front of moto_server: per AWS JSON operation (X-Amz-Target) it returns AWS errors, 5xx, resets, delays or hangs, and counts attempts.
import http from 'node:http';
import type net from 'node:net';

/**
 * What the proxy does to a request of one operation, until cleared:
 * - `error`: answers `status` with an AWS JSON error body whose `__type` is `type` (the SDK reads
 *   the error name from it: "{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
 *   "message":...}", Amazon DynamoDB Developer Guide, "Error handling with DynamoDB",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html);
 * - `reset`: reads the request, then resets the TCP connection (RST);
 * - `delay`: forwards to moto after `ms`, or, with `then`, answers that fault after `ms`;
 * - `hang`: reads the request and never answers.
 */
export type Fault =
  | { kind: 'error'; status: number; type: string }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number; then?: Fault }
  | { kind: 'hang' };

/**
 * @param type the AWS error code, e.g. `ThrottlingException`
 * @param status the HTTP status (400 for throttling, as DynamoDB and KMS answer it)
 * @returns an `error` fault
 */
export const awsError = (type: string, status = 400): Fault => ({ kind: 'error', status, type });

/** DynamoDB GetItem's X-Amz-Target. */
export const DYNAMODB_GET_ITEM = 'DynamoDB_20120810.GetItem';
/** KMS Sign's X-Amz-Target. */
export const KMS_SIGN = 'TrentService.Sign';
/** KMS GetPublicKey's X-Amz-Target. */
export const KMS_GET_PUBLIC_KEY = 'TrentService.GetPublicKey';

/** A running fault proxy. */
export interface FaultProxy {
  /** Base URL to use as the SDK endpoint, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** Applies `fault` to every later request whose X-Amz-Target is `target`. */
  inject(target: string, fault: Fault): void;
  /** Removes every fault; requests are forwarded again. */
  clear(): void;
  /** Requests received for `target` (faulted or forwarded) since the last {@link resetCounts}. */
  attempts(target: string): number;
  /** Sets every attempt count to zero. */
  resetCounts(): void;
  /** Stops the proxy and drops every open (hung) connection. */
  close(): Promise<void>;
}

/**
 * Starts the proxy on a free loopback port.
 * @param upstream moto_server's base URL
 * @returns the running proxy
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const faults = new Map<string, Fault>();
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void => {
    if (res.destroyed || req.socket.destroyed) return; // the client gave up meanwhile
    const upstreamReq = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.destroy());
    upstreamReq.end(body);
  };

  const apply = (
    fault: Fault | undefined,
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ): void => {
    if (!fault) return forward(req, body, res);
    switch (fault.kind) {
      case 'error': {
        if (res.destroyed) return;
        const payload = JSON.stringify({ __type: fault.type, message: 'injected by fault proxy' });
        res.writeHead(fault.status, {
          'Content-Type': req.headers['content-type'] ?? 'application/x-amz-json-1.1',
          'Content-Length': Buffer.byteLength(payload),
          'x-amzn-RequestId': 'fault-proxy',
        });
        res.end(payload);
        return;
      }
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'delay':
        later(fault.ms, () => apply(fault.then, req, body, res));
        return;
      case 'hang':
        return; // the socket stays open until the client gives up or the proxy closes
    }
  };

  const server = http.createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => apply(faults.get(operation), req, Buffer.concat(chunks), res));
  });
  server.on('clientError', (_err, socket: net.Socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    inject: (operation, fault) => void faults.set(operation, fault),
    clear: () => faults.clear(),
    attempts: (operation) => counts.get(operation) ?? 0,
    resetCounts: () => counts.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
