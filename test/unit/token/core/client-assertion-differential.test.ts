// Differential property test: the client-assertion verifier against jose jwtVerify configured with the same rules, plus this profile's documented extra rules written independently.
import fc from 'fast-check';
import * as jose from 'jose';
import { JWS_ALGORITHMS, type JwsAlgorithm } from '../../../../functions/shared/jws-verify';
import {
  AssertionRejectedError,
  createAssertionVerifier,
} from '../../../../functions/token/core/client-assertion';
import { clientKeyPair, signJws, type ClientKeyPair } from '../../../support/client-assertions';

const ISSUER = 'https://auth.example.com';
const TOKEN_ENDPOINT = `${ISSUER}/oauth2/token`;
const AUDIENCES = [ISSUER, TOKEN_ENDPOINT];
const NOW_MS = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const NOW = Math.floor(NOW_MS / 1000);
const SKEW = 30;
const LIFETIME = 300;
const CLIENT = 'jwt-client';
const ABSENT = Symbol('absent');

const registered: ClientKeyPair[] = JWS_ALGORITHMS.map((alg) => clientKeyPair(alg));
/** Keys of another client, with the same kids: a signature by one must never verify. */
const foreign: ClientKeyPair[] = JWS_ALGORITHMS.map((alg, i) =>
  clientKeyPair(alg, registered[i]!.jwk.kid),
);
const KEYS = registered.map((p) => p.jwk);

const verifier = createAssertionVerifier({ audiences: AUDIENCES, clockSkewSeconds: SKEW });

function ours(token: string): boolean {
  try {
    verifier.verify(token, CLIENT, KEYS, NOW_MS);
    return true;
  } catch (err) {
    if (err instanceof AssertionRejectedError) return false;
    throw err;
  }
}

const imported = new Map<string, Promise<jose.CryptoKey>>();

/** The profile's rules that jose does not make, written independently of the implementation. */
function profileAllows(token: string, payload: jose.JWTPayload): boolean {
  if (token.length > 8192) return false;
  const parts = token.split('.');
  if (
    !parts.every(
      (part) =>
        /^[A-Za-z0-9_-]+$/.test(part) &&
        Buffer.from(part, 'base64url').toString('base64url') === part,
    )
  ) {
    return false;
  }
  const header = jose.decodeProtectedHeader(token) as Record<string, unknown>;
  if ('crit' in header || 'b64' in header) return false;
  if (
    header.typ !== undefined &&
    ![
      'jwt',
      'application/jwt',
      'client-authentication+jwt',
      'application/client-authentication+jwt',
    ].includes(String(header.typ).toLowerCase())
  ) {
    return false;
  }
  if (header.typ !== undefined && typeof header.typ !== 'string') return false;
  const date = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 253_402_300_799;
  return (
    typeof payload.aud === 'string' &&
    date(payload.exp) &&
    (payload.exp as number) <= NOW + LIFETIME + SKEW &&
    (payload.nbf === undefined || date(payload.nbf)) &&
    (payload.iat === undefined || (date(payload.iat) && (payload.iat as number) <= NOW + SKEW)) &&
    typeof payload.jti === 'string' &&
    /^[\x21-\x7e]{1,256}$/.test(payload.jti)
  );
}

/** jose, with the registered key chosen by kid (or by alg without one), pinned to its alg. */
async function oracle(token: string): Promise<boolean> {
  try {
    const { payload } = await jose.jwtVerify(
      token,
      async (header) => {
        const pair =
          header.kid === undefined
            ? registered.find((p) => p.alg === header.alg)
            : registered.find((p) => p.jwk.kid === header.kid);
        if (pair === undefined || pair.alg !== header.alg) throw new Error('no such key for alg');
        let key = imported.get(pair.jwk.kid);
        if (key === undefined) {
          key = jose.importJWK({ ...pair.jwk }, pair.alg) as Promise<jose.CryptoKey>;
          imported.set(pair.jwk.kid, key);
        }
        return key;
      },
      {
        issuer: CLIENT,
        subject: CLIENT,
        audience: AUDIENCES,
        algorithms: [...JWS_ALGORITHMS],
        clockTolerance: SKEW,
        currentDate: new Date(NOW_MS),
        requiredClaims: ['exp', 'jti'],
      },
    );
    return profileAllows(token, payload);
  } catch {
    return false;
  }
}

