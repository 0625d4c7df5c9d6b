// Introspection and the authorizer agree on every re-encoding of a valid token (spare bits, padding, the +/ alphabet, whitespace) and refuse each one: one JWS verifier, one encoding rule (issue 21, finding 4).
import fc from 'fast-check';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createAuthorizerHandler } from '../../../functions/authorizer/create-handler';
import { parseRouteMap } from '../../../functions/authorizer/core/route-map';
import { loadTrustedKeys } from '../../../functions/authorizer/core/trusted-keys';
import { accessTokenHeader, buildAccessTokenClaims } from '../../../functions/shared/access-token';
import type { SigningAlgorithm } from '../../../functions/shared/types';
import { signCompactJws } from '../../../functions/token/core/jws';
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

/** The algorithms of this file's matrix; PS256 pins RSA keys differently (test/unit/shared/ps256.test.ts). */
type ClassicAlgorithm = Exclude<SigningAlgorithm, 'PS256'>;

const AUDIENCE = 'https://api.example.com';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEGMENTS = ['header', 'payload', 'signature'] as const;

const SIGNERS: Record<ClassicAlgorithm, InMemorySigner> = {
  ES256: new InMemorySigner('ES256'),
  RS256: new InMemorySigner('RS256'),
};

/** The authorizer, trusting both keys, for a route any valid token may call. */
const authorizer = createAuthorizerHandler({
  config: {
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: loadTrustedKeys(
      Object.values(SIGNERS).map((s) =>
        s.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ),
    ),
    routes: parseRouteMap({ 'GET /orders': [] }),
    clockSkewSeconds: 30,
  },
  clock: () => FIXED_NOW_MS,
});

/** The token function of each key, whose introspection endpoint `rs` may call. */
const TOKEN_HANDLERS = Object.fromEntries(
  Object.entries(SIGNERS).map(([alg, signer]) => {
    const store = new MemoryClientStore([
      clientRecord(),
      clientRecord({ client_id: 'rs', scopes: ['token:introspect'] }),
    ]);
    const handler = createTokenHandler({
      config: {
        issuer: ISSUER,
        defaultAudience: AUDIENCE,
        tokenTtlSeconds: 600,
        scopesSupported: [],
      },
      clientStore: store,
      revocations: store,
      signer,
      publicKeys: signer,
      hasher: new FakeHasher(),
      clock: () => FIXED_NOW_MS,
      randomBytes: countingBytes,
    });
    return [alg, handler];
  }),
) as Record<ClassicAlgorithm, ReturnType<typeof createTokenHandler>>;

/** A valid access token of client-1, signed as the token function signs. */
async function issue(
  alg: ClassicAlgorithm,
  scopes: readonly string[],
  jtiSeed = 0,
): Promise<string> {
  const signer = SIGNERS[alg];
  const claims = buildAccessTokenClaims({
    issuer: ISSUER,
    clientId: 'client-1',
    audience: AUDIENCE,
    scopes,
    ttlSeconds: 600,
    clock: () => FIXED_NOW_MS,
    randomBytes: (size) => Uint8Array.from({ length: size }, (_, i) => (i + jtiSeed) % 256),
  });
  return signCompactJws(accessTokenHeader(await signer.keyInfo()), claims, signer);
}

/** What introspection and the gateway say about a token. */
interface Verdict {
  introspection: boolean;
  gateway: boolean;
}

async function verdict(alg: ClassicAlgorithm, token: string): Promise<Verdict> {
  const introspected = await TOKEN_HANDLERS[alg](
    tokenEvent({
      resource: '/oauth2/introspect',
      path: '/oauth2/introspect',
      headers: { 'Content-Type': FORM, Authorization: basicAuthorization('rs', SECRET) },
      body: new URLSearchParams({ token }).toString(),
    }),
  );
  expect(introspected.statusCode).toBe(200);
  const authorization = `Bearer ${token}`;
  const event = {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders',
    resource: '/orders',
    path: '/orders',
    httpMethod: 'GET',
    headers: { Authorization: authorization },
    multiValueHeaders: { Authorization: [authorization] },
  } as unknown as APIGatewayRequestAuthorizerEvent;
  const gateway = await authorizer(event).then(
    (result) => result.policyDocument.Statement[0].Effect === 'Allow',
    () => false,
  );
  return { introspection: (JSON.parse(introspected.body) as { active: boolean }).active, gateway };
}

