// Captures every log line of successful and failing token requests: no secret leaks, and each line carries its own request's clientId under concurrency.
import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { decodeJwt } from 'jose';
import { Argon2PasswordHasher } from '../../../functions/token/adapters/password-hasher-argon2';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ServerError } from '../../../functions/token/core/errors';
import { createTokenHandler } from '../../../functions/token/create-handler';
import { basicAuthorization } from '../../support/basic-auth';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  tokenEvent,
} from '../../support/token-fakes';

const SECRET = 'S3cr3t-Value-That-Must-Never-Be-Logged';
const WRONG = 'Wrong-Secret-Also-Never-Logged';

const event = (headers: Record<string, string>, body: string): APIGatewayProxyEvent =>
  tokenEvent({ headers, body });

describe('token handler logging', () => {
  it('never logs secrets, hashes, Authorization values or tokens', async () => {
    // Arrange
    const lines: string[] = [];
    const capture = (chunk: unknown): boolean => {
      lines.push(String(chunk));
      return true;
    };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    const logger = new Logger({ serviceName: 'token', logLevel: 'DEBUG' });
    const record = clientRecord({}, SECRET);
    const signer = new InMemorySigner('ES256');
    const handler = createTokenHandler({
      config: {
        issuer: ISSUER,
        defaultAudience: 'aud',
        tokenTtlSeconds: 600,
        scopesSupported: [],
      },
      clientStore: new MemoryClientStore([record]),
      signer,
      publicKeys: signer,
      hasher: new FakeHasher(),
      clock: () => FIXED_NOW_MS,
      randomBytes: countingBytes,
      logger,
    });
    const goodBasic = basicAuthorization('client-1', SECRET);
    const badBasic = basicAuthorization('client-1', WRONG);
    const postBody = `grant_type=client_credentials&client_id=client-1&client_secret=${SECRET}`;
    const requests = [
      event({ 'Content-Type': FORM, Authorization: goodBasic }, 'grant_type=client_credentials'),
      event({ 'Content-Type': FORM }, postBody),
      event(
        { 'Content-Type': 'application/json' },
        JSON.stringify({
          grant_type: 'client_credentials',
          client_id: 'client-1',
          client_secret: SECRET,
        }),
      ),
      event({ 'Content-Type': FORM, Authorization: badBasic }, 'grant_type=client_credentials'),
      event({ 'Content-Type': FORM, Authorization: goodBasic }, postBody),
      event({ 'Content-Type': 'application/json' }, `{"client_secret":"${SECRET}",`),
      event(
        { 'Content-Type': FORM, Authorization: goodBasic },
        'grant_type=client_credentials&scope=admin',
      ),
      event(
        { 'Content-Type': FORM },
        `grant_type=client_credentials&client_id=client-1&client_secret=${WRONG}`,
      ),
      event(
        { 'Content-Type': FORM, Authorization: `Basic ${Buffer.from(SECRET).toString('base64')}` },
        'grant_type=client_credentials',
      ),
    ];

    // Act
    const results = [];
    try {
      for (const request of requests) results.push(await handler(request));
      jest.spyOn(signer, 'sign').mockRejectedValueOnce(new ServerError('signing failed'));
      results.push(await handler(requests[0] as APIGatewayProxyEvent));
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }

    // Assert
    const tokens = results
      .map((r) => (JSON.parse(r.body) as { access_token?: string }).access_token)
      .filter((t): t is string => t !== undefined);
    expect(tokens).toHaveLength(3);
    expect(results.map((r) => r.statusCode)).toEqual([
      200, 200, 200, 401, 400, 400, 400, 401, 400, 500,
    ]);
    const output = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(results.length);
    expect(output).toContain('"clientId":"client-1"');
    expect(output).toContain('token issued');
    expect(output).toContain('"error":"invalid_client"');
    const forbidden = [
      SECRET,
      WRONG,
      encodeURIComponent(SECRET),
      Buffer.from(SECRET).toString('base64'),
      goodBasic,
      goodBasic.slice(6),
      badBasic.slice(6),
      FakeHasher.hashOf(SECRET),
      (record.secrets[0] as { hash: string }).hash,
      '$fake$',
      ...tokens,
      ...tokens.map((t) => t.split('.')[2] as string),
    ];
    for (const value of forbidden) expect(output).not.toContain(value);
  });
});

