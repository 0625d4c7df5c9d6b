// End to end: private_key_jwt clients onboarded with the clients CLI get tokens from `npm start` through the documented openid-client, oauth4webapi and authlib snippets; a wrong key and a secret for such a client are refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalServer, type LocalServer } from '../support/local-server';
import { freePort } from '../support/moto';
import {
  itWithPython,
  pythonWithClientPackages,
  verifyWithJwks,
} from '../support/client-matrix/client-matrix';
import {
  createJwtClient,
  JWT_LIBRARIES,
  keyFilesFor,
  readJwtSnippets,
  runJwtSnippet,
  type ClientKeyFiles,
  type JwtLibrary,
} from '../support/client-matrix/private-key-jwt-matrix';

jest.setTimeout(90_000);

const python = pythonWithClientPackages();
const itPython = itWithPython(python);
const snippets = readJwtSnippets();

describe('private_key_jwt client libraries against npm start (snippets of docs/private-key-jwt.md)', () => {
  let dataDir: string;
  let local: LocalServer;
  let base: string;
  const clients = {} as Record<JwtLibrary, { id: string; keys: ClientKeyFiles }>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pkjwt-e2e-'));
    await Promise.all(
      JWT_LIBRARIES.map(async (library) => {
        const keys = keyFilesFor(library, dataDir);
        const created = await createJwtClient(
          ['--local', '--data-dir', dataDir],
          `pkjwt-${library}`,
          'demo:read',
          keys,
        );
        expect(created.client_secret).toBeUndefined();
        expect(created.keys.map((k) => k.kid)).toEqual([keys.kid]);
        clients[library] = { id: created.client_id, keys };
      }),
    );
    const port = await freePort();
    local = await startLocalServer(['--port', String(port), '--data-dir', dataDir]);
    base = `http://127.0.0.1:${port}`;
  }, 90_000);

  afterAll(() => {
    if (local?.process.exitCode === null) local.process.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each(JWT_LIBRARIES)('%s', (library) => {
    (library === 'authlib' ? itPython : it)(
      'gets a token twice (a fresh jti each time) that verifies against the JWKS it discovered',
      async () => {
        // Arrange
        const { id, keys } = clients[library];
        const target = {
          issuer: base,
          clientId: id,
          keys,
          ...(python.python ? { python: python.python } : {}),
        };

        // Act
        const first = await runJwtSnippet(library, snippets[library], target);
        const second = await runJwtSnippet(library, snippets[library], target);
        const { payload, alg } = await verifyWithJwks(
          first.access_token,
          first.jwks_uri as string,
          {
            issuer: base,
            audience: 'local',
          },
        );

        // Assert
        expect(first.jwks_uri).toBe(`${base}/.well-known/jwks.json`);
        expect(alg).toBe('RS256');
        expect(payload).toMatchObject({ client_id: id, scope: 'demo:read' });
        expect(second.access_token).not.toBe(first.access_token);
      },
    );
  });

  it('a snippet signing with a key the client did not register fails (the matrix can fail)', async () => {
    // Arrange: oauth4webapi's client, but another ES256 private key under the registered kid
    const { id, keys } = clients.oauth4webapi;
    const stranger = keyFilesFor('oauth4webapi', fs.mkdtempSync(path.join(dataDir, 'x-')));

    // Act
    const failed = runJwtSnippet('oauth4webapi', snippets.oauth4webapi, {
      issuer: base,
      clientId: id,
      keys: { ...stranger, kid: keys.kid },
    });

    // Assert
    await expect(failed).rejects.toThrow(/invalid_client|status: 401/);
  });

  it('refuses a secret for a private_key_jwt client, and advertises the method', async () => {
    // Act
    const res = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${clients.oauth4webapi.id}:guess`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    const metadata = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as {
      token_endpoint_auth_methods_supported: string[];
    };

    // Assert
    expect(res.status).toBe(401);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
  });
});
