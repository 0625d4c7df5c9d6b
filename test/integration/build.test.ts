// Integration tests of `npm run build`: reproducible zips, their contents, the native argon2 package per arch, flags.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build as esbuild } from 'esbuild';
import { unzipSync } from 'fflate';
import { digestZip, reproducibleZip } from '../../scripts/lib/build/reproducible-zip';
import { matchesIntegrity, readNpmTarball } from '../../scripts/lib/build/native-argon2';
import { ROOT, runBuild } from '../support/lambda-zip';

jest.setTimeout(180_000);

const sha256 = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** ELF e_machine of a shared object: 0x3e x86-64, 0xb7 AArch64. */
/**
 * Signs of the AWS SDK in a bundle: a module of @aws-sdk/* among the source map's sources, or
 * strings every SDK client carries (its user agent and invocation-id header).
 * @param code index.js
 * @param map its source map
 * @returns what was found, empty when none
 */
function awsSdkTraces(code: string, map: string): string[] {
  const sources = (JSON.parse(map) as { sources: string[] }).sources;
  return [
    ...sources.filter((s) => s.includes('node_modules/@aws-sdk/')).slice(0, 3),
    ...['aws-sdk-js', 'amz-sdk-invocation-id'].filter((s) => code.includes(s)),
  ];
}

const elfMachine = (data: Uint8Array): number => Buffer.from(data).readUInt16LE(18);