describe('token handler log keys under concurrent requests', () => {
  it("puts each request's own clientId on its log line while argon2 verifications interleave", async () => {
    // Arrange: 20 clients with real (cheap) argon2id hashes; each sends a good and a wrong secret.
    // Their ids have the issued shape (32 hex characters), so rejected lines name them too.
    const hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 });
    const ids = Array.from({ length: 20 }, (_, i) => String(i).padStart(2, '0').padStart(32, 'c'));
    const records = await Promise.all(
      ids.map(async (id) =>
        clientRecord({
          client_id: id,
          secrets: [{ hash: await hasher.hash(`secret-of-${id}`), created_at: 'x' }],
        }),
      ),
    );
    const events: string[] = [];
    const store = new MemoryClientStore(records);
    const getClient = store.getClient.bind(store);
    jest.spyOn(store, 'getClient').mockImplementation(async (id) => {
      events.push(`lookup ${id}`);
      return getClient(id);
    });
    const lines: Array<Record<string, unknown>> = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      const line = JSON.parse(String(chunk)) as Record<string, unknown>;
      lines.push(line);
      events.push(`log ${String(line.clientId)}`);
      return true;
    });
    const signer = new InMemorySigner('ES256');
    const handler = createTokenHandler({
      config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
      clientStore: store,
      signer,
      publicKeys: signer,
      hasher,
      clock: Date.now,
      // Real randomness: every token needs its own jti to be matched with its log line.
      randomBytes: (size) => new Uint8Array(randomBytes(size)),
      logger: new Logger({ serviceName: 'token', logLevel: 'INFO' }),
    });
    const requests = ids.flatMap((id, i) => {
      const good = event(
        { 'Content-Type': FORM, Authorization: basicAuthorization(id, `secret-of-${id}`) },
        'grant_type=client_credentials',
      );
      const bad = event(
        { 'Content-Type': FORM, Authorization: basicAuthorization(id, 'wrong') },
        'grant_type=client_credentials',
      );
      return i % 2 ? [good, bad] : [bad, good];
    });

    // Act: all at once, in one process.
    let results;
    try {
      results = await Promise.all(requests.map((r) => handler(r)));
    } finally {
      stdout.mockRestore();
    }

    // Assert: the requests really overlapped (every lookup before the first line) ...
    expect(events.findIndex((e) => e.startsWith('log '))).toBe(requests.length);
    expect(results.map((r) => r.statusCode).sort()).toEqual([
      ...Array<number>(ids.length).fill(200),
      ...Array<number>(ids.length).fill(401),
    ]);
    // ... each issued line names the client its token was issued to (matched by jti) ...
    const subByJti = new Map(
      results
        .filter((r) => r.statusCode === 200)
        .map((r) => decodeJwt((JSON.parse(r.body) as { access_token: string }).access_token))
        .map((claims) => [claims.jti as string, claims.sub as string]),
    );
    const issued = lines.filter((l) => l.message === 'token issued');
    expect(issued).toHaveLength(ids.length);
    expect(subByJti.size).toBe(ids.length);
    for (const line of issued) expect(line.clientId).toBe(subByJti.get(line.jti as string));
    // ... and each client has exactly one rejected line of its own.
    const rejected = lines.filter((l) => l.message === 'token request rejected');
    expect(rejected.map((l) => l.clientId).sort()).toEqual(ids);
    expect(lines).toHaveLength(requests.length);
  });
});
