// Verifier tests: the issue's attack corpus, every rejection reason, and a differential property test against jose.
import fc from 'fast-check';
import * as jose from 'jose';
import {
  createJwtVerifier,
  isCanonicalBase64Url,
  MAX_NUMERIC_DATE,
  MAX_TOKEN_LENGTH,
  type JwtVerifier,
} from '../../../../functions/authorizer/core/jwt-verify';
import {
  JwtAlgNotAllowedError,
  JwtClaimInvalidError,
  JwtClaimMismatchError,
  JwtError,
  JwtExpiredError,
  JwtInvalidHeaderError,
  JwtMalformedError,
  JwtNotYetValidError,
  JwtSignatureError,
  JwtTooLargeError,
  JwtUnknownKidError,
} from '../../../../functions/shared/jwt-errors';
import {
  AUDIENCE,
  b64json,
  ISSUER,
  makeKeys,
  makeToken,
  NOW,
  NOW_MS,
  signInput,
  SKEW,
  validClaims,
  validToken,
  type Signing,
  type TestKey,
  rawNumber,
} from '../../../support/jwt-fixtures';

const keys = makeKeys();
const { es, rs, untrustedEs, untrustedRs } = keys;
let verify: JwtVerifier;

beforeEach(() => {
  verify = createJwtVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: SKEW,
    keys: keys.trusted,
  });
});

/** Runs the verifier and returns the error it throws (or undefined when it accepts). */
function rejection(token: string, nowMs = NOW_MS): JwtError | undefined {
  try {
    verify(token, nowMs);
    return undefined;
  } catch (error) {
    return error as JwtError;
  }
}

const header = (key: TestKey, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  alg: key.alg,
  typ: 'at+jwt',
  kid: key.kid,
  ...extra,
});

describe('createJwtVerifier: valid tokens', () => {
  it.each([
    ['ES256', es],
    ['RS256', rs],
  ])('accepts a valid %s token and returns its claims', (_name, key) => {
    // Arrange
    const token = validToken(key);
    // Act
    const claims = verify(token, NOW_MS);
    // Assert
    expect(claims).toEqual(validClaims());
  });

  it('accepts the same header twice (cached) and an aud array containing the audience', () => {
    // Arrange
    const first = validToken(es);
    const second = validToken(es, validClaims({ aud: ['other', AUDIENCE], jti: 'jti-2' }));
    // Act
    verify(first, NOW_MS);
    const claims = verify(second, NOW_MS);
    // Assert
    expect(claims.jti).toBe('jti-2');
  });

  it('keeps verifying once the header cache is full', () => {
    // Arrange: 64 spellings of the same valid typ give 64 distinct valid headers.
    const spellings = Array.from({ length: 64 }, (_, n) =>
      [...'at+jwt'].map((c, i) => ((n >> i) & 1 ? c.toUpperCase() : c)).join(''),
    );
    const tokens = [...new Set(spellings)].map((typ) =>
      makeToken(header(es, { typ }), validClaims(), { key: es }),
    );
    const more = ['application/at+jwt', 'APPLICATION/AT+JWT'].map((typ) =>
      makeToken(header(es, { typ }), validClaims(), { key: es }),
    );
    // Act / Assert
    for (const token of [...tokens, ...more, ...tokens])
      expect(verify(token, NOW_MS).sub).toBe('client-1');
  });

  it.each(['application/at+jwt', 'AT+JWT', 'Application/AT+JWT'])(
    'accepts typ %s (media types are case-insensitive, RFC 9068 §2.1)',
    (typ) => {
      // Arrange
      const token = makeToken(header(es, { typ }), validClaims(), { key: es });
      // Act / Assert
      expect(verify(token, NOW_MS).sub).toBe('client-1');
    },
  );

  it('accepts a token without nbf and with an empty scope', () => {
    // Arrange
    const claims = validClaims({ scope: '' });
    delete claims.nbf;
    // Act / Assert
    expect(verify(validToken(rs, claims), NOW_MS).scope).toBe('');
  });

  it('honours the clock skew at both edges', () => {
    // Arrange
    const justExpired = validToken(es, validClaims({ exp: NOW - SKEW }));
    const stillValid = validToken(es, validClaims({ exp: NOW - SKEW + 1 }));
    const nbfEdge = validToken(es, validClaims({ nbf: NOW + SKEW }));
    const nbfLate = validToken(es, validClaims({ nbf: NOW + SKEW + 1 }));
    // Act / Assert
    expect(rejection(justExpired)).toBeInstanceOf(JwtExpiredError);
    expect(rejection(stillValid)).toBeUndefined();
    expect(rejection(nbfEdge)).toBeUndefined();
    expect(rejection(nbfLate)).toBeInstanceOf(JwtNotYetValidError);
  });
});

