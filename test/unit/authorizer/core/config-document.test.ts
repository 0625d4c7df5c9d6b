// The configuration document as the module writes it (base64gzip of jsonencode): decoding, the pinned digest, the size bound, and every way a document is refused.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  CONFIG_FORMAT,
  ConfigDocumentError,
  decodeConfigDocument,
  parseConfigDocument,
} from '../../../../functions/authorizer/core/config-document';
import { lookupRoute } from '../../../../functions/authorizer/core/route-map';
import { AUTHORIZER_CONFIG_MAX_JSON_BYTES } from '../../../../functions/shared/limits';
import { makeKeys } from '../../../support/jwt-fixtures';
import { encodeConfig, largeRouteMap } from '../../../support/large-route-map';

const KEYS = makeKeys();
const LIMITS = { maxJsonBytes: AUTHORIZER_CONFIG_MAX_JSON_BYTES };
const ROUTES = {
  'GET /orders/{id}': ['orders:read'],
  'POST /orders': { scopes: ['orders:write'] },
};

const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');
const gzipJson = (text: string): Buffer => gzipSync(Buffer.from(text, 'utf8'));

/** The error a decode throws, for assertions on its code. */
function failure(run: () => unknown): ConfigDocumentError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigDocumentError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('decodeConfigDocument', () => {
  it('decodes an inline document: keys by kid and routes by shape', () => {
    // Arrange
    const { encoded } = encodeConfig([KEYS.es.pem, KEYS.rs.pem], ROUTES);

    // Act
    const policy = decodeConfigDocument(bytes(encoded), LIMITS);

    // Assert
    expect([...policy.keys.keys()]).toEqual([KEYS.es.kid, KEYS.rs.kid]);
    expect(lookupRoute(policy.routes, 'GET', '/orders/{orderId}')?.scopes).toEqual(['orders:read']);
    expect(lookupRoute(policy.routes, 'POST', '/orders')?.scopes).toEqual(['orders:write']);
  });

  it('decodes a stored document whose SHA-256 is the pinned one', () => {
    // Arrange
    const { encoded, sha256 } = encodeConfig([KEYS.rs.pem], largeRouteMap().routeScopes);

    // Act
    const policy = decodeConfigDocument(bytes(encoded), { ...LIMITS, sha256 });

    // Assert
    expect(policy.routes.routes).toHaveLength(1200);
  });

  it('refuses a document whose digest is not the pinned one, before reading it', () => {
    // Arrange: a valid document, pinned to another one's digest
    const stored = encodeConfig([KEYS.rs.pem], ROUTES);
    const deployed = encodeConfig([KEYS.rs.pem], { 'GET /orders/{id}': [] });

    // Act
    const error = failure(() =>
      decodeConfigDocument(bytes(stored.encoded), { ...LIMITS, sha256: deployed.sha256 }),
    );

    // Assert
    expect(error).toMatchObject({
      code: 'config_digest_mismatch',
      message: 'config_digest_mismatch',
    });
  });

  it.each([
    ['not gzip', Buffer.from('plain text')],
    ['gzip cut short', gzipJson('{"format":1}').subarray(0, 12)],
    ['empty', Buffer.alloc(0)],
  ])('refuses %s: config_decompress_failed', (_name, compressed) => {
    // Act / Assert
    expect(failure(() => decodeConfigDocument(compressed, LIMITS)).code).toBe(
      'config_decompress_failed',
    );
  });

  it('stops inflating at maxJsonBytes (a stored gzip bomb cannot exhaust memory)', () => {
    // Arrange: 1 MiB of spaces compresses to about 1 KB
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));

    // Act
    const error = failure(() => decodeConfigDocument(bomb, { maxJsonBytes: 64 * 1024 }));

    // Assert
    expect(bomb.length).toBeLessThan(2048);
    expect(error.code).toBe('config_decompress_failed');
    expect((error.cause as Error).name).toBe('RangeError');
  });

  it.each([
    ['text that is not JSON', gzipJson('not json')],
    ['bytes that are not UTF-8', gzipSync(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
  ])('refuses %s: config_not_json', (_name, compressed) => {
    // Act / Assert
    expect(failure(() => decodeConfigDocument(compressed, LIMITS)).code).toBe('config_not_json');
  });

  it('checks the digest of the bytes it inflated, so a document that is not JSON but pinned still fails as not JSON', () => {
    // Arrange
    const text = 'not json';
    const sha256 = createHash('sha256').update(text).digest('hex');

    // Act / Assert
    expect(failure(() => decodeConfigDocument(gzipJson(text), { ...LIMITS, sha256 })).code).toBe(
      'config_not_json',
    );
  });
});

describe('parseConfigDocument', () => {
  const valid = { format: CONFIG_FORMAT, keys: [KEYS.es.pem], routes: ROUTES };

  it.each([
    ['an array', [], 'document'],
    ['null', null, 'document'],
    ['a string', 'x', 'document'],
    ['an unknown field', { ...valid, extra: true }, 'document'],
    ['another format', { ...valid, format: 2 }, 'format'],
    ['no format', { keys: valid.keys, routes: ROUTES }, 'format'],
    ['keys that are not an array', { ...valid, keys: KEYS.es.pem }, 'keys'],
    ['no keys', { ...valid, keys: [] }, 'keys'],
    ['a key that is not a PEM', { ...valid, keys: ['nope'] }, 'keys'],
    ['routes that are not a map', { ...valid, routes: [] }, 'routes'],
    [
      'a route with a setting it does not know',
      { ...valid, routes: { 'GET /a': { scopes: [], mtls: true } } },
      'routes',
    ],
    [
      'a dpop constraint that is not a boolean',
      { ...valid, routes: { 'GET /a': { scopes: [], dpop: 'required' } } },
      'routes',
    ],
  ])('refuses %s: config_invalid naming the part, never the content', (_name, document, part) => {
    // Act
    const error = failure(() => parseConfigDocument(document));

    // Assert
    expect(error).toMatchObject({
      code: 'config_invalid',
      part,
      message: `config_invalid: ${part}`,
    });
  });

  it('reads a document without routes as a map that denies every route', () => {
    // Act
    const policy = parseConfigDocument({ format: 1, keys: [KEYS.es.pem], routes: {} });

    // Assert
    expect(policy.routes.routes).toEqual([]);
  });

  it("carries a route's dpop sender constraint onto the route", () => {
    // Act
    const policy = parseConfigDocument({
      format: 1,
      keys: [KEYS.es.pem],
      routes: { 'GET /a': { scopes: ['s'], dpop: true }, 'GET /b': ['s'] },
    });

    // Assert
    expect(policy.routes.routes.map((r) => [r.key, r.dpop])).toEqual([
      ['GET /a', true],
      ['GET /b', false],
    ]);
  });
});
