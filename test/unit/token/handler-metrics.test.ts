// The token handler's metrics as CloudWatch receives them: the EMF lines of tokens issued by each authentication method, rejections, revocations and introspections, with the latencies of the timed ports (docs/metrics.md).
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TemporarilyUnavailableError } from '../../../functions/token/core/errors';
import { createTokenHandler } from '../../../functions/token/create-handler';
import type { ClientStore } from '../../../functions/token/core/types';
import {
  storeLatency,
  timeClientStore,
  timePasswordHasher,
  timeSigner,
} from '../../../functions/token/metrics';
import { basicAuthorization } from '../../support/basic-auth';
import {
  assertionBody,
  assertionClaims,
  clientKeyPair,
  jwtClientRecord,
  MemoryReplayCache,
  signAssertion,
} from '../../support/client-assertions';
import { captureEmf, emfLine, type EmfCapture } from '../../support/emf';
import { FakeHasher } from '../../support/fake-hasher';
import { MemoryClientStore } from '../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  SECRET,
  tokenEvent,
} from '../../support/token-fakes';

const NAMESPACE = 'Auth';
const SERVICE = 'auth-token';
const NOW = Math.floor(FIXED_NOW_MS / 1000);
const key = clientKeyPair('ES256');
/** The fixed latency each timed port reports, in ms: every reading of its clock moves this far. */
const READ_MS = 5;
const VERIFY_MS = 40;
const SIGN_MS = 11;

/** A clock that moves `step` ms at each reading. */
const steppingClock = (step: number): (() => number) => {
  let t = 0;
  return () => (t += step);
};

/** The handler as handler.ts composes it, over in-memory ports, with real Powertools metrics. */
function setup(clientStore?: ClientStore) {
  const store = new MemoryClientStore([
    clientRecord({ scopes: ['orders:read', 'token:introspect'] }),
    jwtClientRecord([key.jwk]),
  ]);
  const metrics = new Metrics({ namespace: NAMESPACE, serviceName: SERVICE });
  const record = storeLatency(metrics);
  const signer = new InMemorySigner('ES256');
  const handler = createTokenHandler({
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 600, scopesSupported: [] },
    clientStore: timeClientStore(clientStore ?? store, { record, now: steppingClock(READ_MS) }),
    signer: timeSigner(signer, { record, now: steppingClock(SIGN_MS) }),
    publicKeys: signer,
    hasher: timePasswordHasher(new FakeHasher(), { record, now: steppingClock(VERIFY_MS) }),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    metrics,
    revocations: store,
    replayCache: new MemoryReplayCache(() => NOW),
  });
  return { handler };
}

