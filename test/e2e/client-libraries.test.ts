// End to end: the client library matrix (docs/client-libraries.md and docs/dpop.md snippets, verbatim) against `npm start`, plus the local issuer rules (--issuer, --host 0.0.0.0, Host header).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { createLocalClient as createClient, type CreatedClient } from '../support/local-server';
import { startLocalServer, type LocalServer } from '../support/local-server';
import { freePort } from '../support/moto';
import {
  LIBRARIES,
  isPython,
  itWithPython,
  pythonWithClientPackages,
  readTestedSnippets,
  runSnippet,
  snippetFor,
  verifyWithJwks,
  DEFAULT_SWAP,
  type AuthMethod,
  type Library,
  type SnippetVariant,
} from '../support/client-matrix/client-matrix';
import {
  DPOP_LIBRARIES,
  isPythonDpop,
  readDpopSnippets,
  runDpopSnippet,
} from '../support/client-matrix/dpop-matrix';

jest.setTimeout(60_000);

const METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post'];
const python = pythonWithClientPackages();
const itPython = itWithPython(python);
const snippets = readTestedSnippets();
const dpopSnippets = readDpopSnippets();

/** POST /oauth2/token over node:http, so that the Host header is exactly the one given. */
function tokenWithHost(port: number, host: string, client: CreatedClient): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = 'grant_type=client_credentials';
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/oauth2/token',
        headers: {
          Host: host,
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
          Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve((JSON.parse(text) as { access_token: string }).access_token)
            : reject(new Error(`${res.statusCode}: ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('client library matrix against npm start (snippets of docs/client-libraries.md)', () => {
  let dataDir: string;
  let local: LocalServer;
  let base: string;
  let port: number;
  /**
   * A client pinned to each method (`--auth`), and for the libraries' defaults one created as the
   * README does, without `--auth`, which takes its secret either way.
   */
  const clients = {} as Record<SnippetVariant, CreatedClient>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-matrix-'));
    for (const method of METHODS) {
      clients[method] = await createClient(
        dataDir,
        `matrix-${method}`,
        'demo:read demo:write',
        method,
      );
    }
    clients.library_default = await createClient(dataDir, 'matrix-default', 'demo:read demo:write');
    port = await freePort();
    local = await startLocalServer(['--port', String(port), '--data-dir', dataDir]);
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(() => {
    if (local?.process.exitCode === null) local.process.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = [
    ...LIBRARIES.flatMap((library) => METHODS.map((method) => [library, method] as const)),
    // Each library with no client authentication option, as a newcomer writes it first.
    ...LIBRARIES.filter((library) => DEFAULT_SWAP[library] !== undefined).map(
      (library) => [library, 'library_default'] as const,
    ),
  ];

  describe.each(rows)('%s with %s', (library: Library, method: SnippetVariant) => {
    (isPython(library) ? itPython : it)(
      'gets an RS256 token that verifies against the JWKS it discovered',
      async () => {
        // Arrange
        const code = snippetFor(snippets, library, method);
        const client = clients[method];

        // Act
        const out = await runSnippet(library, code, {
          issuer: base,
          clientId: client.client_id,
          clientSecret: client.client_secret,
          ...(python.python ? { python: python.python } : {}),
        });
        // curl discovers nothing: its row reads the jwks_uri from the OpenID configuration.
        const jwksUri =
          out.jwks_uri ??
          (
            (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as {
              jwks_uri: string;
            }
          ).jwks_uri;
        const { payload, alg } = await verifyWithJwks(out.access_token, jwksUri, {
          issuer: base,
          audience: 'local',
        });

        // Assert
        expect(jwksUri).toBe(`${base}/.well-known/jwks.json`);
        expect(out.token_type.toLowerCase()).toBe('bearer');
        expect(alg).toBe('RS256');
        expect(payload).toMatchObject({
          client_id: client.client_id,
          scope: 'demo:read demo:write',
        });
      },
    );
  });

  // DPoP (docs/dpop.md): each library's own proofs, at the token endpoint and at GET /hello/dpop.
  describe.each(DPOP_LIBRARIES)('%s (docs/dpop.md snippet)', (library) => {
    (isPythonDpop(library) ? itPython : it)(
      'gets a DPoP-bound token with its own proof and calls GET /hello/dpop with a fresh one: 200',
      async () => {
        // Arrange: the authorizer rebuilds https URLs, as API Gateway's clients use them; npm
        // start speaks http, so the https origin is mapped to it, as a TLS terminator would.
        const origin = `https://127.0.0.1:${port}`;
        const client = clients.library_default;

        // Act
        const out = await runDpopSnippet(library, dpopSnippets[library], {
          issuer: base,
          clientId: client.client_id,
          clientSecret: client.client_secret,
          resourceUrl: `${origin}/hello/dpop`,
          mapOrigin: { from: origin, to: base },
          ...(python.python ? { python: python.python } : {}),
        });

        // Assert
        expect(out.token_type.toLowerCase()).toBe('dpop');
        expect(decodeJwt(out.access_token).cnf).toEqual({ jkt: expect.any(String) });
        expect(out.status).toBe(200);
        expect(out.body).toMatchObject({
          client_id: client.client_id,
          scope: 'demo:read demo:write',
        });
      },
    );
  });

  it('a snippet run with a wrong secret fails (the matrix can fail)', async () => {
    // Act
    const failed = runSnippet(
      'oauth4webapi',
      snippetFor(snippets, 'oauth4webapi', 'client_secret_post'),
      {
        issuer: base,
        clientId: clients.client_secret_post.client_id,
        clientSecret: 'wrong',
      },
    );

    // Assert
    await expect(failed).rejects.toThrow(/status: 401/);
  });

  // The defaults rows pass for a client created without --auth; this shows which method each
  // library's default is (the doc's table), by the client pinned to the other one refusing it.
  describe.each(
    LIBRARIES.flatMap((library) => {
      const swap = DEFAULT_SWAP[library];
      return swap === undefined ? [] : [[library, swap.sends] as const];
    }),
  )('%s with its defaults sends %s', (library: Library, sends: AuthMethod) => {
    (isPython(library) ? itPython : it)(
      'a client pinned to that method gets a token; one pinned to the other is refused',
      async () => {
        // Arrange
        const other =
          sends === 'client_secret_basic' ? 'client_secret_post' : 'client_secret_basic';
        const code = snippetFor(snippets, library, 'library_default');
        const target = (client: CreatedClient) => ({
          issuer: base,
          clientId: client.client_id,
          clientSecret: client.client_secret,
          ...(python.python ? { python: python.python } : {}),
        });

        // Act
        const pinned = await runSnippet(library, code, target(clients[sends]));
        const refused = runSnippet(library, code, target(clients[other]));

        // Assert
        expect(pinned.access_token).toEqual(expect.any(String));
        await expect(refused).rejects.toThrow(/401|invalid_client/);
      },
    );
  });

  it.each([
    ['client_secret_basic', 'client_secret_post'],
    ['client_secret_post', 'client_secret_basic'],
  ] as const)(
    'a %s client is refused by the %s snippet, with its right secret',
    async (registered, other) => {
      // Act
      const failed = runSnippet('oauth4webapi', snippetFor(snippets, 'oauth4webapi', other), {
        issuer: base,
        clientId: clients[registered].client_id,
        clientSecret: clients[registered].client_secret,
      });

      // Assert
      await expect(failed).rejects.toThrow(/status: 401/);
    },
  );
});

