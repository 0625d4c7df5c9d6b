// End to end over HTTP: `npm start`'s server with a real OAuth client (oauth4webapi), the authorizer and the emulator.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oauth from 'oauth4webapi';
import { ROOT, TSX_NODE_ARGS } from '../support/lambda-zip';
import { createLocalClient as createClient, type CreatedClient } from '../support/local-server';
import { expectSharedGatewayResponse } from '../support/gateway-responses';
import { startLocalServer, type LocalServer } from '../support/local-server';
import { freePort } from '../support/moto';

jest.setTimeout(60_000);

const LOCAL = path.join(ROOT, 'scripts/local.ts');

/** Runs `npm start` with flags; resolves with its exit code and output (for flag errors). */
async function startAndExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...TSX_NODE_ARGS, LOCAL, ...args], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('npm start (local server)', () => {
  let dataDir: string;
  let server: ChildProcess;
  let local: LocalServer;
  let base: string;
  let as: oauth.AuthorizationServer;
  let reader: CreatedClient;
  let writer: CreatedClient;
  let outsider: CreatedClient;
  /** reader's twins pinned to one transport (reader, created without --auth, takes either). */
  let basicReader: CreatedClient;
  let postReader: CreatedClient;

  const options = { [oauth.allowInsecureRequests]: true };

  async function grant(
    client: CreatedClient,
    auth: 'basic' | 'post',
    scope?: string,
  ): Promise<oauth.TokenEndpointResponse> {
    const clientAuth =
      auth === 'basic'
        ? oauth.ClientSecretBasic(client.client_secret)
        : oauth.ClientSecretPost(client.client_secret);
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: client.client_id },
      clientAuth,
      scope ? { scope } : {},
      options,
    );
    return oauth.processClientCredentialsResponse(as, { client_id: client.client_id }, response);
  }

  const call = (method: string, token?: string): Promise<Response> =>
    fetch(`${base}/hello`, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-e2e-'));
    [reader, basicReader, postReader] = await Promise.all([
      createClient(dataDir, 'reader', 'demo:read demo:write'),
      createClient(dataDir, 'basic-reader', 'demo:read demo:write', 'client_secret_basic'),
      createClient(dataDir, 'post-reader', 'demo:read demo:write', 'client_secret_post'),
    ]);
    const port = await freePort();
    local = await startLocalServer([
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--token-ttl',
      '600',
    ]);
    server = local.process;
    base = `http://127.0.0.1:${port}`;
    // Clients created while the server runs work without a restart.
    [writer, outsider] = await Promise.all([
      createClient(dataDir, 'writer', 'demo:write'),
      createClient(dataDir, 'outsider', 'other:scope', 'client_secret_post'),
    ]);
    const issuer = new URL(base);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, options), // default: OpenID configuration
    );
  });

  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the base URL and a copy-paste walk-through', () => {
    expect(local.output()).toContain(`issuer (iss)        ${base}\n`);
    expect(local.output()).toContain(
      `discovery           ${base}/.well-known/openid-configuration`,
    );
    expect(local.output()).toContain('npm run create-client -- --local');
    expect(local.output()).toContain(`${base}/oauth2/token`);
    expect(local.output()).toContain(`curl -i -H "Authorization: Bearer $TOKEN" ${base}/hello`);
  });

  it('serves the discovery document (default OpenID discovery) with the base URL as issuer', () => {
    expect(as).toMatchObject({
      issuer: base,
      token_endpoint: `${base}/oauth2/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
    });
    expect(as.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
  });

  it.each(['basic', 'post'] as const)(
    'issues a token by client_secret_%s that verifies against the JWKS',
    async (auth) => {
      // Arrange
      const client = auth === 'basic' ? reader : postReader;

      // Act
      const token = await grant(client, auth, 'demo:read');
      const jwks = (await (await fetch(as.jwks_uri as string)).json()) as JSONWebKeySet;
      const { payload, protectedHeader } = await jwtVerify(
        token.access_token,
        createLocalJWKSet(jwks),
        {
          issuer: base,
          audience: 'local',
          typ: 'at+jwt',
        },
      );

      // Assert
      expect(token).toMatchObject({ token_type: 'bearer', expires_in: 600, scope: 'demo:read' });
      expect(protectedHeader.alg).toBe('RS256');
      expect(payload).toMatchObject({
        client_id: client.client_id,
        sub: client.client_id,
        scope: 'demo:read',
      });
    },
  );

  it('a client created without --auth takes either transport; one pinned to a transport refuses the other with 401 invalid_client', async () => {
    // Act: the right secrets; the pinned clients' each sent the other way
    const either = await Promise.all([grant(reader, 'basic'), grant(reader, 'post')]);
    const errors = await Promise.all([
      grant(basicReader, 'post').catch((e: unknown) => e),
      grant(postReader, 'basic').catch((e: unknown) => e),
    ]);

    // Assert: the token function challenges every 401, so oauth4webapi reports the challenge.
    expect(either.map((t) => t.token_type.toLowerCase())).toEqual(['bearer', 'bearer']);
    for (const error of errors) {
      expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
      const challenge = error as oauth.WWWAuthenticateChallengeError;
      expect(challenge.status).toBe(401);
      expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' });
    }
  });

  it('rejects a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    // Act
    const error = await grant({ ...reader, client_secret: 'wrong' }, 'basic').catch(
      (e: unknown) => e,
    );

    // Assert: oauth4webapi reports the WWW-Authenticate challenge before the body.
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = error as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]?.scheme).toBe('basic');
    expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('GET /hello answers 200 with the authorizer context', async () => {
    // Arrange
    const token = await grant(reader, 'basic');

    // Act
    const res = await call('GET', token.access_token);

    // Assert
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      client_id: reader.client_id,
      scope: 'demo:read demo:write',
      message: expect.any(String),
    });
  });

  it('answers 401 invalid_token without a token or with a bad one', async () => {
    for (const token of [undefined, 'not-a-jwt']) {
      // Act
      const res = await call('GET', token);

      // Assert
      // examples/local/routes.json has a DPoP route, so every 401 also carries the DPoP challenge.
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer error="invalid_token", DPoP algs="ES256 PS256 RS256"',
      );
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await expectSharedGatewayResponse(res, 'UNAUTHORIZED', { dpop: true })).toMatchObject({
        error: 'invalid_token',
      });
    }
  });

  it('answers 403 insufficient_scope to a token without demo:read', async () => {
    // Arrange
    const token = await grant(outsider, 'post');

    // Act
    const res = await call('GET', token.access_token);

    // Assert
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await expectSharedGatewayResponse(res, 'ACCESS_DENIED', { dpop: true })).toMatchObject({
      error: 'insufficient_scope',
    });
  });

  it('POST /hello needs demo:write', async () => {
    // Arrange
    const write = await grant(writer, 'basic');
    const readOnly = await grant(reader, 'basic', 'demo:read');

    // Act
    const allowed = await call('POST', write.access_token);
    const denied = await call('POST', readOnly.access_token);

    // Assert
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({
      client_id: writer.client_id,
      scope: 'demo:write',
    });
    expect(denied.status).toBe(403);
  });

  it('caches the authorizer result per token and route: another route is decided anew', async () => {
    // Arrange
    const token = await grant(postReader, 'post', 'demo:read');
    const before = local.output().length;

    // Act
    await call('GET', token.access_token);
    await call('GET', token.access_token);
    await call('POST', token.access_token);
    await call('POST', token.access_token);
    await new Promise((r) => setTimeout(r, 100));

    // Assert
    const lines = local
      .output()
      .slice(before)
      .split('\n')
      .filter((l) => l.includes(' /hello '));
    expect(lines).toEqual([
      expect.stringMatching(/^GET \/hello 200 .*authorizer=miss/),
      expect.stringMatching(/^GET \/hello 200 .*authorizer=hit/),
      expect.stringMatching(/^POST \/hello 403 .*authorizer=miss gateway=ACCESS_DENIED/),
      expect.stringMatching(/^POST \/hello 403 .*authorizer=hit gateway=ACCESS_DENIED/),
    ]);
  });

  it('answers unknown routes like API Gateway and other methods on the token endpoint with 405', async () => {
    // Act
    const unknown = await fetch(`${base}/nowhere`);
    const wrongMethod = await fetch(`${base}/oauth2/token`, { method: 'GET' });

    // Assert
    expect(unknown.status).toBe(403);
    expect(await unknown.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('stops gracefully on SIGTERM', async () => {
    // Act
    const exited = new Promise<number | null>((resolve) =>
      server.once('exit', (code) => resolve(code)),
    );
    server.kill('SIGTERM');

    // Assert
    expect(await exited).toBe(0);
  });

  it.each([
    [['--port', 'abc'], /--port must be an integer from 0 to 65535/],
    [['--port', '70000'], /--port must be an integer/],
    [['--token-ttl', '5'], /--token-ttl must be an integer from 60 to 86400/],
    [['--authorizer-ttl', '-1'], /--authorizer-ttl/],
    [['--routes', '/nonexistent/routes.json'], /--routes: cannot read/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 on bad flags %j', async (args, message) => {
    // Act
    const { code, stderr } = await startAndExit(args);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
