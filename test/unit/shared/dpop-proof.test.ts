// Unit tests of the DPoP proof verifier (RFC 9449 §4.3): valid proofs made by jose, then a negative corpus that breaks each check once.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import {
  accessTokenHash,
  createDpopProofVerifier,
  DPOP_ALGORITHMS,
  DpopProofError,
  MAX_DPOP_JTI_LENGTH,
  MAX_DPOP_PROOF_LENGTH,
  normalizeHtu,
  type DpopProofReason,
} from '../../../functions/shared/dpop-proof';
import { MULTIPLE_VALUES } from '../../../functions/shared/request-header';

const NOW_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z, frozen: the verifier takes the time as input.
const NOW = NOW_MS / 1000;
const TARGET = 'https://auth.example.com/prod/oauth2/token';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEYS: Record<'ES256' | 'RS256' | 'PS256', { privateKey: KeyObject; publicKey: KeyObject }> = {
  ES256: ec,
  RS256: rsa,
  PS256: rsa,
};

const publicJwk = (key: KeyObject): JWK => key.export({ format: 'jwk' }) as JWK;

interface ProofSpec {
  alg?: string;
  typ?: string;
  jwk?: unknown;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  signWith?: KeyObject;
}

/** A proof signed by jose, the oracle: valid unless the spec changes something. */
async function proof(spec: ProofSpec = {}): Promise<string> {
  const alg = (spec.alg ?? 'ES256') as 'ES256' | 'RS256' | 'PS256';
  const pair = KEYS[alg] ?? ec;
  const claims: Record<string, unknown> = {
    jti: 'proof-1',
    htm: 'POST',
    htu: TARGET,
    iat: NOW,
    ...spec.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({
      alg,
      typ: spec.typ ?? 'dpop+jwt',
      jwk: (spec.jwk === undefined ? publicJwk(pair.publicKey) : spec.jwk) as JWK,
      ...spec.header,
    })
    .sign(spec.signWith ?? pair.privateKey);
}

/** A compact JWS with any header, payload and signature, for what jose refuses to make. */
function raw(header: object, payload: object, signature = 'c2ln'): string {
  const enc = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

const verify = createDpopProofVerifier({ targetUri: TARGET });

function reasonOf(fn: () => unknown): DpopProofReason | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof DpopProofError) return err.reason;
    throw err;
  }
}

describe('createDpopProofVerifier: valid proofs', () => {
  // Every algorithm of the one list (dpop-algorithms.json, also the 401 challenge's algs).
  it.each([...DPOP_ALGORITHMS])(
    'accepts a %s proof and returns the RFC 7638 thumbprint of its jwk',
    async (alg) => {
      // Arrange
      const header = await proof({ alg });

      // Act
      const result = verify(header, { method: 'POST' }, NOW_MS);

      // Assert
      const pair = KEYS[alg as 'ES256'];
      expect(result).toEqual({
        jkt: await calculateJwkThumbprint(publicJwk(pair.publicKey)),
        jti: 'proof-1',
        iat: NOW,
        alg,
      });
    },
  );

  it('checks ath when the request presents an access token', async () => {
    // Arrange
    const token = 'eyJhbGciOiJFUzI1NiJ9.e30.sig';
    const header = await proof({ claims: { ath: accessTokenHash(token) } });

    // Act / Assert
    expect(verify(header, { method: 'POST', accessToken: token }, NOW_MS).jti).toBe('proof-1');
  });

  it('takes a configured iat window', async () => {
    // Arrange
    const strict = createDpopProofVerifier({
      targetUri: TARGET,
      iatWindow: { pastSeconds: 10, futureSeconds: 0 },
    });

    const fresh = await proof({ claims: { iat: NOW - 10 } });

    // Act / Assert
    expect(reasonOf(() => strict(fresh, { method: 'POST' }, NOW_MS))).toBe('accepted');
    const old = await proof({ claims: { iat: NOW - 11 } });
    expect(reasonOf(() => strict(old, { method: 'POST' }, NOW_MS))).toBe('iat');
    const ahead = await proof({ claims: { iat: NOW + 1 } });
    expect(reasonOf(() => strict(ahead, { method: 'POST' }, NOW_MS))).toBe('iat');
  });

  it('refuses a target URI that is not an http(s) URI', () => {
    // Act / Assert
    expect(() => createDpopProofVerifier({ targetUri: 'urn:example:token' })).toThrow(
      'not an http(s) URI',
    );
  });
});

