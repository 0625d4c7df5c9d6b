// The DPoP side of a REQUEST event: the authorization scheme, the target URI from an allow-listed Host and requestContext.path (refusing what the docs leave open), the replay key and the bound jkt.
import {
  boundJkt,
  DPOP_JTI_PREFIX,
  dpopJtiKey,
  dpopTargetUri,
  DpopTargetUriError,
  parseAuthorization,
  type TargetUriEvent,
} from '../../../../functions/authorizer/core/dpop-request';

const HOST = 'api.example.com';

describe('parseAuthorization', () => {
  it.each([
    ['Bearer abc', { scheme: 'bearer', token: 'abc' }],
    ['bearer abc', { scheme: 'bearer', token: 'abc' }],
    ['DPoP abc', { scheme: 'dpop', token: 'abc' }],
    ['DPOP abc', { scheme: 'dpop', token: 'abc' }],
    ['Basic abc', undefined],
    ['DPoP', undefined],
    ['DPoP ', undefined],
    ['abc', undefined],
    [undefined, undefined],
    [42, undefined],
  ])('%j → %j', (header, expected) => {
    // Act / Assert
    expect(parseAuthorization(header)).toEqual(expected);
  });
});

describe('dpopTargetUri', () => {
  const event = (host: unknown, path: unknown, extra: Partial<TargetUriEvent> = {}) =>
    ({
      headers: host === undefined ? {} : { Host: host as string },
      requestContext: { path },
      ...extra,
    }) as TargetUriEvent;

  it('keeps paths whose dots are not segments, and percent-encoded characters', () => {
    // Act / Assert
    for (const path of [
      '/prod/x.json',
      '/prod/.well-known/jwks',
      '/prod/..x',
      '/prod/a%20b',
      '/',
    ]) {
      expect(dpopTargetUri(event(HOST, path), [HOST])).toBe(`https://api.example.com${path}`);
    }
  });

  it('rebuilds https://<Host><requestContext.path>, the host in lower case without :443', () => {
    // Act / Assert
    expect(dpopTargetUri(event(HOST, '/prod/orders/7'), [HOST])).toBe(
      'https://api.example.com/prod/orders/7',
    );
    expect(dpopTargetUri(event('API.Example.com:443', '/v1/x'), [HOST])).toBe(
      'https://api.example.com/v1/x',
    );
    expect(dpopTargetUri(event('api.example.com:8443', '/x'), ['api.example.com:8443'])).toBe(
      'https://api.example.com:8443/x',
    );
  });

  it.each<[string, TargetUriEvent, string]>([
    ['no Host', event(undefined, '/x'), 'host'],
    ['a Host not allowed', event('evil.example.com', '/x'), 'host'],
    [
      'two Host headers',
      event(HOST, '/x', { multiValueHeaders: { Host: [HOST, 'evil.example.com'] } }),
      'host',
    ],
    ['no requestContext.path', event(HOST, undefined), 'path'],
    ['no requestContext', { headers: { Host: HOST }, requestContext: null }, 'path'],
    ['a path that is not a string', event(HOST, 7), 'path'],
    ['a relative path', event(HOST, 'x/y'), 'path'],
    ['a path with a query', event(HOST, '/x?y=1'), 'path'],
    ['a path with a fragment', event(HOST, '/x#y'), 'path'],
    // API Gateway routes on the path as sent, the proof's htu is compared after dot segments are
    // removed: such a path could carry a proof made for another route, so it is refused.
    ['a dot-dot segment', event(HOST, '/prod/files/../orders/7'), 'path'],
    ['a dot segment', event(HOST, '/prod/./orders/7'), 'path'],
    ['an encoded dot-dot segment', event(HOST, '/prod/files/%2e%2e/orders/7'), 'path'],
    ['a half-encoded dot-dot segment', event(HOST, '/prod/files/.%2E/orders/7'), 'path'],
    ['an encoded dot segment', event(HOST, '/prod/%2E/orders/7'), 'path'],
    ['a backslash', event(HOST, '/prod/files\\..\\orders/7'), 'path'],
    ['a space', event(HOST, '/prod/a b'), 'path'],
    ['a tab', event(HOST, '/prod/a\tb'), 'path'],
  ])('refuses %s', (_name, input, problem) => {
    // Act / Assert
    expect(() => dpopTargetUri(input, [HOST])).toThrow(DpopTargetUriError);
    expect(() => dpopTargetUri(input, [HOST])).toThrow(expect.objectContaining({ problem }));
  });
});

