// The DPoP tests of test/e2e/deployed-api.test.ts (issue 25, items 3 and 6), on its stack: the DPoP snippets of docs/dpop.md, the negative corpus and a byte-for-byte replay, through `npm start -- --from-api` on the example applied to moto_server.
import { decodeJwt } from 'jose';
import {
  DPOP_LIBRARIES,
  isPythonDpop,
  readDpopSnippets,
  runDpopSnippet,
} from '../client-matrix/dpop-matrix';
import { DPOP_CORPUS, type CorpusContext } from './corpus';
import { dpopKey, dpopProof } from './proofs';
import { recordedRequest, sendRaw } from './raw-http';
import { expectedFor, runCorpusRow, type CorpusTarget } from './run-corpus';
import { ServerLog } from './server-log';
import { fetchToken } from './tokens';

/** What the suite needs of the deployed stack, read once its beforeAll has run. */
export interface DeployedStack {
  /** The --from-api runner's base URL and port. */
  base: string;
  port: number;
  /** The deployed issuer (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`). */
  issuer: string;
  /** The deployed token endpoint URL (the `htu` of token requests). */
  tokenEndpoint: string;
  /** The example's DPoP route URL (`hello_dpop_url`). */
  dpopUrl: string;
  /** Everything the runner printed so far. */
  output: () => string;
  /** The API's 401 `WWW-Authenticate`. */
  challenge: string;
  /** Onboards a secret client with the CLI against the deployed table. */
  createClient: (
    name: string,
    scopes: string,
  ) => Promise<{ client_id: string; client_secret: string }>;
  /** Python with joserfc, for the Python row. */
  python?: string;
}

/**
 * Declares the DPoP tests inside the deployed stack's describe.
 * @param getStack the stack, read in the suite's beforeAll (after the stack's own)
 * @param itPython `it` for the Python row, or `it.skip` when Python is missing (itWithPython)
 */
export function describeDpopThroughFromApi(getStack: () => DeployedStack, itPython: jest.It): void {
  // DPoP (issue 25, items 3 and 6) on the example's GET /hello/dpop: the deployed authorizer in
  // its worker, its replay writes to the clients table on moto (docs/dpop.md).
  describe('DPoP through --from-api: interop, the negative corpus, a byte-for-byte replay', () => {
    let ctx: CorpusContext;
    let target: CorpusTarget;
    let dpopClient: { client_id: string; client_secret: string };
    let stack: DeployedStack;

    beforeAll(async () => {
      stack = getStack();
      dpopClient = await stack.createClient('e2e-dpop', 'demo:read');
      const request = {
        sendTo: `${stack.base}/oauth2/token`,
        tokenEndpoint: stack.tokenEndpoint,
        clientId: dpopClient.client_id,
        clientSecret: dpopClient.client_secret,
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
      const url = new URL(stack.issuer);
      ctx = {
        origin: url.origin,
        host: url.host,
        prefix: url.pathname,
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
        port: stack.port,
        log: new ServerLog(stack.output, true),
        challenge: stack.challenge,
        deployed: true,
      };
    });

    describe.each(DPOP_LIBRARIES)('%s (docs/dpop.md snippet)', (library) => {
      (isPythonDpop(library) ? itPython : it)(
        'gets a KMS-signed DPoP-bound token and calls GET /hello/dpop with its own proofs: 200',
        async () => {
          // Act: the deployed URLs, their transport mapped to the runner with their Host
          const out = await runDpopSnippet(library, readDpopSnippets()[library], {
            issuer: stack.issuer,
            clientId: dpopClient.client_id,
            clientSecret: dpopClient.client_secret,
            resourceUrl: stack.dpopUrl,
            mapOrigin: { from: ctx.origin, to: stack.base },
            ...(stack.python ? { python: stack.python } : {}),
          });

          // Assert
          expect(out.token_type.toLowerCase()).toBe('dpop');
          expect(decodeJwt(out.access_token)).toMatchObject({ cnf: { jkt: expect.any(String) } });
          expect(out.status).toBe(200);
          expect(out.body).toEqual({
            message: 'hello, DPoP',
            client_id: dpopClient.client_id,
            scope: 'demo:read',
          });
        },
      );
    });

    describe.each(DPOP_CORPUS.map((row) => [row.id, row] as const))('corpus row %s', (_id, row) => {
      const expected = row.deployed ?? row.expected;
      it(`${row.broken}: ${expected.status}${expected.reason ? ` ${expected.reason}` : ''}`, async () => {
        // Act
        const observed = await runCorpusRow(row, ctx, target);

        // Assert
        expect(observed).toEqual(expectedFor(row, target));
      });
    });

    it('a DPoP request that succeeded, captured and sent again byte for byte, is refused: 401 dpop_replayed', async () => {
      // Arrange
      const path = `${ctx.prefix}${ctx.dpopPath}`;
      const proof = dpopProof(ctx.key, {
        htm: 'GET',
        htu: `${ctx.origin}${path}`,
        accessToken: ctx.token,
      });
      await target.log.nextRefusals(0);

      // Act
      const { response: first, sent } = await recordedRequest(stack.port, {
        method: 'GET',
        path,
        headers: [
          ['Host', ctx.host],
          ['Authorization', `DPoP ${ctx.token}`],
          ['DPoP', proof],
          ['Connection', 'close'],
        ],
      });
      const replay = await sendRaw(stack.port, sent);
      const logged = await target.log.nextRefusals(1);

      // Assert
      expect(sent.toString('latin1')).toContain(
        `GET ${path} HTTP/1.1\r\nHost: ${ctx.host}\r\nAuthorization: DPoP ${ctx.token}\r\nDPoP: ${proof}\r\n`,
      );
      expect(first.status).toBe(200);
      expect(replay.status).toBe(401);
      expect(replay.headers['www-authenticate']).toEqual([stack.challenge]);
      expect(logged).toEqual([{ reason: 'DPoP:replayed:jti', metric: 'dpop_replayed' }]);
    });
  });
}
