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
});