describe('createJwtVerifier: attack corpus (issue 3, item 4)', () => {
  const cases: Array<[string, () => string, new (...args: never[]) => JwtError]> = [
    [
      'alg none, empty signature',
      () => makeToken({ alg: 'none', typ: 'at+jwt', kid: es.kid }, validClaims(), { none: true }),
      JwtAlgNotAllowedError,
    ],
    [
      'alg none without kid',
      () => makeToken({ alg: 'none', typ: 'at+jwt' }, validClaims(), { none: true }),
      JwtAlgNotAllowedError,
    ],
    [
      'HS256 signed with the EC public key PEM as HMAC secret',
      () =>
        makeToken({ alg: 'HS256', typ: 'at+jwt', kid: es.kid }, validClaims(), {
          hmacSecret: es.pem,
        }),
      JwtAlgNotAllowedError,
    ],
    [
      'HS256 signed with the RSA public key PEM as HMAC secret',
      () =>
        makeToken({ alg: 'HS256', typ: 'at+jwt', kid: rs.kid }, validClaims(), {
          hmacSecret: rs.pem,
        }),
      JwtAlgNotAllowedError,
    ],
    [
      'RS256 header on the EC key',
      () => makeToken({ alg: 'RS256', typ: 'at+jwt', kid: es.kid }, validClaims(), { key: rs }),
      JwtAlgNotAllowedError,
    ],
    [
      'ES256 header on the RSA key',
      () => makeToken({ alg: 'ES256', typ: 'at+jwt', kid: rs.kid }, validClaims(), { key: es }),
      JwtAlgNotAllowedError,
    ],
    [
      'unknown kid',
      () => makeToken(header(untrustedEs), validClaims(), { key: untrustedEs }),
      JwtUnknownKidError,
    ],
    [
      'missing kid',
      () => makeToken({ alg: 'ES256', typ: 'at+jwt' }, validClaims(), { key: es }),
      JwtUnknownKidError,
    ],
    [
      'numeric kid',
      () => makeToken({ alg: 'ES256', typ: 'at+jwt', kid: 7 }, validClaims(), { key: es }),
      JwtInvalidHeaderError,
    ],
    [
      'trusted kid, signed by an untrusted key',
      () => makeToken(header(es), validClaims(), { key: untrustedEs }),
      JwtSignatureError,
    ],
    ['expired', () => validToken(es, validClaims({ exp: NOW - 3600 })), JwtExpiredError],
    ['not yet valid', () => validToken(rs, validClaims({ nbf: NOW + 3600 })), JwtNotYetValidError],
    [
      'wrong iss',
      () => validToken(es, validClaims({ iss: 'https://evil.example.com' })),
      JwtClaimMismatchError,
    ],
    [
      'wrong aud',
      () => validToken(es, validClaims({ aud: 'https://other.example.com' })),
      JwtClaimMismatchError,
    ],
    [
      'aud array without the audience',
      () => validToken(es, validClaims({ aud: ['a', 'b'] })),
      JwtClaimMismatchError,
    ],
    [
      'typ JWT',
      () => makeToken(header(es, { typ: 'JWT' }), validClaims(), { key: es }),
      JwtInvalidHeaderError,
    ],
    [
      'typ missing',
      () => makeToken({ alg: 'ES256', kid: es.kid }, validClaims(), { key: es }),
      JwtInvalidHeaderError,
    ],
    [
      'crit header',
      () => makeToken(header(es, { crit: ['exp'] }), validClaims(), { key: es }),
      JwtInvalidHeaderError,
    ],
    [
      'crit b64 header',
      () => makeToken(header(es, { crit: ['b64'], b64: true }), validClaims(), { key: es }),
      JwtInvalidHeaderError,
    ],
    [
      'jku header',
      () =>
        makeToken(header(es, { jku: 'https://evil.example.com/jwks' }), validClaims(), { key: es }),
      JwtInvalidHeaderError,
    ],
    [
      'embedded jwk header',
      () => makeToken(header(es, { jwk: { kty: 'EC' } }), validClaims(), { key: es }),
      JwtInvalidHeaderError,
    ],
  ];

  it.each(cases)('rejects %s', (_name, build, errorClass) => {
    // Arrange
    const token = build();
    // Act
    const error = rejection(token);
    // Assert
    expect(error).toBeInstanceOf(errorClass);
  });

  it('rejects an ES256 signature of the wrong length (63, 65 bytes, DER)', () => {
    // Arrange
    const good = validToken(es);
    const [h, p, s] = good.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    const der = signInput(`${h}.${p}`, { key: es }); // re-signed, then DER-encoded below
    const { sign } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const derSig = sign('sha256', Buffer.from(`${h}.${p}`), es.privateKey);
    // Act / Assert
    expect(der).toHaveLength(64);
    for (const bad of [sig.subarray(0, 63), Buffer.concat([sig, Buffer.from([0])]), derSig]) {
      expect(rejection(`${h}.${p}.${bad.toString('base64url')}`)).toBeInstanceOf(JwtSignatureError);
    }
  });

  it('rejects an RS256 signature one byte short', () => {
    // Arrange
    const [h, p, s] = validToken(rs).split('.') as [string, string, string];
    const short = Buffer.from(s, 'base64url').subarray(1).toString('base64url');
    // Act / Assert
    expect(rejection(`${h}.${p}.${short}`)).toBeInstanceOf(JwtSignatureError);
  });

  it('rejects a flipped signature bit', () => {
    // Arrange
    const [h, p, s] = validToken(es).split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    sig[10] = (sig[10] as number) ^ 1;
    // Act / Assert
    expect(rejection(`${h}.${p}.${sig.toString('base64url')}`)).toBeInstanceOf(JwtSignatureError);
  });

  it.each([
    ['padding', (t: string) => t.replace(/\.([^.]*)$/, '.$1==')],
    [
      'standard alphabet in the payload',
      (t: string) => {
        const [h, p, s] = t.split('.');
        return `${h}.${p!.replace(/-/g, '+').replace(/_/g, '/')}x+/.${s}`;
      },
    ],
    ['whitespace', (t: string) => t.replace('.', '. ')],
    ['a non-base64url character in the header', (t: string) => `!${t}`],
  ])('rejects bad base64url: %s', (_name, mutate) => {
    // Arrange
    const token = mutate(validToken(es));
    // Act / Assert
    expect(rejection(token)).toBeInstanceOf(JwtError);
  });

  it('rejects non-canonical trailing bits in the signature', () => {
    // Arrange: an 86-character ES256 signature ends in 2 bits of padding; set one of them.
    const [h, p, s] = validToken(es).split('.') as [string, string, string];
    const last = s[s.length - 1] as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const noisy = alphabet[alphabet.indexOf(last) | 1] as string;
    // Act / Assert
    expect(rejection(`${h}.${p}.${s.slice(0, -1)}${noisy}`)).toBeInstanceOf(JwtSignatureError);
  });

  it.each([
    ['five segments (JWE)', () => `${validToken(es)}.AAAA.BBBB`],
    ['two segments', () => validToken(es).split('.').slice(0, 2).join('.')],
    ['one segment', () => 'abc'],
    ['empty', () => ''],
  ])('rejects %s as malformed', (_name, build) => {
    // Act / Assert
    expect(rejection(build())).toBeInstanceOf(JwtMalformedError);
  });

  it('rejects a token over 8 KiB before decoding it', () => {
    // Arrange
    const token = validToken(es, validClaims({ pad: 'x'.repeat(MAX_TOKEN_LENGTH) }));
    // Act
    const error = rejection(token);
    // Assert
    expect(error).toBeInstanceOf(JwtTooLargeError);
    expect(error?.code).toBe('ERR_JWT_TOO_LARGE');
  });

  it.each([
    [
      'a non-JSON header',
      () => `${Buffer.from('{"alg":').toString('base64url')}.${b64json(validClaims())}.AAAA`,
    ],
    ['a JSON array header', () => `${b64json([1])}.${b64json(validClaims())}.AAAA`],
    ['a null header', () => `${b64json(null)}.${b64json(validClaims())}.AAAA`],
    [
      'a header that is not UTF-8',
      () =>
        `${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${b64json(validClaims())}.AAAA`,
    ],
  ])('rejects %s', (_name, build) => {
    // Act / Assert
    expect(rejection(build())).toBeInstanceOf(JwtMalformedError);
  });

  it.each([
    ['a non-JSON payload', Buffer.from('not json')],
    ['a JSON array payload', Buffer.from('[1,2]')],
    ['a payload that is not UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d])],
  ])('rejects %s even when signed', (_name, payload) => {
    // Arrange
    const input = `${b64json(header(es))}.${payload.toString('base64url')}`;
    const token = `${input}.${signInput(input, { key: es }).toString('base64url')}`;
    // Act / Assert
    expect(rejection(token)).toBeInstanceOf(JwtMalformedError);
  });

  it('rejects a payload with bad base64url before checking the signature', () => {
    // Arrange
    const [h, , s] = validToken(es).split('.') as [string, string, string];
    // Act / Assert
    expect(rejection(`${h}.a+b.${s}`)).toBeInstanceOf(JwtMalformedError);
  });
});

describe('createJwtVerifier: claim checks', () => {
  it.each([
    ['iss', { iss: undefined }, JwtClaimInvalidError],
    ['aud', { aud: undefined }, JwtClaimInvalidError],
    ['aud', { aud: 5 }, JwtClaimMismatchError],
    ['exp', { exp: undefined }, JwtClaimInvalidError],
    ['exp', { exp: String(NOW + 60) }, JwtClaimInvalidError],
    ['iat', { iat: undefined }, JwtClaimInvalidError],
    ['nbf', { nbf: 'soon' }, JwtClaimInvalidError],
    ['sub', { sub: 5 }, JwtClaimInvalidError],
    ['sub', { sub: '' }, JwtClaimInvalidError],
    ['client_id', { client_id: undefined }, JwtClaimInvalidError],
    ['client_id', { client_id: '' }, JwtClaimInvalidError],
    ['scope', { scope: ['orders:read'] }, JwtClaimInvalidError],
    ['jti', { jti: 1 }, JwtClaimInvalidError],
    // NumericDates must be finite and in 0..9999-12-31: 1e400 parses to Infinity (issue 11).
    ['exp', { exp: rawNumber('1e400') }, JwtClaimInvalidError],
    ['exp', { exp: MAX_NUMERIC_DATE + 1 }, JwtClaimInvalidError],
    ['iat', { iat: rawNumber('-1e400') }, JwtClaimInvalidError],
    ['iat', { iat: -1 }, JwtClaimInvalidError],
    ['nbf', { nbf: rawNumber('-1e400') }, JwtClaimInvalidError],
    ['nbf', { nbf: null }, JwtClaimInvalidError],
  ])('rejects a bad %s claim (%o)', (claim, overrides, errorClass) => {
    // Arrange
    const token = validToken(es, validClaims(overrides));
    // Act
    const error = rejection(token);
    // Assert
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toHaveProperty('claim', claim);
  });
});

describe('createJwtVerifier: NumericDate range', () => {
  it('rejects exp 1e400, which parses to Infinity and which jose alone accepts', async () => {
    // Arrange
    const token = validToken(es, validClaims({ exp: rawNumber('1e400') }));
    const key = await jose.importSPKI(es.pem, es.alg);

    // Act
    const ours = rejection(token);
    const theirs = await jose.jwtVerify(token, key, { currentDate: new Date(NOW_MS) });

    // Assert
    expect(theirs.payload.exp).toBe(Infinity);
    expect(ours).toBeInstanceOf(JwtClaimInvalidError);
    expect(ours).toHaveProperty('claim', 'exp');
  });

  it('accepts the last date in range', () => {
    // Act / Assert
    expect(verify(validToken(es, validClaims({ exp: MAX_NUMERIC_DATE })), NOW_MS).exp).toBe(
      MAX_NUMERIC_DATE,
    );
  });
});

describe('isCanonicalBase64Url', () => {
  it.each([
    ['', false],
    ['A', false],
    ['AA', true],
    ['AB', false],
    ['AQ', true],
    ['AAE', true],
    ['AAB', false],
    ['AAA', true],
    ['AAAA', true],
    ['AA==', false],
    ['A+/A', false],
  ])('%j -> %s', (text, expected) => {
    // Act / Assert
    expect(isCanonicalBase64Url(text)).toBe(expected);
  });

  it('agrees with a decode/re-encode round trip', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQgw-_=+/ .') }), (text) => {
        // Act / Assert
        const roundTrip =
          text !== '' && Buffer.from(text, 'base64url').toString('base64url') === text;
        expect(isCanonicalBase64Url(text)).toBe(roundTrip && /^[A-Za-z0-9_-]+$/.test(text));
      }),
    );
  });
});