describe('npm run build', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'build-test-'));
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('gives byte-identical zips from two builds (other out-dir, other cwd)', async () => {
    // Arrange
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'nested', 'b');

    // Act
    const outA = await runBuild(['--arch', 'x86_64', '--out-dir', a]);
    await runBuild(['--arch', 'x86_64', '--out-dir', b], os.tmpdir());

    // Assert
    const zips = fs.readdirSync(a).filter((f) => f.endsWith('.zip'));
    expect(zips.sort()).toEqual(['authorizer.zip', 'replay-watch.zip', 'token.zip']);
    for (const zip of zips) {
      expect(sha256(path.join(b, zip))).toBe(sha256(path.join(a, zip)));
      const digest = digestZip(fs.readFileSync(path.join(a, zip)));
      expect(outA).toContain(`sha256 ${digest.sha256}`);
      expect(outA).toContain(`filebase64sha256 ${digest.base64Sha256}`);
      expect(outA).toContain(`${digest.bytes} bytes`);
    }
  });

  it('packs token.zip with index.js at the root and the x86_64 argon2 binary', async () => {
    // Arrange
    const out = path.join(tmp, 'a');

    // Act
    const files = unzipSync(fs.readFileSync(path.join(out, 'token.zip')));

    // Assert
    expect(Object.keys(files).sort()).toEqual([
      'index.js',
      'node_modules/@node-rs/argon2-linux-x64-gnu/argon2.linux-x64-gnu.node',
      'node_modules/@node-rs/argon2-linux-x64-gnu/package.json',
      'node_modules/@node-rs/argon2/LICENSE',
      'node_modules/@node-rs/argon2/index.js',
      'node_modules/@node-rs/argon2/package.json',
    ]);
    const binary = files['node_modules/@node-rs/argon2-linux-x64-gnu/argon2.linux-x64-gnu.node'];
    expect(elfMachine(binary as Uint8Array)).toBe(0x3e);
    const code = Buffer.from(files['index.js'] as Uint8Array).toString('utf8');
    // CJS bundle, argon2 left external, no absolute build paths, no source map reference.
    expect(code).toMatch(/module\.exports|exports\./);
    expect(code).toContain('require("@node-rs/argon2")');
    expect(code).not.toContain(ROOT);
    expect(code).not.toContain('sourceMappingURL');
    expect(fs.existsSync(path.join(out, 'token', 'index.js.map'))).toBe(true);
  });

  it('writes fixed times and rw-r--r-- permissions into every entry', () => {
    // Arrange
    const zip = fs.readFileSync(path.join(tmp, 'a', 'token.zip'));

    // Act: walk the central directory (signature 0x02014b50).
    const entries: { time: number; date: number; attrs: number }[] = [];
    for (let i = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0;) {
      entries.push({
        time: zip.readUInt16LE(i + 12),
        date: zip.readUInt16LE(i + 14),
        attrs: zip.readUInt32LE(i + 38),
      });
      const next =
        i + 46 + zip.readUInt16LE(i + 28) + zip.readUInt16LE(i + 30) + zip.readUInt16LE(i + 32);
      i = zip.readUInt32LE(next) === 0x02014b50 ? next : -1;
    }

    // Assert: 1980-01-01 00:00:00, regular file 0644.
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry).toEqual({ time: 0, date: (1 << 5) | 1, attrs: (0o100644 << 16) >>> 0 });
    }
  });

  it('ships no AWS SDK module in token.zip, authorizer.zip or replay-watch.zip (their own signed-request client instead)', async () => {
    // Arrange: a bundle that does hold the SDK, to show the check can fail.
    const out = path.join(tmp, 'sdk-free');
    await runBuild(['--arch', 'x86_64', '--out-dir', out]);
    const withSdk = await esbuild({
      stdin: {
        contents:
          "import { KMSClient } from '@aws-sdk/client-kms'; export const c = new KMSClient({});",
        resolveDir: ROOT,
        sourcefile: 'with-sdk.ts',
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      write: false,
      sourcemap: 'external',
      outfile: path.join(tmp, 'with-sdk', 'index.js'),
    });
    const file = (name: string): string =>
      Buffer.from(withSdk.outputFiles.find((f) => f.path.endsWith(name))!.contents).toString();

    // Act
    const found = Object.fromEntries(
      ['token', 'authorizer', 'replay-watch'].map((fn) => {
        const code = Buffer.from(
          unzipSync(fs.readFileSync(path.join(out, `${fn}.zip`)))['index.js']!,
        ).toString();
        const map = fs.readFileSync(path.join(out, fn, 'index.js.map'), 'utf8');
        return [fn, awsSdkTraces(code, map)];
      }),
    );

    // Assert
    expect(awsSdkTraces(file('index.js'), file('index.js.map'))).not.toEqual([]);
    expect(found).toEqual({ token: [], authorizer: [], 'replay-watch': [] });
  });

  it('packs authorizer.zip without argon2', () => {
    // Act
    const files = unzipSync(fs.readFileSync(path.join(tmp, 'a', 'authorizer.zip')));

    // Assert
    expect(Object.keys(files)).toEqual(['index.js']);
  });

  it('packs replay-watch.zip as one index.js that needs no native module', () => {
    // Act
    const files = unzipSync(fs.readFileSync(path.join(tmp, 'a', 'replay-watch.zip')));

    // Assert: the stream consumer verifies nothing and stores nothing, so no argon2.
    expect(Object.keys(files)).toEqual(['index.js']);
    const code = Buffer.from(files['index.js'] as Uint8Array).toString('utf8');
    expect(code).not.toContain('@node-rs/argon2');
  });

  it('packs the arm64 binary by default, from a tarball verified against the lockfile', async () => {
    // Arrange
    const out = path.join(tmp, 'arm');

    // Act
    const stdout = await runBuild(['--out-dir', out, '--function', 'token']);
    const files = unzipSync(fs.readFileSync(path.join(out, 'token.zip')));

    // Assert
    expect(stdout).toContain('arch arm64');
    expect(fs.existsSync(path.join(out, 'authorizer.zip'))).toBe(false);
    const binary =
      files['node_modules/@node-rs/argon2-linux-arm64-gnu/argon2.linux-arm64-gnu.node'];
    expect(binary).toBeDefined();
    expect(elfMachine(binary as Uint8Array)).toBe(0xb7);
    const pkg = JSON.parse(
      Buffer.from(
        files['node_modules/@node-rs/argon2-linux-arm64-gnu/package.json'] as Uint8Array,
      ).toString(),
    ) as { version: string };
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    expect(pkg.version).toBe(
      lock.packages['node_modules/@node-rs/argon2-linux-arm64-gnu']?.version,
    );
  });

  it.each([
    [['--arch', 'sparc'], /--arch must be one of arm64, x86_64/],
    [['--function', 'nope'], /--function must be one of/],
    [['--sourcemap', 'maybe'], /--sourcemap must be one of/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j with exit code 2', async (args, message) => {
    // Act
    const result = await runBuild(args).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('reproducibleZip', () => {
  it('does not depend on entry order or time zone', async () => {
    // Arrange
    const entries = [
      { path: 'b.txt', data: Buffer.from('b') },
      { path: 'a/c.txt', data: Buffer.from('c') },
    ];
    const script = `require('tsx/cjs');const {reproducibleZip}=require(${JSON.stringify(
      path.join(ROOT, 'scripts/lib/build/reproducible-zip.ts'),
    )});process.stdout.write(Buffer.from(reproducibleZip(${JSON.stringify(
      entries.map((e) => ({ path: e.path, text: e.data.toString() })),
    )}.map(e=>({path:e.path,data:Buffer.from(e.text)})))).toString('base64'))`;
    const inZone = async (tz: string): Promise<string> =>
      (
        await promisify(execFile)(process.execPath, ['-e', script], {
          cwd: ROOT,
          env: { ...process.env, TZ: tz },
        })
      ).stdout;

    // Act
    const forward = Buffer.from(reproducibleZip(entries)).toString('base64');
    const reversed = Buffer.from(reproducibleZip([...entries].reverse())).toString('base64');

    // Assert
    expect(reversed).toBe(forward);
    expect(await inZone('Pacific/Kiritimati')).toBe(forward);
    expect(await inZone('America/Los_Angeles')).toBe(forward);
  });

  it('rejects duplicate and escaping paths', () => {
    expect(() =>
      reproducibleZip([
        { path: 'a', data: Buffer.from('') },
        { path: 'a', data: Buffer.from('') },
      ]),
    ).toThrow(/duplicate/);
    expect(() => reproducibleZip([{ path: '../a', data: Buffer.from('') }])).toThrow(/invalid/);
  });
});

describe('native package helpers', () => {
  it('checks SRI integrity strings', () => {
    // Arrange
    const data = Buffer.from('hello');
    const sri = `sha512-${createHash('sha512').update(data).digest('base64')}`;

    // Act / Assert
    expect(matchesIntegrity(data, sri)).toBe(true);
    expect(matchesIntegrity(Buffer.from('other'), sri)).toBe(false);
    expect(matchesIntegrity(data, 'md5-abc')).toBe(false);
  });

  it('reads npm tarballs', () => {
    // Arrange: the cached arm64 tarball fetched by the build above.
    const cache = path.join(ROOT, '.cache', 'npm-pack');
    const tgz = fs.readdirSync(cache).find((f) => f.includes('arm64'));

    // Act
    const files = readNpmTarball(fs.readFileSync(path.join(cache, tgz as string)));

    // Assert
    expect([...files.keys()].sort()).toEqual(
      ['argon2.linux-arm64-gnu.node', 'package.json', 'README.md'].sort(),
    );
  });
});
