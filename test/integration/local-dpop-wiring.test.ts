// npm start's two authorizers, read from the API definition the local server builds: the DPoP routes' one uncached, the others' cached (the local server listens on a socket, so not a unit test).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DPOP_AUTHORIZER_ID,
  startLocalServer,
  type LocalServer,
} from '../../tools/local-server/local-server';

describe('the local server with a DPoP route', () => {
  let dataDir: string;
  let server: LocalServer | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-dpop-unit-'));
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('wires the DPoP route to an uncached authorizer and the others to the cached one', async () => {
    // Arrange
    const routesFile = path.join(dataDir, 'routes.json');
    fs.writeFileSync(
      routesFile,
      JSON.stringify({ 'GET /a': ['s'], 'GET /b': { scopes: ['s'], dpop: true } }),
    );

    // Act
    server = await startLocalServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      routesFile,
      tokenTtlSeconds: 3600,
      audience: 'local',
      authorizerTtlSeconds: 30,
    });

    // Assert
    const { routes, authorizers } = server.emulator.api;
    const byPath = Object.fromEntries(routes.map((r) => [r.resourcePath, r.authorizerId]));
    expect(byPath['/a']).toBe('oauth');
    expect(byPath['/b']).toBe(DPOP_AUTHORIZER_ID);
    expect(authorizers?.oauth?.resultTtlSeconds).toBe(30);
    expect(authorizers?.[DPOP_AUTHORIZER_ID]?.resultTtlSeconds).toBe(0);
    expect(server.dpopHosts).toEqual([`127.0.0.1:${server.port}`, `localhost:${server.port}`]);
    expect(server.routes).toContainEqual({ key: 'GET /b', scopes: ['s'], dpop: true });
  });
});
