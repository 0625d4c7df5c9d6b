// The token handler refuses a request with two Authorization or two Content-Type headers, on every endpoint, with 400 invalid_request (issue 21, finding 5).
import type { APIGatewayProxyEvent } from 'aws-lambda';
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
  SECRET,
  tokenEvent,
} from '../../support/token-fakes';

const signer = new InMemorySigner('ES256');

/** Client `client-1` may introspect, so every endpoint answers 200 to its one-header requests. */
function setup() {
  const store = new MemoryClientStore([clientRecord({ scopes: ['token:introspect'] })]);
  return createTokenHandler({
    config: { issuer: ISSUER, defaultAudience: 'aud', tokenTtlSeconds: 3600, scopesSupported: [] },
    clientStore: store,
    revocations: store,
    signer,
    publicKeys: signer,
    hasher: new FakeHasher(),
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
  });
}

const GOOD = basicAuthorization('client-1', SECRET);
const OTHER = basicAuthorization('client-1', 'another secret');

/** Endpoint resources and a body each accepts from client-1. */
const ENDPOINTS: ReadonlyArray<[string, string]> = [
  ['/oauth2/token', 'grant_type=client_credentials'],
  ['/oauth2/revoke', 'token=not-a-token'],
  ['/oauth2/introspect', 'token=not-a-token'],
];

const event = (
  resource: string,
  body: string,
  headers: Record<string, string>,
  multiValueHeaders: Record<string, string[]>,
): APIGatewayProxyEvent =>
  tokenEvent({ resource, path: resource, headers, multiValueHeaders, body });

/** The header maps API Gateway builds for a request, with the given extra header lines. */
const TWICE: ReadonlyArray<[string, Record<string, string>, Record<string, string[]>, string]> = [
  [
    'two Authorization values (multiValueHeaders holds both, headers the last)',
    { 'Content-Type': FORM, Authorization: GOOD },
    { 'Content-Type': [FORM], Authorization: [OTHER, GOOD] },
    'Authorization',
  ],
  [
    'the same Authorization value twice',
    { 'Content-Type': FORM, Authorization: GOOD },
    { 'Content-Type': [FORM], Authorization: [GOOD, GOOD] },
    'Authorization',
  ],
  [
    'Authorization under two spellings',
    { 'Content-Type': FORM, Authorization: GOOD, authorization: OTHER },
    { 'Content-Type': [FORM], Authorization: [GOOD], authorization: [OTHER] },
    'Authorization',
  ],
  [
    'two Content-Type values',
    { 'Content-Type': FORM, Authorization: GOOD },
    { 'Content-Type': ['application/json', FORM], Authorization: [GOOD] },
    'Content-Type',
  ],
];

describe('token handler: a header sent twice', () => {
  it.each(ENDPOINTS)(
    'serves one Authorization and one Content-Type at %s',
    async (resource, body) => {
      // Arrange
      const handler = setup();

      // Act
      const result = await handler(
        event(
          resource,
          body,
          { 'Content-Type': FORM, Authorization: GOOD },
          { 'Content-Type': [FORM], Authorization: [GOOD] },
        ),
      );

      // Assert
      expect(result.statusCode).toBe(200);
    },
  );

  describe.each(ENDPOINTS)('at %s', (resource, body) => {
    it.each(TWICE)(
      'answers %s with 400 invalid_request',
      async (_name, headers, multiValueHeaders, header) => {
        // Arrange
        const handler = setup();

        // Act
        const result = await handler(event(resource, body, headers, multiValueHeaders));

        // Assert
        expect(result.statusCode).toBe(400);
        expect(JSON.parse(result.body)).toEqual({
          error: 'invalid_request',
          error_description: `the request has more than one ${header} header`,
        });
        expect(result.headers).toMatchObject({ 'Cache-Control': 'no-store' });
      },
    );
  });
});
