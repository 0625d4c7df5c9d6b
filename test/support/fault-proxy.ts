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
 * - `hang`: reads the request and never answers;
 * - `raw`: answers `status` with `body` as is (not JSON, an unknown `__type`, ...) and `headers`;
 * - `truncate`: forwards to moto, then sends only the first `bytes` of its body under the full
 *   Content-Length and closes the connection (a body cut short in transit);
 * - `signing-time`: refuses a request whose `X-Amz-Date` is more than five minutes from the
 *   proxy's clock as DynamoDB and KMS do (400 `InvalidSignatureException`, "Signature expired",
 *   with the proxy's `Date` header, or without it when `dateHeader` is false) and forwards the others.
 */
export type Fault =
  | { kind: 'error'; status: number; type: string }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number; then?: Fault }
  | { kind: 'hang' }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'truncate'; bytes: number }
  | { kind: 'signing-time'; dateHeader?: boolean };

/** SigV4's tolerance between the signing time and the service's clock. */
const SIGNING_TIME_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * @param amzDate an X-Amz-Date value, `YYYYMMDDTHHMMSSZ`
 * @returns its time in ms, or NaN
 */
function parseAmzDate(amzDate: string | undefined): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '');
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

/**
 * @param type the AWS error code, e.g. `ThrottlingException`
 * @param status the HTTP status (400 for throttling, as DynamoDB and KMS answer it)
 * @returns an `error` fault
 */
export const awsError = (type: string, status = 400): Fault => ({ kind: 'error', status, type });

/** DynamoDB GetItem's X-Amz-Target. */
export const DYNAMODB_GET_ITEM = 'DynamoDB_20120810.GetItem';
/** DynamoDB BatchGetItem's X-Amz-Target (the token function's client lookup). */
export const DYNAMODB_BATCH_GET_ITEM = 'DynamoDB_20120810.BatchGetItem';
/** DynamoDB UpdateItem's X-Amz-Target (the token function's last-use write). */
export const DYNAMODB_UPDATE_ITEM = 'DynamoDB_20120810.UpdateItem';
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
      case 'raw':
        if (res.destroyed) return;
        res.writeHead(fault.status, {
          'Content-Length': Buffer.byteLength(fault.body),
          ...fault.headers,
        });
        res.end(fault.body);
        return;
      case 'truncate': {
        const upstreamReq = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (upstreamRes) => {
            const chunks: Buffer[] = [];
            upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
            upstreamRes.on('end', () => {
              const full = Buffer.concat(chunks);
              res.writeHead(upstreamRes.statusCode ?? 502, {
                ...upstreamRes.headers,
                'content-length': String(full.byteLength),
              });
              res.write(full.subarray(0, Math.min(fault.bytes, full.byteLength - 1)));
              // Flush what was written, then drop the connection mid-body.
              setImmediate(() => req.socket.destroy());
            });
          },
        );
        upstreamReq.on('error', () => res.destroy());
        upstreamReq.end(body);
        return;
      }
      case 'signing-time': {
        const signed = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
        if (Math.abs(signed - Date.now()) <= SIGNING_TIME_TOLERANCE_MS)
          return forward(req, body, res);
        const payload = JSON.stringify({
          __type: 'com.amazon.coral.service#InvalidSignatureException',
          message: `Signature expired: ${String(req.headers['x-amz-date'])} is now earlier than the allowed window. Canonical request: x-amz-security-token:${String(req.headers['x-amz-security-token'] ?? '')}`,
        });
        // node:http adds a Date header unless told not to.
        res.sendDate = fault.dateHeader !== false;
        res.writeHead(400, {
          'Content-Type': req.headers['content-type'] ?? 'application/x-amz-json-1.1',
          'Content-Length': Buffer.byteLength(payload),
          ...(fault.dateHeader === false ? {} : { Date: new Date().toUTCString() }),
        });
        res.end(payload);
        return;
      }
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
