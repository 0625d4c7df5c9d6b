// End to end through npm start (issue 25, items 3 and 6): the DPoP negative corpus, one row at a time, and a captured DPoP request replayed byte for byte, each answer with its status, challenge and logged reason.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DPOP_CORPUS, type CorpusContext } from '../support/dpop/corpus';
import { dpopKey, dpopProof } from '../support/dpop/proofs';
import { recordedRequest, sendRaw } from '../support/dpop/raw-http';
import { expectedFor, runCorpusRow, type CorpusTarget } from '../support/dpop/run-corpus';
import { ServerLog } from '../support/dpop/server-log';
import { fetchToken } from '../support/dpop/tokens';
import { createLocalClient, startLocalServer, type LocalServer } from '../support/local-server';
import { freePort } from '../support/moto';

jest.setTimeout(60_000);

/** Every 401 of an API with a DPoP route (modules/authorizer/gateway-responses.json, RFC 9449 §7.1). */
const CHALLENGE = 'Bearer error="invalid_token", DPoP algs="ES256 PS256 RS256"';

describe('DPoP through npm start (examples/local/routes.json: GET /hello/dpop)', () => {
  let dataDir: string;
  let server: LocalServer;
  let port: number;
  let ctx: CorpusContext;
  let target: CorpusTarget;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dpop-local-'));
    const client = await createLocalClient(dataDir, 'dpop', 'demo:read');
    port = await freePort();
    server = await startLocalServer(['--port', String(port), '--data-dir', dataDir], {
      ...process.env,
      // The authorizer's refusals are WARN lines; its metrics EMF lines, as in Lambda.
      LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_NAMESPACE: 'dpop-local-test',
    });
    const base = `http://127.0.0.1:${port}`;
    const request = {
      sendTo: `${base}/oauth2/token`,
      tokenEndpoint: `${base}/oauth2/token`,
      clientId: client.client_id,
      clientSecret: client.client_secret,
    };
    const [key, otherKey, rsaKey] = await Promise.all([
      dpopKey('ES256'),
      dpopKey('ES256'),
      dpopKey('RS256'),
    ]);
    const [token, otherToken, rsaToken, bearerToken] = await Promise.all([
      fetchToken(request, key),
      fetchToken(request, otherKey),
      fetchToken(request, rsaKey),
      fetchToken(request),
    ]);
    ctx = {
      // The authorizer rebuilds the URL as API Gateway's clients see it, over TLS (docs/dpop.md);
      // npm start stands for that endpoint on plain http.
      origin: `https://127.0.0.1:${port}`,
      host: `127.0.0.1:${port}`,
      prefix: '',
      dpopPath: '/hello/dpop',
      bearerPath: '/hello',
      key,
      token,
      otherKey,
      otherToken,
      bearerToken,
      rsaKey,
      rsaToken,
    };
    target = {
      port,
      log: new ServerLog(() => server.output(), true),
      challenge: CHALLENGE,
      deployed: false,
    };
  });

  afterAll(() => {
    if (server?.process.exitCode === null) server.process.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each(DPOP_CORPUS.map((row) => [row.id, row] as const))('corpus row %s', (_id, row) => {
    it(`${row.broken}: ${row.expected.status}${row.expected.reason ? ` ${row.expected.reason}` : ''}`, async () => {
      // Act
      const observed = await runCorpusRow(row, ctx, target);

      // Assert
      expect(observed).toEqual(expectedFor(row, target));
    });
  });

  it('a DPoP request that succeeded, captured and sent again byte for byte over a raw socket, is refused: 401 dpop_replayed', async () => {
    // Arrange
    const proof = dpopProof(ctx.key, {
      htm: 'GET',
      htu: `${ctx.origin}/hello/dpop`,
      accessToken: ctx.token,
    });
    await target.log.nextRefusals(0);

    // Act
    const { response: first, sent } = await recordedRequest(port, {
      method: 'GET',
      path: '/hello/dpop',
      headers: [
        ['Host', ctx.host],
        ['Authorization', `DPoP ${ctx.token}`],
        ['DPoP', proof],
        ['Connection', 'close'],
      ],
    });
    const replay = await sendRaw(port, sent);
    const logged = await target.log.nextRefusals(1);

    // Assert
    const text = sent.toString('latin1');
    expect(text).toMatch(/^GET \/hello\/dpop HTTP\/1\.1\r\n/);
    expect(text).toContain(`\r\nAuthorization: DPoP ${ctx.token}\r\n`);
    expect(text).toContain(`\r\nDPoP: ${proof}\r\n`);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ scope: 'demo:read' });
    expect(replay.status).toBe(401);
    expect(replay.headers['www-authenticate']).toEqual([CHALLENGE]);
    expect(JSON.parse(replay.body)).toMatchObject({ error: 'invalid_token' });
    expect(logged).toEqual([{ reason: 'DPoP:replayed:jti', metric: 'dpop_replayed' }]);
  });
});
