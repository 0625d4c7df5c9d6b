// End to end without AWS: terraform apply examples/complete to moto_server, onboard clients, serve the deployed API with `npm start -- --from-api`, call it with a real OAuth client (overlapping routes decided per route), destroy.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  APIGatewayClient,
  CreateResourceCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oauth from 'oauth4webapi';
import { ROOT, TSX_NODE_ARGS, runBuild } from '../support/lambda-zip';
import { expectSharedGatewayResponse } from '../support/gateway-responses';
import { DPOP_CHALLENGE } from '../../tools/local-server/oauth-gateway-responses';
import { startLocalServer } from '../support/local-server';
import { freePort, startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import { USAGE_PLANS_REFRESH_MS } from '../../tools/from-api/usage-plans-reader';
import { expectedSequence, walkOriginalDesign } from '../support/original-design';
import {
  LIBRARIES,
  isPython,
  itWithPython,
  pythonWithClientPackages,
  readTestedSnippets,
  runSnippet,
  snippetFor,
  verifyWithJwks,
  type AuthMethod,
} from '../support/client-matrix/client-matrix';
import {
  createJwtClient,
  JWT_LIBRARIES,
  keyFilesFor,
  readJwtSnippets,
  runJwtSnippet,
} from '../support/client-matrix/private-key-jwt-matrix';
import { describeDpopThroughFromApi } from '../support/dpop/from-api-suite';
import {
  createWorkspace,
  describeWithTerraformMirror,
  expectExit,
  terraform,
  type TfResult,
  type TfWorkspace,
} from '../terraform/harness';

jest.setTimeout(60_000);

const EXAMPLE = 'examples/complete';
const LOCAL = path.join(ROOT, 'scripts/local.ts');
const run = promisify(execFile);

interface Outputs {
  rest_api_id: string;
  stage_name: string;
  client_table_name: string;
  issuer: string;
  token_endpoint_url: string;
  jwks_url: string;
  hello_dpop_url: string;
}

interface CreatedClient {
  client_id: string;
  client_secret: string;
}

const python = pythonWithClientPackages();
const itPython = itWithPython(python);
const snippets = readTestedSnippets();
// curl would need TLS for the deployed https issuer; its row runs against npm start only.
const MATRIX = LIBRARIES.filter((library) => library !== 'curl').flatMap((library) =>
  (['client_secret_basic', 'client_secret_post'] as const).map(
    (method) => [library, method] as const,
  ),
);

// Both tools are required: each throws under CI=true when missing, so the flow is never skipped there.
/**
 * The 401 challenge of examples/complete: it has a DPoP route (GET /hello/dpop), so every 401 of
 * its API carries the DPoP challenge after the Bearer one (docs/dpop.md, "The 401 challenge").
 */
const UNAUTHORIZED_CHALLENGE = `Bearer error="invalid_token", ${DPOP_CHALLENGE}`;

const describeBoth =
  describeWithMoto() === describe ? describeWithTerraformMirror() : describe.skip;

describeBoth(
  'deployed API served locally (terraform apply to moto_server, npm start -- --from-api)',
  () => {
    let moto: Moto;
    let ws: TfWorkspace;
    let tmp: string;
    let artifactsDir: string;
    let outputs: Outputs;
    let env: NodeJS.ProcessEnv;
    let server: ChildProcess | undefined;
    let serverOutput: () => string = () => '';
    let port: number;
    let banner = '';
    let base: string;
    let as: oauth.AuthorizationServer;
    let reader: CreatedClient;
    /** reader's twins pinned to one transport (reader, created without --auth, takes either). */
    let basicReader: CreatedClient;
    let postReader: CreatedClient;
    let writer: CreatedClient;
    let admin: CreatedClient;
    let destroyed: TfResult | undefined;

    const options = { [oauth.allowInsecureRequests]: true };

    const tf = (args: string[]): Promise<TfResult> =>
      terraform(ws, EXAMPLE, [...args, '-input=false', '-no-color']);

    async function tsx(script: string, args: string[]): Promise<string> {
      const { stdout: out } = await run(
        process.execPath,
        [...TSX_NODE_ARGS, path.join(ROOT, script), ...args],
        { cwd: ROOT, env, maxBuffer: 4 * 1024 * 1024 },
      );
      return out;
    }

    /** Onboards a secret client, pinned to `auth` when given (else it takes either transport). */
    const createClient = async (
      name: string,
      scopes: string,
      auth?: 'client_secret_basic' | 'client_secret_post',
    ): Promise<CreatedClient> =>
      JSON.parse(
        await tsx('scripts/create-client.ts', [
          '--table',
          outputs.client_table_name,
          '--name',
          name,
          '--scopes',
          scopes,
          ...(auth !== undefined ? ['--auth', auth] : []),
          '--json',
        ]),
      ) as CreatedClient;

    async function grant(
      client: CreatedClient,
      auth: 'basic' | 'post',
    ): Promise<oauth.TokenEndpointResponse> {
      const clientAuth =
        auth === 'basic'
          ? oauth.ClientSecretBasic(client.client_secret)
          : oauth.ClientSecretPost(client.client_secret);
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        { client_id: client.client_id },
        clientAuth,
        {},
        options,
      );
      return oauth.processClientCredentialsResponse(as, { client_id: client.client_id }, response);
    }

    const hello = (token?: string, prefix = ''): Promise<Response> =>
      fetch(`${base}${prefix}/hello`, {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });

    /** Runs `npm start -- --from-api …` expecting it to exit; resolves with its code and stderr. */
    function startAndExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [...TSX_NODE_ARGS, LOCAL, ...args], {
          cwd: ROOT,
          env,
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr });
        });
      });
    }

    beforeAll(async () => {
      // Arrange: moto, zips for this machine, the example applied with the emulator's endpoint.
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deployed-api-e2e-'));
      artifactsDir = path.join(tmp, 'dist');
      const [started] = await Promise.all([
        startMoto({ setProcessEnv: false }),
        runBuild(['--arch', 'x86_64', '--out-dir', artifactsDir]),
      ]);
      moto = started;
      env = { ...process.env, ...moto.env, LOG_LEVEL: 'ERROR' };
      delete env.AWS_PROFILE;
      delete env.AWS_SESSION_TOKEN;
      ws = createWorkspace({
        ...moto.env,
        TF_VAR_artifacts_dir: artifactsDir,
        TF_VAR_lambda_architecture: 'x86_64',
        TF_VAR_table_deletion_protection: 'false',
        // The example's tiers plus the ones the usage plan tests meter against.
        TF_VAR_usage_plans: JSON.stringify({
          standard: { rate_limit: 100, burst_limit: 200 },
          small: { rate_limit: 2, burst_limit: 2 },
          daily5: { rate_limit: 100, burst_limit: 100, quota: { limit: 5, period: 'DAY' } },
        }),
      });
      expectExit(await tf(['init']), 'terraform init');
      expectExit(await tf(['apply', '-auto-approve']), 'terraform apply');
      const raw = JSON.parse(
        expectExit(await terraform(ws, EXAMPLE, ['output', '-json', '-no-color']), 'output').stdout,
      ) as Record<string, { value: unknown }>;
      outputs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value])) as never;

      // Onboard with the operator CLI, against the table Terraform created.
      [reader, basicReader, postReader, writer, admin] = await Promise.all([
        createClient('e2e', 'demo:read'),
        createClient('e2e-basic', 'demo:read', 'client_secret_basic'),
        createClient('e2e-post', 'demo:read', 'client_secret_post'),
        createClient('e2e-writer', 'demo:write', 'client_secret_post'),
        createClient('e2e-admin', 'demo:admin'),
      ]);

      port = await freePort();
      const local = await startLocalServer(
        [
          '--from-api',
          outputs.rest_api_id,
          '--stage',
          outputs.stage_name,
          '--artifacts-dir',
          artifactsDir,
          '--port',
          String(port),
        ],
        env,
      );
      server = local.process;
      serverOutput = local.output;
      banner = local.output();
      base = `http://127.0.0.1:${port}`;
      // The deployed issuer names tokens; the endpoints are the local ones.
      as = {
        issuer: outputs.issuer,
        token_endpoint: `${base}/oauth2/token`,
        jwks_uri: `${base}/.well-known/jwks.json`,
      };
    }, 240_000);

    afterAll(async () => {
      if (server && server.exitCode === null) server.kill('SIGKILL');
      if (ws && !destroyed) await tf(['destroy', '-auto-approve']).catch(() => undefined);
      await moto?.stop();
      ws?.cleanup();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }, 120_000);

    it('serves the routes, authorizer and functions it read from the deployed API', () => {
      // Assert
      expect(banner).toContain(`Deployed REST API ${outputs.rest_api_id}`);
      expect(banner).toMatch(
        /POST \/oauth2\/token\s+no authorization\s+-> Lambda oauth-demo-token/,
      );
      expect(banner).toMatch(/GET \/hello\s+authorizer oauth-demo-authorizer\s+-> MOCK/);
      expect(banner).toMatch(/GET \/hello\/dpop\s+authorizer oauth-demo-authorizer\s+-> MOCK/);
      // Uncached: the example declares GET /hello/dpop a DPoP route (docs/dpop.md).
      expect(banner).toMatch(
        /oauth-demo-authorizer\s+REQUEST on method.request.header.Authorization,context.httpMethod,context.resourcePath, cache 0s/,
      );
      expect(banner).toContain(`--table ${outputs.client_table_name}`);
    });

    it('answers the metadata route from the deployed token function and its environment', async () => {
      // Act
      const res = await fetch(`${base}/.well-known/oauth-authorization-server`);

      // Assert: ISSUER came from GetFunctionConfiguration, not from local settings.
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        issuer: outputs.issuer,
        token_endpoint: outputs.token_endpoint_url,
        jwks_uri: outputs.jwks_url,
        scopes_supported: ['demo:admin', 'demo:read', 'demo:write'],
      });
    });

    it('serves the same document at <issuer>/.well-known/openid-configuration', async () => {
      // Act
      const [rfc8414, openid] = await Promise.all([
        fetch(`${base}/${outputs.stage_name}/.well-known/oauth-authorization-server`),
        fetch(`${base}/${outputs.stage_name}/.well-known/openid-configuration`),
      ]);

      // Assert
      expect(openid.status).toBe(200);
      expect(await openid.text()).toBe(await rfc8414.text());
    });

    describe.each(MATRIX)(
      'client library %s with %s (docs/client-libraries.md snippet)',
      (library, method: AuthMethod) => {
        (isPython(library) ? itPython : it)(
          'gets a KMS RS256 token that verifies against the JWKS it discovered from the deployed issuer',
          async () => {
            // Arrange: the deployed origin has no DNS here; its requests go to the --from-api runner.
            const mapOrigin = { from: new URL(outputs.issuer).origin, to: base };
            const client = method === 'client_secret_basic' ? basicReader : postReader;

            // Act
            const out = await runSnippet(library, snippetFor(snippets, library, method), {
              issuer: outputs.issuer,
              clientId: client.client_id,
              clientSecret: client.client_secret,
              mapOrigin,
              ...(python.python ? { python: python.python } : {}),
            });
            const { payload, alg } = await verifyWithJwks(
              out.access_token,
              out.jwks_uri as string,
              {
                issuer: outputs.issuer,
                audience: 'oauth-demo',
                mapOrigin,
              },
            );

            // Assert
            expect(out.jwks_uri).toBe(outputs.jwks_url);
            expect(alg).toBe('RS256');
            expect(payload).toMatchObject({ client_id: client.client_id, scope: 'demo:read' });
          },
        );
      },
    );

    // private_key_jwt (docs/private-key-jwt.md): the deployed token function's replay cache is
    // the DynamoDB table Terraform created; the assertion's aud is the deployed issuer.
    describe.each(JWT_LIBRARIES)(
      'private_key_jwt with %s (docs/private-key-jwt.md snippet)',
      (library) => {
        (library === 'authlib' ? itPython : it)(
          'gets a KMS RS256 token for a client onboarded with --public-key-file',
          async () => {
            // Arrange
            const keys = keyFilesFor(library, tmp);
            const created = await createJwtClient(
              ['--table', outputs.client_table_name],
              `e2e-pkjwt-${library}`,
              'demo:read',
              keys,
              env,
            );
            const mapOrigin = { from: new URL(outputs.issuer).origin, to: base };

            // Act
            const out = await runJwtSnippet(library, readJwtSnippets()[library], {
              issuer: outputs.issuer,
              clientId: created.client_id,
              keys,
              mapOrigin,
              ...(python.python ? { python: python.python } : {}),
            });
            const { payload, alg } = await verifyWithJwks(
              out.access_token,
              out.jwks_uri as string,
              {
                issuer: outputs.issuer,
                audience: 'oauth-demo',
                mapOrigin,
              },
            );

            // Assert
            expect(alg).toBe('RS256');
            expect(payload).toMatchObject({ client_id: created.client_id, scope: 'demo:read' });
          },
        );
      },
    );

    it.each(['basic', 'post'] as const)(
      'issues a KMS-signed token by client_secret_%s that verifies against the deployed JWKS route',
      async (auth) => {
        // Arrange
        const client = auth === 'basic' ? reader : postReader;

        // Act
        const token = await grant(client, auth);
        const jwks = (await (await fetch(as.jwks_uri as string)).json()) as JSONWebKeySet;
        const { payload, protectedHeader } = await jwtVerify(
          token.access_token,
          createLocalJWKSet(jwks),
          { issuer: outputs.issuer, audience: 'oauth-demo', typ: 'at+jwt' },
        );

        // Assert
        expect(token).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'demo:read' });
        expect(protectedHeader.alg).toBe('RS256');
        expect(payload).toMatchObject({
          sub: client.client_id,
          client_id: client.client_id,
          scope: 'demo:read',
        });
      },
    );

    it('a client created without --auth takes either transport; one pinned to a transport refuses the other: invalid_client', async () => {
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

    it('GET /hello answers 200 with the authorizer context rendered by the MOCK integration', async () => {
      // Arrange
      const token = await grant(reader, 'basic');

      // Act
      const plain = await hello(token.access_token);
      const staged = await hello(token.access_token, `/${outputs.stage_name}`);

      // Assert
      expect(plain.status).toBe(200);
      expect(await plain.json()).toEqual({
        message: 'hello',
        client_id: reader.client_id,
        scope: 'demo:read',
      });
      expect(staged.status).toBe(200);
    });

    it('GET /hello/dpop, a DPoP route of the example, refuses a Bearer token: 401', async () => {
      // Arrange: a token that passes GET /hello
      const token = await grant(reader, 'basic');

      // Act
      const res = await fetch(`${base}/hello/dpop`, {
        headers: { Authorization: `Bearer ${token.access_token}` },
      });

      // Assert
      expect(res.status).toBe(401);
      expect(await expectSharedGatewayResponse(res, 'UNAUTHORIZED', { dpop: true })).toMatchObject({
        error: 'invalid_token',
      });
    });

    it('decides per route on overlapping routes: no scope bypass, no over-deny', async () => {
      // Arrange: demo:read may call GET /orders/{id}; GET /orders/new and GET /{proxy+} need demo:admin.
      const [read, adm] = await Promise.all([grant(reader, 'basic'), grant(admin, 'basic')]);
      const call = async (path: string, token: string) => {
        const res = await fetch(`${base}${path}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        const text = await res.text();
        return {
          status: res.status,
          route: res.status === 200 ? JSON.parse(text).route : undefined,
        };
      };

      // Act: each request in order, so the reader's cached Allow of GET /orders/{id} is warm.
      const results: Record<string, unknown> = {};
      for (const [name, path, token] of [
        ['reader /orders/7', '/orders/7', read.access_token],
        ['reader /orders/7/secret', '/orders/7/secret', read.access_token],
        ['reader /orders/7/a/b/c', `/${outputs.stage_name}/orders/7/a/b/c`, read.access_token],
        ['reader /orders/new', '/orders/new', read.access_token],
        ['reader /orders/new/', '/orders/new/', read.access_token],
        ['reader /orders/%6Eew', '/orders/%6Eew', read.access_token],
        ['admin /orders/new', '/orders/new', adm.access_token],
        ['admin /orders/7/secret', '/orders/7/secret', adm.access_token],
        ['admin /orders/7', '/orders/7', adm.access_token],
      ] as const) {
        results[name] = await call(path, token);
      }

      // Assert
      expect(results).toEqual({
        'reader /orders/7': { status: 200, route: 'order' },
        'reader /orders/7/secret': { status: 403, route: undefined },
        'reader /orders/7/a/b/c': { status: 403, route: undefined },
        'reader /orders/new': { status: 403, route: undefined },
        'reader /orders/new/': { status: 400, route: undefined },
        'reader /orders/%6Eew': { status: 400, route: undefined },
        'admin /orders/new': { status: 200, route: 'new_order' },
        'admin /orders/7/secret': { status: 200, route: 'proxy' },
        'admin /orders/7': { status: 403, route: undefined },
      });
    });

    it('answers 401 invalid_token without a token', async () => {
      // Act
      const res = await hello();

      // Assert
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(UNAUTHORIZED_CHALLENGE);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await expectSharedGatewayResponse(res, 'UNAUTHORIZED', { dpop: true })).toMatchObject({
        error: 'invalid_token',
      });
    });

    it('the original design: a client created without --auth gets a token from the JSON body, then 200, 403 and 401', async () => {
      // Arrange: the README's deploy command (create-client --table … --name … --scopes …)
      const client = await createClient('demo', 'demo:read');

      // Act
      const result = await walkOriginalDesign(base, client, {
        allowed: '/hello',
        forbidden: { method: 'GET', path: '/orders/new' },
      });

      // Assert
      expect(result).toEqual(expectedSequence('demo:read', UNAUTHORIZED_CHALLENGE));
    });

    it('RFC 7009 through the deployed routes: a revoked token gets 401 at the authorizer; a foreign revoke has no effect', async () => {
      // Arrange: fresh tokens, never sent to the authorizer, so no cached decision exists
      const owner = await createClient('e2e-revoker', 'demo:read');
      const stranger = await createClient('e2e-stranger', 'demo:read');
      const revoked = await grant(owner, 'basic');
      const kept = await grant(owner, 'basic');
      const revoke = (client: CreatedClient, token: string): Promise<Response> =>
        fetch(`${base}/oauth2/revoke`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          },
          body: `token=${token}&token_type_hint=access_token`,
        });

      // Act
      const own = await revoke(owner, revoked.access_token);
      const foreign = await revoke(stranger, kept.access_token);
      const afterRevoke = await hello(revoked.access_token);
      const afterForeign = await hello(kept.access_token);

      // Assert
      expect([own.status, foreign.status]).toEqual([200, 200]);
      expect(afterRevoke.status).toBe(401);
      expect(afterRevoke.headers.get('www-authenticate')).toBe(UNAUTHORIZED_CHALLENGE);
      expect(afterForeign.status).toBe(200);
    });

    it('answers 403 insufficient_scope to a token without demo:read', async () => {
      // Arrange
      const token = await grant(writer, 'post');

      // Act
      const res = await hello(token.access_token);

      // Assert
      expect(decodeProtectedHeader(token.access_token).typ).toBe('at+jwt');
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await expectSharedGatewayResponse(res, 'ACCESS_DENIED', { dpop: true })).toMatchObject(
        {
          error: 'insufficient_scope',
        },
      );
    });

    it('refuses a client disabled with the CLI: invalid_client', async () => {
      // Arrange
      const client = await createClient('e2e-disabled', 'demo:read', 'client_secret_post');
      await grant(client, 'post');

      // Act
      await tsx('scripts/clients.ts', [
        'disable',
        client.client_id,
        '--table',
        outputs.client_table_name,
      ]);
      const error = await grant(client, 'post').catch((e: unknown) => e);

      // Assert: the token function challenges every 401, so oauth4webapi reports the challenge.
      expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
      const challenge = error as oauth.WWWAuthenticateChallengeError;
      expect(challenge.status).toBe(401);
      expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' });
    });

    describe('usage plans (keys returned by the authorizer, plans read from the deployed API)', () => {
      const withPlan = async (name: string, plan: string): Promise<CreatedClient> =>
        JSON.parse(
          await tsx('scripts/create-client.ts', [
            '--table',
            outputs.client_table_name,
            '--name',
            name,
            '--scopes',
            'demo:read',
            '--plan',
            plan,
            '--json',
          ]),
        ) as CreatedClient;
      const burst = async (token: string, n: number) =>
        Promise.all(
          Array.from({ length: n }, async () => {
            const res = await hello(token);
            return { status: res.status, body: await res.text() };
          }),
        );

      it('a client on 2 rps burst 2 gets 429 Too Many Requests within 20 requests; one on a larger plan gets none', async () => {
        // Arrange: keys join their plans after --from-api started; it reads a key it does not
        // know before answering, so no wait is needed.
        const small = await grant(await withPlan('e2e-small', 'small'), 'basic');
        const large = await grant(await withPlan('e2e-large', 'standard'), 'basic');

        // Act
        const smallAnswers = await burst(small.access_token, 20);
        const largeAnswers = await burst(large.access_token, 20);

        // Assert
        const throttled = smallAnswers.filter((a) => a.status === 429);
        expect(throttled.length).toBeGreaterThan(0);
        expect(JSON.parse(throttled[0]!.body)).toEqual({ message: 'Too Many Requests' });
        expect(largeAnswers.map((a) => a.status)).toEqual(Array(20).fill(200));
      });

      it('a quota of 5 per day answers 429 Limit Exceeded on the 6th request', async () => {
        // Arrange
        const daily = await grant(await withPlan('e2e-daily', 'daily5'), 'basic');

        // Act
        const answers = [];
        for (let i = 0; i < 6; i++) answers.push(...(await burst(daily.access_token, 1)));

        // Assert
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
        expect(JSON.parse(answers[5]!.body)).toEqual({ message: 'Limit Exceeded' });
      });

      it('after clients update --plan, the new limits apply within the 2 s refresh (bounded with a margin)', async () => {
        // Arrange
        const client = await withPlan('e2e-mover', 'small');
        const token = await grant(client, 'basic');
        const before = await burst(token.access_token, 20);

        // Act: poll until a burst of 20 passes, bounded by the refresh interval plus a margin for
        // one read of the plans and the bursts themselves on a loaded machine.
        await tsx('scripts/clients.ts', [
          'update',
          client.client_id,
          '--table',
          outputs.client_table_name,
          '--plan',
          'standard',
        ]);
        const movedAt = Date.now();
        let after = await burst(token.access_token, 20);
        while (
          after.some((a) => a.status !== 200) &&
          Date.now() - movedAt < USAGE_PLANS_REFRESH_MS + 5000
        ) {
          await new Promise((resolve) => setTimeout(resolve, 200)); // poll interval, not a wait for the answer
          after = await burst(token.access_token, 20);
        }

        // Assert
        expect(before.some((a) => a.status === 429)).toBe(true);
        expect(after.map((a) => a.status)).toEqual(Array(20).fill(200));
      });
    });

    // DPoP (issue 25, items 3 and 6) on the example's GET /hello/dpop: the snippets of
    // docs/dpop.md, the negative corpus and a byte-for-byte replay, on this stack.
    describeDpopThroughFromApi(
      () => ({
        base,
        port,
        issuer: outputs.issuer,
        tokenEndpoint: outputs.token_endpoint_url,
        dpopUrl: outputs.hello_dpop_url,
        output: serverOutput,
        challenge: UNAUTHORIZED_CHALLENGE,
        createClient: (name, scopes) => createClient(name, scopes),
        ...(python.python ? { python: python.python } : {}),
      }),
      itPython,
    );

    it('fails at start, naming the function, when no zip matches the deployed code', async () => {
      // Arrange
      const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));

      // Act
      const { code, stderr } = await startAndExit([
        '--from-api',
        outputs.rest_api_id,
        '--artifacts-dir',
        empty,
        '--port',
        '0',
      ]);

      // Assert
      expect(code).toBe(1);
      expect(stderr).toMatch(/function oauth-demo-(token|authorizer): its deployed code/);
      expect(stderr).toContain('npm run build -- --arch x86_64');
    });

    it('fails at start, naming the resource and method, on an unsupported integration', async () => {
      // Arrange: an HTTP integration added next to the module's routes.
      const api = new APIGatewayClient({
        endpoint: moto.endpoint,
        region: moto.env.AWS_REGION,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      const restApiId = outputs.rest_api_id;
      const { items } = await api.send(new GetResourcesCommand({ restApiId }));
      const rootId = items?.find((r) => r.path === '/')?.id;
      const { id: resourceId } = await api.send(
        new CreateResourceCommand({ restApiId, parentId: rootId, pathPart: 'upstream' }),
      );
      await api.send(
        new PutMethodCommand({
          restApiId,
          resourceId,
          httpMethod: 'GET',
          authorizationType: 'NONE',
        }),
      );
      await api.send(
        new PutIntegrationCommand({
          restApiId,
          resourceId,
          httpMethod: 'GET',
          type: 'HTTP_PROXY',
          integrationHttpMethod: 'GET',
          uri: 'https://example.com/',
        }),
      );

      // Act
      const { code, stderr } = await startAndExit([
        '--from-api',
        restApiId,
        '--artifacts-dir',
        artifactsDir,
        '--port',
        '0',
      ]);

      // Assert
      expect(code).toBe(1);
      expect(stderr).toContain('GET /upstream: integration type HTTP_PROXY is not supported');
    });

    it('stops on SIGTERM, then terraform destroy removes the stack', async () => {
      // Act
      const exited = new Promise<number | null>((resolve) =>
        server?.once('exit', (code) => resolve(code)),
      );
      server?.kill('SIGTERM');
      const code = await exited;
      destroyed = await tf(['destroy', '-auto-approve']);

      // Assert
      expect(code).toBe(0);
      expectExit(destroyed, 'terraform destroy');
      expect(destroyed.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed/);
    }, 120_000);
  },
);
