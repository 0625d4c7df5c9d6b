// Route map parsing (errors name the entry), resource shapes and the exact route lookup.
import {
  lookupRoute,
  parseRouteMap,
  resourceShape,
  ROUTE_SETTINGS,
  RouteMapError,
} from '../../../../functions/authorizer/core/route-map';

describe('parseRouteMap', () => {
  it('parses methods, params, greedy segments, ANY and scopes', () => {
    // Act
    const map = parseRouteMap({
      'GET /orders/{id}': ['orders:read', 'orders:read'],
      'post /orders': ['orders:write'],
      'ANY /files/{proxy+}': [],
      '* /': [],
      'DELETE /a/{b}/*': ['admin'],
    });
    // Assert
    expect(map.routes.map((r) => r.key)).toEqual([
      'GET /orders/{id}',
      'POST /orders',
      'ANY /files/{proxy+}',
      'ANY /',
      'DELETE /a/{b}/*',
    ]);
    expect(map.routes.map((r) => r.shape)).toEqual([
      '/orders/{}',
      '/orders',
      '/files/{+}',
      '/',
      '/a/{}/{+}',
    ]);
    expect(map.routes[0]?.scopes).toEqual(['orders:read']);
    expect([...map.byKey.keys()]).toEqual([
      'GET /orders/{}',
      'POST /orders',
      'ANY /files/{+}',
      'ANY /',
      'DELETE /a/{}/{+}',
    ]);
  });

  it.each([
    [[], /must be a JSON object/],
    [null, /must be a JSON object/],
    ['x', /must be a JSON object/],
    [{ 'GET/orders': [] }, /route "GET\/orders": must be "METHOD \/path"/],
    [{ 'GET  /orders': [] }, /route "GET {2}\/orders": must be "METHOD \/path"/],
    [{ 'FETCH /orders': [] }, /route "FETCH \/orders": unknown method "FETCH"/],
    [{ 'GET orders': [] }, /must start with "\/"/],
    [{ 'GET /orders/': [] }, /empty segment/],
    [{ 'GET /a//b': [] }, /empty segment/],
    [{ 'GET /a/{proxy+}/b': [] }, /greedy parameter "\{proxy\+\}" must be the last segment/],
    [{ 'GET /a/*/b': [] }, /greedy parameter "\*" must be the last segment/],
    [
      { 'GET /a/{x}': [], 'GET /a/{y}': [] },
      /route "GET \/a\/\{y\}" duplicates route "GET \/a\/\{x\}"/,
    ],
    [{ 'GET /a/b?c': [] }, /invalid path segment "b\?c"/],
    [{ 'GET /a/{}': [] }, /invalid path segment "\{\}"/],
    [{ 'GET /a': 'orders:read' }, /scopes must be an array/],
    [{ 'GET /a': ['has space'] }, /invalid scope "has space"/],
    [{ 'GET /a': [5] }, /invalid scope 5/],
    [{ 'GET /a': [], 'get /a': [] }, /route "get \/a" duplicates route "GET \/a"/],
    [{ 'ANY /a': [], '* /a': [] }, /duplicates/],
    [{ 'GET /a': {} }, /route "GET \/a": scopes must be an array/],
    [{ 'GET /a': { scopes: 'x' } }, /scopes must be an array/],
    [{ 'GET /a': { scopes: ['a b'] } }, /invalid scope "a b"/],
    [
      { 'GET /a': { scopes: [], mtls: true } },
      /route "GET \/a": unknown setting "mtls" \(this authorizer knows scopes, dpop\)/,
    ],
    [{ 'GET /a': { scopes: [], dpop: 'true' } }, /route "GET \/a": dpop must be true or false/],
    [{ 'GET /a': { scopes: [], dpop: 1 } }, /dpop must be true or false/],
    [{ 'GET /a': { dpop: true } }, /scopes must be an array/],
  ])('rejects %j', (input, message) => {
    // Act / Assert
    expect(() => parseRouteMap(input)).toThrow(RouteMapError);
    expect(() => parseRouteMap(input)).toThrow(message);
  });
});

