// End to end over HTTP: a client disabled with `npm run clients -- disable --local` gets no more tokens from a running `npm start`, and its tokens, revoke-tokens and RFC 7009 revocations reach the local authorizer within the bound.
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as oauth from 'oauth4webapi';
import { ROOT, TSX_NODE_ARGS } from '../support/lambda-zip';
import { startLocalServer } from '../support/local-server';
import { freePort } from '../support/moto';

jest.setTimeout(60_000);

interface CreatedClient {
  client_id: string;
  client_secret: string;
}

describe('npm start: disabling a client', () => {
  let dataDir: string;
  let server: ChildProcess;
  let as: oauth.AuthorizationServer;
  let base: string;
  const options = { [oauth.allowInsecureRequests]: true };

  const cli = async (script: string, args: string[]): Promise<string> =>
    (
      await promisify(execFile)(
        process.execPath,
        [...TSX_NODE_ARGS, path.join(ROOT, script), ...args, '--local', '--data-dir', dataDir],
        { cwd: ROOT },
      )
    ).stdout;

  const grant = async (client: CreatedClient): Promise<oauth.TokenEndpointResponse> => {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: client.client_id },
      oauth.ClientSecretBasic(client.client_secret),
      {},
      options,
    );
    return oauth.processClientCredentialsResponse(as, { client_id: client.client_id }, response);
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-disable-'));
    const port = await freePort();
    // The bound shortened by configuration: no authorizer result cache (T = 0), C = 1 s.
    server = (
      await startLocalServer([
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--authorizer-ttl',
        '0',
        '--revocation-cache-ttl',
        '1',
      ])
    ).process;
    base = `http://127.0.0.1:${port}`;
    const issuer = new URL(`http://127.0.0.1:${port}`);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, options), // default: OpenID configuration
    );
  });

  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the disabled client with 401 invalid_client, and serves it again once enabled', async () => {
    // Arrange
    const client = JSON.parse(
      await cli('scripts/create-client.ts', [
        '--name',
        'to-disable',
        '--scopes',
        'demo:read',
        '--json',
      ]),
    ) as CreatedClient;
    await grant(client);

    // Act
    await cli('scripts/clients.ts', ['disable', client.client_id]);
    const refused = await grant(client).catch((e: unknown) => e);
    await cli('scripts/clients.ts', ['enable', client.client_id]);
    const again = await grant(client);

    // Assert: no restart was needed either way (the file store is re-read on every request).
    expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = refused as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' });
    expect(again.access_token).toEqual(expect.any(String));
  });

  it('revocation reaches the authorizer: disable -> 401 within T + C, enable does not revive, RFC 7009 revoke -> 401', async () => {
    // Arrange
    const client = JSON.parse(
      await cli('scripts/create-client.ts', [
        '--name',
        'revoked',
        '--scopes',
        'demo:read',
        '--json',
      ]),
    ) as CreatedClient;
    const hello = (token: string): Promise<number> =>
      fetch(`${base}/hello`, { headers: { Authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    const old = (await grant(client)).access_token;
    expect(await hello(old)).toBe(200);
    // disable sets tokens_not_before to its own second; let the token's second pass.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    // Act
    await cli('scripts/clients.ts', ['disable', client.client_id]);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // C = 1 s
    const disabled = await hello(old);
    await cli('scripts/clients.ts', ['enable', client.client_id]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const enabled = await hello(old);
    const fresh = (await grant(client)).access_token;
    const freshBefore = await hello(fresh);
    const revoke = await fetch(`${base}/oauth2/revoke`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      },
      body: `token=${fresh}`,
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const freshAfter = await hello(fresh);

    // Assert
    expect([disabled, enabled]).toEqual([401, 401]);
    expect([freshBefore, revoke.status, freshAfter]).toEqual([200, 200, 401]);
  });
});
