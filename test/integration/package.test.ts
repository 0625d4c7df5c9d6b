// Integration tests of `npm run package`: reproducible release zips per architecture, SHA256SUMS and manifest.json.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Manifest } from '../../scripts/lib/build/release-package';
import { ROOT, runBuild, runScript } from '../support/lambda-zip';

jest.setTimeout(240_000);

const sha256 = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('npm run package', () => {
  let tmp: string;
  let a: string;
  let b: string;
  let firstOutput: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
    a = path.join(tmp, 'a');
    b = path.join(tmp, 'b');
    const first = await runScript('scripts/package.ts', ['--out-dir', a]);
    if (first.code !== 0) throw new Error(first.stderr);
    firstOutput = first.stdout;
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes a zip per function and architecture, SHA256SUMS and manifest.json', () => {
    // Act
    const files = fs.readdirSync(a).sort();

    // Assert
    expect(files).toEqual([
      'SHA256SUMS',
      'authorizer-arm64.zip',
      'authorizer-x86_64.zip',
      'manifest.json',
      'replay-watch-arm64.zip',
      'replay-watch-x86_64.zip',
      'token-arm64.zip',
      'token-x86_64.zip',
    ]);
    expect(firstOutput).toContain(`packaged apigw-m2m-auth`);
  });

  it('gives identical bytes on a second run', async () => {
    // Act
    const second = await runScript('scripts/package.ts', ['--out-dir', b]);

    // Assert
    expect(second.code).toBe(0);
    for (const file of fs.readdirSync(a)) {
      expect(`${file} ${sha256(path.join(b, file))}`).toBe(`${file} ${sha256(path.join(a, file))}`);
    }
  });

  it("lists every zip in the manifest with package.json's version and the zip's hashes", () => {
    // Arrange
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };

    // Act
    const manifest = JSON.parse(fs.readFileSync(path.join(a, 'manifest.json'), 'utf8')) as Manifest;

    // Assert
    expect(manifest).toMatchObject({ schema: 1, name: pkg.name, version: pkg.version });
    expect(
      manifest.artifacts.map((x) => `${x.function}/${x.architecture}/${x.file}`).sort(),
    ).toEqual([
      'authorizer/arm64/authorizer-arm64.zip',
      'authorizer/x86_64/authorizer-x86_64.zip',
      'replay-watch/arm64/replay-watch-arm64.zip',
      'replay-watch/x86_64/replay-watch-x86_64.zip',
      'token/arm64/token-arm64.zip',
      'token/x86_64/token-x86_64.zip',
    ]);
    for (const artifact of manifest.artifacts) {
      const data = fs.readFileSync(path.join(a, artifact.file));
      expect(artifact.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      expect(artifact.filebase64sha256).toBe(createHash('sha256').update(data).digest('base64'));
      expect(artifact.size).toBe(data.byteLength);
    }
  });

  it('writes SHA256SUMS in the format sha256sum --check reads, covering the manifest too', () => {
    // Act
    const lines = fs.readFileSync(path.join(a, 'SHA256SUMS'), 'utf8').trimEnd().split('\n');

    // Assert
    const listed = lines.map((line) => {
      const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      expect(match).not.toBeNull();
      return [match?.[2], match?.[1]];
    });
    const expected = fs
      .readdirSync(a)
      .filter((f) => f !== 'SHA256SUMS')
      .sort()
      .map((f) => [f, sha256(path.join(a, f))]);
    expect(listed).toEqual(expected);
  });

  it('packs the native argon2 binary of each architecture, as npm run build does', async () => {
    // Arrange
    const built = path.join(tmp, 'build-arm64');
    await runBuild(['--arch', 'arm64', '--out-dir', built, '--function', 'token']);

    // Act
    const arm = Object.keys(unzipSync(fs.readFileSync(path.join(a, 'token-arm64.zip'))));
    const x86 = Object.keys(unzipSync(fs.readFileSync(path.join(a, 'token-x86_64.zip'))));

    // Assert
    expect(arm).toContain(
      'node_modules/@node-rs/argon2-linux-arm64-gnu/argon2.linux-arm64-gnu.node',
    );
    expect(x86).toContain('node_modules/@node-rs/argon2-linux-x64-gnu/argon2.linux-x64-gnu.node');
    expect(sha256(path.join(a, 'token-arm64.zip'))).toBe(sha256(path.join(built, 'token.zip')));
  });

  it('refuses an unknown flag with exit code 2, naming it', async () => {
    // Act
    const result = await runScript('scripts/package.ts', ['--arch', 'arm64']);

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--arch');
  });
});
