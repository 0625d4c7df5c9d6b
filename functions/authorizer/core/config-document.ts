/**
 * The authorizer's configuration document: `{"format":1,"keys":[PEM…],"routes":{…}}` as
 * modules/authorizer/main.tf writes it (`jsonencode`, then `base64gzip`), decoded once per
 * container: gunzip (bounded), SHA-256 against the digest the function was deployed with, JSON,
 * then the trusted keys and the route map (routes may carry a `dpop` sender constraint,
 * route-map.ts). Any failure is a {@link ConfigDocumentError}; the
 * caller refuses every request (401) and never retries it, since the same bytes fail the same way.
 * @module
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parseRouteMap, type RouteMap } from './route-map';
import { loadTrustedKeys, type TrustedKeys } from './trusted-keys';
import type { RsaSigningAlgorithm } from '../../shared/types';

/** The one format this authorizer reads; a later incompatible document gets another number. */
export const CONFIG_FORMAT = 1;

/** What the configuration gives the authorizer. */
export interface AuthorizerPolicy {
  /** Trusted keys, by RFC 7638 thumbprint. */
  keys: TrustedKeys;
  /** Routes and the scopes they need. */
  routes: RouteMap;
}

/** Why a configuration document is unusable. */
export type ConfigDocumentErrorCode =
  /** Not gzip, cut short, or larger than allowed once decompressed. */
  | 'config_decompress_failed'
  /** Its SHA-256 is not the one the function was deployed with (changed since, or tampered). */
  | 'config_digest_mismatch'
  /** Not JSON (UTF-8). */
  | 'config_not_json'
  /** JSON, but not a document of this format: a field, a key or a route is wrong. */
  | 'config_invalid';

/** Which part of a document is wrong, for the log (never the content). */
export type ConfigDocumentPart = 'document' | 'format' | 'keys' | 'routes';

/** A configuration document cannot be used. The message names the problem, never the content. */
export class ConfigDocumentError extends Error {
  /**
   * @param code why
   * @param part which part, for `config_invalid`
   * @param options standard `cause` (the parser's error, which may quote a route)
   */
  constructor(
    readonly code: ConfigDocumentErrorCode,
    readonly part: ConfigDocumentPart = 'document',
    options?: { cause?: unknown },
  ) {
    super(code === 'config_invalid' ? `${code}: ${part}` : code, options);
    this.name = 'ConfigDocumentError';
  }
}

/** Options of {@link decodeConfigDocument}. */
export interface DecodeOptions {
  /** Lowercase hex SHA-256 of the JSON the function was deployed with; omitted for inline documents, which the environment pins itself. */
  sha256?: string;
  /** Largest JSON accepted, in bytes: gunzip stops there. */
  maxJsonBytes: number;
  /** The algorithm RSA keys are pinned to (RSA_SIGNING_ALGORITHM; default RS256). */
  rsaAlgorithm?: RsaSigningAlgorithm;
}

/**
 * Decodes a stored configuration: gunzip, digest, JSON, keys and routes.
 * @param compressed the gzip bytes (the base64 of AUTHORIZER_CONFIG, or the item's B attribute)
 * @param options the pinned digest and the size bound
 * @returns the trusted keys and the route map
 * @throws ConfigDocumentError for every failure
 */
export function decodeConfigDocument(
  compressed: Uint8Array,
  options: DecodeOptions,
): AuthorizerPolicy {
  let json: Buffer;
  try {
    json = gunzipSync(compressed, { maxOutputLength: options.maxJsonBytes });
  } catch (error) {
    throw new ConfigDocumentError('config_decompress_failed', 'document', { cause: error });
  }
  if (
    options.sha256 !== undefined &&
    createHash('sha256').update(json).digest('hex') !== options.sha256
  ) {
    throw new ConfigDocumentError('config_digest_mismatch');
  }
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (error) {
    throw new ConfigDocumentError('config_not_json', 'document', { cause: error });
  }
  return parseConfigDocument(document, options.rsaAlgorithm);
}

const FIELDS = ['format', 'keys', 'routes'];

/**
 * Reads a parsed document. Unknown fields are refused, like unknown route settings: a setting this
 * version does not know must not be ignored.
 * @param document the parsed JSON
 * @param rsaAlgorithm the algorithm RSA keys are pinned to (default RS256)
 * @returns the trusted keys and the route map
 * @throws ConfigDocumentError (`config_invalid`) naming the part that is wrong
 */
export function parseConfigDocument(
  document: unknown,
  rsaAlgorithm: RsaSigningAlgorithm = 'RS256',
): AuthorizerPolicy {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigDocumentError('config_invalid', 'document');
  }
  const fields = document as Record<string, unknown>;
  if (Object.keys(fields).some((name) => !FIELDS.includes(name))) {
    throw new ConfigDocumentError('config_invalid', 'document');
  }
  if (fields.format !== CONFIG_FORMAT) throw new ConfigDocumentError('config_invalid', 'format');
  if (!Array.isArray(fields.keys)) throw new ConfigDocumentError('config_invalid', 'keys');
  let keys: TrustedKeys;
  try {
    keys = loadTrustedKeys(fields.keys, 'keys', rsaAlgorithm);
  } catch (error) {
    throw new ConfigDocumentError('config_invalid', 'keys', { cause: error });
  }
  let routes: RouteMap;
  try {
    routes = parseRouteMap(fields.routes);
  } catch (error) {
    throw new ConfigDocumentError('config_invalid', 'routes', { cause: error });
  }
  return { keys, routes };
}