const mostly = <T>(valid: T, ...others: T[]): fc.Arbitrary<T> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(valid) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
  );
const offset = (valid: number, ...others: unknown[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(NOW + valid) },
    { weight: 3, arbitrary: fc.integer({ min: -400, max: 400 }).map((d) => NOW + d) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
  );

const assertionArb = fc
  .record({
    key: fc.integer({ min: 0, max: registered.length - 1 }),
    headerAlg: mostly<string | symbol>('own', 'other', 'none', 'HS256', ABSENT),
    kid: mostly<string | symbol>('own', 'other', 'unknown', ABSENT),
    typ: mostly<unknown>(ABSENT, 'JWT', 'client-authentication+jwt', 'at+jwt', 'jwt', 5),
    extraHeader: mostly<Record<string, unknown>>(
      {},
      { crit: ['exp'] },
      { b64: false },
      { x5u: 'https://x' },
    ),
    iss: mostly<unknown>(CLIENT, 'other', ABSENT),
    sub: mostly<unknown>(CLIENT, 'other', ABSENT),
    aud: mostly<unknown>(
      ISSUER,
      TOKEN_ENDPOINT,
      [ISSUER],
      'https://evil.example',
      `${ISSUER}/`,
      ABSENT,
    ),
    exp: offset(60, ABSENT, 'x', null, -1, NOW + 0.5),
    nbf: offset(-5, ABSENT, ABSENT, 'x'),
    iat: offset(0, ABSENT, 'x', -1),
    jti: mostly<unknown>('a-jti', '', 'a b', 'x'.repeat(257), 7, ABSENT),
    signer: mostly<string>('own', 'foreign', 'hmac', 'none'),
    mutation: mostly<string>('none', 'flip', 'truncate', 'pad'),
  })
  .map((m) => {
    const pair = registered[m.key]!;
    const otherAlg = JWS_ALGORITHMS[(m.key + 1) % JWS_ALGORITHMS.length] as JwsAlgorithm;
    const alg = m.headerAlg === 'own' ? pair.alg : m.headerAlg === 'other' ? otherAlg : m.headerAlg;
    const kid =
      m.kid === 'own'
        ? pair.jwk.kid
        : m.kid === 'other'
          ? registered[(m.key + 1) % registered.length]!.jwk.kid
          : m.kid === 'unknown'
            ? 'unknown'
            : ABSENT;
    const header = Object.fromEntries(
      Object.entries({ alg, kid, typ: m.typ, ...m.extraHeader }).filter(([, v]) => v !== ABSENT),
    );
    const claims = Object.fromEntries(
      Object.entries({
        iss: m.iss,
        sub: m.sub,
        aud: m.aud,
        exp: m.exp,
        nbf: m.nbf,
        iat: m.iat,
        jti: m.jti,
      }).filter(([, v]) => v !== ABSENT),
    );
    const signWith =
      m.signer === 'hmac'
        ? ('HS256' as const)
        : m.signer === 'none'
          ? ('none' as const)
          : typeof alg === 'string' && (JWS_ALGORITHMS as readonly string[]).includes(alg)
            ? (alg as JwsAlgorithm)
            : pair.alg;
    const signingPair =
      m.signer === 'foreign'
        ? foreign.find((p) => p.alg === signWith)!
        : (registered.find((p) => p.alg === signWith) ?? pair);
    let token = signJws(
      header,
      claims,
      signingPair.privateKey,
      signWith,
      Buffer.from(pair.publicKey.export({ type: 'spki', format: 'pem' }) as string),
    );
    if (m.mutation === 'flip')
      token = `${token.slice(0, -3)}${token.at(-3) === 'A' ? 'B' : 'A'}${token.slice(-2)}`;
    if (m.mutation === 'truncate') token = token.slice(0, -4);
    if (m.mutation === 'pad') token = `${token}=`;
    return token;
  });

describe('client assertion verifier vs jose (differential)', () => {
  it('accepts exactly what jose accepts under the same rules plus the documented profile', async () => {
    // Arrange
    let accepted = 0;

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(assertionArb, async (token) => {
        const mine = ours(token);
        if (mine) accepted += 1;
        expect(mine).toBe(await oracle(token));
      }),
      { numRuns: 600 },
    );
    // The generator must produce accepted assertions too, or the property says little.
    expect(accepted).toBeGreaterThan(20);
  });
});
