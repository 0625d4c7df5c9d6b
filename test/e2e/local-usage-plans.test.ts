// End to end over HTTP: `npm start -- --usage-plans FILE` meters each client by the plan `create-client --local --plan` gave it (429 Too Many Requests, 429 Limit Exceeded, 403 without a key), and `clients update --plan` applies from the next request.
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, TSX_NODE_ARGS } from '../support/lambda-zip';
import { startLocalServer } from '../support/local-server';
import { freePort } from '../support/moto';

jest.setTimeout(90_000);

interface CreatedClient {
  client_id: string;
  client_secret: string;
}

const PLANS = {
  usage_plans: {
    small: { rate_limit: 2, burst_limit: 2 },
    large: { rate_limit: 1000, burst_limit: 1000 },
    daily5: { rate_limit: 100, burst_limit: 100, quota: { limit: 5, period: 'DAY' } },
  },
};

describe('npm start --usage-plans', () => {
  let dataDir: string;
  let server: ChildProcess;
  let base: string;

  const cli = async (script: string, args: string[]): Promise<string> =>
    (
      await promisify(execFile)(
        process.execPath,
        [...TSX_NODE_ARGS, path.join(ROOT, script), ...args, '--local', '--data-dir', dataDir],
        { cwd: ROOT },
      )
    ).stdout;

  const client = async (name: string, plan?: string): Promise<CreatedClient> =>
    JSON.parse(
      await cli('scripts/create-client.ts', [
        '--name',
        name,
        '--scopes',
        'demo:read',
        ...(plan ? ['--plan', plan] : []),
        '--json',
      ]),
    ) as CreatedClient;

  const token = async (c: CreatedClient): Promise<string> => {
    const response = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };

  /** Sends `n` requests at once and returns each status and body. */
  const burst = async (accessToken: string, n: number, headers: Record<string, string> = {}) =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const r = await fetch(`${base}/hello`, {
          headers: { Authorization: `Bearer ${accessToken}`, ...headers },
        });
        return { status: r.status, body: await r.text() };
      }),
    );

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-plans-'));
    const plansFile = path.join(dataDir, 'plans-input.json');
    fs.writeFileSync(plansFile, JSON.stringify(PLANS));
    const port = await freePort();
    server = (
      await startLocalServer([
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--usage-plans',
        plansFile,
      ])
    ).process;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a client on 2 rps burst 2 gets 429 Too Many Requests within 20 requests; one on a larger plan gets none', async () => {
    // Arrange
    const small = await token(await client('small-client', 'small'));
    const large = await token(await client('large-client', 'large'));

    // Act
    const smallAnswers = await burst(small, 20);
    const largeAnswers = await burst(large, 20);

    // Assert
    const throttled = smallAnswers.filter((a) => a.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(smallAnswers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(throttled[0]!.body)).toEqual({ message: 'Too Many Requests' });
    expect(largeAnswers.map((a) => a.status)).toEqual(Array(20).fill(200));
  });

  it('a quota of 5 per day answers 429 Limit Exceeded on the 6th request', async () => {
    // Arrange
    const daily = await token(await client('daily-client', 'daily5'));

    // Act
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(...(await burst(daily, 1)));

    // Assert
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(JSON.parse(answers[5]!.body)).toEqual({ message: 'Limit Exceeded' });
  });

  it('a client without a key gets 403 Forbidden, and an x-api-key header does not help', async () => {
    // Arrange: no --plan, and the plans file names no default plan.
    const keyless = await client('keyless');
    const access = await token(keyless);
    const other = JSON.parse(fs.readFileSync(path.join(dataDir, 'clients.json'), 'utf8')) as {
      clients: Record<string, { usage_key?: string }>;
    };
    const someKey = Object.values(other.clients).find((c) => c.usage_key)?.usage_key as string;

    // Act
    const [answer] = await burst(access, 1, { 'x-api-key': someKey });

    // Assert
    expect(answer?.status).toBe(403);
    expect(JSON.parse(answer!.body)).toEqual({ message: 'Forbidden' });
  });

  it('clients update --plan applies from the next request (the stated local bound: at once)', async () => {
    // Arrange
    const moving = await client('moving-client', 'small');
    const access = await token(moving);
    const before = await burst(access, 20);

    // Act
    await cli('scripts/clients.ts', ['update', moving.client_id, '--plan', 'large']);
    const after = await burst(access, 20);

    // Assert
    expect(before.some((a) => a.status === 429)).toBe(true);
    expect(after.map((a) => a.status)).toEqual(Array(20).fill(200));
  });

  it('create-client --local refuses a plan the server does not have, naming --plan (exit 2)', async () => {
    // Act
    const failed = await client('typo', 'medium').catch(
      (e: { code?: number; stderr?: string }) => e,
    );

    // Assert
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/--plan medium: no such usage plan/);
  });
});
