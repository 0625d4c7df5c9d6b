// A recording HTTP proxy in front of moto_server: forwards every request as is and records the Region and service of its SigV4 credential scope, and its X-Amz-Target (which Region each AWS call went to).
import http from 'node:http';

/** One request the proxy forwarded. */
export interface RecordedCall {
  /** The credential scope's Region (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
  region: string | undefined;
  /** The credential scope's service (`dynamodb`, `kms`). */
  service: string | undefined;
  /** The X-Amz-Target header (`DynamoDB_20120810.PutItem`, `TrentService.Sign`). */
  target: string | undefined;
}

/** A running recording proxy. */
export interface RecordingProxy {
  /** Base URL to use as AWS_ENDPOINT_URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** Every request forwarded so far, in order. */
  readonly calls: RecordedCall[];
  /** Stops the proxy. */
  close(): Promise<void>;
}

/**
 * The Region and service a SigV4 Authorization header is scoped to: its credential scope is
 * `<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request` (IAM User Guide, "Elements of an
 * AWS API request signature", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html).
 * moto_server picks the Region's backend by it, as the notes of issue 27 found.
 * @param authorization the header
 * @returns its Region and service, undefined when it has no credential scope
 */
export function credentialScope(authorization: string | undefined): {
  region: string | undefined;
  service: string | undefined;
} {
  const m = /Credential=[^/,]+\/\d{8}\/([^/,]+)\/([^/,]+)\/aws4_request/.exec(authorization ?? '');
  return { region: m?.[1], service: m?.[2] };
}

/**
 * Starts the proxy on a free loopback port.
 * @param upstream moto_server's base URL
 * @returns the running proxy
 */
export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const calls: RecordedCall[] = [];
  const server = http.createServer((req, res) => {
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    calls.push({ ...credentialScope(header('authorization')), target: header('x-amz-target') });
    const forward = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