const post = (resource: string, body: string, authorization?: string): APIGatewayProxyEvent =>
  tokenEvent({
    resource,
    path: resource,
    headers: {
      'Content-Type': FORM,
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    body,
  });

const BASIC = basicAuthorization('client-1', SECRET);

/** The line of the metrics stored during a request, which carry only `service`. */
const storedLine = (metrics: Record<string, [string, number | number[]]>) =>
  emfLine(NAMESPACE, { service: SERVICE }, metrics);

const countLine = (metric: string, dimension: string, value: string) =>
  emfLine(NAMESPACE, { service: SERVICE, [dimension]: value }, { [metric]: ['Count', 1] });

let emf: EmfCapture;
beforeEach(() => {
  emf = captureEmf();
});
afterEach(() => emf.restore());

/** Issues a token to client-1 (Basic), then forgets the lines that wrote. */
const issued = async (handler: ReturnType<typeof setup>['handler']): Promise<string> => {
  const res = await handler(tokenEvent());
  emf.lines.length = 0;
  return (JSON.parse(res.body) as { access_token: string }).access_token;
};

describe('token handler metrics (EMF)', () => {
  describe('POST /oauth2/token, issued', () => {
    it('client_secret_basic: TokensIssuedByAuthMethod, then TokensIssued with the read, argon2 and Sign latencies', async () => {
      // Arrange
      const { handler } = setup();

      // Act
      const res = await handler(tokenEvent());

      // Assert
      expect(res.statusCode).toBe(200);
      expect(emf.lines).toEqual([
        countLine('TokensIssuedByAuthMethod', 'auth_method', 'client_secret_basic'),
        storedLine({
          DynamoDbReadLatency: ['Milliseconds', READ_MS],
          Argon2VerifyLatency: ['Milliseconds', VERIFY_MS],
          KmsSignLatency: ['Milliseconds', SIGN_MS],
          TokensIssued: ['Count', 1],
        }),
      ]);
      expect(emf.other).toEqual([]);
    });

    it('client_secret_post: the method of the request, not of the record', async () => {
      // Arrange
      const { handler } = setup();
      const body = `grant_type=client_credentials&client_id=client-1&client_secret=${encodeURIComponent(SECRET)}`;

      // Act
      const res = await handler(post('/oauth2/token', body));

      // Assert
      expect(res.statusCode).toBe(200);
      expect(emf.lines).toEqual([
        countLine('TokensIssuedByAuthMethod', 'auth_method', 'client_secret_post'),
        storedLine({
          DynamoDbReadLatency: ['Milliseconds', READ_MS],
          Argon2VerifyLatency: ['Milliseconds', VERIFY_MS],
          KmsSignLatency: ['Milliseconds', SIGN_MS],
          TokensIssued: ['Count', 1],
        }),
      ]);
    });

    it('private_key_jwt: no argon2 check, so no Argon2VerifyLatency', async () => {
      // Arrange
      const { handler } = setup();
      const assertion = signAssertion(key, assertionClaims('jwt-client', ISSUER, NOW));

      // Act
      const res = await handler(post('/oauth2/token', assertionBody(assertion)));

      // Assert
      expect(res.statusCode).toBe(200);
      expect(emf.lines).toEqual([
        countLine('TokensIssuedByAuthMethod', 'auth_method', 'private_key_jwt'),
        storedLine({
          DynamoDbReadLatency: ['Milliseconds', READ_MS],
          KmsSignLatency: ['Milliseconds', SIGN_MS],
          TokensIssued: ['Count', 1],
        }),
      ]);
    });
  });

  describe('POST /oauth2/token, rejected', () => {
    it('invalid_client for a wrong secret: TokenRequestsRejected by error, with the read and both argon2 checks', async () => {
      // Arrange
      const { handler } = setup();

      // Act
      const res = await handler(
        tokenEvent({
          headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', 'no') },
        }),
      );

      // Assert
      expect(res.statusCode).toBe(401);
      expect(emf.lines).toEqual([
        countLine('TokenRequestsRejected', 'error', 'invalid_client'),
        // A failed check always costs two verifications (authenticate-client.ts), each timed.
        storedLine({
          DynamoDbReadLatency: ['Milliseconds', READ_MS],
          Argon2VerifyLatency: ['Milliseconds', [VERIFY_MS, VERIFY_MS]],
        }),
      ]);
    });

    it('invalid_client for an unknown client: the dummy argon2 checks are timed too', async () => {
      // Arrange
      const { handler } = setup();

      // Act
      await handler(
        tokenEvent({
          headers: { 'Content-Type': FORM, Authorization: basicAuthorization('nobody', SECRET) },
        }),
      );

      // Assert
      expect(emf.lines).toEqual([
        countLine('TokenRequestsRejected', 'error', 'invalid_client'),
        // A failed check always costs two verifications (authenticate-client.ts), each timed.
        storedLine({
          DynamoDbReadLatency: ['Milliseconds', READ_MS],
          Argon2VerifyLatency: ['Milliseconds', [VERIFY_MS, VERIFY_MS]],
        }),
      ]);
    });

    it('invalid_request before any read: the one line, and no Powertools warning of nothing stored', async () => {
      // Arrange
      const { handler } = setup();

      // Act
      const res = await handler(
        post('/oauth2/token', 'grant_type=client_credentials&grant_type=client_credentials', BASIC),
      );

      // Assert
      expect(res.statusCode).toBe(400);
      expect(emf.lines).toEqual([countLine('TokenRequestsRejected', 'error', 'invalid_request')]);
      expect(emf.other).toEqual([]);
    });

    it('temporarily_unavailable when the read is throttled, with the read latency', async () => {
      // Arrange
      const { handler } = setup({
        getClient: () => Promise.reject(new TemporarilyUnavailableError('busy')),
      });

      // Act
      const res = await handler(tokenEvent());

      // Assert
      expect(res.statusCode).toBe(503);
      expect(emf.lines).toEqual([
        countLine('TokenRequestsRejected', 'error', 'temporarily_unavailable'),
        storedLine({ DynamoDbReadLatency: ['Milliseconds', READ_MS] }),
      ]);
    });
  });

  describe('POST /oauth2/revoke', () => {
    it('Revocations by outcome, with the latencies of the client authentication', async () => {
      // Arrange
      const { handler } = setup();
      const token = await issued(handler);

      // Act
      await handler(post('/oauth2/revoke', `token=${token}`, BASIC));
      await handler(post('/oauth2/revoke', 'token=garbage', BASIC));

      // Assert
      const authentication = storedLine({
        DynamoDbReadLatency: ['Milliseconds', READ_MS],
        Argon2VerifyLatency: ['Milliseconds', VERIFY_MS],
      });
      expect(emf.lines).toEqual([
        countLine('Revocations', 'outcome', 'revoked'),
        authentication,
        countLine('Revocations', 'outcome', 'not-a-token'),
        authentication,
      ]);
    });
  });

  describe('POST /oauth2/introspect', () => {
    it('Introspections active, then inactive once revoked', async () => {
      // Arrange
      const { handler } = setup();
      const token = await issued(handler);

      // Act
      await handler(post('/oauth2/introspect', `token=${token}`, BASIC));
      const active = emf.lines.splice(0);
      await handler(post('/oauth2/revoke', `token=${token}`, BASIC));
      emf.lines.length = 0;
      await handler(post('/oauth2/introspect', `token=${token}`, BASIC));
      const inactive = emf.lines.splice(0);

      // Assert: the caller's read and check, then the token's client read.
      expect(active).toEqual([
        countLine('Introspections', 'outcome', 'active'),
        storedLine({
          DynamoDbReadLatency: ['Milliseconds', [READ_MS, READ_MS]],
          Argon2VerifyLatency: ['Milliseconds', VERIFY_MS],
        }),
      ]);
      expect(inactive[0]).toEqual(countLine('Introspections', 'outcome', 'inactive'));
    });

    it('Introspections rejected for a refused request, with no warning when nothing was stored', async () => {
      // Arrange
      const { handler } = setup();

      // Act
      const noClient = await handler(post('/oauth2/introspect', 'token=x'));
      const badSecret = await handler(
        post('/oauth2/introspect', 'token=x', basicAuthorization('client-1', 'no')),
      );

      // Assert
      expect([noClient.statusCode, badSecret.statusCode]).toEqual([401, 401]);
      expect(emf.lines).toEqual([
        countLine('Introspections', 'outcome', 'rejected'),
        countLine('Introspections', 'outcome', 'rejected'),
        storedLine({
          DynamoDbReadLatency: ['Milliseconds', READ_MS],
          Argon2VerifyLatency: ['Milliseconds', [VERIFY_MS, VERIFY_MS]],
        }),
      ]);
      expect(emf.other).toEqual([]);
    });
  });

  it('publishes nothing for the JWKS and the metadata', async () => {
    // Arrange
    const { handler } = setup();

    // Act
    await handler(
      tokenEvent({ resource: '/.well-known/jwks.json', httpMethod: 'GET', body: null }),
    );
    await handler(
      tokenEvent({
        resource: '/.well-known/oauth-authorization-server',
        httpMethod: 'GET',
        body: null,
      }),
    );

    // Assert
    expect(emf.lines).toEqual([]);
    expect(emf.other).toEqual([]);
  });
});
