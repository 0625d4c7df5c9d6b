// Route map parsing (errors name the entry) and API Gateway's route specificity order.
import {
  compareSpecificity,
  parseRouteMap,
  RouteMapError,
} from '../../../../functions/authorizer/core/route-map';

describe('parseRouteMap', () => {
  it('parses methods, params, greedy segments, ANY and scopes', () => {
    // Act
    const routes = parseRouteMap({
      'GET /orders/{id}': ['orders:read', 'orders:read'],
      'post /orders': ['orders:write'],
      'ANY /files/{proxy+}': [],
      '* /': [],
      'DELETE /a/*/b': ['admin'],
    });
    // Assert
    expect(routes.map((r) => r.key)).toEqual([
      'GET /orders/{id}',
      'POST /orders',
      'ANY /files/{proxy+}',
      'ANY /',
      'DELETE /a/*/b',
    ]);
    expect(routes[0]?.scopes).toEqual(['orders:read']);
    expect(routes[0]?.resourcePatterns).toEqual(['GET/orders/*']);
    expect(routes[2]?.resourcePatterns).toHaveLength(7);
    expect(routes[2]?.resourcePatterns[0]).toBe('GET/files/*');
    expect(routes[3]?.resourcePatterns[1]).toBe('POST/');
    expect(routes[4]?.segments.map((s) => s.kind)).toEqual(['literal', 'greedy', 'literal']);
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
    [{ 'GET /a/b?c': [] }, /invalid path segment "b\?c"/],
    [{ 'GET /a/{}': [] }, /invalid path segment "\{\}"/],
    [{ 'GET /a': 'orders:read' }, /scopes must be an array/],
    [{ 'GET /a': ['has space'] }, /invalid scope "has space"/],
    [{ 'GET /a': [5] }, /invalid scope 5/],
    [{ 'GET /a': [], 'get /a': [] }, /route "get \/a" duplicates route "GET \/a"/],
    [{ 'ANY /a': [], '* /a': [] }, /duplicates/],
  ])('rejects %j', (input, message) => {
    // Act / Assert
    expect(() => parseRouteMap(input)).toThrow(RouteMapError);
    expect(() => parseRouteMap(input)).toThrow(message);
  });
});

describe('compareSpecificity', () => {
  const routes = parseRouteMap({
    'GET /orders/{id}': ['r'],
    'GET /orders/new': ['w'],
    'ANY /orders/{id}': ['any'],
    'GET /files/{proxy+}': ['f'],
    'GET /a/*/c': ['star'],
    'GET /': [],
  });

  it('compares specificity: literal > param > greedy, concrete method > ANY', () => {
    // Arrange
    const [param, literal, any, greedy] = routes as [never, never, never, never];
    // Act / Assert
    expect(compareSpecificity(literal, param)).toBeGreaterThan(0);
    expect(compareSpecificity(param, greedy)).toBeGreaterThan(0);
    expect(compareSpecificity(param, any)).toBeGreaterThan(0);
    expect(compareSpecificity(any, param)).toBeLessThan(0);
    expect(compareSpecificity(routes[5]!, routes[0]!)).toBe(0);
  });
});
