// Unit tests of the emulator's resource matching: literals, {param}, {proxy+}, ANY, and rejected definitions.
import { RouteMatcher } from '../../../../tools/gateway/route-matcher';
import type { Route } from '../../../../tools/gateway/types';

const mock = { type: 'mock', statusCode: 200 } as const;
const route = (method: string, resourcePath: string): Route => ({
  method,
  resourcePath,
  authorization: 'NONE',
  integration: mock,
});

describe('RouteMatcher', () => {
  const matcher = new RouteMatcher([
    route('GET', '/'),
    route('GET', '/orders'),
    route('GET', '/orders/{id}'),
    route('GET', '/orders/latest'),
    route('ANY', '/files/{proxy+}'),
    route('POST', '/orders'),
  ]);

  it.each([
    ['GET', '/', '/', null],
    ['GET', '/orders', '/orders', null],
    ['GET', '/orders/', '/orders', null],
    ['GET', '/orders/42', '/orders/{id}', { id: '42' }],
    ['GET', '/orders/a%20b', '/orders/{id}', { id: 'a b' }],
    ['GET', '/orders/latest', '/orders/latest', null],
    ['DELETE', '/files/a/b/c.txt', '/files/{proxy+}', { proxy: 'a/b/c.txt' }],
    ['post', '/orders', '/orders', null],
  ])('%s %s matches %s', (method, path, resourcePath, params) => {
    // Act
    const match = matcher.match(method, path);

    // Assert
    expect(match?.route.resourcePath).toBe(resourcePath);
    expect(match?.pathParameters).toEqual(params);
  });

  it.each([
    ['GET', '/nothing'],
    ['DELETE', '/orders'],
    ['GET', '/orders/1/2'],
    ['GET', '/files'],
  ])('%s %s matches nothing (MISSING_AUTHENTICATION_TOKEN)', (method, path) => {
    // Act / Assert
    expect(matcher.match(method, path)).toBeUndefined();
  });

  it.each([
    [[route('GET', '/a'), route('GET', '/a')], /duplicate route/],
    [[route('GET', '/a/{x}'), route('POST', '/a/{y}')], /different parameter names/],
    [[route('GET', '/{proxy+}/a')], /last segment/],
    [[route('GET', 'a')], /must start with/],
    [[route('GET', '/a{b')], /bad path segment/],
    [[{ ...route('GET', '/a'), authorization: 'CUSTOM' as const }], /without an authorizerId/],
  ])('rejects a bad definition', (routes, message) => {
    // Act / Assert
    expect(() => new RouteMatcher(routes)).toThrow(message);
  });
});