/** The negative corpus: each case breaks one §4.3 check and must fail with its reason. */
const CORPUS: [
  string,
  () => Promise<string | undefined | typeof MULTIPLE_VALUES>,
  string,
  DpopProofReason,
][] = [
  ['missing header', async () => undefined, 'POST', 'missing'],
  ['empty header', async () => '', 'POST', 'missing'],
  ['two DPoP headers', async () => MULTIPLE_VALUES, 'POST', 'multiple'],
  ['not a JWS', async () => 'not-a-jwt', 'POST', 'malformed'],
  ['a JWS with padding', async () => (await proof()) + '=', 'POST', 'malformed'],
  ['too long', async () => 'a'.repeat(MAX_DPOP_PROOF_LENGTH + 1), 'POST', 'malformed'],
  ['header not JSON', async () => `bm90LWpzb24.e30.c2ln`, 'POST', 'malformed'],
  ['payload an array', async () => raw({ typ: 'dpop+jwt' }, []), 'POST', 'malformed'],
  [
    'payload not UTF-8',
    async () => `${Buffer.from('{}').toString('base64url')}.__8.c2ln`,
    'POST',
    'malformed',
  ],
  ['wrong typ (JWT)', () => proof({ typ: 'JWT' }), 'POST', 'typ'],
  ['typ with application/ prefix', () => proof({ typ: 'application/dpop+jwt' }), 'POST', 'typ'],
  [
    'alg none',
    async () => raw({ typ: 'dpop+jwt', alg: 'none', jwk: publicJwk(ec.publicKey) }, {}),
    'POST',
    'alg',
  ],
  [
    'alg HS256',
    async () => raw({ typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } }, {}),
    'POST',
    'alg',
  ],
  [
    'alg unknown (ES999)',
    async () => raw({ typ: 'dpop+jwt', alg: 'ES999', jwk: publicJwk(ec.publicKey) }, {}),
    'POST',
    'alg',
  ],
  [
    'alg missing',
    async () => raw({ typ: 'dpop+jwt', jwk: publicJwk(ec.publicKey) }, {}),
    'POST',
    'alg',
  ],
  [
    'crit present',
    async () =>
      raw(
        { typ: 'dpop+jwt', alg: 'ES256', crit: ['exp'], exp: 1, jwk: publicJwk(ec.publicKey) },
        {},
      ),
    'POST',
    'malformed',
  ],
  ['jwk missing', async () => raw({ typ: 'dpop+jwt', alg: 'ES256' }, {}), 'POST', 'jwk'],
  [
    'jwk with private member d',
    () => proof({ jwk: ec.privateKey.export({ format: 'jwk' }) }),
    'POST',
    'jwk',
  ],
  ...(['p', 'q', 'dp', 'dq', 'qi'] as const).map((member): (typeof CORPUS)[number] => [
    `jwk with private member ${member}`,
    () => proof({ alg: 'RS256', jwk: { ...publicJwk(rsa.publicKey), [member]: 'AQAB' } }),
    'POST',
    'jwk',
  ]),
  [
    'jwk symmetric (k)',
    () => proof({ jwk: { ...publicJwk(ec.publicKey), k: 'c2VjcmV0' } }),
    'POST',
    'jwk',
  ],
  [
    'jwk OKP (not allowed)',
    () => proof({ jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } }),
    'POST',
    'jwk',
  ],
  [
    'jwk EC missing y',
    () => proof({ jwk: { kty: 'EC', crv: 'P-256', x: publicJwk(ec.publicKey).x } }),
    'POST',
    'jwk',
  ],
  ['jwk RSA key for ES256', () => proof({ jwk: publicJwk(rsa.publicKey) }), 'POST', 'jwk'],
  [
    'jwk EC key for RS256',
    () => proof({ alg: 'RS256', jwk: publicJwk(ec.publicKey) }),
    'POST',
    'jwk',
  ],
  [
    'jwk not a point on the curve',
    () => proof({ jwk: { ...publicJwk(ec.publicKey), y: publicJwk(other.publicKey).y } }),
    'POST',
    'jwk',
  ],
  [
    'jwk RSA n with a leading zero byte',
    () =>
      proof({
        alg: 'RS256',
        jwk: {
          kty: 'RSA',
          e: 'AQAB',
          n: Buffer.concat([
            Buffer.alloc(1),
            Buffer.from(publicJwk(rsa.publicKey).n as string, 'base64url'),
          ]).toString('base64url'),
        },
      }),
    'POST',
    'jwk',
  ],
  [
    'jwk not the signing key',
    () => proof({ jwk: publicJwk(other.publicKey) }),
    'POST',
    'signature',
  ],
  [
    'bad signature',
    async () => {
      const [h, p] = (await proof()).split('.');
      return `${h}.${p}.${Buffer.alloc(64, 7).toString('base64url')}`;
    },
    'POST',
    'signature',
  ],
  [
    'payload changed after signing',
    async () => {
      const [h, , s] = (await proof()).split('.');
      const p = Buffer.from(
        JSON.stringify({ jti: 'x', htm: 'POST', htu: TARGET, iat: NOW }),
      ).toString('base64url');
      return `${h}.${p}.${s}`;
    },
    'POST',
    'signature',
  ],
  ['jti missing', () => proof({ claims: { jti: undefined } }), 'POST', 'jti'],
  ['jti empty', () => proof({ claims: { jti: '' } }), 'POST', 'jti'],
  ['jti a number', () => proof({ claims: { jti: 7 } }), 'POST', 'jti'],
  [
    'jti too long',
    () => proof({ claims: { jti: 'j'.repeat(MAX_DPOP_JTI_LENGTH + 1) } }),
    'POST',
    'jti',
  ],
  ['htm of another method', () => proof({ claims: { htm: 'GET' } }), 'POST', 'htm'],
  ['htm in lower case', () => proof({ claims: { htm: 'post' } }), 'POST', 'htm'],
  ['htm missing', () => proof({ claims: { htm: undefined } }), 'POST', 'htm'],
  ['htu missing', () => proof({ claims: { htu: undefined } }), 'POST', 'htu'],
  [
    'htu another path',
    () => proof({ claims: { htu: 'https://auth.example.com/prod/oauth2/revoke' } }),
    'POST',
    'htu',
  ],
  [
    'htu another host',
    () => proof({ claims: { htu: 'https://evil.example.com/prod/oauth2/token' } }),
    'POST',
    'htu',
  ],
  [
    'htu http instead of https',
    () => proof({ claims: { htu: 'http://auth.example.com/prod/oauth2/token' } }),
    'POST',
    'htu',
  ],
  [
    'htu another port',
    () => proof({ claims: { htu: 'https://auth.example.com:8443/prod/oauth2/token' } }),
    'POST',
    'htu',
  ],
  ['htu with a query', () => proof({ claims: { htu: `${TARGET}?a=1` } }), 'POST', 'htu'],
  ['htu with an empty query', () => proof({ claims: { htu: `${TARGET}?` } }), 'POST', 'htu'],
  ['htu with a fragment', () => proof({ claims: { htu: `${TARGET}#f` } }), 'POST', 'htu'],
  ['htu with a trailing slash', () => proof({ claims: { htu: `${TARGET}/` } }), 'POST', 'htu'],
  [
    'htu path in another case',
    () => proof({ claims: { htu: 'https://auth.example.com/PROD/oauth2/token' } }),
    'POST',
    'htu',
  ],
  [
    'htu with userinfo',
    () => proof({ claims: { htu: 'https://u:p@auth.example.com/prod/oauth2/token' } }),
    'POST',
    'htu',
  ],
  [
    'htu with an encoded slash',
    () => proof({ claims: { htu: 'https://auth.example.com/prod%2Foauth2/token' } }),
    'POST',
    'htu',
  ],
  ['htu relative', () => proof({ claims: { htu: '/prod/oauth2/token' } }), 'POST', 'htu'],
  ['iat missing', () => proof({ claims: { iat: undefined } }), 'POST', 'iat'],
  ['iat a string', () => proof({ claims: { iat: String(NOW) } }), 'POST', 'iat'],
  ['iat 61 s old', () => proof({ claims: { iat: NOW - 61 } }), 'POST', 'iat'],
  ['iat 6 s in the future', () => proof({ claims: { iat: NOW + 6 } }), 'POST', 'iat'],
];