describe('route objects', () => {
  it('reads {"scopes": [...]} as the array form', () => {
    // Act
    const objects = parseRouteMap({
      'GET /orders/{id}': { scopes: ['orders:read', 'orders:read'] },
      'GET /health': { scopes: [] },
    });
    const arrays = parseRouteMap({ 'GET /orders/{id}': ['orders:read'], 'GET /health': [] });

    // Assert
    expect(objects).toEqual(arrays);
    expect(ROUTE_SETTINGS).toEqual(['scopes', 'dpop']);
  });

  it('reads the dpop sender constraint, false when absent or in the array form', () => {
    // Act
    const map = parseRouteMap({
      'GET /orders/{id}': { scopes: ['orders:read'], dpop: true },
      'POST /orders': { scopes: ['orders:write'], dpop: false },
      'GET /health': [],
      'GET /status': { scopes: [] },
    });

    // Assert
    expect(map.routes.map((r) => r.dpop)).toEqual([true, false, false, false]);
    expect(lookupRoute(map, 'GET', '/orders/{orderId}')).toMatchObject({
      dpop: true,
      scopes: ['orders:read'],
    });
  });

  it('refuses the whole map for one route with a setting it does not know (never ignores a constraint)', () => {
    // Act / Assert
    expect(() =>
      parseRouteMap({
        'GET /a': ['s'],
        'POST /a': { scopes: ['s'], dpop: 'required' },
      }),
    ).toThrow(RouteMapError);
    expect(() =>
      parseRouteMap({
        'GET /a': ['s'],
        'POST /a': { scopes: ['s'], sender: 'mtls' },
      }),
    ).toThrow(RouteMapError);
  });
});

describe('resourceShape', () => {
  it.each([
    ['/', '/'],
    ['/orders', '/orders'],
    ['/orders/{id}', '/orders/{}'],
    ['/orders/{orderId}', '/orders/{}'],
    ['/{proxy+}', '/{+}'],
    ['/files/*', '/files/{+}'],
    ['/a/{b}/c', '/a/{}/c'],
  ])('%s has the shape %s', (path, shape) => {
    // Act / Assert
    expect(resourceShape(path)).toBe(shape);
  });

  it.each(['', 'orders', '/a//b', '/{proxy+}/x', '/a/*/b', '/a/b?c', '/a/{}'])(
    'is undefined for %j (not a resource template)',
    (path) => {
      // Act / Assert
      expect(resourceShape(path)).toBeUndefined();
    },
  );
});

describe('lookupRoute', () => {
  const map = parseRouteMap({
    'GET /orders/{id}': ['orders:read'],
    'ANY /orders/{id}': ['orders:any'],
    'GET /orders/new': ['admin'],
    'ANY /{proxy+}': ['admin'],
    'GET /': [],
  });

  it.each([
    ['GET', '/orders/{id}', 'GET /orders/{id}'],
    ['GET', '/orders/{orderId}', 'GET /orders/{id}'],
    ['DELETE', '/orders/{id}', 'ANY /orders/{id}'],
    ['GET', '/orders/new', 'GET /orders/new'],
    ['POST', '/{proxy+}', 'ANY /{proxy+}'],
    ['GET', '/', 'GET /'],
  ])('%s %s is the route %s', (method, resource, key) => {
    // Act / Assert
    expect(lookupRoute(map, method, resource)?.key).toBe(key);
  });

  it.each([
    ['POST', '/orders/new'],
    ['POST', '/'],
    ['GET', '/orders'],
    ['GET', '/orders/{id}/audit'],
    ['GET', '/Orders/new'],
    ['get', '/orders/new'],
    ['GET', 'not a template'],
  ])('%s %s is not in the map (unlisted routes are denied)', (method, resource) => {
    // Act / Assert
    expect(lookupRoute(map, method, resource)).toBeUndefined();
  });
});
