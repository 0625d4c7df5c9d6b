// The verified-token cache (issue 25, item 7): a repeated token skips the signature check; any other spelling of it, an expired or not-yet-valid use, another key set, a full cache and a flood of tokens are handled as without it.
import crypto from 'node:crypto';
import {
  createCachedJwtVerifier,
  VERIFIED_TOKEN_ENTRY_MAX_BYTES,
  type CachedJwtVerifier,
} from '../../../../functions/authorizer/core/verified-token-cache';
import { loadTrustedKeys } from '../../../../functions/authorizer/core/trusted-keys';
import {
  JwtError,
  JwtExpiredError,
  JwtMalformedError,
  JwtNotYetValidError,
  JwtSignatureError,
  JwtUnknownKidError,
} from '../../../../functions/shared/jwt-errors';
import {
  AUDIENCE,
  ISSUER,
  makeKeys,
  NOW,
  NOW_MS,
  SKEW,
  validClaims,
  validToken,
} from '../../../support/jwt-fixtures';

const keys = makeKeys();
const { es, rs } = keys;

/** Counts every signature verification made through node:crypto. */
const cryptoVerify = jest.spyOn(crypto, 'verify');

function verifier(maxEntries = 8, trusted = keys.trusted): CachedJwtVerifier {
  return createCachedJwtVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: SKEW,
    keys: trusted,
    maxEntries,
  });
}

