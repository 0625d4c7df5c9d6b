// Unit tests of the local data directory check: missing, not a directory, and what create may make.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../../../tools/cli/usage-error';
import { checkDataDir } from '../../../../scripts/lib/clients/data-dir';

describe('checkDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-dir-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts an existing directory, for every command', async () => {
    // Act
    const states = [await checkDataDir(dir, false), await checkDataDir(dir, true)];

    // Assert
    expect(states).toEqual(['exists', 'exists']);
  });

  it('refuses a missing directory, naming --data-dir and the path, and creates nothing', async () => {
    // Arrange
    const missing = path.join(dir, 'nope');

    // Act
    const result = checkDataDir(missing, false);

    // Assert
    await expect(result).rejects.toThrow(UsageError);
    await expect(result).rejects.toThrow(`--data-dir ${missing} does not exist`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('lets create make a missing directory whose parent exists (without making it yet)', async () => {
    // Arrange
    const fresh = path.join(dir, '.local');

    // Act
    const state = await checkDataDir(fresh, true);

    // Assert
    expect(state).toBe('missing');
    expect(fs.existsSync(fresh)).toBe(false);
  });

  it('refuses create when the parent is missing or a file, naming --data-dir and the parent', async () => {
    // Arrange
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');

    // Act / Assert
    await expect(checkDataDir(path.join(dir, 'typo', 'data'), true)).rejects.toThrow(
      `--data-dir ${path.join(dir, 'typo', 'data')}: its parent ${path.join(dir, 'typo')} is not a directory`,
    );
    await expect(checkDataDir(path.join(file, 'data'), true)).rejects.toThrow(
      /--data-dir .*: its parent .* is not a directory/,
    );
  });

  it('refuses a path that is a file, for every command', async () => {
    // Arrange
    const file = path.join(dir, 'clients.json');
    fs.writeFileSync(file, '{}');

    // Act / Assert
    for (const mayCreate of [false, true]) {
      await expect(checkDataDir(file, mayCreate)).rejects.toThrow(
        `--data-dir ${file} is not a directory`,
      );
    }
  });

  it('passes other file system errors on', async () => {
    // Arrange: a NUL byte is refused by the file system layer itself
    const bad = path.join(dir, 'a\0b');

    // Act / Assert
    await expect(checkDataDir(bad, false)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });
});
