// The memo of imported DPoP proof keys (issue 25, item 7): a known key is not imported again, while every proof is still checked in full; with or without the memo, the verifier gives the same answer for any sequence of proofs.
import crypto, { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import {
  createDpopProofVerifier,
  DpopProofError,
  type DpopProofVerifier,
} from '../../../functions/shared/dpop-proof';
import {
  createProofKeyMemo,
  type ImportedProofKey,
} from '../../../functions/shared/dpop-proof-keys';

const NOW_MS = 1_767_225_600_000;
const NOW = NOW_MS / 1000;
const TARGET = 'https://api.example.com/prod/orders/7';
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec2 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const createPublicKey = jest.spyOn(crypto, 'createPublicKey');

type Alg = 'ES256' | 'RS256' | 'PS256';
const publicJwk = (key: KeyObject): Record<string, unknown> =>
  key.export({ format: 'jwk' }) as Record<string, unknown>;
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A proof signed with node:crypto; `jwk` overrides the header's key, `tamper` breaks the signature. */
function proof(
  alg: Alg,
  pair: { privateKey: KeyObject; publicKey: KeyObject },
  options: { jwk?: Record<string, unknown>; tamper?: boolean; jti?: string } = {},
): string {
  const input = `${b64({ typ: 'dpop+jwt', alg, jwk: options.jwk ?? publicJwk(pair.publicKey) })}.${b64(
    { jti: options.jti ?? 'p-1', htm: 'GET', htu: TARGET, iat: NOW },
  )}`;
  const key =
    alg === 'ES256'
      ? { key: pair.privateKey, dsaEncoding: 'ieee-p1363' as const }
      : alg === 'PS256'
        ? { key: pair.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
        : pair.privateKey;
  const signature = crypto.sign('sha256', Buffer.from(input), key);
  if (options.tamper === true) signature[10] = (signature[10] ?? 0) ^ 1;
  return `${input}.${signature.toString('base64url')}`;
}

/** The verifier's answer: the thumbprint, or the refused check. */
function answer(verify: DpopProofVerifier, header: string): string {
  try {
    return `accepted ${verify(header, { method: 'GET' }, NOW_MS).jkt}`;
  } catch (error) {
    if (error instanceof DpopProofError) return error.reason;
    throw error;
  }
}

/** Key imports made by one call. */
function importsOf(call: () => unknown): number {
  const before = createPublicKey.mock.calls.length;
  call();
  return createPublicKey.mock.calls.length - before;
}

const withMemo = (size = 8): DpopProofVerifier =>
  createDpopProofVerifier({ targetUri: TARGET, keyMemo: createProofKeyMemo(size) });
const withoutMemo = createDpopProofVerifier({ targetUri: TARGET });

describe('createProofKeyMemo', () => {
  const imported = (jkt: string): ImportedProofKey => ({ jkt }) as unknown as ImportedProofKey;

  it('keeps the most recently used entries up to its size', () => {
    // Arrange
    const memo = createProofKeyMemo(2);
    memo.set('a', imported('A'));
    memo.set('b', imported('B'));
    memo.get('a'); // b is now the least recently used

    // Act
    memo.set('c', imported('C'));

    // Assert
    expect([memo.get('a')?.jkt, memo.get('b'), memo.get('c')?.jkt]).toEqual(['A', undefined, 'C']);
  });

  it('keeps nothing with size 0', () => {
    // Arrange
    const memo = createProofKeyMemo(0);

    // Act
    memo.set('a', imported('A'));

    // Assert
    expect(memo.get('a')).toBeUndefined();
  });

  it('defaults to 256 entries', () => {
    // Arrange
    const memo = createProofKeyMemo();

    // Act
    for (let i = 0; i <= 256; i++) memo.set(String(i), imported(String(i)));

    // Assert
    expect([memo.get('0'), memo.get('1')?.jkt, memo.get('256')?.jkt]).toEqual([
      undefined,
      '1',
      '256',
    ]);
  });
});

describe('createDpopProofVerifier with a key memo', () => {
  it.each<[Alg, typeof ec]>([
    ['ES256', ec],
    ['RS256', rsa],
    ['PS256', rsa],
  ])('imports a %s key once, and still verifies every proof signature', (alg, pair) => {
    // Arrange
    const verify = withMemo();

    // Act
    const first = importsOf(() => answer(verify, proof(alg, pair, { jti: 'a' })));
    const second = importsOf(() => answer(verify, proof(alg, pair, { jti: 'b' })));
    const tampered = answer(verify, proof(alg, pair, { jti: 'c', tamper: true }));

    // Assert
    expect([first, second]).toEqual([1, 0]);
    expect(tampered).toBe('signature');
    expect(answer(verify, proof(alg, pair))).toBe(answer(withoutMemo, proof(alg, pair)));
  });

  it('refuses a known public key sent with a private member', () => {
    // Arrange
    const verify = withMemo();
    answer(verify, proof('ES256', ec));
    const jwk = ec.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;

    // Act / Assert
    expect(answer(verify, proof('ES256', ec, { jwk }))).toBe('jwk');
  });

  it('keeps an RSA key apart per alg: PS256 and RS256 each verify their own signatures', () => {
    // Arrange
    const verify = withMemo();
    answer(verify, proof('RS256', rsa));

    // Act
    const ps = answer(verify, proof('PS256', rsa));
    // A PKCS#1 v1.5 signature under a PS256 header must not pass with the memoised RS256 key.
    const rsUnderPs = proof('RS256', rsa).split('.');
    const psHeader = proof('PS256', rsa).split('.')[0];
    const mixed = answer(verify, `${psHeader}.${rsUnderPs[1]}.${rsUnderPs[2]}`);

    // Assert
    expect(ps).toMatch(/^accepted /);
    expect(mixed).toBe('signature');
  });

  it('never memoises a refused import: a non-canonical key is imported and refused each time', () => {
    // Arrange
    const verify = withMemo();
    // e = 65537 with a leading zero byte: node:crypto imports it, but it is not the canonical encoding.
    const jwk = { ...publicJwk(rsa.publicKey), e: 'AAEAAQ' };

    // Act
    const counts = [1, 2].map(() => importsOf(() => answer(verify, proof('RS256', rsa, { jwk }))));

    // Assert
    expect(counts).toEqual([1, 1]);
    expect(answer(verify, proof('RS256', rsa, { jwk }))).toBe('jwk');
  });

  it('gives the same answers as without the memo on any sequence of proofs (property)', () => {
    // Arrange: valid proofs by three keys and algs, and each kind of bad key or signature.
    const corpus = [
      proof('ES256', ec),
      proof('ES256', ec2),
      proof('RS256', rsa),
      proof('PS256', rsa),
      proof('ES256', ec, { tamper: true }),
      proof('RS256', rsa, { tamper: true }),
      proof('ES256', ec, { jwk: ec.privateKey.export({ format: 'jwk' }) as never }),
      proof('ES256', ec, { jwk: publicJwk(ec2.publicKey) }),
      proof('ES256', ec, { jwk: publicJwk(rsa.publicKey) }),
      proof('RS256', rsa, { jwk: { ...publicJwk(rsa.publicKey), e: 'AAEAAQ' } }),
      proof('RS256', rsa, { jwk: { ...publicJwk(rsa.publicKey), extra: 'x' } }),
      proof('ES256', ec, { jwk: { ...publicJwk(ec.publicKey), crv: 'P-384' } }),
    ];

    // Act / Assert
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 256),
        fc.array(fc.nat(corpus.length - 1), { minLength: 1, maxLength: 20 }),
        (size, picks) => {
          const verify = withMemo(size);
          for (const pick of picks) {
            const header = corpus[pick] as string;
            expect(answer(verify, header)).toBe(answer(withoutMemo, header));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
