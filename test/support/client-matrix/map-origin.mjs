// Node preload for the client matrix: sends requests for MAP_ORIGIN_FROM to MAP_ORIGIN_TO, like an /etc/hosts entry plus TLS termination would.
/* global process, Request */
// The deployed example's issuer (https://<api>.execute-api.<region>.amazonaws.com/<stage>) has no
// DNS here; `npm start -- --from-api` serves that API on loopback. The library under test still
// sees and checks the deployed https URLs; only the transport goes to the local runner.
const from = process.env.MAP_ORIGIN_FROM;
const to = process.env.MAP_ORIGIN_TO;
if (from && to) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(`${from}/`)) return realFetch(request);
    return realFetch(new Request(to + request.url.slice(from.length), request));
  };
}
