// Unit tests of the private_key_jwt assertion verifier: every algorithm, the attack corpus (RFC 7523 §3 rules, alg confusion, none, HMAC), and the key cache.
import crypto, { generateKeyPairSync } from 'node:crypto';
import { JWS_ALGORITHMS, type JwsAlgorithm } from '../../../../functions/shared/jws-verify';
import {
  AssertionRejectedError,
  createAssertionVerifier,
  MAX_ASSERTION_LIFETIME_SECONDS,
  MAX_JTI_LENGTH,
  type AssertionFailureReason,
} from '../../../../functions/token/core/client-assertion';
import { assertionJtiKey } from '../../../../functions/token/core/replay-keys';
import {
  MAX_ASSERTION_LENGTH,
  peekAssertionSubject,
} from '../../../../functions/token/core/assertion-parts';
import type { ClientJwk } from '../../../../functions/token/core/types';
import {
  assertionClaims,
  clientKeyPair,
  signAssertion,
  signJws,
  type ClientKeyPair,
} from '../../../support/client-assertions';
import {
  ED25519_IDENTITY,
  ED25519_ZERO,
  forgeAssertion,
  primeModulusKey,
  primeSquareKey,
  smallFactorKey,
  smallOrderEd25519Key,
  verifiesWithRawKey,
  type DegenerateKey,
} from '../../../support/degenerate-keys';

const ISSUER = 'https://auth.example.com';
const TOKEN_ENDPOINT = `${ISSUER}/oauth2/token`;
const NOW_MS = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const NOW = Math.floor(NOW_MS / 1000);
const SKEW = 30;
const CLIENT = 'jwt-client';

const PAIRS: Record<JwsAlgorithm, ClientKeyPair> = Object.fromEntries(
  JWS_ALGORITHMS.map((alg) => [alg, clientKeyPair(alg)]),
) as Record<JwsAlgorithm, ClientKeyPair>;
const es256 = PAIRS.ES256;

const verifier = createAssertionVerifier({
  audiences: [ISSUER, TOKEN_ENDPOINT],
  clockSkewSeconds: SKEW,
});

const claims = (overrides: Record<string, unknown> = {}) =>
  assertionClaims(CLIENT, ISSUER, NOW, overrides);

function reasonOf(fn: () => unknown): AssertionFailureReason {
  try {
    fn();
  } catch (err) {
    if (err instanceof AssertionRejectedError) return err.reason;
    throw err;
  }
  throw new Error('expected a rejection');
}

const verify = (assertion: string, keys: readonly ClientJwk[] = [es256.jwk], clientId = CLIENT) =>
  verifier.verify(assertion, clientId, keys, NOW_MS);

describe('createAssertionVerifier: accepted assertions', () => {
  it.each(JWS_ALGORITHMS)('verifies a %s assertion with the registered key', (alg) => {
    // Arrange
    const pair = PAIRS[alg];
    const c = claims();

    // Act
    const result = verify(signAssertion(pair, c), [pair.jwk]);

    // Assert
    expect(result).toEqual({ jti: c.jti, exp: c.exp });
  });

  it('accepts Ed25519 (RFC 9864, as oauth4webapi signs) for a key registered as EdDSA', () => {
    // Arrange
    const pair = PAIRS.EdDSA;
    const assertion = signJws(
      { alg: 'Ed25519', kid: pair.jwk.kid },
      claims(),
      pair.privateKey,
      'EdDSA',
    );

    // Act / Assert
    expect(verify(assertion, [pair.jwk]).exp).toBe(NOW + 60);
  });

  it('accepts the token endpoint URL as aud (RFC 7523 §3 clients)', () => {
    // Arrange
    const assertion = signAssertion(es256, claims({ aud: TOKEN_ENDPOINT }));

    // Act / Assert
    expect(verify(assertion).exp).toBe(NOW + 60);
  });

  it.each([undefined, 'JWT', 'client-authentication+jwt', 'application/client-authentication+jwt'])(
    'accepts typ %s',
    (typ) => {
      // Arrange
      const assertion = signAssertion(es256, claims(), { typ });

      // Act / Assert
      expect(verify(assertion).jti).toBeDefined();
    },
  );

  it('without kid, tries every key of the header alg', () => {
    // Arrange: two ES256 keys; the assertion is signed by the second
    const other = clientKeyPair('ES256');
    const assertion = signAssertion(other, claims(), { kid: undefined });

    // Act
    const result = verify(assertion, [PAIRS.RS256.jwk, es256.jwk, other.jwk]);

    // Assert
    expect(result.exp).toBe(NOW + 60);
  });

  it('accepts exp at the lifetime limit plus the skew, and nbf/iat within the skew', () => {
    // Arrange
    const assertion = signAssertion(
      es256,
      claims({
        exp: NOW + MAX_ASSERTION_LIFETIME_SECONDS + SKEW,
        nbf: NOW + SKEW,
        iat: NOW + SKEW,
      }),
    );

    // Act / Assert
    expect(verify(assertion).exp).toBe(NOW + MAX_ASSERTION_LIFETIME_SECONDS + SKEW);
  });

  it('ignores embedded keys (jwk, jku, x5u): only registered keys verify', () => {
    // Arrange: the attacker embeds their own key and signs with it
    const attacker = clientKeyPair('ES256', es256.jwk.kid);
    const assertion = signAssertion(attacker, claims(), {
      jwk: attacker.jwk,
      jku: 'https://attacker.example/jwks',
    });

    // Act / Assert
    expect(reasonOf(() => verify(assertion))).toBe('assertion_signature');
  });
});