describe('createDpopProofVerifier: negative corpus (RFC 9449 §4.3, one check broken at a time)', () => {
  it.each(CORPUS.map(([label, make, method, reason]) => [label, reason, make, method] as const))(
    '%s → %s',
    async (_label, reason, make, method) => {
      // Arrange
      const header = await make();

      // Act / Assert
      expect(reasonOf(() => verify(header, { method }, NOW_MS))).toBe(reason);
    },
  );

  it('ath of another token → ath', async () => {
    // Arrange
    const header = await proof({ claims: { ath: accessTokenHash('token-a') } });

    // Act / Assert
    expect(reasonOf(() => verify(header, { method: 'POST', accessToken: 'token-b' }, NOW_MS))).toBe(
      'ath',
    );
  });

  it('ath missing with an access token → ath', async () => {
    // Arrange
    const header = await proof();

    // Act / Assert
    expect(reasonOf(() => verify(header, { method: 'POST', accessToken: 'token-a' }, NOW_MS))).toBe(
      'ath',
    );
  });

  it.each([
    ['iat exactly 60 s old', NOW - 60],
    ['iat exactly 5 s ahead', NOW + 5],
  ])('%s is still accepted (window edges)', async (_label, iat) => {
    // Arrange
    const header = await proof({ claims: { iat } });

    // Act / Assert
    expect(reasonOf(() => verify(header, { method: 'POST' }, NOW_MS))).toBe('accepted');
  });
});

