// The room arithmetic of docs/authorizer.md ("Room"): the worst-case 1,200-route map, with one more setting per route and two RSA keys, against the inline limit and the item's ceiling.
import { generateKeyPairSync } from 'node:crypto';
import {
  AUTHORIZER_CONFIG_INLINE_LIMIT_BYTES,
  AUTHORIZER_CONFIG_KEY_ALLOWANCE_BYTES,
  AUTHORIZER_CONFIG_MAX_JSON_BYTES,
  AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES,
} from '../../../functions/shared/limits';
import { encodeConfig, largeRouteMap } from '../../support/large-route-map';

const rsaPem = (bits: number): string =>
  generateKeyPairSync('rsa', { modulusLength: bits })
    .publicKey.export({ format: 'pem', type: 'spki' })
    .toString();

describe('room for the configuration', () => {
  it('the worst-case map (300 resources, 1,200 routes, two 60-character scopes each, a DPoP flag on every route, two RSA-2048 keys) takes under a fifth of the ceiling', () => {
    // Arrange
    const map = largeRouteMap();
    const withDpop = Object.fromEntries(
      Object.entries(map.routeScopes).map(([route, scopes]) => [route, { scopes, dpop: true }]),
    );

    // Act
    const { json, encoded } = encodeConfig([rsaPem(2048), rsaPem(2048)], withDpop);

    // Assert
    expect(map.resources).toHaveLength(300);
    expect(map.routes).toHaveLength(1200);
    expect(
      Object.values(map.routeScopes)
        .flat()
        .every((s) => s.length === 60),
    ).toBe(true);
    expect(encoded.length).toBeGreaterThan(AUTHORIZER_CONFIG_INLINE_LIMIT_BYTES);
    expect(encoded.length).toBeLessThan(AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES / 5);
    expect(json.length).toBeLessThan(AUTHORIZER_CONFIG_MAX_JSON_BYTES / 30);
  });

  it('counts a key at no less than its largest encoded size: an RSA-4096 PEM, incompressible', () => {
    // Arrange: the largest key the authorizer accepts (MAX_RSA_BITS)
    const pem = rsaPem(4096);

    // Act: base64 of the JSON string with no compression at all
    const bound = Math.ceil((JSON.stringify(pem).length * 4) / 3);

    // Assert
    expect(bound).toBeLessThanOrEqual(AUTHORIZER_CONFIG_KEY_ALLOWANCE_BYTES);
  });

  it('is exactly 400 KB less 1 KB of key and attribute names, as base64', () => {
    // Assert
    expect(AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES).toBe(((409_600 - 1024) * 4) / 3);
  });
});
