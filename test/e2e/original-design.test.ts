// End to end: the original design's sequence on `npm start`, with a client created by the README's own command and a JSON token request.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalServer, type LocalServer } from '../support/local-server';
import { freePort } from '../support/moto';
import {
  createClientTheReadmeWay,
  expectedSequence,
  readmeCreateClientArgs,
  walkOriginalDesign,
} from '../support/original-design';

jest.setTimeout(60_000);

describe('the original design on npm start: README client, JSON token request, 200 / 403 / 401', () => {
  let dataDir: string;
  let local: LocalServer;
  let base: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'original-design-'));
    const port = await freePort();
    local = await startLocalServer(['--port', String(port), '--data-dir', dataDir]);
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(() => {
    if (local?.process.exitCode === null) local.process.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the README creates the client without pinning a transport', () => {
    // Act
    const args = readmeCreateClientArgs();

    // Assert
    expect(args).toEqual(['--local', '--name', 'demo', '--scopes', 'demo:read']);
  });

  it('a client created with the README command gets a token from the JSON body, then 200, 403 and 401', async () => {
    // Arrange: while npm start runs, as the README's walk-through does
    const client = await createClientTheReadmeWay(dataDir);

    // Act
    const result = await walkOriginalDesign(base, client, {
      allowed: '/hello',
      forbidden: { method: 'POST', path: '/hello' },
    });

    // Assert
    // examples/local/routes.json has a DPoP route, so every 401 also carries the DPoP challenge.
    expect(result).toEqual(
      expectedSequence('demo:read', 'Bearer error="invalid_token", DPoP algs="ES256 PS256 RS256"'),
    );
  });
});
