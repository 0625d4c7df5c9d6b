// One HTTP attempt over node:http(s) with keep-alive, bounded by a connection, a response and an idle timeout.
import http from 'node:http';
import https from 'node:https';

/** A signed request: POST of a JSON body to the service's base URL. */
export interface HttpRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/** A whole response, its body read as UTF-8. */
export interface HttpResponse {
  statusCode: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

/** Sends one attempt; rejects with {@link TransportError}, or with the signal's reason once it aborts. */
export type HttpTransport = (request: HttpRequest, signal: AbortSignal) => Promise<HttpResponse>;

/** Why an attempt got no whole response. */
export type TransportFailure = 'timeout' | 'connection' | 'protocol';

/** An attempt failed before a whole response arrived. `code` names what happened, never data. */
export class TransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** Time to open the TCP connection, per attempt. */
  connectionTimeoutMs: number;
  /** Time from sending an attempt to its response headers; also the longest pause while the body streams. */
  requestTimeoutMs: number;
  /** Largest response body read; a larger one fails the attempt (default 4 MiB). */
  maxResponseBytes?: number;
}

/**
 * DynamoDB items are at most 400 KB ("The maximum item size in DynamoDB is 400 KB", Amazon DynamoDB
 * Developer Guide, "Constraints", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html),
 * and KMS answers are smaller; 4 MiB holds any answer these functions ask for in JSON, with room.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * The node:http(s) transport. Sockets are kept alive between requests of a warm container, as the
 * SDK's NodeHttpHandler does; node:http is used rather than fetch because it loads and answers
 * its first request faster (no undici to load) and lets each timeout be set apart.
 * @param options the timeouts and the body limit
 * @returns the transport
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return (request, signal) =>
    new Promise<HttpResponse>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const secure = request.url.protocol === 'https:';
      const timers = new Set<NodeJS.Timeout>();
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        signal.removeEventListener('abort', onAbort);
        outcome();
      };
      const fail = (err: unknown): void =>
        finish(() => {
          req.destroy();
          reject(err);
        });
      const timer = (ms: number, code: string, message: string): NodeJS.Timeout => {
        const t = setTimeout(() => fail(new TransportError('timeout', code, message)), ms);
        timers.add(t);
        return t;
      };
      const onAbort = (): void => fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });

      const req = (secure ? https : http).request(request.url, {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        agent: secure ? agents.https : agents.http,
      });
      const untilHeaders = timer(
        options.requestTimeoutMs,
        'RequestTimeout',
        `no response headers within ${options.requestTimeoutMs} ms`,
      );
      req.on('socket', (socket) => {
        // A kept-alive socket is already connected; a new one gets the connection timeout.
        if (!socket.connecting) return;
        const connect = timer(
          options.connectionTimeoutMs,
          'ConnectTimeout',
          `no connection within ${options.connectionTimeoutMs} ms`,
        );
        socket.once('connect', () => {
          clearTimeout(connect);
          timers.delete(connect);
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) =>
        fail(
          new TransportError('connection', err.code ?? 'ECONNRESET', err.message, { cause: err }),
        ),
      );
      req.on('response', (res) => {
        clearTimeout(untilHeaders);
        timers.delete(untilHeaders);
        const chunks: Buffer[] = [];
        let size = 0;
        let idle = timer(
          options.requestTimeoutMs,
          'IdleTimeout',
          `the response body paused for ${options.requestTimeoutMs} ms`,
        );
        res.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > maxBytes) {
            fail(
              new TransportError(
                'protocol',
                'ResponseTooLarge',
                `the response body is over ${maxBytes} bytes`,
              ),
            );
            return;
          }
          chunks.push(chunk);
          clearTimeout(idle);
          timers.delete(idle);
          idle = timer(
            options.requestTimeoutMs,
            'IdleTimeout',
            `the response body paused for ${options.requestTimeoutMs} ms`,
          );
        });
        res.on('error', (err: NodeJS.ErrnoException) =>
          fail(
            new TransportError(
              'connection',
              err.code ?? 'ECONNRESET',
              `the connection failed while the response body was read: ${err.message}`,
              { cause: err },
            ),
          ),
        );
        // 'close' without 'end': the peer closed before the body was complete.
        res.on('close', () => {
          if (!res.complete)
            fail(
              new TransportError(
                'connection',
                'ECONNRESET',
                `the connection closed after ${size} bytes of the response body`,
              ),
            );
        });
        res.on('end', () =>
          finish(() =>
            resolve({
              statusCode: res.statusCode ?? 0,
              headers: lowerCaseHeaders(res.headers),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          ),
        );
      });
      req.end(request.body);
    });
}

function lowerCaseHeaders(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
