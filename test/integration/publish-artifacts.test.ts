// Integration tests of `npm run publish-artifacts` against moto's S3: versioned keys, checksums, idempotent reruns, refusals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Manifest } from '../../scripts/lib/build/release-package';
import { runScript, type CliRun } from '../support/lambda-zip';
import { startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';

jest.setTimeout(180_000);

describeWithMoto()('npm run publish-artifacts (moto S3)', () => {
  let moto: Moto;
  let s3: S3Client;
  let tmp: string;
  let release: string;
  let manifest: Manifest;
  let env: NodeJS.ProcessEnv;

  const publish = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    runScript('scripts/publish-artifacts.ts', ['--dir', release, ...args], { ...env, ...extraEnv });

  const keys = async (bucket: string): Promise<string[]> =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? [])
      .map((o) => o.Key as string)
      .sort();

  beforeAll(async () => {
    // Arrange: one packaged release, moto, a bucket.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-test-'));
    release = path.join(tmp, 'release');
    const [started, packaged] = await Promise.all([
      startMoto({ setProcessEnv: false }),
      runScript('scripts/package.ts', ['--out-dir', release]),
    ]);
    moto = started;
    if (packaged.code !== 0) throw new Error(packaged.stderr);
    manifest = JSON.parse(fs.readFileSync(path.join(release, 'manifest.json'), 'utf8')) as Manifest;
    env = { ...process.env, ...moto.env };
    delete env.AWS_PROFILE;
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: moto.env.AWS_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
  }, 180_000);

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('uploads every file under <prefix>/<version>/ with its SHA-256 stored, manifest last', async () => {
    // Act
    const result = await publish(['--bucket', 'artifacts', '--prefix', 'oauth']);

    // Assert
    expect(result.code).toBe(0);
    const prefix = `oauth/${manifest.version}`;
    const files = fs.readdirSync(release).sort();
    expect(await keys('artifacts')).toEqual(files.map((f) => `${prefix}/${f}`).sort());
    for (const artifact of manifest.artifacts) {
      const head = await s3.send(
        new HeadObjectCommand({
          Bucket: 'artifacts',
          Key: `${prefix}/${artifact.file}`,
          ChecksumMode: 'ENABLED',
        }),
      );
      expect(head.ChecksumSHA256).toBe(artifact.filebase64sha256);
      expect(head.ContentLength).toBe(artifact.size);
    }
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: 'artifacts', Key: `${prefix}/manifest.json` }),
    );
    expect(stored.ContentType).toBe('application/json');
    expect(await stored.Body?.transformToString()).toBe(
      fs.readFileSync(path.join(release, 'manifest.json'), 'utf8'),
    );
    const uploads = result.stdout.split('\n').filter((l) => l.includes(': uploading'));
    expect(uploads).toHaveLength(files.length);
    expect(uploads[uploads.length - 1]).toContain('/manifest.json');
    expect(result.stdout).toContain(`key_prefix = "${prefix}"`);
  });

  it('is idempotent: a rerun uploads nothing and succeeds', async () => {
    // Act
    const result = await publish(['--bucket', 'artifacts', '--prefix', 'oauth']);

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('uploading');
    expect(result.stdout).toContain(`0 uploaded, ${fs.readdirSync(release).length} unchanged`);
  });

  it('never overwrites a different object under a key, and writes nothing when one is found', async () => {
    // Arrange: someone else's token-x86_64.zip under the same version.
    const key = `taken/${manifest.version}/token-x86_64.zip`;
    await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: key, Body: 'not our zip' }));

    // Act
    const result = await publish(['--bucket', 'artifacts', '--prefix', 'taken']);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`refusing to overwrite s3://artifacts/${key}`);
    expect((await keys('artifacts')).filter((k) => k.startsWith('taken/'))).toEqual([key]);
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: key }))
    ).Body?.transformToString();
    expect(body).toBe('not our zip');
  });

  it('names a missing bucket', async () => {
    // Act
    const result = await publish(['--bucket', 'no-such-bucket']);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bucket no-such-bucket does not exist');
  });

  it('says so when there are no credentials', async () => {
    // Arrange: no keys, no profile files, no instance metadata.
    const noCredentials = {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_CONFIG_FILE: path.join(tmp, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };

    // Act
    const result = await publish(['--bucket', 'artifacts'], noCredentials);

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no AWS credentials');
  });

  it('says so when there is no region', async () => {
    // Arrange: no region variables at all, no config file.
    const noRegion: NodeJS.ProcessEnv = { ...env, AWS_CONFIG_FILE: path.join(tmp, 'none') };
    delete noRegion.AWS_REGION;
    delete noRegion.AWS_DEFAULT_REGION;

    // Act
    const result = await runScript(
      'scripts/publish-artifacts.ts',
      ['--dir', release, '--bucket', 'artifacts'],
      noRegion,
    );

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no AWS region: set AWS_REGION');
  });

  it('refuses a release whose zip does not match its manifest, before any upload', async () => {
    // Arrange
    const tampered = path.join(tmp, 'tampered');
    fs.cpSync(release, tampered, { recursive: true });
    fs.appendFileSync(path.join(tampered, 'authorizer-arm64.zip'), 'x');

    // Act
    const result = await runScript(
      'scripts/publish-artifacts.ts',
      ['--dir', tampered, '--bucket', 'artifacts', '--prefix', 'tampered'],
      env,
    );

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('authorizer-arm64.zip does not match manifest.json');
    expect((await keys('artifacts')).some((k) => k.startsWith('tampered/'))).toBe(false);
  });

  it.each([
    [[], '--bucket is required'],
    [['--bucket', 'Bad_Bucket'], '--bucket must be an S3 bucket name'],
    [['--bucket', 'artifacts', '--prefix', '/x/'], '--prefix must not start or end with "/"'],
  ])('exits 2 on bad flags %j', async (args, message) => {
    // Act
    const result = await publish(args);

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
