// Runs examples/multi-region and the key-rotation fixture against moto_server for terraform-examples.test.ts: apply, read back, run both Regions' token functions in-process, plan again, destroy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetPublicKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { functionEnvironment, readDeployedFunction } from '../../tools/from-api/deployed-function';
import { parseFunctionArn } from '../../tools/from-api/lambda-uri';
import { LambdaWorker } from '../../tools/from-api/lambda-worker';
import { basicAuthorization } from '../support/basic-auth';
import { runBuild, runScript, unpackZip } from '../support/lambda-zip';
import type { Moto } from '../support/moto';
import { tokenEvent } from '../support/token-fakes';
import { expectExit, terraform, type Artifacts, type TfResult, type TfWorkspace } from './harness';

export const MULTI_REGION = 'examples/multi-region';
export const KEY_ROTATION = 'test/terraform/fixtures/key-rotation';
export const PRIMARY = 'eu-west-1';
export const SECONDARY = 'us-east-1';

/** moto has no global-table replicas, and stores alarm health checks as AWS does not (README). */
const MULTI_REGION_VARS = ['-var=table_replication=none', '-var=alarm_health_checks=false'];

type Outputs = Record<string, { value: unknown } | undefined>;

/** What one Region's token function answered, run in-process with its deployed configuration. */
export interface RegionRun {
  /** The function's environment as GetFunctionConfiguration returns it. */
  environment: Record<string, string>;
  token: APIGatewayProxyResult;
  jwks: APIGatewayProxyResult;
}

/** What the multi-Region example's lifecycle produced. */
export interface MultiRegionLifecycle {
  apply: TfResult;
  outputs?: Outputs;
  /** Per Region, or why running the functions failed. */
  runs?: Record<string, RegionRun> | Error;
  /** The primary's public key (KMS GetPublicKey in the primary Region), SPKI DER. */
  primaryPublicKey?: Uint8Array;
  /** `terraform show -json` after apply: the resources as the provider read them back from moto. */
  state?: TfResult;
  plan?: TfResult;
  destroy: TfResult;
}

/** One step of the key-rotation fixture. */
export interface RotationStep {
  apply: TfResult;
  outputs: Outputs;
}

/** What the key-rotation fixture's lifecycle produced. */
export interface KeyRotation {
  steps: RotationStep[];
  /** The replica's key policy in the secondary Region (GetKeyPolicy), after step 3. */
  replicaPolicy?: string;
  /** The multi-Region primary key's policy (GetKeyPolicy), after step 3. */
  primaryPolicy?: string;
  /** Removing the secondary (step 2 again): the apply, then the replica's policy and key state. */
  removal?: { apply: TfResult; replicaPolicy?: string; keyState?: string };
  /** MultiRegionKeyType of the primary key and of its replica (DescribeKey), after step 3. */
  keyTypes?: { primary?: string; replica?: string };
  /** Why reading the replica back failed. */
  readError?: Error;
  plan?: TfResult;
  destroy: TfResult;
}

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function outputsOf(ws: TfWorkspace, dir: string): Promise<Outputs> {
  const output = expectExit(
    await terraform(ws, dir, ['output', '-json', '-no-color']),
    `output ${dir}`,
  );
  return JSON.parse(output.stdout) as Outputs;
}

/** A token bundle this machine can run: the test's artifacts when they are native, else a fresh build. */
async function nativeTokenBundle(artifacts: Artifacts, tmp: string): Promise<string> {
  const native = (process.arch === 'arm64' ? 'arm64' : 'x86_64') === artifacts.architecture;
  let dir = artifacts.dir;
  if (!native || artifacts.source === 'placeholder') {
    dir = path.join(tmp, 'build');
    await runBuild(['--arch', process.arch === 'arm64' ? 'arm64' : 'x86_64', '--out-dir', dir]);
  }
  const bundle = path.join(tmp, 'token');
  unpackZip(path.join(dir, 'token.zip'), bundle);
  return bundle;
}

const context = (name: string): Context => ({ awsRequestId: `req-${name}` }) as Context;

/**
 * Runs one Region's token function in a worker with the environment GetFunctionConfiguration
 * returns for it (as `npm start -- --from-api` does), pointed at that Region of moto.
 */
