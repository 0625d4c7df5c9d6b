// End to end: `npm start` at its default log level shows why a token request was refused, never the secret.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { basicAuthorization } from '../support/basic-auth';
import { createLocalClient, startLocalServer, type LocalServer } from '../support/local-server';
import { freePort } from '../support/moto';

jest.setTimeout(60_000);

/** The JSON log lines the server printed whose `message` is the given one. */
function logLines(output: string, message: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.message === message);
}

describe('npm start log at the default level', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  let local: LocalServer;
  let tokenUrl: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-log-e2e-'));
    const port = await freePort();
    // Neither LOG_LEVEL nor POWERTOOLS_LOG_LEVEL: the default the user gets from `npm start`.
    const env = { ...process.env };
    delete env.LOG_LEVEL;
    delete env.POWERTOOLS_LOG_LEVEL;
    local = await startLocalServer(['--port', String(port), '--data-dir', dataDir], env);
    server = local.process;
    tokenUrl = `http://127.0.0.1:${port}/oauth2/token`;
  });

  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the reason code of each refused token request, and no secret', async () => {
    // Arrange
    const client = await createLocalClient(
      dataDir,
      'basic-only',
      'demo:read',
      'client_secret_basic',
    );
    const wrongSecret = `not-${client.client_secret}`;
    const post = (headers: Record<string, string>, body: string): Promise<Response> =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });

    // Act
    const inBody = await post(
      {},
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      }).toString(),
    );
    const wrong = await post(
      { Authorization: basicAuthorization(client.client_id, wrongSecret) },
      'grant_type=client_credentials',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assert
    expect([inBody.status, wrong.status]).toEqual([401, 401]);
    const output = local.output();
    expect(logLines(output, 'token request rejected')).toEqual([
      expect.objectContaining({
        level: 'INFO',
        clientId: client.client_id,
        error: 'invalid_client',
        reason: 'method_not_registered',
      }),
      expect.objectContaining({
        level: 'INFO',
        clientId: client.client_id,
        error: 'invalid_client',
        reason: 'wrong_secret',
      }),
    ]);
    expect(output).not.toContain(client.client_secret);
    expect(output).not.toContain(basicAuthorization(client.client_id, wrongSecret).slice(6));
  });

  it('never prints a secret sent as the client id, in any position on any endpoint', async () => {
    // Arrange: a client that swaps its id and secret, or puts the secret in an assertion.
    const client = await createLocalClient(dataDir, 'swapped', 'demo:read');
    const secret = client.client_secret;
    const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    // Never verified: the server reads `sub` to pick the client, then refuses the signature.
    const assertion = [
      b64({ alg: 'ES256', typ: 'JWT' }),
      b64({ iss: secret, sub: secret, aud: `http://127.0.0.1`, iat: now, exp: now + 60, jti: 'j' }),
      'c2lnbmF0dXJl',
    ].join('.');
    const positions: Array<{ headers?: Record<string, string>; params: Record<string, string> }> = [
      { headers: { Authorization: basicAuthorization(secret, client.client_id) }, params: {} },
      { params: { client_id: secret, client_secret: client.client_id } },
      {
        params: {
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        },
      },
    ];
    const endpoints: Array<[string, Record<string, string>]> = [
      ['/oauth2/token', { grant_type: 'client_credentials' }],
      ['/oauth2/revoke', { token: 'not-a-token' }],
      ['/oauth2/introspect', { token: 'not-a-token' }],
    ];
    const base = tokenUrl.replace(/\/oauth2\/token$/, '');

    // Act: each request as a form and as JSON.
    const statuses: number[] = [];
    for (const [endpoint, extra] of endpoints) {
      for (const { headers, params } of positions) {
        for (const json of [false, true]) {
          const body = { ...extra, ...params };
          const response = await fetch(base + endpoint, {
            method: 'POST',
            headers: {
              'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded',
              ...headers,
            },
            body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
          });
          statuses.push(response.status);
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assert: every request was refused and logged, and no 16 characters of the secret were printed.
    expect(statuses).toEqual(Array<number>(statuses.length).fill(401));
    const output = local.output();
    expect(logLines(output, 'token request rejected').length).toBeGreaterThanOrEqual(6);
    expect(logLines(output, 'revocation request rejected').length).toBe(6);
    expect(logLines(output, 'introspection request rejected').length).toBe(6);
    const pieces = Array.from({ length: secret.length - 15 }, (_, i) => secret.slice(i, i + 16));
    expect(pieces.filter((piece) => output.includes(piece))).toEqual([]);
  });
});
