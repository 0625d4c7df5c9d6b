// The node:http transport of the Lambdas' AWS client against local servers: each timeout apart, a body cut short, a body too large, a refused connection, kept-alive sockets.
import http from 'node:http';
import type net from 'node:net';
import {
  createHttpTransport,
  TransportError,
  type HttpResponse,
} from '../../functions/shared/aws/http-transport';

jest.setTimeout(20_000);

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A local server whose behaviour each test sets; counts the TCP connections it accepts. */
async function startServer(): Promise<{
  url: URL;
  handle: (h: Handler) => void;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let handler: Handler = (_req, res) => res.end('{}');
  let connections = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    handle: (h) => {
      handler = h;
    },
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TIMEOUTS = { connectionTimeoutMs: 1000, requestTimeoutMs: 300 };

describe('createHttpTransport (node:http)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const transport = createHttpTransport({ ...TIMEOUTS, maxResponseBytes: 1024 });
  const send = (signal = new AbortController().signal): Promise<HttpResponse> =>
    transport(
      {
        url: server.url,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: '{"a":1}',
      },
      signal,
    );
  const failure = async (promise: Promise<unknown>): Promise<TransportError> => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransportError);
    return err as TransportError;
  };

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('posts the body with its length and returns status, lower-case headers and body', async () => {
    // Arrange
    let seen: { method?: string; length?: string; type?: string } = {};
    server.handle((req, res) => {
      seen = {
        method: req.method,
        length: req.headers['content-length'],
        type: req.headers['content-type'],
      };
      res.writeHead(200, { 'X-Amzn-RequestId': 'r-1' });
      res.end('{"ok":true}');
    });

    // Act
    const res = await send();

    // Assert
    expect(seen).toEqual({ method: 'POST', length: '7', type: 'application/x-amz-json-1.0' });
    expect(res).toMatchObject({ statusCode: 200, body: '{"ok":true}' });
    expect(res.headers['x-amzn-requestid']).toBe('r-1');
  });

  it('keeps the connection alive between requests', async () => {
    // Arrange
    server.handle((_req, res) => res.end('{}'));
    await send();
    const before = server.connections();

    // Act
    for (let i = 0; i < 5; i++) await send();

    // Assert
    expect(server.connections()).toBe(before);
  });

  it('fails an attempt whose headers do not come within the response timeout', async () => {
    // Arrange
    server.handle(() => undefined);
    const started = Date.now();

    // Act
    const err = await failure(send());

    // Assert
    expect(err).toMatchObject({ failure: 'timeout', code: 'RequestTimeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUTS.requestTimeoutMs - 20);
  });

  it('fails an attempt whose body pauses longer than the response timeout', async () => {
    // Arrange
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"partial":');
    });

    // Act
    const err = await failure(send());

    // Assert
    expect(err).toMatchObject({ failure: 'timeout', code: 'IdleTimeout' });
  });

  it('fails an attempt whose body is cut short by the peer', async () => {
    // Arrange
    server.handle((req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"cut":', () => req.socket.destroy());
    });

    // Act
    const err = await failure(send());

    // Assert
    expect(err).toMatchObject({ failure: 'connection', code: 'ECONNRESET' });
  });

  it('fails an attempt whose body is larger than the limit', async () => {
    // Arrange
    server.handle((_req, res) => res.end(`"${'x'.repeat(2000)}"`));

    // Act
    const err = await failure(send());

    // Assert
    expect(err).toMatchObject({ failure: 'protocol', code: 'ResponseTooLarge' });
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    // Arrange
    const closed = await startServer();
    const url = closed.url;
    await closed.close();

    // Act
    const err = await failure(
      transport({ url, headers: {}, body: '{}' }, new AbortController().signal),
    );

    // Assert
    expect(err).toMatchObject({ failure: 'connection', code: 'ECONNREFUSED' });
  });

  it('rejects with the signal reason when aborted, and at once when already aborted', async () => {
    // Arrange
    server.handle(() => undefined);
    const controller = new AbortController();
    const reason = new Error('budget');

    // Act
    const pending = send(controller.signal);
    controller.abort(reason);
    const aborted = AbortSignal.abort(reason);

    // Assert
    await expect(pending).rejects.toBe(reason);
    await expect(send(aborted)).rejects.toBe(reason);
  });
});