/** The error a call throws, or undefined when it returns. */
function rejection(verify: CachedJwtVerifier, token: string, nowMs = NOW_MS): unknown {
  try {
    verify(token, nowMs);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Signature verifications made by one call. */
function verificationsOf(call: () => unknown): number {
  const before = cryptoVerify.mock.calls.length;
  try {
    call();
  } catch {
    // A refusal still counts its verifications.
  }
  return cryptoVerify.mock.calls.length - before;
}

const token = (claims: Record<string, unknown> = {}, key = es): string =>
  validToken(key, validClaims(claims));

describe('createCachedJwtVerifier: hits', () => {
  it.each([
    ['ES256', es],
    ['RS256', rs],
  ])('verifies a %s token once, then answers its repeats from the cache', (_alg, key) => {
    // Arrange
    const verify = verifier();
    const t = token({}, key);

    // Act
    const first = verificationsOf(() => verify(t, NOW_MS));
    const again = verificationsOf(() => verify(t, NOW_MS + 1000));
    const claims = verify(t, NOW_MS);

    // Assert
    expect([first, again]).toEqual([1, 0]);
    expect(claims).toEqual({
      sub: 'client-1',
      client_id: 'client-1',
      scope: 'orders:read',
      jti: 'jti-1',
      iat: NOW - 10,
      exp: NOW + 3600,
      nbf: NOW - 10,
      cnf: undefined,
    });
    expect(Object.isFrozen(claims)).toBe(true);
  });

  it('verifies every time when the cache is off, with the same claims', () => {
    // Arrange
    const on = verifier();
    const off = verifier(0);
    const t = token({ cnf: { jkt: 'thumb' } });

    // Act
    const counts = [1, 2, 3].map(() => verificationsOf(() => off(t, NOW_MS)));

    // Assert
    expect(counts).toEqual([1, 1, 1]);
    expect(off(t, NOW_MS)).toEqual(on(t, NOW_MS));
  });

  it('keeps only the claims a decision reads', () => {
    // Arrange
    const verify = verifier();
    const t = token({ aud: ['other', AUDIENCE], extra: { big: [1, 2, 3] } });
    const withoutNbf = validToken(es, { ...validClaims(), nbf: undefined });

    // Act
    const claims = verify(t, NOW_MS);

    // Assert
    expect(Object.keys(claims).sort()).toEqual(
      ['client_id', 'cnf', 'exp', 'iat', 'jti', 'nbf', 'scope', 'sub'].sort(),
    );
    expect(verify(withoutNbf, NOW_MS).nbf).toBeUndefined();
  });

  it.each([
    [{ jkt: 'thumb' }, { jkt: 'thumb' }],
    [{ jkt: '' }, { jkt: undefined }],
    [{ jkt: 7 }, { jkt: undefined }],
    [{ x5t: 'other' }, { jkt: undefined }],
    [null, { jkt: undefined }],
    ['jkt', { jkt: undefined }],
  ])('keeps cnf %j as %j: present, bound only to a non-empty jkt', (cnf, kept) => {
    // Arrange
    const verify = verifier();

    const t = token({ cnf });

    // Act
    const first = verify(t, NOW_MS);
    const cached = verify(t, NOW_MS);

    // Assert
    expect(first.cnf).toEqual(kept);
    expect(cached).toBe(first);
  });

  it('refuses a size that is not a whole number of 0 or more', () => {
    // Act / Assert
    for (const size of [-1, 1.5, Number.NaN, Infinity]) {
      expect(() => verifier(size)).toThrow(RangeError);
    }
  });
});

describe('createCachedJwtVerifier: another spelling never hits', () => {
  /** Spellings of a cached token that differ from it by a character or an encoding. */
  function variants(
    t: string,
  ): Array<[string, string, abstract new (...args: never[]) => JwtError]> {
    const [header, payload, signature] = t.split('.') as [string, string, string];
    const flip = (s: string, i: number): string =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const reencoded = Buffer.from(
      JSON.stringify(JSON.parse(Buffer.from(header, 'base64url').toString()), null, 1),
    ).toString('base64url');
    return [
      ['a signature character changed', `${header}.${payload}.${flip(signature, 10)}`, JwtError],
      ['the signature cut short', `${header}.${payload}.${signature.slice(0, -1)}`, JwtError],
      ['the header re-encoded (same JSON)', `${reencoded}.${payload}.${signature}`, JwtError],
      ['a payload character changed', `${header}.${flip(payload, 5)}.${signature}`, JwtError],
      ['trailing whitespace', `${t} `, JwtError],
      ['a trailing newline', `${t}\n`, JwtError],
      ['leading whitespace', ` ${t}`, JwtError],
      ['base64 padding on the signature', `${t}=`, JwtSignatureError],
      ['base64 padding on the header', `${header}=.${payload}.${signature}`, JwtMalformedError],
      ['a character outside base64url', `${header}.${payload}.+${signature.slice(1)}`, JwtError],
      ['a fourth segment', `${t}.`, JwtMalformedError],
      ['upper-cased', t.toUpperCase(), JwtError],
    ];
  }

  it.each([
    ['ES256', es],
    ['RS256', rs],
  ])('%s: each spelling is verified from scratch and refused', (_alg, key) => {
    // Arrange
    const verify = verifier();
    const t = token({ jti: 'cached' }, key);
    verify(t, NOW_MS);

    for (const [name, other, errorClass] of variants(t)) {
      // Act
      const error = rejection(verify, other);

      // Assert
      expect({ name, refused: error instanceof errorClass }).toEqual({ name, refused: true });
    }
    // The cached token itself is still answered without a verification.
    expect(verificationsOf(() => verify(t, NOW_MS))).toBe(0);
  });

  it('never answers a token with the claims of another one', () => {
    // Arrange
    const verify = verifier();
    const a = token({ jti: 'a', sub: 'client-a', client_id: 'client-a' });
    const b = token({ jti: 'b', sub: 'client-b', client_id: 'client-b' });

    // Act
    verify(a, NOW_MS);
    const claimsB = verify(b, NOW_MS);

    // Assert
    expect([verify(a, NOW_MS).jti, claimsB.jti, verify(b, NOW_MS).client_id]).toEqual([
      'a',
      'b',
      'client-b',
    ]);
  });

  it('caches no refusal: a bad token is verified again each time', () => {
    // Arrange
    const verify = verifier();
    const t = token();
    // A character in the middle of the signature: still canonical, so crypto.verify runs.
    const at = t.length - 40;
    const bad = `${t.slice(0, at)}${t[at] === 'A' ? 'B' : 'A'}${t.slice(at + 1)}`;

    // Act
    const counts = [1, 2].map(() => verificationsOf(() => verify(bad, NOW_MS)));

    // Assert
    expect(counts).toEqual([1, 1]);
    expect(rejection(verify, bad)).toBeInstanceOf(JwtSignatureError);
  });
});

describe('createCachedJwtVerifier: time is checked on every use', () => {
  it('refuses a cached token once expired, at the same skew, and forgets it', () => {
    // Arrange
    const verify = verifier();
    const t = token({ exp: NOW + 100 });
    verify(t, NOW_MS);
    const lastValidMs = (NOW + 100 + SKEW - 1) * 1000;

    // Act
    const stillValid = verificationsOf(() => verify(t, lastValidMs));
    const expired = rejection(verify, t, lastValidMs + 1000);
    // Back in time (a clock step): no entry is left, so it is verified again.
    const afterExpiry = verificationsOf(() => verify(t, NOW_MS));

    // Assert
    expect(stillValid).toBe(0);
    expect(expired).toBeInstanceOf(JwtExpiredError);
    expect(afterExpiry).toBe(1);
  });

  it('refuses a cached token before its nbf, at the same skew', () => {
    // Arrange
    const verify = verifier();
    const t = token({ nbf: NOW });
    verify(t, NOW_MS);

    // Act
    const edge = rejection(verify, t, (NOW - SKEW) * 1000);
    const early = rejection(verify, t, (NOW - SKEW - 1) * 1000);

    // Assert
    expect(edge).toBeUndefined();
    expect(early).toBeInstanceOf(JwtNotYetValidError);
  });

  it('sweeps expired entries at most once a minute, when a new token comes in', () => {
    // Arrange
    const verify = verifier();
    const shortLived = token({ jti: 'short', exp: NOW + 10 });
    const longLived = token({ jti: 'long' });
    verify(shortLived, NOW_MS);
    verify(longLived, NOW_MS);
    const later = (NOW + 61 + SKEW) * 1000;

    // Act: a new token past the short one's exp and past the sweep interval.
    verify(token({ jti: 'new' }), later);
    const shortAgain = verificationsOf(() => verify(shortLived, NOW_MS));
    const longAgain = verificationsOf(() => verify(longLived, NOW_MS));

    // Assert: the expired entry is gone (verified again), the live one stays.
    expect([shortAgain, longAgain]).toEqual([1, 0]);
  });

  it('does not sweep again within the minute', () => {
    // Arrange
    const verify = verifier();
    verify(token({ jti: 'first' }), NOW_MS);
    const shortLived = token({ jti: 'short', exp: NOW + 1 });
    verify(shortLived, NOW_MS);

    // Act: the next insertion comes 59 s after the first one's sweep.
    verify(token({ jti: 'second' }), (NOW + 59) * 1000);
    const shortAgain = verificationsOf(() => verify(shortLived, NOW_MS));

    // Assert: still cached (and still refused past its exp on any use).
    expect(shortAgain).toBe(0);
    expect(rejection(verify, shortLived, (NOW + 59) * 1000)).toBeInstanceOf(JwtExpiredError);
  });
});

describe('createCachedJwtVerifier: bounds', () => {
  it('drops the least recently used entry when full', () => {
    // Arrange
    const verify = verifier(3);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((jti) => token({ jti })) as [
      string,
      string,
      string,
      string,
    ];
    [a, b, c].forEach((t) => verify(t, NOW_MS));
    verify(a, NOW_MS); // a is now the most recently used; b the least.

    // Act
    verify(d, NOW_MS);

    // Assert
    expect(verificationsOf(() => verify(a, NOW_MS))).toBe(0);
    expect(verificationsOf(() => verify(b, NOW_MS))).toBe(1);
  });

  it('keeps at most maxEntries under a flood of distinct valid tokens, each with its own claims', () => {
    // Arrange
    const size = 16;
    const verify = verifier(size);
    const hot = token({ jti: 'hot' });
    const flood = Array.from({ length: 200 }, (_, i) => token({ jti: `flood-${i}` }));

    // Act: the hot token is used between flood tokens, so it stays.
    for (const [i, t] of flood.entries()) {
      expect(verify(t, NOW_MS).jti).toBe(`flood-${i}`);
      expect(verify(hot, NOW_MS).jti).toBe('hot');
    }
    const hotHit = verificationsOf(() => verify(hot, NOW_MS)) === 0;
    // Which flood tokens are still cached: present each once more, newest first, and count the
    // hits (a miss evicts an entry already counted, never one still to come).
    const hits = [...flood].reverse().filter((t) => verificationsOf(() => verify(t, NOW_MS)) === 0);

    // Assert
    expect(hotHit).toBe(true);
    expect(hits.length).toBe(size - 1);
  });

  it('states a worst case per entry from the token size limit', () => {
    // Assert: 16 + 8,192 + 2 × 6,144 + 80 + 512.
    expect(VERIFIED_TOKEN_ENTRY_MAX_BYTES).toBe(21_088);
  });
});

describe('createCachedJwtVerifier: trust', () => {
  it('belongs to its key set: a verifier without the key refuses a token another one cached', () => {
    // Arrange
    const verify = verifier();
    const t = token({}, rs);
    verify(t, NOW_MS);
    const withoutRs = verifier(8, loadTrustedKeys([es.pem]));

    // Act
    const error = rejection(withoutRs, t);

    // Assert
    expect(error).toBeInstanceOf(JwtUnknownKidError);
  });

  it('refuses a token signed by an untrusted key even with a trusted kid, cached or not', () => {
    // Arrange
    const verify = verifier();
    const good = token();
    verify(good, NOW_MS);
    const [header, payload] = good.split('.') as [string, string];
    const forged = `${header}.${payload}.${crypto
      .sign('sha256', Buffer.from(`${header}.${payload}`), {
        key: keys.untrustedEs.privateKey,
        dsaEncoding: 'ieee-p1363',
      })
      .toString('base64url')}`;

    // Act / Assert
    expect(rejection(verify, forged)).toBeInstanceOf(JwtSignatureError);
  });
});
