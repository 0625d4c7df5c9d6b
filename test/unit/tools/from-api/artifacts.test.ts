// Unit tests of artifact lookup by CodeSha256, unpacking and the native addon architecture check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import {
  checkNativeAddons,
  findArtifact,
  lambdaCodeSha256,
  listArtifacts,
  nativePlatform,
  unpackArtifact,
} from '../../../../tools/from-api/artifacts';
import { FromApiError } from '../../../../tools/from-api/errors';

/** A minimal ELF header with the given e_machine. */
function elf(machine: number): Buffer {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header.writeUInt16LE(machine, 18);
  return header;
}

describe('artifacts', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'from-api-artifacts-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the zip whose base64 SHA-256 equals the deployed CodeSha256', () => {
    // Arrange
    const zip = zipSync({ 'index.js': strToU8('exports.handler = async () => 1;') });
    fs.writeFileSync(path.join(dir, 'token.zip'), zip);
    fs.writeFileSync(path.join(dir, 'other.zip'), zipSync({ 'a.js': strToU8('x') }));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a zip');

    // Act
    const artifacts = listArtifacts(dir);
    const found = findArtifact(
      { name: 'fn', codeSha256: lambdaCodeSha256(zip), architecture: 'x86_64' },
      artifacts,
      dir,
    );

    // Assert
    expect(artifacts.map((a) => path.basename(a.file))).toEqual(['other.zip', 'token.zip']);
    expect(found.file).toBe(path.join(dir, 'token.zip'));
  });

  it('names the function and the build command when nothing matches', () => {
    // Act
    const run = (): unknown =>
      findArtifact({ name: 'oauth-token', codeSha256: 'abc=', architecture: 'arm64' }, [], dir);

    // Assert
    expect(run).toThrow(FromApiError);
    expect(run).toThrow(
      /function oauth-token: its deployed code \(CodeSha256 abc=\) was not found/,
    );
    expect(run).toThrow(/npm run build -- --arch arm64/);
    expect(listArtifacts(path.join(dir, 'missing'))).toEqual([]);
  });

  it('unpacks a zip and refuses entries that escape the directory', () => {
    // Arrange
    const good = path.join(dir, 'good.zip');
    fs.writeFileSync(
      good,
      zipSync({ 'index.js': strToU8('1'), 'lib/': new Uint8Array(), 'lib/a.js': strToU8('2') }),
    );
    const evil = path.join(dir, 'evil.zip');
    fs.writeFileSync(evil, zipSync({ '../escape.js': strToU8('x') }));

    // Act
    const entries = unpackArtifact(good, path.join(dir, 'out'));

    // Assert
    expect(entries).toEqual(['index.js', 'lib/', 'lib/a.js']);
    expect(fs.readFileSync(path.join(dir, 'out/lib/a.js'), 'utf8')).toBe('2');
    expect(() => unpackArtifact(evil, path.join(dir, 'evil'))).toThrow(/would unpack outside/);
  });

  it('reads the platform of native addons from their ELF header', () => {
    expect(nativePlatform(elf(0x3e))).toBe('linux-x64');
    expect(nativePlatform(elf(0xb7))).toBe('linux-arm64');
    expect(nativePlatform(elf(0x28))).toBe('linux-machine-40');
    expect(nativePlatform(Buffer.from('\xcf\xfa\xed\xfe', 'latin1'))).toBe('unknown');
  });

  it('refuses a native addon built for another architecture, naming the function and the fix', () => {
    // Arrange
    fs.mkdirSync(path.join(dir, 'node_modules/pkg'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/pkg/addon.node'), elf(0xb7));

    // Act
    const check = (host: string) => () =>
      checkNativeAddons({ name: 'oauth-token', architecture: 'arm64' }, dir, host);

    // Assert
    expect(check('linux-arm64')).not.toThrow();
    expect(check('linux-x64')).toThrow(
      /function oauth-token \(arm64\): its zip holds the native module node_modules\/pkg\/addon.node built for linux-arm64/,
    );
  });
});
