// Node preload for the client matrix: sends requests for MAP_ORIGIN_FROM to MAP_ORIGIN_TO with MAP_ORIGIN_FROM's Host, like an /etc/hosts entry plus TLS termination would.
/* global process, Request, Response, Headers, Buffer, URL */
import http from 'node:http';

// The deployed example's issuer (https://<api>.execute-api.<region>.amazonaws.com/<stage>) has no
// DNS here; `npm start -- --from-api` serves that API on loopback. The library under test still
// sees and checks the deployed https URLs; only the transport goes to the local runner, over
// node:http, because fetch may not set Host: the request carries the deployed host, as it would
// through a TLS terminator, so a DPoP proof's htu and the Host the authorizer reads agree.
const from = process.env.MAP_ORIGIN_FROM;
const to = process.env.MAP_ORIGIN_TO;
if (from && to) {
  const realFetch = globalThis.fetch;
  const host = new URL(from).host;
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(`${from}/`)) return realFetch(request);
    const target = new URL(to + request.url.slice(from.length));
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers = Object.fromEntries(request.headers);
    headers.host = host;
    return new Promise((resolve, reject) => {
      const req = http.request(target, { method: request.method, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            responseHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          }
          const empty = res.statusCode === 204 || res.statusCode === 304;
          resolve(
            new Response(empty ? null : Buffer.concat(chunks), {
              status: res.statusCode,
              headers: responseHeaders,
            }),
          );
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}