async function runRegion(
  moto: Moto,
  region: string,
  functionArn: string,
  bundle: string,
  client: { client_id: string; client_secret: string },
): Promise<RegionRun> {
  const local = { ...moto.env, AWS_REGION: region, AWS_DEFAULT_REGION: region };
  const lambda = new LambdaClient({ endpoint: moto.endpoint, region, credentials });
  const arn = parseFunctionArn(functionArn);
  if (arn === undefined) throw new Error(`not a function ARN: ${functionArn}`);
  const fn = await readDeployedFunction(arn, lambda).finally(() => lambda.destroy());
  const worker = new LambdaWorker({
    name: fn.name,
    arn: fn.arn,
    dir: bundle,
    handler: fn.handler,
    // Its own configuration, but only errors logged: the test reads answers, not log lines.
    env: { ...functionEnvironment(fn, bundle, local), LOG_LEVEL: 'ERROR' },
    timeoutSeconds: 30,
    memoryMb: fn.memoryMb,
  });
  try {
    const token = (await worker.invoke(
      tokenEvent({
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: basicAuthorization(client.client_id, client.client_secret),
        },
      }),
      context('token'),
    )) as APIGatewayProxyResult;
    const jwksEvent: APIGatewayProxyEvent = {
      ...tokenEvent(),
      resource: '/.well-known/jwks.json',
      path: '/.well-known/jwks.json',
      httpMethod: 'GET',
      headers: {},
      body: null,
    };
    const jwks = (await worker.invoke(jwksEvent, context('jwks'))) as APIGatewayProxyResult;
    return { environment: fn.environment, token, jwks };
  } finally {
    await worker.stop();
  }
}

/**
 * Onboards a client in the control Region with the clients CLI and copies its item to the
 * secondary's table, as global-table replication would (moto has none), then runs both Regions'
 * token functions.
 */
