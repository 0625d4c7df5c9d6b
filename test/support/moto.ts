// Starts moto_server on a free loopback port for one test file and points the AWS SDK at it.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { findTool } from './tools';

/** A running moto_server. */
export interface Moto {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  endpoint: string;
  /** Environment for child processes and SDK clients (endpoint, dummy credentials, region). */
  env: Record<string, string>;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Region used for every emulator test. */
export const MOTO_REGION = 'us-east-1';

/**
 * Finds a free TCP port on 127.0.0.1.
 * @returns the port number
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve((address as net.AddressInfo).port));
    });
  });
}

async function waitUntilUp(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error('moto_server exited before it was ready');
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts moto_server and sets `AWS_ENDPOINT_URL`, dummy credentials and region in this process.
 * @param options.setProcessEnv also write the env into `process.env` (default true)
 * @param options.kmsPssDigestSalt sign KMS RSASSA_PSS_* with a salt as long as the digest, as AWS
 *   KMS documents and JWS PS256 needs, instead of moto's longest salt (moto-shims/kms_pss_salt.py)
 * @param options.kmsMultiRegion keep a multi-Region primary key and its replicas apart in
 *   DescribeKey, and apply ReplicateKey's Description, Policy and Tags, as AWS KMS documents
 *   (moto-shims/kms_multi_region.py)
 * @returns the running server
 */
export async function startMoto(
  options: { setProcessEnv?: boolean; kmsPssDigestSalt?: boolean; kmsMultiRegion?: boolean } = {},
): Promise<Moto> {
  const bin = findTool('moto_server', 'MOTO_SERVER');
  if (!bin) throw new Error('moto_server not found on PATH (set MOTO_SERVER to its path)');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // moto-shims/sitecustomize.py applies the shims MOTO_SHIMS names, only those asked for.
  const shims = [
    ...(options.kmsPssDigestSalt === true ? ['kms_pss_salt'] : []),
    ...(options.kmsMultiRegion === true ? ['kms_multi_region'] : []),
  ];
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      MOTO_ALLOW_NONEXISTENT_REGION: 'true',
      ...(shims.length > 0
        ? {
            MOTO_SHIMS: shims.join(','),
            PYTHONPATH: [path.join(__dirname, 'moto-shims'), process.env.PYTHONPATH]
              .filter((p) => p !== undefined && p !== '')
              .join(path.delimiter),
          }
        : {}),
    },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  try {
    await waitUntilUp(endpoint, child, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
  };
  if (options.setProcessEnv !== false) {
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, env);
  }
  return {
    endpoint,
    env,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/**
 * Creates a clients table with the deployed key schema (`client_id` hash key, on demand).
 * @param client DynamoDB client pointed at the emulator
 * @param tableName name of the table
 */
export async function createClientsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'client_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'client_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