// ------------------------------------------------------------------------------------------------
// Differential test: this verifier against jose jwtVerify configured with the same rules.
// ------------------------------------------------------------------------------------------------

/** The rules jose does not make (documented profile choices), written independently. */
function profileAllows(token: string): boolean {
  if (token.length > MAX_TOKEN_LENGTH) return false;
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  // Canonical base64url: decoding and re-encoding gives the same text.
  if (
    !parts.every(
      (part) =>
        /^[A-Za-z0-9_-]+$/.test(part) &&
        Buffer.from(part, 'base64url').toString('base64url') === part,
    )
  ) {
    return false;
  }
  let protectedHeader: Record<string, unknown>;
  try {
    protectedHeader = jose.decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return false;
  }
  return Object.keys(protectedHeader).every((name) => ['alg', 'typ', 'kid'].includes(name));
}

const joseKeys = new Map<string, ReturnType<typeof jose.importSPKI>>();

/** jose with the same rules; the key decides the algorithm (a CryptoKey imported for it). */
async function oracle(token: string, nowMs: number): Promise<boolean> {
  if (!profileAllows(token)) return false;
  try {
    const { payload } = await jose.jwtVerify(
      token,
      async (protectedHeader) => {
        const key = [es, rs].find((candidate) => candidate.kid === protectedHeader.kid);
        if (key === undefined) throw new Error('unknown kid');
        let imported = joseKeys.get(key.kid);
        if (imported === undefined) {
          imported = jose.importSPKI(key.pem, key.alg);
          joseKeys.set(key.kid, imported);
        }
        return imported;
      },
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['ES256', 'RS256'],
        typ: 'at+jwt',
        clockTolerance: SKEW,
        currentDate: new Date(nowMs),
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'scope', 'jti'],
      },
    );
    const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value !== '';
    // The stricter profile on top of jose: NumericDates finite and in 0..9999-12-31.
    const date = (value: unknown): boolean =>
      typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 253_402_300_799;
    return (
      date(payload.exp) &&
      date(payload.iat) &&
      (payload.nbf === undefined || date(payload.nbf)) &&
      nonEmpty(payload.sub) &&
      nonEmpty(payload.client_id) &&
      typeof payload.scope === 'string' &&
      // RFC 6749 §3.3 scope syntax, or "" for a client with no scopes (the access-token contract).
      /^(?:[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*)?$/.test(payload.scope) &&
      typeof payload.jti === 'string'
    );
  } catch {
    return false;
  }
}

