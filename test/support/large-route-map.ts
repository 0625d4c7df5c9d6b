// Test and bench support: a deterministic worst-case route map (300 resources, 1,200 routes, 60-character scopes), and the authorizer's configuration document encoded as Terraform encodes it.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Options of {@link largeRouteMap}. */
export interface LargeRouteMapOptions {
  /** Collections; each gives two resources (`/v1/<name>`, `/v1/<name>/{id}`) of four methods. Default 150. */
  collections?: number;
  /** Seed of the generator, so a map is the same on every run. Default 20_250_607. */
  seed?: number;
  /** Length of every scope name. Default 60. */
  scopeLength?: number;
}

/** Methods of every resource: 4 per resource, so 150 collections give 300 resources and 1,200 routes. */
export const LARGE_MAP_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

/**
 * mulberry32: a small seeded generator, so the map (and its compressed size) is reproducible.
 * @param seed the seed
 * @returns uniform numbers in [0, 1)
 */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A large route map that compresses badly on purpose: random resource names of 10-18 letters,
 * and on every route two scopes of exactly `scopeLength` characters, one of its own (random tail)
 * and the collection's admin scope. Real maps repeat far more and compress better.
 * @param options size, seed and scope length
 * @returns the map, in `route_scopes` form, and its routes in order
 */
export function largeRouteMap(options: LargeRouteMapOptions = {}): {
  routeScopes: Record<string, string[]>;
  routes: string[];
  resources: string[];
} {
  const random = seeded(options.seed ?? 20_250_607);
  const scopeLength = options.scopeLength ?? 60;
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const chars = `${letters}0123456789`;
  const pick = (alphabet: string, n: number): string =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  const pad = (prefix: string): string =>
    (prefix + pick(chars, Math.max(0, scopeLength - prefix.length))).slice(0, scopeLength);

  const routeScopes: Record<string, string[]> = {};
  const routes: string[] = [];
  const resources: string[] = [];
  const names = new Set<string>();
  while (names.size < (options.collections ?? 150)) {
    names.add(pick(letters, 10 + Math.floor(random() * 9)));
  }
  for (const name of names) {
    const admin = pad(`${name}.admin.`);
    for (const path of [`/v1/${name}`, `/v1/${name}/{id}`]) {
      resources.push(path);
      for (const method of LARGE_MAP_METHODS) {
        const route = `${method} ${path}`;
        routeScopes[route] = [pad(`${name}.${method.toLowerCase()}.`), admin];
        routes.push(route);
      }
    }
  }
  return { routeScopes, routes, resources };
}

/**
 * Terraform's `jsonencode`: object keys in lexicographic order, no whitespace, and `<`, `>`, `&`
 * and U+2028/U+2029 escaped (none occur in a valid map or PEM), so sorting keys reproduces it.
 * @param value plain JSON data
 * @returns the JSON text Terraform would produce
 */
export function terraformJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** The authorizer's configuration document as modules/authorizer/main.tf builds it. */
export interface EncodedConfig {
  /** `jsonencode({ format = 1, keys, routes })`. */
  json: string;
  /** `base64gzip(json)`: AUTHORIZER_CONFIG, or the item's `config` attribute (B). */
  encoded: string;
  /** `sha256(json)`: AUTHORIZER_CONFIG_SHA256, and the item key's suffix. */
  sha256: string;
}

/**
 * Encodes a configuration document the way the module does (Node's gzip stands in for Go's; the
 * sizes differ by a few per cent, the decoder accepts both).
 * @param keys trusted SPKI PEMs
 * @param routes the route map (values: scope arrays, or route objects)
 * @returns JSON, base64 of its gzip, and its SHA-256
 */
export function encodeConfig(
  keys: readonly string[],
  routes: Record<string, unknown>,
): EncodedConfig {
  const json = terraformJson({ format: 1, keys, routes });
  return {
    json,
    encoded: gzipSync(Buffer.from(json, 'utf8')).toString('base64'),
    sha256: createHash('sha256').update(json, 'utf8').digest('hex'),
  };
}
