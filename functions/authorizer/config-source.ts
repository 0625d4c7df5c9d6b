// Where the authorizer's trusted keys and route map come from, by environment: AUTHORIZER_CONFIG (inline), AUTHORIZER_CONFIG_TABLE with AUTHORIZER_CONFIG_SHA256 (a DynamoDB item), or plain PUBLIC_KEYS_PEM and ROUTE_SCOPES.
import type * as ConfigItemAdapter from './adapters/config-item-dynamodb';
import { loadPolicyFromEnv, rsaSigningAlgorithm } from './config';
import { createPolicyLoader, type ConfigLogger, type PolicyLoader } from './config-loader';
import { decodeConfigDocument } from './core/config-document';
import { configError, optionalString, type Env } from '../shared/env';
import { AUTHORIZER_CONFIG_MAX_JSON_BYTES } from '../shared/limits';

/** Where the configuration is, as the environment says. */
export type ConfigSource =
  /** PUBLIC_KEYS_PEM and ROUTE_SCOPES, plain JSON (the local server, tests, hand-made deployments). */
  | { kind: 'environment' }
  /** AUTHORIZER_CONFIG: the document, gzip then base64 (Terraform's `base64gzip`). */
  | { kind: 'inline'; encoded: string }
  /** AUTHORIZER_CONFIG_TABLE and AUTHORIZER_CONFIG_SHA256: the item `config#sha256:<hex>`. */
  | { kind: 'table'; tableName: string; sha256: string };

/** A DynamoDB table name ("Naming rules", 3 to 255 of a-z, A-Z, 0-9, `_`, `-`, `.`). */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** Lowercase hex SHA-256, as Terraform's `sha256` returns it. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Reads which source the environment names. Exactly one may be set: the module sets one of the
 * first two, never the plain variables.
 * @param env the environment
 * @returns the source
 * @throws Error naming the variable when the sources are mixed or a value is malformed
 */
export function configSourceFrom(env: Env): ConfigSource {
  const inline = optionalString(env, 'AUTHORIZER_CONFIG');
  const tableName = optionalString(env, 'AUTHORIZER_CONFIG_TABLE');
  const sha256 = optionalString(env, 'AUTHORIZER_CONFIG_SHA256');
  const plain = ['PUBLIC_KEYS_PEM', 'ROUTE_SCOPES'].filter((n) => optionalString(env, n));
  const named = [
    ...(inline === undefined ? [] : ['AUTHORIZER_CONFIG']),
    ...(tableName === undefined && sha256 === undefined ? [] : ['AUTHORIZER_CONFIG_TABLE']),
    ...(plain.length === 0 ? [] : [plain.join(' and ')]),
  ];
  if (named.length > 1) {
    throw configError(
      named[0] as string,
      `must not be set together with ${named.slice(1).join(', ')}`,
    );
  }
  if (inline !== undefined) return { kind: 'inline', encoded: inline };
  if (tableName === undefined && sha256 === undefined) return { kind: 'environment' };
  if (tableName === undefined || !TABLE_NAME.test(tableName)) {
    throw configError('AUTHORIZER_CONFIG_TABLE', 'must be a DynamoDB table name');
  }
  if (sha256 === undefined || !SHA256_HEX.test(sha256)) {
    throw configError('AUTHORIZER_CONFIG_SHA256', 'must be 64 lowercase hex digits (a SHA-256)');
  }
  return { kind: 'table', tableName, sha256 };
}

/** Reads a configuration item (the DynamoDB adapter, or a fake in tests). */
export interface ConfigItemReader {
  read(sha256: string): Promise<Uint8Array>;
}

/** Options of {@link policyLoaderFrom}. */
export interface PolicyLoaderFromOptions {
  logger?: ConfigLogger;
  clock?: () => number;
  /** The table's reader; default the DynamoDB adapter over the Lambda environment. */
  items?: (tableName: string) => ConfigItemReader;
}

/**
 * The DynamoDB adapter, required at the first read rather than at load: the cold load stays that
 * of an inline configuration, and the first decision pays for the AWS client once.
 * @param tableName the configuration table
 * @returns the reader
 */
function dynamoDbItems(tableName: string): ConfigItemReader {
  let items: ConfigItemReader | undefined;
  return {
    read: (sha256) => {
      if (items === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const adapter = require('./adapters/config-item-dynamodb') as typeof ConfigItemAdapter;
        items = new adapter.DynamoDbConfigItemSource({ tableName });
      }
      return items.read(sha256);
    },
  };
}

/**
 * The loader of the keys and routes for this environment. Plain variables are parsed now, so an
 * invalid one fails the cold start as before; a document (inline or in the table) is decoded at
 * the first invocation and, when unusable, makes every request a 401 (config-loader.ts).
 * @param env the environment (process.env at cold start)
 * @param options logger, clock, and the table's reader
 * @returns the loader
 * @throws Error naming the variable, for a bad source or bad plain variables
 */
export function policyLoaderFrom(env: Env, options: PolicyLoaderFromOptions = {}): PolicyLoader {
  const source = configSourceFrom(env);
  // The configuration's RSA keys verify the one algorithm the token function signs with.
  const limits = {
    maxJsonBytes: AUTHORIZER_CONFIG_MAX_JSON_BYTES,
    rsaAlgorithm: rsaSigningAlgorithm(env),
  };
  const common = { logger: options.logger, clock: options.clock };
  switch (source.kind) {
    case 'environment': {
      const policy = loadPolicyFromEnv(env);
      return () => Promise.resolve(policy);
    }
    case 'inline':
      // The environment pins an inline document itself: no digest to compare.
      return createPolicyLoader({
        ...common,
        source: 'inline',
        read: () => decodeConfigDocument(Buffer.from(source.encoded, 'base64'), limits),
      });
    case 'table': {
      const items = (options.items ?? dynamoDbItems)(source.tableName);
      const { sha256 } = source;
      return createPolicyLoader({
        ...common,
        source: 'table',
        sha256,
        read: async () => decodeConfigDocument(await items.read(sha256), { ...limits, sha256 }),
      });
    }
  }
}
