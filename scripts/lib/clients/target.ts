// Opens the client store a command line points at: DynamoDB (--table) or the local file store (--local).
import type { ClientAdminStore } from '../../../tools/dev-adapters/client-admin-store';
import { checkDataDir } from './data-dir';
import type { Target } from './model';
import type { UsageKeyGateway } from '../../../tools/dev-adapters/usage-key-gateway';
import { LocalUsageKeys } from '../../../tools/dev-adapters/usage-keys-local';
import type { RegionalRevocations } from '../../../tools/dev-adapters/regional-revocations-dynamodb';

/**
 * The AWS region from the standard environment. The JS SDK reads only `AWS_REGION` (and profiles);
 * the AWS CLI and most tools also honour `AWS_DEFAULT_REGION`, so it is the fallback here.
 * @param env environment
 * @returns the region, or undefined to let the SDK resolve it from the profile
 */
export function regionFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/** How a command opens its store. */
export interface OpenStoreOptions {
  /** True for `create`: a missing local data directory is made with the first client. */
  mayCreateDataDir?: boolean;
  /** Takes a note for the operator (the CLI writes it to stderr). */
  notice?: (text: string) => void;
}

/**
 * Opens the store of a target. The DynamoDB client takes credentials and `AWS_ENDPOINT_URL`
 * from the standard AWS environment. Adapters are loaded lazily, so `--local` never loads the
 * AWS SDK (each CLI run starts faster).
 * @param target parsed target flags
 * @param env environment (for the region fallback)
 * @param options whether a missing local data directory may be made, and where notes go
 * @returns the admin store
 * @throws UsageError when the local data directory is missing (see checkDataDir)
 */
export async function openStore(
  target: Target,
  env: NodeJS.ProcessEnv = process.env,
  options: OpenStoreOptions = {},
): Promise<ClientAdminStore> {
  if (target.kind === 'local') {
    if ((await checkDataDir(target.dataDir, options.mayCreateDataDir === true)) === 'missing') {
      options.notice?.(
        `creating the local data directory ${target.dataDir} (--data-dir): \`npm start\` ` +
          'serves the clients in it when given the same --data-dir (default .local)',
      );
    }
    const { FileClientStore } = await import('../../../tools/dev-adapters/client-store-file');
    return new FileClientStore({ dataDir: target.dataDir });
  }
  const [{ DynamoDBClient }, { DynamoDbClientAdminStore }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../../../tools/dev-adapters/client-admin-store-dynamodb'),
  ]);
  const region = regionFromEnv(env);
  const client = new DynamoDBClient(region !== undefined ? { region } : {});
  return new DynamoDbClientAdminStore({ tableName: target.table, client });
}

/**
 * Opens the Regions of a DynamoDB target: the table in every Region of the deployment has the
 * same name (global table replicas share it), so an ARN is reduced to its name.
 * @param target the table
 * @param env environment (for the CLI's Region)
 * @returns the regional writes
 */
export async function openRegions(
  target: Extract<Target, { kind: 'dynamodb' }>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegionalRevocations> {
  const [{ DynamoDBClient }, { DynamoDbRegionalRevocations }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../../../tools/dev-adapters/regional-revocations-dynamodb'),
  ]);
  const region = regionFromEnv(env) ?? (await new DynamoDBClient({}).config.region());
  const tableName =
    /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/(.+)$/.exec(target.table)?.[1] ?? target.table;
  return new DynamoDbRegionalRevocations({ tableName, ownRegion: region });
}

/**
 * Names the API Gateway endpoint an environment override sends the SDK to, for messages.
 * @param env environment
 * @returns `{ endpoint }` naming the URL and its variable, or nothing when AWS's own is used
 */
function endpointLabel(env: NodeJS.ProcessEnv): { endpoint?: string } {
  for (const name of ['AWS_ENDPOINT_URL_API_GATEWAY', 'AWS_ENDPOINT_URL']) {
    if (env[name]) return { endpoint: `${env[name]} (${name})` };
  }
  return {};
}

/**
 * Opens where the clients' API keys live: API Gateway (and the plans' item in the table) for a
 * DynamoDB target, the plans the local server was started with for `--local`.
 * @param target parsed target flags
 * @param env environment (for the region fallback)
 * @returns the gateway
 */
export async function openUsageKeys(
  target: Target,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UsageKeyGateway> {
  if (target.kind === 'local') return new LocalUsageKeys(target.dataDir);
  const [{ APIGatewayClient }, { DynamoDBClient }, { ApiGatewayUsageKeys }] = await Promise.all([
    import('@aws-sdk/client-api-gateway'),
    import('@aws-sdk/client-dynamodb'),
    import('../../../tools/dev-adapters/usage-keys-apigateway'),
  ]);
  const region = regionFromEnv(env);
  const config = region !== undefined ? { region } : {};
  return new ApiGatewayUsageKeys({
    apiGateway: new APIGatewayClient(config),
    dynamoDb: new DynamoDBClient(config),
    tableName: target.table,
    ...endpointLabel(env),
  });
}
