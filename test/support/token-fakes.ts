// Fixtures for token tests: node:crypto signer, client record, token request event, fixed clock (store and hasher fakes: memory-client-store.ts, fake-hasher.ts).
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { publicJwkFromKeyObject } from '../../functions/shared/jwk';
import type { PublicJwk, SigningAlgorithm } from '../../functions/shared/types';
import type {
  ClientRecord,
  PublicKeySource,
  Signer,
  SigningKeyInfo,
} from '../../functions/token/core/types';
import { basicAuthorization } from './basic-auth';
import { FakeHasher } from './fake-hasher';

/** 2026-01-02T03:04:05.678Z: a frozen "now" for tests. */
export const FIXED_NOW_MS = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

/** The issuer the token tests configure. */
export const ISSUER = 'https://auth.example.com';

/** The plain secret behind the hash of {@link clientRecord} by default. */
export const SECRET = 'correct horse battery staple';

/** The form media type of token requests. */
export const FORM = 'application/x-www-form-urlencoded';

/** A signer and public key source holding a fresh key in memory (ES256 or RS256). */
export class InMemorySigner implements Signer, PublicKeySource {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly info: SigningKeyInfo;
  signCalls = 0;

  constructor(readonly alg: SigningAlgorithm = 'ES256') {
    const pair =
      alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    const publicJwk = publicJwkFromKeyObject(pair.publicKey, alg);
    this.info = { kid: publicJwk.kid, alg, publicJwk };
  }

  async keyInfo(): Promise<SigningKeyInfo> {
    return this.info;
  }

  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    this.signCalls += 1;
    // PS256: a 32-byte salt (RFC 7518 §3.5), as KMS's RSASSA_PSS_SHA_256 documents.
    const options =
      this.alg === 'ES256'
        ? { key: this.privateKey, dsaEncoding: 'ieee-p1363' as const }
        : this.alg === 'PS256'
          ? {
              key: this.privateKey,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
            }
          : { key: this.privateKey };
    return new Uint8Array(sign('sha256', signingInput, options));
  }

  async publicKeys(): Promise<PublicJwk[]> {
    return [this.info.publicJwk];
  }
}

/**
 * A client record with one fake-hashed secret.
 * @param overrides fields to replace
 * @param secret the plain secret to hash
 */
export function clientRecord(overrides: Partial<ClientRecord> = {}, secret = SECRET): ClientRecord {
  return {
    client_id: 'client-1',
    name: 'Client one',
    status: 'active',
    secrets: [{ hash: FakeHasher.hashOf(secret), created_at: '2025-01-01T00:00:00.000Z' }],
    scopes: ['orders:read', 'orders:write'],
    audiences: ['https://api.example.com'],
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** Deterministic "random" bytes: 0, 1, 2, … */
export const countingBytes = (size: number): Uint8Array =>
  Uint8Array.from({ length: size }, (_, i) => i % 256);

/**
 * An API Gateway REST proxy event for `POST /oauth2/token`: by default a valid client credentials
 * request from `client-1` with HTTP Basic and {@link SECRET}.
 * @param overrides event fields to replace
 */
export function tokenEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/oauth2/token',
    path: '/oauth2/token',
    httpMethod: 'POST',
    headers: { 'Content-Type': FORM, Authorization: basicAuthorization('client-1', SECRET) },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    body: 'grant_type=client_credentials',
    isBase64Encoded: false,
    ...overrides,
  };
}