describe('local issuer: --issuer, --host 0.0.0.0 and the Host header', () => {
  let dataDir: string;
  let client: CreatedClient;
  const servers: LocalServer[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-issuer-'));
    client = await createClient(dataDir, 'issuer', 'demo:read');
  });

  afterAll(() => {
    for (const s of servers) if (s.process.exitCode === null) s.process.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('with --host 0.0.0.0 prints 127.0.0.1 as the issuer and issues for it whatever the Host', async () => {
    // Arrange
    const port = await freePort();
    const server = await startLocalServer([
      '--host',
      '0.0.0.0',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
    ]);
    servers.push(server);

    // Act
    const viaLocalhost = decodeJwt(await tokenWithHost(port, `localhost:${port}`, client));
    const viaOther = decodeJwt(await tokenWithHost(port, 'evil.example:1', client));

    // Assert
    expect(server.output()).toContain(`issuer (iss)        http://127.0.0.1:${port}\n`);
    expect(server.output()).not.toMatch(/issuer \(iss\)\s+http:\/\/0\.0\.0\.0/);
    expect(viaLocalhost.iss).toBe(`http://127.0.0.1:${port}`);
    expect(viaOther.iss).toBe(`http://127.0.0.1:${port}`);
  });

  it('--issuer sets iss and the discovery documents, reached through any host name', async () => {
    // Arrange
    const port = await freePort();
    const issuer = `http://localhost:${port}`;
    const server = await startLocalServer([
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--issuer',
      issuer,
    ]);
    servers.push(server);

    // Act
    const token = decodeJwt(await tokenWithHost(port, `127.0.0.1:${port}`, client));
    const openid = (await (
      await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;

    // Assert
    expect(server.output()).toContain(`issuer (iss)        ${issuer}\n`);
    expect(server.output()).toContain(`local URL           http://127.0.0.1:${port}\n`);
    expect(token.iss).toBe(issuer);
    expect(openid).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/oauth2/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
    });
  });
});
