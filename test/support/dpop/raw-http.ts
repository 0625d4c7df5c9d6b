// HTTP/1.1 over raw sockets for the DPoP tests: requests written byte for byte (two DPoP headers, any Host), a recording of what node:http sent, and the same bytes sent again.
import http from 'node:http';
import net from 'node:net';

/** A parsed HTTP response. */
export interface RawResponse {
  status: number;
  /** Header values by lower-case name, in arrival order. */
  headers: Record<string, string[]>;
  body: string;
}

/**
 * The bytes of a request: request line, `Host` (unless `headers` holds one), the headers in order,
 * `Connection: close`, `Content-Length` when there is a body, and the body.
 * @param request method, target, headers and body
 * @param host the Host header's value
 * @returns the request's bytes
 */
export function requestBytes(
  request: { method: string; path: string; headers: [string, string][]; body?: string },
  host: string,
): Buffer {
  const hasHost = request.headers.some(([name]) => name.toLowerCase() === 'host');
  const body = Buffer.from(request.body ?? '');
  const lines = [
    `${request.method} ${request.path} HTTP/1.1`,
    ...(hasHost ? [] : [`Host: ${host}`]),
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
    ...(body.length > 0 ? [`Content-Length: ${body.length}`] : []),
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), body]);
}

/**
 * Parses a whole response (the server closed the connection after it).
 * @param bytes everything the server sent
 * @returns status, headers and body
 */
export function parseResponse(bytes: Buffer): RawResponse {
  const text = bytes.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...headerLines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine as string)?.[1]);
  const headers: Record<string, string[]> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    (headers[line.slice(0, colon).toLowerCase()] ??= []).push(line.slice(colon + 1).trim());
  }
  return { status, headers, body: text.slice(end + 4) };
}

/**
 * Writes bytes to a new connection and reads until the server closes it.
 * @param port the server's port on 127.0.0.1
 * @param bytes the request, byte for byte (with `Connection: close`)
 * @returns the parsed response
 */
export function sendRaw(port: number, bytes: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // write, not end: a half-closed connection may be dropped before the answer is written. The
    // request says `Connection: close`, so the server closes the connection after its answer.
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer within 15 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * Sends a request with node:http through a recording relay (a loopback TCP hop that copies every
 * byte the client wrote), so that exactly that request can be sent again.
 * @param port the server's port on 127.0.0.1
 * @param request method, target and headers (Host included: the relay's port is not the server's)
 * @returns the response and the bytes the client sent
 */
export async function recordedRequest(
  port: number,
  request: { method: string; path: string; headers: [string, string][] },
): Promise<{ response: RawResponse; sent: Buffer }> {
  const sent: Buffer[] = [];
  const relay = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port });
    client.on('data', (chunk: Buffer) => sent.push(chunk));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  try {
    const response = await new Promise<RawResponse>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: (relay.address() as net.AddressInfo).port,
        method: request.method,
        path: request.path,
        // Raw header pairs, so names keep their case and order as given.
        headers: request.headers.flat(),
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string[]> = {};
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            (headers[(res.rawHeaders[i] as string).toLowerCase()] ??= []).push(
              res.rawHeaders[i + 1] as string,
            );
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.end();
    });
    return { response, sent: Buffer.concat(sent) };
  } finally {
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  }
}
