// Unit tests of the local signer: RS256 key generated once with mode 0600, reused, race-safe, ES256 files still honoured, verifiable with jose.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compactVerify, importJWK, calculateJwkThumbprint } from 'jose';
import { LocalSigner } from '../../../../tools/dev-adapters/signer-local';
import { ServerError } from '../../../../functions/token/core/errors';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../../..');

describe('LocalSigner', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-signer-'));
  });

  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('generates a PKCS#8 RSA 2048 key (RS256, like the KMS default) with mode 0600 on first use', async () => {
    // Arrange
    const signer = new LocalSigner({ dataDir: path.join(dataDir, 'nested') });

    // Act
    const info = await signer.keyInfo();

    // Assert
    const pemPath = path.join(dataDir, 'nested', 'signing-key.pem');
    expect(await fs.readFile(pemPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect((await fs.stat(pemPath)).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(path.join(dataDir, 'nested'))).toEqual(['signing-key.pem']);
    expect(info.alg).toBe('RS256');
    expect(info.publicJwk).toMatchObject({ kty: 'RSA', e: 'AQAB', alg: 'RS256', use: 'sig' });
    expect(info.publicJwk.kid).toBe(info.kid);
    // 2048-bit modulus: 256 bytes, 342 base64url characters.
    expect((info.publicJwk as { n: string }).n).toHaveLength(342);
    expect(info.publicJwk).not.toHaveProperty('d');
    expect(info.kid).toBe(await calculateJwkThumbprint(info.publicJwk));
  });

  it('keeps the same key across instances (restarts)', async () => {
    // Arrange
    const first = await new LocalSigner({ dataDir }).keyInfo();

    // Act
    const second = new LocalSigner({ dataDir });

    // Assert
    expect(await second.keyInfo()).toEqual(first);
    expect(await second.publicKeys()).toEqual([first.publicJwk]);
  });

  it.each([
    ['a new data dir (RS256)', undefined, 'RS256', 256],
    [
      'an existing EC P-256 key file (ES256, made by earlier versions)',
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
      'ES256',
      64,
    ],
  ] as const)(
    'signs JWS inputs that jose verifies with the published key: %s',
    async (_label, existingPem, alg, signatureBytes) => {
      // Arrange
      if (existingPem) await fs.writeFile(path.join(dataDir, 'signing-key.pem'), existingPem);
      const signer = new LocalSigner({ dataDir });
      const { kid, publicJwk, alg: keyAlg } = await signer.keyInfo();
      const header = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ sub: 'c1' })).toString('base64url');

      // Act
      const signature = await signer.sign(new TextEncoder().encode(`${header}.${payload}`));

      // Assert
      expect(keyAlg).toBe(alg);
      expect(publicJwk.alg).toBe(alg);
      expect(signature).toHaveLength(signatureBytes);
      const jws = `${header}.${payload}.${Buffer.from(signature).toString('base64url')}`;
      const { protectedHeader } = await compactVerify(jws, await importJWK(publicJwk, alg), {
        algorithms: [alg],
      });
      expect(protectedHeader.kid).toBe(kid);
    },
  );

  it('ends with one key when several instances start at once', async () => {
    // Arrange
    const signers = Array.from({ length: 10 }, () => new LocalSigner({ dataDir }));

    // Act
    const infos = await Promise.all(signers.map((s) => s.keyInfo()));

    // Assert
    expect(new Set(infos.map((i) => i.kid)).size).toBe(1);
    expect(await fs.readdir(dataDir)).toEqual(['signing-key.pem']);
  }, 30_000);

  it('ends with one key when two processes start at once', async () => {
    // Arrange
    const script =
      "const { LocalSigner } = require('./tools/dev-adapters/signer-local');" +
      'new LocalSigner({ dataDir: process.argv[1] }).keyInfo().then((i) => process.stdout.write(i.kid));';
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');

    // Act
    const [a, b] = await Promise.all([
      run(tsx, ['-e', script, dataDir], { cwd: ROOT }),
      run(tsx, ['-e', script, dataDir], { cwd: ROOT }),
    ]);

    // Assert
    const local = await new LocalSigner({ dataDir }).keyInfo();
    expect(a.stdout).toBe(local.kid);
    expect(b.stdout).toBe(local.kid);
  }, 30_000);

  it.each([
    ['garbage', 'not a pem'],
    [
      'a 1024-bit RSA key',
      generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    ],
    [
      'a P-384 key',
      generateKeyPairSync('ec', { namedCurve: 'P-384' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    ],
  ])(
    'fails with ServerError on a key file holding %s, and retries on the next call',
    async (_label, pem) => {
      // Arrange
      await fs.writeFile(path.join(dataDir, 'signing-key.pem'), pem);
      const signer = new LocalSigner({ dataDir });

      // Act
      const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);
      await fs.rm(path.join(dataDir, 'signing-key.pem'));

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).message).toBe('the local signing key is not usable');
      await expect(signer.keyInfo()).resolves.toMatchObject({ alg: 'RS256' });
    },
  );

  it('fails with ServerError when the data dir cannot be created', async () => {
    // Arrange
    await fs.writeFile(path.join(dataDir, 'file'), '');
    const signer = new LocalSigner({ dataDir: path.join(dataDir, 'file') });

    // Act / Assert
    await expect(signer.publicKeys()).rejects.toBeInstanceOf(ServerError);
  });
});