describe('createAssertionVerifier: attack corpus', () => {
  const hs256 = (key: Buffer) =>
    signJws({ alg: 'HS256', kid: PAIRS.RS256.jwk.kid }, claims(), undefined, 'HS256', key);
  const rsaPem = PAIRS.RS256.publicKey.export({ type: 'spki', format: 'pem' }) as string;

  const cases: Array<[string, () => string, AssertionFailureReason, ClientJwk[]?]> = [
    [
      'wrong aud',
      () => signAssertion(es256, claims({ aud: 'https://other.example.com' })),
      'assertion_aud',
    ],
    [
      'aud of another endpoint of this server',
      () => signAssertion(es256, claims({ aud: `${ISSUER}/oauth2/revoke` })),
      'assertion_aud',
    ],
    [
      'aud as an array holding the issuer',
      () => signAssertion(es256, claims({ aud: [ISSUER] })),
      'assertion_aud',
    ],
    ['missing aud', () => signAssertion(es256, claims({ aud: undefined })), 'assertion_aud'],
    [
      'expired beyond the skew',
      () => signAssertion(es256, claims({ exp: NOW - SKEW })),
      'assertion_expired',
    ],
    [
      'far-future exp',
      () => signAssertion(es256, claims({ exp: NOW + MAX_ASSERTION_LIFETIME_SECONDS + SKEW + 1 })),
      'assertion_exp_too_far',
    ],
    ['missing exp', () => signAssertion(es256, claims({ exp: undefined })), 'assertion_exp'],
    [
      'exp as a string',
      () => signAssertion(es256, claims({ exp: String(NOW + 60) })),
      'assertion_exp',
    ],
    [
      'exp of 1e400 (Infinity)',
      // Raw JSON: JSON.parse turns 1e400 into Infinity, which must never count as a date.
      () =>
        signJws(
          { alg: 'ES256', kid: es256.jwk.kid },
          JSON.stringify(claims({ exp: 0 })).replace('"exp":0', '"exp":1e400'),
          es256.privateKey,
          'ES256',
        ),
      'assertion_exp',
    ],
    [
      'nbf in the future',
      () => signAssertion(es256, claims({ nbf: NOW + SKEW + 1 })),
      'assertion_nbf',
    ],
    ['nbf not a number', () => signAssertion(es256, claims({ nbf: 'soon' })), 'assertion_nbf'],
    [
      'iat in the future',
      () => signAssertion(es256, claims({ iat: NOW + SKEW + 1 })),
      'assertion_iat',
    ],
    ['iat not a number', () => signAssertion(es256, claims({ iat: -1 })), 'assertion_iat'],
    ['iss ≠ sub', () => signAssertion(es256, claims({ iss: 'someone-else' })), 'assertion_iss'],
    ['sub ≠ client', () => signAssertion(es256, claims({ sub: 'someone-else' })), 'assertion_sub'],
    ['missing jti', () => signAssertion(es256, claims({ jti: undefined })), 'assertion_jti'],
    ['jti with a space', () => signAssertion(es256, claims({ jti: 'a b' })), 'assertion_jti'],
    [
      'jti too long',
      () => signAssertion(es256, claims({ jti: 'x'.repeat(MAX_JTI_LENGTH + 1) })),
      'assertion_jti',
    ],
    [
      'a key from another client (same kid claimed)',
      () => signAssertion(clientKeyPair('ES256', es256.jwk.kid), claims()),
      'assertion_signature',
    ],
    ['unknown kid', () => signAssertion(es256, claims(), { kid: 'no-such-kid' }), 'assertion_kid'],
    ['kid not a string', () => signAssertion(es256, claims(), { kid: 7 }), 'assertion_header'],
    [
      'no kid and no key of the alg',
      () => signAssertion(PAIRS.ES384, claims(), { kid: undefined }),
      'assertion_kid',
    ],
    [
      'alg mismatch: ES384 header on an ES256 key',
      () =>
        signJws({ alg: 'ES384', kid: es256.jwk.kid }, claims(), PAIRS.ES384.privateKey, 'ES384'),
      'assertion_alg',
    ],
    [
      'alg mismatch: PS256 header on an RS256 key',
      () =>
        signJws(
          { alg: 'PS256', kid: PAIRS.RS256.jwk.kid },
          claims(),
          PAIRS.RS256.privateKey,
          'PS256',
        ),
      'assertion_alg',
      [PAIRS.RS256.jwk],
    ],
    [
      'alg none, empty signature',
      () => signJws({ alg: 'none', kid: es256.jwk.kid }, claims(), undefined, 'none'),
      'assertion_malformed',
    ],
    [
      'alg none with a signature segment',
      () => `${signJws({ alg: 'none', kid: es256.jwk.kid }, claims(), undefined, 'none')}AAAA`,
      'assertion_alg',
    ],
    [
      'alg missing',
      () => signJws({ kid: es256.jwk.kid }, claims(), es256.privateKey, 'ES256'),
      'assertion_alg',
    ],
    [
      'HMAC with the RSA public key (PEM) as secret',
      () => hs256(Buffer.from(rsaPem)),
      'assertion_alg',
      [PAIRS.RS256.jwk],
    ],
    [
      'HMAC with the RSA modulus as secret',
      () => hs256(Buffer.from(PAIRS.RS256.jwk.n as string, 'base64url')),
      'assertion_alg',
      [PAIRS.RS256.jwk],
    ],
    [
      'typ at+jwt (an access token replayed as an assertion)',
      () => signAssertion(es256, claims(), { typ: 'at+jwt' }),
      'assertion_header',
    ],
    ['typ not a string', () => signAssertion(es256, claims(), { typ: 1 }), 'assertion_header'],
    ['crit header', () => signAssertion(es256, claims(), { crit: ['exp'] }), 'assertion_header'],
    [
      'b64 header (RFC 7797)',
      () => signAssertion(es256, claims(), { b64: false }),
      'assertion_header',
    ],
    [
      'signature tampered',
      () => {
        const t = signAssertion(es256, claims());
        return `${t.slice(0, -2)}${t.endsWith('AA') ? 'BA' : 'AA'}`;
      },
      'assertion_signature',
    ],
    [
      'payload swapped after signing',
      () => {
        const [h, , s] = signAssertion(es256, claims()).split('.');
        return `${h}.${Buffer.from(JSON.stringify(claims({ sub: CLIENT, scope: 'admin' }))).toString('base64url')}.${s}`;
      },
      'assertion_signature',
    ],
    [
      'signature of the wrong length',
      () => `${signAssertion(es256, claims())}AAAA`,
      'assertion_signature',
    ],
    [
      'two segments',
      () => signAssertion(es256, claims()).split('.').slice(0, 2).join('.'),
      'assertion_malformed',
    ],
    ['five segments (JWE)', () => 'a.b.c.d.e', 'assertion_malformed'],
    [
      'padded base64url',
      () => {
        const [h, p, s] = signAssertion(es256, claims()).split('.');
        return `${h}=.${p}.${s}`;
      },
      'assertion_malformed',
    ],
    [
      'header not JSON',
      () => `${Buffer.from('not json').toString('base64url')}.e30.AAAA`,
      'assertion_malformed',
    ],
    [
      'header a JSON array',
      () => `${Buffer.from('[1]').toString('base64url')}.e30.AAAA`,
      'assertion_malformed',
    ],
    [
      'header not UTF-8',
      () => `${Buffer.from([0xff, 0xfe]).toString('base64url')}.e30.AAAA`,
      'assertion_malformed',
    ],
    [
      'payload not JSON (signed)',
      () => signJws({ alg: 'ES256', kid: es256.jwk.kid }, 'not json', es256.privateKey, 'ES256'),
      'assertion_malformed',
    ],
    [
      'longer than the limit',
      () => `${'a'.repeat(MAX_ASSERTION_LENGTH)}.b.c`,
      'assertion_malformed',
    ],
  ];

  // A rest parameter: jest would take a fourth named parameter for a `done` callback.
  it.each(cases)('refuses %s', (...row) => {
    // Arrange
    const [, make, reason, keys] = row;
    const assertion = make();

    // Act
    const got = reasonOf(() => verify(assertion, keys ?? [es256.jwk]));

    // Assert
    expect(got).toBe(reason);
  });

  it('refuses the right key when the client id is another client', () => {
    // Arrange: a valid assertion of jwt-client presented as client other-client with the same keys
    const assertion = signAssertion(es256, claims());

    // Act / Assert
    expect(reasonOf(() => verify(assertion, [es256.jwk], 'other-client'))).toBe('assertion_iss');
  });

  it('refuses a corrupt stored key as unusable (invalid_client), not with a server error', () => {
    // Arrange
    const corrupt = { ...es256.jwk, crv: 'P-384' } as ClientJwk;
    const assertion = signAssertion(es256, claims());

    // Act / Assert
    expect(reasonOf(() => verify(assertion, [corrupt]))).toBe('assertion_key_unusable');
  });
});