/**
 * Every other spelling of a token that decodes to the same (or nearly the same) bytes: each
 * segment's last character with other spare bits (RFC 4648 §3.5), `=` padding, the `+`/`/`
 * alphabet of plain base64, and whitespace that lenient decoders skip.
 * @param token a canonical compact JWS
 * @returns descriptions and re-encoded tokens
 */
function reencodings(token: string): Array<[string, string]> {
  const parts = token.split('.');
  return parts.flatMap((segment, index) => {
    const name = SEGMENTS[index] as string;
    const withSegment = (text: string): string =>
      parts.map((part, j) => (j === index ? text : part)).join('.');
    const variants: Array<[string, string]> = [];
    const rest = segment.length % 4;
    if (rest === 2 || rest === 3) {
      const spare = rest === 2 ? 0x0f : 0x03;
      const last = ALPHABET.indexOf(segment.slice(-1));
      for (let bits = 1; bits <= spare; bits++) {
        const twin = ALPHABET[(last & ~spare) | bits] as string;
        variants.push([`${name}: spare bits ${bits}`, withSegment(segment.slice(0, -1) + twin)]);
      }
      variants.push([`${name}: = padding`, withSegment(segment + '='.repeat(4 - rest))]);
    }
    variants.push([`${name}: a trailing =`, withSegment(`${segment}=`)]);
    const standard = segment.replaceAll('-', '+').replaceAll('_', '/');
    if (standard !== segment)
      variants.push([`${name}: the + and / alphabet`, withSegment(standard)]);
    variants.push([
      `${name}: a line break`,
      withSegment(`${segment.slice(0, 4)}\n${segment.slice(4)}`),
    ]);
    variants.push([`${name}: a trailing space`, withSegment(`${segment} `)]);
    return variants;
  });
}

const ACCEPTED: Verdict = { introspection: true, gateway: true };
const REFUSED: Verdict = { introspection: false, gateway: false };

describe('re-encoded access tokens', () => {
  it.each(Object.keys(SIGNERS) as ClassicAlgorithm[])(
    '%s: introspection and the gateway refuse every re-encoding of a token both accept',
    async (alg) => {
      // Arrange: scope lists of every length modulo 3, so the payload ends on each kind of
      // character (no spare bits, 4 or 2).
      const tokens = await Promise.all(
        [[], ['a'], ['ab'], ['abc']].map((scopes, i) => issue(alg, scopes, i)),
      );
      const corpus = tokens.flatMap(reencodings);

      // Act
      const originals = await Promise.all(tokens.map((token) => verdict(alg, token)));
      const verdicts = await Promise.all(corpus.map(([, token]) => verdict(alg, token)));

      // Assert
      expect(originals).toEqual(tokens.map(() => ACCEPTED));
      expect(corpus.map(([name], i) => [name, verdicts[i]])).toEqual(
        corpus.map(([name]) => [name, REFUSED]),
      );
      // The corpus did change the spare bits of the signature and of some payloads.
      expect(corpus.filter(([name]) => name.startsWith('signature: spare')).length).toBe(
        tokens.length * 15,
      );
      expect(corpus.some(([name]) => name.startsWith('payload: spare'))).toBe(true);
    },
  );

  it('agree on any token and any of its re-encodings (property)', async () => {
    // Arrange
    const scope = fc.stringMatching(/^[a-z:]{1,12}$/);
    const cases = fc.record({
      alg: fc.constantFrom<ClassicAlgorithm>('ES256', 'RS256'),
      scopes: fc.uniqueArray(scope, { maxLength: 4 }),
      seed: fc.nat(255),
      pick: fc.nat(),
    });

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(cases, async ({ alg, scopes, seed, pick }) => {
        const token = await issue(alg, scopes, seed);
        const corpus = reencodings(token);
        const [name, variant] = corpus[pick % corpus.length] as [string, string];
        expect(await verdict(alg, token)).toEqual(ACCEPTED);
        expect([name, await verdict(alg, variant)]).toEqual([name, REFUSED]);
      }),
      { numRuns: 200 },
    );
  });
});
