// Consumer test: a root module outside the checkout uses this module through a git::file:// source at a tag, with the zips from moto S3 published by the script; apply, plan with no changes, destroy.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Manifest } from '../../scripts/lib/build/release-package';
import { runScript } from '../support/lambda-zip';
import { startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import {
  createWorkspace,
  describeWithTerraformMirror,
  expectExit,
  terraform,
  type TfResult,
  type TfWorkspace,
} from './harness';

jest.setTimeout(600_000);

const BUCKET = 'consumer-artifacts';
const PREFIX = 'apigw-m2m-auth';

/** Lists every file under a directory, relative to it. */
function filesUnder(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, child) : [child];
  });
}

/** The planned change of each Lambda function: before and after values of the code attributes. */
type PlannedFunctions = Record<
  string,
  { actions: string[]; before: Record<string, unknown>; after: Record<string, unknown> }
>;

const git = (cwd: string, args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.test',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.test',
    },
  });

describeWithTerraformMirror()('module used from another repository', () => {
  describeWithMoto()('git::file:// source at a tag, zips from S3 (moto)', () => {
    let moto: Moto;
    let ws: TfWorkspace;
    let s3: S3Client;
    let manifest: Manifest;
    let keyPrefix: string;
    let repo: string;
    let lifecycle: {
      init: TfResult;
      apply: TfResult;
      plan: TfResult;
      moved?: TfResult;
      movedPlan?: PlannedFunctions;
      destroy?: TfResult;
    };

    /** Writes a root module beside the workspace copy and returns its directory relative to ws.root. */
    const writeConsumer = (name: string, body: string): string => {
      const dir = path.join(ws.root, '..', name);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'main.tf'),
        [
          'terraform {',
          '  required_providers {',
          '    aws = { source = "hashicorp/aws", version = ">= 5.100, < 7.0" }',
          '  }',
          '}',
          '',
          '# moto_server serves S3 path-style only.',
          'provider "aws" {',
          '  s3_use_path_style = true',
          '}',
          '',
          body,
        ].join('\n'),
      );
      return `../${name}`;
    };

    beforeAll(async () => {
      // Arrange: a release packaged and published to moto S3 by the scripts.
      const started = await startMoto({ setProcessEnv: false });
      moto = started;
      ws = createWorkspace(moto.env);
      const release = path.join(ws.root, '..', 'release');
      const packaged = await runScript('scripts/package.ts', ['--out-dir', release]);
      if (packaged.code !== 0) throw new Error(packaged.stderr);
      manifest = JSON.parse(
        fs.readFileSync(path.join(release, 'manifest.json'), 'utf8'),
      ) as Manifest;
      s3 = new S3Client({
        endpoint: moto.endpoint,
        region: moto.env.AWS_REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      const published = await runScript(
        'scripts/publish-artifacts.ts',
        ['--dir', release, '--bucket', BUCKET, '--prefix', PREFIX],
        { ...process.env, ...moto.env },
      );
      if (published.code !== 0) throw new Error(published.stderr);
      keyPrefix = `${PREFIX}/${manifest.version}`;

      // The module's sources (no dist/, no zips) as a git repository with a version tag.
      repo = ws.root;
      expect(filesUnder(repo).filter((f) => f.endsWith('.zip') || f.startsWith('dist/'))).toEqual(
        [],
      );
      git(repo, ['init', '-q']);
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', 'module sources']);
      git(repo, ['tag', `v${manifest.version}`]);

      const consumer = writeConsumer(
        'consumer',
        [
          'module "oauth" {',
          `  source = "git::file://${repo}?ref=v${manifest.version}"`,
          '',
          '  name   = "consumer"',
          '  scopes = { "demo:read" = "Read the demo" }',
          '',
          '  lambda_architecture       = "x86_64"',
          '  artifacts_s3              = { bucket = var.bucket, key_prefix = var.key_prefix }',
          '  table_deletion_protection = false',
          '}',
          '',
          'variable "bucket" {',
          '  description = "Bucket of the published release."',
          '  type        = string',
          `  default     = "${BUCKET}"`,
          '}',
          '',
          'variable "key_prefix" {',
          '  description = "Key prefix of the published release."',
          '  type        = string',
          `  default     = "${keyPrefix}"`,
          '}',
          '',
          'output "token_endpoint_url" {',
          '  description = "Token endpoint of the consumer."',
          '  value       = module.oauth.token_endpoint_url',
          '}',
          '',
        ].join('\n'),
      );
      const tf = (args: string[]): Promise<TfResult> => terraform(ws, consumer, args);
      const init = await tf(['init', '-no-color']);
      expectExit(init, 'init consumer');
      const apply = await tf(['apply', '-auto-approve', '-no-color']);
      const plan = await tf(['plan', '-detailed-exitcode', '-no-color']);
      lifecycle = { init, apply, plan };
      // The same release published again under another prefix: new keys, the same bytes.
      const copied = await runScript(
        'scripts/publish-artifacts.ts',
        ['--dir', release, '--bucket', BUCKET, '--prefix', 'copy'],
        { ...process.env, ...moto.env },
      );
      if (copied.code !== 0) throw new Error(copied.stderr);
      const planFile = path.join(ws.root, '..', 'moved.tfplan');
      lifecycle.moved = await tf([
        'plan',
        '-no-color',
        `-var=key_prefix=copy/${manifest.version}`,
        `-out=${planFile}`,
      ]);
      if (lifecycle.moved.code === 0) {
        const shown = await tf(['show', '-json', planFile]);
        const json = JSON.parse(shown.stdout) as {
          resource_changes: {
            address: string;
            type: string;
            change: {
              actions: string[];
              before: Record<string, unknown>;
              after: Record<string, unknown>;
            };
          }[];
        };
        lifecycle.movedPlan = Object.fromEntries(
          json.resource_changes
            .filter((r) => r.type === 'aws_lambda_function')
            .map((r) => [r.address, r.change]),
        );
      }
      lifecycle.destroy = await tf(['destroy', '-auto-approve', '-no-color']);
    }, 600_000);

    afterAll(async () => {
      s3?.destroy();
      await moto?.stop();
      ws?.cleanup();
    });

    it('applies, plans no changes and destroys, building nothing in the module folder', () => {
      // Assert
      expectExit(lifecycle.apply, 'apply consumer');
      expectExit(lifecycle.plan, 'plan -detailed-exitcode consumer after apply');
      expect(lifecycle.plan.stdout).toContain('No changes.');
      expectExit(lifecycle.destroy as TfResult, 'destroy consumer');
      const moduleDir = path.join(ws.root, '..', 'data', '_consumer', 'modules', 'oauth');
      expect(fs.existsSync(path.join(moduleDir, 'main.tf'))).toBe(true);
      expect(
        filesUnder(moduleDir).filter((f) => f.endsWith('.zip') || f.startsWith('dist/')),
      ).toEqual([]);
    });

    it('deployed both functions from the S3 keys with the manifest hashes', () => {
      // Assert
      const applied = lifecycle.apply.stdout;
      for (const fn of ['token', 'authorizer']) {
        const artifact = manifest.artifacts.find(
          (a) => a.function === fn && a.architecture === 'x86_64',
        );
        expect(applied).toContain(
          `s3_key                         = "${keyPrefix}/${fn}-x86_64.zip"`,
        );
        expect(applied).toContain(
          `source_code_hash               = "${artifact?.filebase64sha256}"`,
        );
      }
    });

    it('changes only the S3 key, not source_code_hash, when the same code moves to another prefix', () => {
      // Assert
      expectExit(lifecycle.moved as TfResult, 'plan with the copied release');
      const planned = Object.values(lifecycle.movedPlan ?? {});
      expect(planned).toHaveLength(2);
      for (const change of planned) {
        expect(change.actions).toEqual(['update']);
        expect(String(change.after.s3_key)).toMatch(new RegExp(`^copy/${manifest.version}/`));
        expect(change.after.s3_key).not.toBe(change.before.s3_key);
        expect(change.after.source_code_hash).toBe(change.before.source_code_hash);
      }
    });

    describe('a bad S3 source fails the plan naming bucket and key', () => {
      const functionOnly = (name: string, prefix: string): string =>
        writeConsumer(
          name,
          [
            'module "fn" {',
            '  source = "../repo/modules/lambda-function"',
            '',
            `  function_name = "${name}"`,
            '  policy_json   = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "None", Effect = "Deny", Action = "s3:GetObject", Resource = "*" }] })',
            '  architecture  = "x86_64"',
            '  artifact_name = "token"',
            `  artifacts_s3  = { bucket = "${BUCKET}", key_prefix = "${prefix}" }`,
            '}',
            '',
          ].join('\n'),
        );

      it('a zip whose bytes do not match the manifest', async () => {
        // Arrange: the real manifest, another object under the token key.
        const bad = 'tampered/0.0.1';
        const realManifest = fs.readFileSync(path.join(ws.root, '..', 'release', 'manifest.json'));
        await s3.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: `${bad}/manifest.json`,
            Body: realManifest,
            ContentType: 'application/json',
          }),
        );
        await s3.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: `${bad}/token-x86_64.zip`,
            Body: 'not the zip',
            ChecksumAlgorithm: 'SHA256',
          }),
        );
        const dir = functionOnly('mismatch', bad);

        // Act
        expectExit(await terraform(ws, dir, ['init', '-no-color']), 'init mismatch');
        const plan = await terraform(ws, dir, ['plan', '-no-color']);

        // Assert
        expect(plan.code).toBe(1);
        const text = plan.stderr.replace(/\s+/g, ' ');
        expect(text).toContain(`s3://${BUCKET}/${bad}/token-x86_64.zip has SHA-256`);
        expect(text).toContain(`${bad}/manifest.json says`);
      });

      it('a missing zip', async () => {
        // Arrange: a manifest with no zips beside it.
        const missing = 'missing/0.0.1';
        const realManifest = fs.readFileSync(path.join(ws.root, '..', 'release', 'manifest.json'));
        await s3.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: `${missing}/manifest.json`,
            Body: realManifest,
            ContentType: 'application/json',
          }),
        );
        const dir = functionOnly('missing', missing);

        // Act
        expectExit(await terraform(ws, dir, ['init', '-no-color']), 'init missing');
        const plan = await terraform(ws, dir, ['plan', '-no-color']);

        // Assert
        expect(plan.code).toBe(1);
        const text = plan.stderr.replace(/\s+/g, ' ');
        expect(text).toContain(BUCKET);
        expect(text).toContain(`${missing}/token-x86_64.zip`);
      });
    });
  });
});