async function exerciseRegions(
  moto: Moto,
  outputs: Outputs,
  artifacts: Artifacts,
): Promise<{ runs: Record<string, RegionRun>; primaryPublicKey: Uint8Array }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'multi-region-'));
  try {
    const table = outputs.client_table_name?.value as string;
    const regions = outputs.regions?.value as Record<string, { token_function_arn: string }>;
    const env = { ...process.env, ...moto.env, AWS_REGION: PRIMARY, AWS_DEFAULT_REGION: PRIMARY };
    const [bundle, created] = await Promise.all([
      nativeTokenBundle(artifacts, tmp),
      runScript(
        'scripts/create-client.ts',
        ['--table', table, '--name', 'multi-region', '--scopes', 'demo:read', '--json'],
        env,
      ),
    ]);
    if (created.code !== 0) throw new Error(`clients create failed: ${created.stderr}`);
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string };

    // Simulated replication: the client's item, read in the control Region, written in the other.
    const from = new DynamoDBClient({ endpoint: moto.endpoint, region: PRIMARY, credentials });
    const to = new DynamoDBClient({ endpoint: moto.endpoint, region: SECONDARY, credentials });
    try {
      const item = await from.send(
        new GetItemCommand({ TableName: table, Key: { client_id: { S: client.client_id } } }),
      );
      await to.send(new PutItemCommand({ TableName: table, Item: item.Item }));
    } finally {
      from.destroy();
      to.destroy();
    }

    const runs: Record<string, RegionRun> = {};
    for (const region of [PRIMARY, SECONDARY]) {
      runs[region] = await runRegion(
        moto,
        region,
        regions[region]?.token_function_arn as string,
        bundle,
        client,
      );
    }
    const kms = new KMSClient({ endpoint: moto.endpoint, region: PRIMARY, credentials });
    try {
      const keyId = runs[PRIMARY]?.environment.SIGNING_KEY_ID as string;
      const key = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
      return { runs, primaryPublicKey: key.PublicKey as Uint8Array };
    } finally {
      kms.destroy();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Applies examples/multi-region (both Regions, the shared domain, Route 53), exercises both
 * Regions, plans again and destroys. A failed read is recorded, not thrown, so destroy still runs.
 * @param ws workspace whose examples/multi-region is initialised
 * @param moto the emulator (started with the kmsMultiRegion shim)
 * @param vars variables every example takes (artifacts)
 * @param artifacts the zips the example deploys
 * @returns the lifecycle
 */
export async function multiRegionLifecycle(
  ws: TfWorkspace,
  moto: Moto,
  vars: string[],
  artifacts: Artifacts,
): Promise<MultiRegionLifecycle> {
  const tf = (command: string, ...args: string[]): Promise<TfResult> =>
    terraform(ws, MULTI_REGION, [
      command,
      ...args,
      '-input=false',
      '-no-color',
      ...vars,
      ...MULTI_REGION_VARS,
    ]);
  // 144 resources, most of them quick on moto: more of them at once than Terraform's default 10.
  const apply = await tf('apply', '-auto-approve', '-parallelism=20');
  const result: Omit<MultiRegionLifecycle, 'destroy'> = { apply };
  if (apply.code === 0) {
    result.outputs = await outputsOf(ws, MULTI_REGION);
    // Reading back and planning change nothing, so they run while the functions are exercised.
    const [exercised, state, plan] = await Promise.all([
      exerciseRegions(moto, result.outputs, artifacts).catch((err: Error) => err),
      terraform(ws, MULTI_REGION, ['show', '-json', '-no-color']),
      tf('plan', '-detailed-exitcode'),
    ]);
    if (exercised instanceof Error) result.runs = exercised;
    else Object.assign(result, exercised);
    Object.assign(result, { state, plan });
  }
  // The plan above has just refreshed every resource: destroy from the state as it is.
  const destroy = await tf('destroy', '-auto-approve', '-parallelism=20', '-refresh=false');
  return { ...result, destroy };
}

/**
 * Applies the key-rotation fixture's three steps, reads the replica's and the primary's policies and
 * both keys' types back from KMS, plans again, removes the secondary (step 2 again) and reads the
 * replica's policy and state once more, and destroys.
 * @param ws workspace whose fixture is initialised
 * @param moto the emulator (started with the kmsMultiRegion shim)
 * @returns the lifecycle
 */
export async function keyRotationLifecycle(ws: TfWorkspace, moto: Moto): Promise<KeyRotation> {
  const tf = (command: string, step: number, ...args: string[]): Promise<TfResult> =>
    terraform(ws, KEY_ROTATION, [
      command,
      ...args,
      '-input=false',
      '-no-color',
      `-var=step=${step}`,
    ]);
  const rotation: Omit<KeyRotation, 'destroy'> = { steps: [] };
  for (const step of [1, 2, 3]) {
    const apply = await tf('apply', step, '-auto-approve');
    rotation.steps.push({
      apply,
      outputs: apply.code === 0 ? await outputsOf(ws, KEY_ROTATION) : {},
    });
    if (apply.code !== 0) break;
  }
  const last = rotation.steps[2];
  if (last?.apply.code === 0) {
    const replicaArn = (last.outputs.replica_key_arns?.value as Record<string, string>)['mr-2025'];
    const primaryArn = (last.outputs.key_arns?.value as Record<string, string>)['mr-2025'];
    const secondary = new KMSClient({ endpoint: moto.endpoint, region: SECONDARY, credentials });
    const primary = new KMSClient({ endpoint: moto.endpoint, region: PRIMARY, credentials });
    try {
      const [policy, primaryPolicy, p, r] = await Promise.all([
        secondary.send(new GetKeyPolicyCommand({ KeyId: replicaArn, PolicyName: 'default' })),
        primary.send(new GetKeyPolicyCommand({ KeyId: primaryArn, PolicyName: 'default' })),
        primary.send(new DescribeKeyCommand({ KeyId: primaryArn })),
        secondary.send(new DescribeKeyCommand({ KeyId: replicaArn })),
      ]);
      rotation.replicaPolicy = policy.Policy;
      rotation.primaryPolicy = primaryPolicy.Policy;
      rotation.keyTypes = {
        primary: p.KeyMetadata?.MultiRegionConfiguration?.MultiRegionKeyType,
        replica: r.KeyMetadata?.MultiRegionConfiguration?.MultiRegionKeyType,
      };
      rotation.plan = await tf('plan', 3, '-detailed-exitcode');
      // Removing the secondary Region: the replica must keep its policy while pending deletion.
      const apply = await tf('apply', 2, '-auto-approve');
      rotation.removal = { apply };
      if (apply.code === 0) {
        const [after, state] = await Promise.all([
          secondary.send(new GetKeyPolicyCommand({ KeyId: replicaArn, PolicyName: 'default' })),
          secondary.send(new DescribeKeyCommand({ KeyId: replicaArn })),
        ]);
        rotation.removal = {
          apply,
          replicaPolicy: after.Policy,
          keyState: state.KeyMetadata?.KeyState,
        };
      }
    } catch (err) {
      // Recorded, not thrown, so destroy still runs; the test reports it.
      rotation.readError = err as Error;
    } finally {
      primary.destroy();
      secondary.destroy();
    }
  }
  // Step 2 has no secondary: destroying it destroys the secondary too if the removal failed.
  return {
    ...rotation,
    destroy: await tf('destroy', rotation.removal?.apply.code === 0 ? 2 : 3, '-auto-approve'),
  };
}