describe('dpopTargetUri with a public base URL (DPOP_PUBLIC_BASE_URL)', () => {
  const API_HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
  const BASE = 'https://cdn.example.com/api';
  const event = (
    path: unknown,
    context: Record<string, unknown> = { stage: 'prod', apiId: 'abc123' },
    host: string = API_HOST,
  ) => ({ headers: { Host: host }, requestContext: { path, ...context } }) as TargetUriEvent;

  it('is the base followed by requestContext.path below the stage', () => {
    // Act / Assert
    expect(dpopTargetUri(event('/prod/orders/7'), [API_HOST], BASE)).toBe(
      'https://cdn.example.com/api/orders/7',
    );
    expect(dpopTargetUri(event('/prod'), [API_HOST], BASE)).toBe('https://cdn.example.com/api/');
    expect(dpopTargetUri(event('/prod/'), [API_HOST], BASE)).toBe('https://cdn.example.com/api/');
    expect(
      dpopTargetUri(
        event(
          '/prod/a%20b',
          { stage: 'prod', apiId: 'abc123' },
          'ABC123.execute-api.eu-west-1.amazonaws.com:443',
        ),
        [API_HOST],
        'https://cdn.example.com',
      ),
    ).toBe('https://cdn.example.com/a%20b');
  });

  it.each<[string, TargetUriEvent, string]>([
    // The docs do not say what requestContext.path holds on a custom domain: refused.
    ['a custom domain host', event('/prod/orders/7', undefined, 'api.example.com'), 'mapping'],
    [
      'another API on execute-api',
      event('/prod/orders/7', { stage: 'prod', apiId: 'zzz999' }),
      'mapping',
    ],
    [
      'a host that only starts like the API id',
      event('/prod/x', { stage: 'prod', apiId: 'abc' }),
      'mapping',
    ],
    ['no apiId', event('/prod/orders/7', { stage: 'prod' }), 'mapping'],
    [
      'an apiId that is not an id',
      event('/prod/x', { stage: 'prod', apiId: 'abc123.execute-api' }),
      'mapping',
    ],
    ['no stage', event('/prod/orders/7', { apiId: 'abc123' }), 'path'],
    [
      'a stage that is not a stage name',
      event('/p.d/x', { stage: 'p.d', apiId: 'abc123' }),
      'path',
    ],
    ['a path without the stage', event('/orders/7'), 'path'],
    ['a path whose first segment only starts with the stage', event('/prodx/orders/7'), 'path'],
    ['an encoded stage', event('/%70rod/orders/7'), 'path'],
    ['a dot-dot segment after the stage', event('/prod/../other/orders/7'), 'path'],
    ['an encoded dot-dot segment after the stage', event('/prod/%2E%2E/orders/7'), 'path'],
  ])('refuses %s', (_name, input, problem) => {
    // Act / Assert
    const act = (): string => dpopTargetUri(input, [API_HOST, 'api.example.com'], BASE);
    expect(act).toThrow(DpopTargetUriError);
    expect(act).toThrow(expect.objectContaining({ problem }));
  });
});

describe('dpopJtiKey', () => {
  it('is dpopjti# and a digest of the key and jti: short, and distinct per key', () => {
    // Act
    const a = dpopJtiKey('jkt-a', 'j'.repeat(256));
    const b = dpopJtiKey('jkt-b', 'j'.repeat(256));

    // Assert
    expect(a.startsWith(DPOP_JTI_PREFIX)).toBe(true);
    expect(a).toHaveLength(DPOP_JTI_PREFIX.length + 43);
    expect(a).not.toBe(b);
    expect(dpopJtiKey('jkt-a', 'j'.repeat(256))).toBe(a);
  });
});

describe('boundJkt', () => {
  it.each([
    [{ jkt: 'abc' }, 'abc'],
    [{ jkt: '' }, undefined],
    [{ jkt: 5 }, undefined],
    [{ x5t: 'abc' }, undefined],
    [null, undefined],
    ['abc', undefined],
    [undefined, undefined],
  ])('%j → %j', (cnf, expected) => {
    // Act / Assert
    expect(boundJkt(cnf)).toBe(expected);
  });
});