/** NumericDates out of range: JSON `1e400` parses to Infinity; jose accepts those on its own. */
const HUGE_DATES: unknown[] = [rawNumber('1e400'), rawNumber('-1e400'), MAX_NUMERIC_DATE + 1, -1];

/** Usually the valid value, sometimes a mutation. */
const mostly = <T>(valid: T, ...others: T[]): fc.Arbitrary<T> =>
  fc.oneof(
    { weight: 30, arbitrary: fc.constant(valid) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
  );

const ABSENT = Symbol('absent');
const withoutAbsent = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ABSENT));

const timeOffset = fc.oneof(
  fc.integer({ min: -45, max: 45 }),
  fc.integer({ min: -100_000, max: 100_000 }),
);

const tokenArb = fc
  .record({
    key: fc.constantFrom(es, rs),
    alg: mostly<string | null>(null, 'ES256', 'RS256', 'HS256', 'none', 'ES384', 'PS256', 'es256'),
    typ: mostly<unknown>(
      'at+jwt',
      'AT+JWT',
      'application/at+jwt',
      'JWT',
      'jwt',
      'at+jwt ',
      5,
      ABSENT,
    ),
    kid: mostly<string>('own', 'other', 'unknown', 'absent', 'number'),
    extraHeader: mostly<Record<string, unknown>>(
      {},
      { crit: ['exp'] },
      { crit: [] },
      { jku: 'https://x' },
      { b64: false, crit: ['b64'] },
      { cty: 'JWT' },
      { __proto__: 1 } as never,
    ),
    iss: mostly<unknown>(ISSUER, 'https://evil.example.com', `${ISSUER}/`, ABSENT, 5),
    aud: mostly<unknown>(AUDIENCE, [AUDIENCE], ['x', AUDIENCE], ['x'], [], 'x', ABSENT, 5, null),
    exp: fc.oneof(
      { weight: 12, arbitrary: timeOffset.map((d) => NOW + 3600 + (d < 0 ? d * 100 : d)) },
      { weight: 2, arbitrary: timeOffset.map((d) => NOW + d) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(ABSENT, 'x', null, NOW + 0.5) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(...HUGE_DATES) },
    ),
    nbf: fc.oneof(
      { weight: 12, arbitrary: timeOffset.map((d) => NOW + d) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(ABSENT, 'x', NOW + 29.9) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(...HUGE_DATES) },
    ),
    iat: fc.oneof(
      { weight: 5, arbitrary: timeOffset.map((d) => NOW + d) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(ABSENT, '1', null) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(...HUGE_DATES) },
    ),
    sub: mostly<unknown>('client-1', '', ABSENT, 5),
    clientId: mostly<unknown>('client-1', '', ABSENT, false),
    scope: mostly<unknown>(
      'orders:read orders:write',
      '',
      ABSENT,
      ['orders:read'],
      'a  b',
      ' a',
      'a"',
    ),
    jti: mostly<unknown>('8c1d', '', ABSENT, 1),
    signer: mostly<string>('own', 'otherTrusted', 'untrusted', 'hmac', 'none'),
    sigMutation: mostly<string>(
      'none',
      'flip',
      'truncate',
      'append',
      'empty',
      'der',
      'swapToOtherToken',
    ),
    encoding: mostly<string>(
      'none',
      'pad',
      'stdAlphabet',
      'space',
      'trailingBits',
      'fiveSegments',
      'extraDot',
      'oversize',
      'headerText',
    ),
    nowJitter: fc.integer({ min: 0, max: 999 }),
  })
  .map((m) => {
    const other = m.key === es ? rs : es;
    const kid = {
      own: m.key.kid,
      other: other.kid,
      unknown: 'unknown-kid',
      absent: ABSENT,
      number: 42,
    }[m.kid];
    const headerValue = withoutAbsent({
      alg: m.alg ?? m.key.alg,
      typ: m.typ,
      kid,
      ...m.extraHeader,
    });
    const claims = withoutAbsent({
      iss: m.iss,
      sub: m.sub,
      client_id: m.clientId,
      aud: m.aud,
      iat: m.iat,
      nbf: m.nbf,
      exp: m.exp,
      jti: m.jti,
      scope: m.scope,
      ...(m.encoding === 'oversize' ? { pad: 'p'.repeat(MAX_TOKEN_LENGTH - 600) } : {}),
    });
    const signing = (
      {
        own: { key: m.key },
        otherTrusted: { key: other },
        untrusted: { key: m.key === es ? untrustedEs : untrustedRs },
        hmac: { hmacSecret: m.key.pem },
        none: { none: true as const },
      } as Record<string, Signing>
    )[m.signer] as Signing;
    let h = b64json(headerValue);
    if (m.encoding === 'headerText') h = Buffer.from('{"alg":"ES256",').toString('base64url');
    const p = b64json(claims);
    let sig = signInput(`${h}.${p}`, signing);
    const { sign } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    switch (m.sigMutation) {
      case 'flip':
        if (sig.length > 0) sig[sig.length >> 1] = (sig[sig.length >> 1] as number) ^ 0x80;
        break;
      case 'truncate':
        sig = sig.subarray(0, Math.max(0, sig.length - 1));
        break;
      case 'append':
        sig = Buffer.concat([sig, Buffer.from([1])]);
        break;
      case 'empty':
        sig = Buffer.alloc(0);
        break;
      case 'der':
        if ('key' in signing)
          sig = sign('sha256', Buffer.from(`${h}.${p}`), signing.key.privateKey);
        break;
      case 'swapToOtherToken':
        sig = signInput(`${h}.${b64json({ ...claims, jti: 'other' })}`, signing);
        break;
    }
    let s = sig.toString('base64url');
    let token = `${h}.${p}.${s}`;
    switch (m.encoding) {
      case 'pad':
        token = `${h}.${p}.${s}${'='.repeat((4 - (s.length % 4)) % 4 || 2)}`;
        break;
      case 'stdAlphabet':
        token = `${h}.${Buffer.from(p, 'base64url').toString('base64').replace(/=+$/, '')}.${s}`;
        break;
      case 'space':
        token = `${h}.${p} .${s}`;
        break;
      case 'trailingBits':
        if (s.length % 4 === 2 || s.length % 4 === 3) {
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
          s =
            s.slice(0, -1) + (alphabet[alphabet.indexOf(s[s.length - 1] as string) | 1] as string);
        }
        token = `${h}.${p}.${s}`;
        break;
      case 'fiveSegments':
        token = `${token}.AAAA.BBBB`;
        break;
      case 'extraDot':
        token = `${token}.`;
        break;
    }
    return { token, nowMs: NOW * 1000 + m.nowJitter };
  });

describe('createJwtVerifier: differential against jose', () => {
  it('accepts exactly the tokens jose (with the same rules) accepts', async () => {
    let accepted = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(tokenArb, async ({ token, nowMs }) => {
        // Act
        const expected = await oracle(token, nowMs);
        const error = rejection(token, nowMs);
        // Assert
        if (error !== undefined) expect(error).toBeInstanceOf(JwtError);
        expect({ token, accepted: error === undefined }).toEqual({ token, accepted: expected });
        total++;
        if (expected) accepted++;
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 1500) },
    );
    // The generator must exercise both outcomes substantially.
    expect(accepted / total).toBeGreaterThan(0.1);
    expect(accepted / total).toBeLessThan(0.9);
  }, 120_000);
});
