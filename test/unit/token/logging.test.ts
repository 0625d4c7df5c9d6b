// Captures every log line of successful and failing token requests and proves no secret leaks.
import { Logger } from '@aws-lambda-powertools/logger';
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
