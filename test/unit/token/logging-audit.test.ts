// The token endpoint's audit lines: one per token issued, rejected or failed, with who, what and from where, and never a secret, assertion, token or hash.
import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { MAX_LOGGED_USER_AGENT_LENGTH } from '../../../functions/token/audit-log';
import { clientIdFingerprint } from '../../../functions/token/client-id-log';
import { CLIENT_ASSERTION_TYPE } from '../../../functions/token/core/client-assertion';
import { ServerError } from '../../../functions/token/core/errors';
import { createTokenHandler } from '../../../functions/token/create-handler';
import { generateClientId, generateClientSecret } from '../../../scripts/lib/clients/secrets';
import { basicAuthorization } from '../../support/basic-auth';
import {
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  MemoryReplayCache,
  signAssertion,
} from '../../support/client-assertions';
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

const NOW = Math.floor(FIXED_NOW_MS / 1000);
const random = (size: number): Uint8Array => new Uint8Array(randomBytes(size));
const ID = generateClientId(random);
const SECRET = generateClientSecret(random);
const JWT_ID = generateClientId(random);
const KEY = clientKeyPair('ES256');
const SOURCE_IP = '203.0.113.7';
const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';

type Line = Record<string, unknown>;

/** A token request as API Gateway hands it over, with its request context. */
function request(
  headers: Record<string, string>,
  body: string,
  userAgent = 'orders-service/1.2',
): APIGatewayProxyEvent {
  return tokenEvent({
    headers: { 'Content-Type': FORM, ...headers },
    body,
    requestContext: {
      requestId: REQUEST_ID,
      identity: { sourceIp: SOURCE_IP, userAgent },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  });
}

function setup() {
  const signer = new InMemorySigner('ES256');
  const store = new MemoryClientStore([
    clientRecord({ client_id: ID, scopes: ['orders:read', 'orders:write'] }, SECRET),
    jwtClientRecord([KEY.jwk], { client_id: JWT_ID }),
  ]);
  const handler = createTokenHandler({
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
    clientStore: store,
    replayCache: new MemoryReplayCache(() => NOW),
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    logger: new Logger({ serviceName: 'token', logLevel: 'DEBUG' }),
  });
  return { handler, signer };
}

/** Runs the requests with stdout and stderr captured; returns every line as written and parsed. */
async function captured(run: () => Promise<void>): Promise<{ raw: string; lines: Line[] }> {
  const chunks: string[] = [];
  const capture = (chunk: unknown): boolean => {
    chunks.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const raw = chunks.join('');
  const lines = raw
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
  return { raw, lines };
}

describe('token endpoint audit lines', () => {
  it('logs one audit line per token issued: client, jti, scopes, audience, kid, method, exp and origin', async () => {
    // Arrange
    const { handler, signer } = setup();
    const assertion = signAssertion(KEY, assertionClaims(JWT_ID, ISSUER, NOW));
    const requests = [
      request(
        { Authorization: basicAuthorization(ID, SECRET) },
        'grant_type=client_credentials&scope=orders:read',
      ),
      request(
        {},
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: CLIENT_ASSERTION_TYPE,
          client_assertion: assertion,
        }).toString(),
      ),
    ];

    // Act
    const tokens: string[] = [];
    const { raw, lines } = await captured(async () => {
      for (const r of requests) {
        const res = await handler(r);
        tokens.push((JSON.parse(res.body) as { access_token: string }).access_token);
      }
    });

    // Assert
    expect(lines).toHaveLength(2);
    const claims = tokens.map((t) => decodeJwt(t));
    expect(lines[0]).toMatchObject({
      message: 'token issued',
      audit: true,
      clientId: ID,
      jti: claims[0]?.jti,
      scope: 'orders:read',
      audience: claims[0]?.aud,
      kid: signer.info.kid,
      authMethod: 'client_secret_basic',
      exp: claims[0]?.exp,
      sourceIp: SOURCE_IP,
      userAgent: 'orders-service/1.2',
      apiGatewayRequestId: REQUEST_ID,
    });
    expect(lines[0]?.exp).toBe(NOW + 600);
    expect(lines[1]).toMatchObject({
      message: 'token issued',
      audit: true,
      clientId: JWT_ID,
      jti: claims[1]?.jti,
      authMethod: 'private_key_jwt',
      exp: claims[1]?.exp,
    });
    for (const value of [SECRET, assertion, assertion.split('.')[2] as string, ...tokens]) {
      expect(raw).not.toContain(value);
    }
    for (const token of tokens) expect(raw).not.toContain(token.split('.')[2] as string);
  });

  it('logs one audit line per rejection: error, reason and origin, the presented id only in its issued shape', async () => {
    // Arrange
    const { handler } = setup();
    const hash = FakeHasher.hashOf(SECRET);
    const requests = [
      // A wrong secret for a real, well-formed id: the id is logged.
      request(
        { Authorization: basicAuthorization(ID, 'wrong-secret') },
        'grant_type=client_credentials',
      ),
      // Id and secret swapped: the "id" is a secret, so only its fingerprint and length.
      request({ Authorization: basicAuthorization(SECRET, ID) }, 'grant_type=client_credentials'),
      // No credentials at all: no client key.
      request({}, 'grant_type=client_credentials'),
    ];

    // Act
    const { raw, lines } = await captured(async () => {
      for (const r of requests) await handler(r);
    });

    // Assert
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatchObject({
        message: 'token request rejected',
        audit: true,
        sourceIp: SOURCE_IP,
        apiGatewayRequestId: REQUEST_ID,
      });
      expect(line.error).toEqual(expect.any(String));
    }
    expect(lines[0]).toMatchObject({
      clientId: ID,
      error: 'invalid_client',
      reason: 'wrong_secret',
    });
    expect(lines[1]).toMatchObject({
      clientIdFingerprint: clientIdFingerprint(SECRET),
      clientIdLength: SECRET.length,
      error: 'invalid_client',
    });
    expect(lines[1]).not.toHaveProperty('clientId');
    expect(lines[2]).not.toHaveProperty('clientId');
    expect(lines[2]).not.toHaveProperty('clientIdFingerprint');
    for (const value of [SECRET, 'wrong-secret', hash, '$fake$']) expect(raw).not.toContain(value);
  });

  it('marks a failed request (500) as an audit line too, and bounds the user agent', async () => {
    // Arrange
    const { handler, signer } = setup();
    jest.spyOn(signer, 'sign').mockRejectedValueOnce(new ServerError('signing failed'));
    const longAgent = `scanner/${'x'.repeat(5000)}`;

    // Act
    const { lines } = await captured(async () => {
      await handler(
        request(
          { Authorization: basicAuthorization(ID, SECRET) },
          'grant_type=client_credentials',
          longAgent,
        ),
      );
      await handler(
        request(
          { Authorization: basicAuthorization(ID, SECRET) },
          'grant_type=client_credentials',
          longAgent,
        ),
      );
    });

    // Assert
    expect(lines.map((l) => [l.message, l.audit])).toEqual([
      ['token request failed', true],
      ['token issued', true],
    ]);
    for (const line of lines) {
      expect(line.userAgent).toBe(longAgent.slice(0, MAX_LOGGED_USER_AGENT_LENGTH));
      expect(line.clientId).toBe(ID);
    }
  });

  it('leaves the origin keys out when the event has no request context (a test or a bare invoke)', async () => {
    // Arrange
    const { handler } = setup();
    const bare = tokenEvent({
      headers: { 'Content-Type': FORM, Authorization: basicAuthorization(ID, SECRET) },
      requestContext: undefined as unknown as APIGatewayProxyEvent['requestContext'],
    });

    // Act
    const { lines } = await captured(async () => void (await handler(bare)));

    // Assert
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ message: 'token issued', audit: true, clientId: ID });
    for (const key of ['sourceIp', 'userAgent', 'apiGatewayRequestId']) {
      expect(lines[0]).not.toHaveProperty(key);
    }
  });
});