describe('degenerate stored keys (issue 21): written by other tooling, never trusted', () => {
  afterEach(() => jest.restoreAllMocks());

  const degenerate: DegenerateKey[] = [
    primeModulusKey(),
    smallFactorKey(),
    primeSquareKey(),
    smallOrderEd25519Key('ed25519-identity', ED25519_IDENTITY),
    smallOrderEd25519Key('ed25519-zero', ED25519_ZERO),
  ];
  const forged = (key: DegenerateKey) =>
    forgeAssertion(key, (attempt) => claims({ jti: `forged-${attempt}` }));

  it.each(degenerate.map((key) => [key.name, key] as const))(
    '%s: the forged assertion is refused once its signature verifies, after one verification',
    (_name, key) => {
      // Arrange
      const assertion = forged(key);
      const own = createAssertionVerifier({ audiences: [ISSUER], clockSkewSeconds: SKEW });
      const spy = jest.spyOn(crypto, 'verify');

      // Act
      const got = reasonOf(() => own.verify(assertion, CLIENT, [key.jwk], NOW_MS));

      // Assert
      expect(got).toBe('assertion_key_degenerate');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(verifiesWithRawKey(key, assertion)).toBe(true);
    },
  );

  it('checks a stored key once per verifier: the verdict is cached like a prepared key', () => {
    // Arrange
    const [prime] = degenerate as [DegenerateKey];
    const own = createAssertionVerifier({ audiences: [ISSUER], clockSkewSeconds: SKEW });
    const spy = jest.spyOn(crypto, 'checkPrimeSync');

    // Act
    const first = reasonOf(() => own.verify(forged(prime), CLIENT, [prime.jwk], NOW_MS));
    const second = reasonOf(() => own.verify(forged(prime), CLIENT, [prime.jwk], NOW_MS));

    // Assert
    expect([first, second]).toEqual(['assertion_key_degenerate', 'assertion_key_degenerate']);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it.each(degenerate.map((key) => [key.name, key] as const))(
    '%s: an assertion whose signature does not verify is refused without the degenerate-key checks',
    (_name, key) => {
      // Arrange: a signature of the right length that does not verify
      const [h, p, s] = forged(key).split('.') as [string, string, string];
      const wrong = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BAAA' : 'AAAA'}`;
      const keyProblem = jest.fn(() => 'never asked');
      const own = createAssertionVerifier({
        audiences: [ISSUER],
        clockSkewSeconds: SKEW,
        keyProblem,
      });
      const prime = jest.spyOn(crypto, 'checkPrimeSync');
      const verifySpy = jest.spyOn(crypto, 'verify');

      // Act
      const got = reasonOf(() => own.verify(wrong, CLIENT, [key.jwk], NOW_MS));

      // Assert
      expect(got).toBe('assertion_signature');
      expect(keyProblem).not.toHaveBeenCalled();
      expect(prime).not.toHaveBeenCalled();
      expect(verifySpy).toHaveBeenCalledTimes(1);
    },
  );

  it('asks the degenerate-key checker once per key, and only after a signature verifies', () => {
    // Arrange
    const keyProblem = jest.fn(() => undefined);
    const own = createAssertionVerifier({
      audiences: [ISSUER],
      clockSkewSeconds: SKEW,
      keyProblem,
    });
    const good = (jti: string) => signAssertion(es256, claims({ jti }));
    const bad = good('bad').slice(0, -4) + 'AAAA';

    // Act
    const refused = reasonOf(() => own.verify(bad, CLIENT, [es256.jwk], NOW_MS));
    const callsBefore = keyProblem.mock.calls.length;
    const first = own.verify(good('one'), CLIENT, [es256.jwk], NOW_MS);
    const second = own.verify(good('two'), CLIENT, [es256.jwk], NOW_MS);

    // Assert
    expect(refused).toBe('assertion_signature');
    expect(callsBefore).toBe(0);
    expect([first.jti, second.jti]).toEqual(['one', 'two']);
    expect(keyProblem).toHaveBeenCalledTimes(1);
    expect(keyProblem).toHaveBeenCalledWith(expect.objectContaining({ kid: es256.jwk.kid }));
  });

  it("without a kid, refuses the degenerate key that verifies and verifies with the client's other keys", () => {
    // Arrange: a client holding a degenerate RS256 key next to a real one
    const [prime] = degenerate as [DegenerateKey];
    const rs256 = PAIRS.RS256;
    const keys = [prime.jwk, rs256.jwk];
    const noKid = forgeAssertion(
      { ...prime, jwk: { ...prime.jwk, kid: undefined } as unknown as ClientJwk },
      (attempt) => claims({ jti: `nokid-${attempt}` }),
    );
    const genuine = signAssertion(rs256, claims({ jti: 'genuine' }), { kid: undefined });

    // Act
    const refused = reasonOf(() => verify(noKid, keys));
    const accepted = verify(genuine, keys);

    // Assert
    expect(refused).toBe('assertion_key_degenerate');
    expect(accepted.jti).toBe('genuine');
  });
});

describe('verifyWithoutKey', () => {
  it.each(JWS_ALGORITHMS)('spends one %s verification and always refuses', (alg) => {
    // Arrange
    const assertion = signAssertion(PAIRS[alg], claims());

    // Act / Assert (twice: the dummy key is made once)
    expect(reasonOf(() => verifier.verifyWithoutKey(assertion))).toBe('assertion_signature');
    expect(reasonOf(() => verifier.verifyWithoutKey(assertion))).toBe('assertion_signature');
  });

  it('refuses a malformed assertion the same way the real path does', () => {
    // Act / Assert
    expect(reasonOf(() => verifier.verifyWithoutKey('x.y'))).toBe('assertion_malformed');
  });
});

describe('key cache', () => {
  it('keeps verifying correctly after more distinct keys than it holds', () => {
    // Arrange: 300 clients' keys pass through one verifier
    const own = createAssertionVerifier({ audiences: [ISSUER], clockSkewSeconds: SKEW });
    const pairs = Array.from({ length: 300 }, (_, i) => {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
      // A kid of its own each, so the header cache fills and clears too.
      const jwk = { kty: 'OKP', crv: 'Ed25519', x, kid: `k${i}`, alg: 'EdDSA' } as ClientJwk;
      return { jwk, privateKey };
    });

    // Act
    const results = pairs.map(({ jwk, privateKey }) =>
      own.verify(
        signJws({ alg: 'EdDSA', kid: jwk.kid }, claims(), privateKey, 'EdDSA'),
        CLIENT,
        [jwk],
        NOW_MS,
      ),
    );
    const again = own.verify(
      signJws({ alg: 'EdDSA', kid: 'k0' }, claims(), pairs[0]!.privateKey, 'EdDSA'),
      CLIENT,
      [pairs[0]!.jwk],
      NOW_MS,
    );

    // Assert
    expect(results).toHaveLength(300);
    expect(again.exp).toBe(NOW + 60);
  });
});

describe('peekAssertionSubject', () => {
  it.each([
    ['a valid assertion', () => signAssertion(es256, claims()), CLIENT],
    ['no sub', () => signAssertion(es256, claims({ sub: undefined })), undefined],
    ['an empty sub', () => signAssertion(es256, claims({ sub: '' })), undefined],
    ['a numeric sub', () => signAssertion(es256, claims({ sub: 7 })), undefined],
    ['not a JWS', () => 'garbage', undefined],
    [
      'a payload that is not an object',
      () => `e30.${Buffer.from('"x"').toString('base64url')}.AA`,
      undefined,
    ],
  ])('%s', (_name, make, expected) => {
    // Act / Assert
    expect(peekAssertionSubject(make())).toBe(expected);
  });
});

describe('peekAssertionSubject then verify: the split and decoded payload are reused, never trusted', () => {
  it('verifies the assertion just peeked, and another one peeked in between', () => {
    // Arrange
    const a = signAssertion(es256, claims({ jti: 'peek-a' }));
    const b = signAssertion(es256, claims({ jti: 'peek-b' }));

    // Act
    peekAssertionSubject(a);
    const first = verify(a);
    peekAssertionSubject(a);
    peekAssertionSubject(b);
    const second = verify(a);
    const third = verify(b);

    // Assert
    expect([first.jti, second.jti, third.jti]).toEqual(['peek-a', 'peek-a', 'peek-b']);
  });

  it('still checks the signature of the assertion peeked', () => {
    // Arrange: the same header and payload as a valid assertion, another signature.
    const valid = signAssertion(es256, claims());
    const [h, p] = valid.split('.') as [string, string];
    const forged = `${h}.${p}.${signAssertion(es256, claims({ jti: 'other' })).split('.')[2]}`;

    // Act
    const subject = peekAssertionSubject(forged);
    const reason = reasonOf(() => verify(forged));

    // Assert
    expect(subject).toBe(CLIENT);
    expect(reason).toBe('assertion_signature');
    expect(verify(valid).jti).toBeDefined();
  });

  it('refuses a peeked assertion whose payload is not an object after its signature', () => {
    // Arrange
    const assertion = signJws(
      { alg: 'ES256', kid: es256.jwk.kid },
      '["not", "an", "object"]',
      es256.privateKey,
      'ES256',
    );

    // Act
    const subject = peekAssertionSubject(assertion);
    const reason = reasonOf(() => verify(assertion));

    // Assert
    expect(subject).toBeUndefined();
    expect(reason).toBe('assertion_malformed');
  });
});

describe('createAssertionVerifier: equal work on every refusal', () => {
  const rsa4096 = clientKeyPair('RS256', undefined, 4096);

  it.each<[string, () => unknown, AssertionFailureReason]>([
    [
      'an unknown kid',
      () => verify(signAssertion(es256, claims(), { kid: 'no-such-kid' })),
      'assertion_kid',
    ],
    [
      'a kid whose key has another alg',
      () => verify(signAssertion(PAIRS.ES384, claims(), { kid: es256.jwk.kid })),
      'assertion_alg',
    ],
    [
      'no kid and no key of the header alg',
      () => verify(signAssertion(PAIRS.ES384, claims(), { kid: undefined })),
      'assertion_kid',
    ],
    [
      'a wrong signature',
      () => verify(signAssertion(PAIRS.ES256, claims()).slice(0, -4) + 'AAAA'),
      'assertion_signature',
    ],
    [
      'a signature of the wrong length for the registered key',
      () => verify(`${signAssertion(PAIRS.ES256, claims())}AAAA`),
      'assertion_signature',
    ],
    [
      'no usable client',
      () => verifier.verifyWithoutKey(signAssertion(es256, claims())),
      'assertion_signature',
    ],
    [
      'no usable client, with a signature as long as a 4096-bit key’s',
      () => verifier.verifyWithoutKey(signAssertion(rsa4096, claims())),
      'assertion_signature',
    ],
  ])('%s costs exactly one signature verification', (_name, attempt, reason) => {
    // Arrange
    const spy = jest.spyOn(crypto, 'verify');

    // Act
    const got = reasonOf(attempt);

    // Assert
    expect(got).toBe(reason);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});

describe('assertionJtiKey', () => {
  it('keeps two clients with one jti, and ids that would concatenate alike, apart', () => {
    // Act / Assert
    expect(assertionJtiKey('a', 'x')).not.toBe(assertionJtiKey('b', 'x'));
    expect(assertionJtiKey('a', 'b#c')).not.toBe(assertionJtiKey('a#b', 'c'));
    expect(assertionJtiKey('a', 'x')).toBe(assertionJtiKey('a', 'x'));
  });

  it('stays 47 bytes for the longest client id and jti, under DynamoDB’s 2048-byte key limit', () => {
    // Act
    const key = assertionJtiKey('c'.repeat(2048), 'j'.repeat(256));

    // Assert
    expect(key).toMatch(/^jti#[A-Za-z0-9_-]{43}$/);
  });
});