describe('normalizeHtu (RFC 3986 §6.2.2, §6.2.3)', () => {
  it.each([
    ['the same URI', TARGET],
    ['the default port', 'https://auth.example.com:443/prod/oauth2/token'],
    ['scheme and host in upper case', 'HTTPS://AUTH.Example.COM/prod/oauth2/token'],
    ['an unreserved character percent-encoded', 'https://auth.example.com/pr%6Fd/oauth2/token'],
    ['a dot segment', 'https://auth.example.com/prod/./oauth2/token'],
  ])('matches %s', async (_label, htu) => {
    // Arrange
    const header = await proof({ claims: { htu } });

    // Act / Assert
    expect(normalizeHtu(htu)).toBe(normalizeHtu(TARGET));
    expect(reasonOf(() => verify(header, { method: 'POST' }, NOW_MS))).toBe('accepted');
  });

  it('compares percent-encoding hex digits case-insensitively and keeps reserved ones encoded', () => {
    // Act / Assert
    expect(normalizeHtu('https://h.example/a%2fb')).toBe('https://h.example/a%2Fb');
    expect(normalizeHtu('https://h.example/a%2Fb')).toBe('https://h.example/a%2Fb');
    expect(normalizeHtu('https://h.example/a%2Fb')).not.toBe(normalizeHtu('https://h.example/a/b'));
  });

  it('gives an empty path as / and drops the default http port', () => {
    // Act / Assert
    expect(normalizeHtu('http://H.example:80')).toBe('http://h.example/');
  });

  it.each(['ftp://h.example/x', 'not a uri', 'https://h.example/x?', 'https://h.example/x#'])(
    'refuses %s',
    (uri) => {
      // Act / Assert
      expect(normalizeHtu(uri)).toBeUndefined();
    },
  );

  it('property: a URI and its upper-cased host normalise alike; another path never does', () => {
    fc.assert(
      fc.property(
        fc.domain(),
        fc.array(fc.stringMatching(/^[a-z0-9_~-]{1,8}$/), { minLength: 1, maxLength: 4 }),
        (host, segments) => {
          const uri = `https://${host}/${segments.join('/')}`;
          expect(normalizeHtu(`https://${host.toUpperCase()}:443/${segments.join('/')}`)).toBe(
            normalizeHtu(uri),
          );
          expect(normalizeHtu(`${uri}x`)).not.toBe(normalizeHtu(uri));
        },
      ),
    );
  });
});

describe('createDpopProofVerifier: properties', () => {
  it('any changed character of a valid proof is refused with a DpopProofError, never accepted', async () => {
    // Arrange
    const valid = await proof();

    // Act / Assert
    fc.assert(
      fc.property(
        fc.nat({ max: valid.length - 1 }),
        fc.constantFrom(...'ABCabc012-_.='),
        (index, char) => {
          fc.pre(valid[index] !== char);
          const changed = valid.slice(0, index) + char + valid.slice(index + 1);
          const outcome = reasonOf(() => verify(changed, { method: 'POST' }, NOW_MS));
          // A change in the spare bits of the last base64url character can decode to the same
          // bytes only when it is not canonical, which splitProof refuses.
          expect(outcome).not.toBe('accepted');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('iat is accepted exactly within [now - 60, now + 5]', async () => {
    // Arrange: one proof per offset would be slow; a property over precomputed offsets.
    const offsets = [-3600, -61, -60, -1, 0, 1, 5, 6, 3600];
    const proofs = await Promise.all(offsets.map((d) => proof({ claims: { iat: NOW + d } })));

    // Act / Assert
    fc.assert(
      fc.property(fc.nat({ max: offsets.length - 1 }), (i) => {
        const offset = offsets[i] as number;
        const outcome = reasonOf(() => verify(proofs[i], { method: 'POST' }, NOW_MS));
        expect(outcome).toBe(offset >= -60 && offset <= 5 ? 'accepted' : 'iat');
      }),
    );
  });
});
