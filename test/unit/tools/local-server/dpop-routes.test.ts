// npm start's DPoP settings: a routes file's dpop flag and the hosts a proof may name.
import { parseRoutes } from '../../../../tools/local-server/routes-file';
import { dpopHostsFor } from '../../../../tools/local-server/local-server';

describe('routes file: the dpop flag', () => {
  it('reads {"scopes", "dpop": true} as a DPoP route and the array form as a Bearer one', () => {
    // Act
    const routes = parseRoutes(
      { 'GET /hello': ['demo:read'], 'GET /hello/dpop': { scopes: ['demo:read'], dpop: true } },
      'routes.json',
    );

    // Assert
    expect(routes.map((r) => [r.key, r.dpop])).toEqual([
      ['GET /hello', false],
      ['GET /hello/dpop', true],
    ]);
  });

  it('refuses a dpop flag that is not a boolean, naming the file and the route', () => {
    // Act / Assert
    expect(() => parseRoutes({ 'GET /x': { scopes: [], dpop: 'yes' } }, 'r.json')).toThrow(
      /^r\.json: route "GET \/x": dpop must be true or false/,
    );
  });
});

describe('dpopHostsFor', () => {
  it.each([
    ['http://127.0.0.1:8080', ['127.0.0.1:8080', 'localhost:8080']],
    ['http://localhost:8080', ['127.0.0.1:8080', 'localhost:8080']],
    ['https://API.example.com', ['127.0.0.1:8080', 'localhost:8080', 'api.example.com']],
    ['http://dev.example:9000', ['127.0.0.1:8080', 'localhost:8080', 'dev.example:9000']],
    ['http://[::1]:8080', ['127.0.0.1:8080', 'localhost:8080']],
  ])('for the issuer %s: %j', (issuer, hosts) => {
    // Act / Assert
    expect(dpopHostsFor(8080, issuer)).toEqual(hosts);
  });
});
