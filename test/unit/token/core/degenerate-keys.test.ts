// Unit tests of the degenerate-key checks (issue 21): RSA moduli that are prime, a perfect power or have a small factor, Ed25519 points of small order or non-canonical; keys built in the test.
import { checkPrimeSync, generateKeyPairSync, generatePrimeSync } from 'node:crypto';
import {
  ClientKeyError,
  loadClientJwk,
  validateClientKeys,
} from '../../../../functions/token/core/client-keys';
import {
  bitLength,
  degenerateKeyProblem,
  ed25519PointProblem,
  integerRoot,
  rsaModulusProblem,
  SMALL_FACTOR_BOUND,
} from '../../../../functions/token/core/degenerate-keys';
import { clientKeyPair } from '../../../support/client-assertions';
import {
  bigintToB64,
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

const FORGEABLE = 'anyone can compute its private key and forge its signatures';
const SMALL_ORDER =
  "is an Ed25519 key of small order (a point on libsodium's blocklist); anyone can forge its signatures";

/** libsodium's ge25519_has_small_order blocklist, as published (hex, little-endian). */
const BLOCKLIST = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];

/** The same encoding with the sign bit (bit 255) set. */
const withSignBit = (hex: string): string => {
  const bytes = Buffer.from(hex, 'hex');
  bytes[31] = (bytes[31] as number) | 0x80;
  return bytes.toString('hex');
};

const modulusOf = (jwk: { n?: string }): bigint =>
  BigInt(`0x${Buffer.from(jwk.n as string, 'base64url').toString('hex')}`);

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClientKeyError) return err.message;
    throw err;
  }
  throw new Error('expected a ClientKeyError');
};

const rsa = clientKeyPair('RS256');
const ed = clientKeyPair('EdDSA');

describe('the degenerate keys of issue 21 are forgeable, and refused when registered', () => {
  const keys: DegenerateKey[] = [
    primeModulusKey(),
    smallFactorKey(),
    primeSquareKey(),
    smallOrderEd25519Key('ed25519-identity', ED25519_IDENTITY),
    smallOrderEd25519Key('ed25519-zero', ED25519_ZERO),
  ];

  it.each(keys.map((key) => [key.name, key] as const))(
    '%s: a signature forged without a private key verifies with the raw key, and loadClientJwk refuses it',
    (_name, key) => {
      // Arrange: what today's checks let through (a well-formed key in the size range).
      const assertion = forgeAssertion(key, (attempt) => ({ sub: 'c', jti: `j${attempt}` }));

      // Act
      const message = messageOf(() => loadClientJwk(key.jwk));

      // Assert
      expect(verifiesWithRawKey(key, assertion)).toBe(true);
      expect(message).toMatch(key.jwk.kty === 'RSA' ? FORGEABLE : SMALL_ORDER);
    },
  );

  it('names the key by position in a key set', () => {
    // Arrange
    const [prime] = keys as [DegenerateKey];

    // Act / Assert
    expect(messageOf(() => validateClientKeys([rsa.jwk, prime.jwk]))).toBe(
      `key 2 is an RSA key whose modulus is prime; ${FORGEABLE}`,
    );
  });
});

/** The smallest prime at or above an odd or even start. */
function nextPrime(start: bigint): bigint {
  let candidate = start | 1n;
  while (!checkPrimeSync(candidate)) candidate += 2n;
  return candidate;
}

describe('rsaModulusProblem', () => {
  const p = generatePrimeSync(1100, { bigint: true });
  const q = generatePrimeSync(1100, { bigint: true });

  it('passes a real RSA modulus (two large primes)', () => {
    // Act / Assert
    expect(rsaModulusProblem(modulusOf(rsa.jwk))).toBeUndefined();
    expect(rsaModulusProblem(p * q)).toBeUndefined();
  });

  it.each([
    ['an even modulus', () => p * q * 2n, 'has a prime factor below 2^20'],
    ['the largest prime below the bound', () => p * q * 1048573n, 'has a prime factor below 2^20'],
    ['the smallest odd prime', () => p * q * 3n, 'has a prime factor below 2^20'],
    // The bound before the issue 21 review (2^16) let this one through; trial division factors it.
    [
      '65537 times a 2032-bit prime',
      () => 65537n * generatePrimeSync(2032, { bigint: true }),
      'has a prime factor below 2^20',
    ],
    ['a prime', () => p, 'is prime'],
    ['a square', () => p * p, 'is a perfect power (an integer to the power 2)'],
    ['a cube', () => generatePrimeSync(700, { bigint: true }) ** 3n, 'to the power 3'],
    // The smallest root the bound allows (2^20 + 7, a prime) with the largest power it must try.
    ['1048583^199 (3981 bits)', () => 1048583n ** 199n, 'to the power 199'],
    [
      'two primes close together',
      () => p * nextPrime(p + 2n ** 500n),
      'two factors close together',
    ],
  ])('refuses %s', (_name, modulus, problem) => {
    // Act
    const got = rsaModulusProblem(modulus());

    // Assert
    expect(got).toContain(problem);
    expect(got).toContain(FORGEABLE);
  });

  it('is partial validation: a factor just above the bound, or factors far apart, pass', () => {
    // Arrange: 1048583 is the smallest prime above SMALL_FACTOR_BOUND
    expect(SMALL_FACTOR_BOUND).toBe(2 ** 20);
    const far = p * nextPrime(p + 2n ** 700n);

    // Act / Assert: neither prime, nor a perfect power, nor within FERMAT_STEPS steps
    expect(rsaModulusProblem(p * q * 1048583n)).toBeUndefined();
    expect(rsaModulusProblem(far)).toBeUndefined();
  });
});

describe('integerRoot', () => {
  it.each([2, 3, 5, 7, 31, 131, 257])('is the floor of the %i-th root around exact powers', (k) => {
    // Arrange
    for (const root of [65537n, 2n ** 64n + 13n, generatePrimeSync(1024, { bigint: true })]) {
      const n = root ** BigInt(k);

      // Act / Assert
      expect(integerRoot(n, k)).toBe(root);
      expect(integerRoot(n - 1n, k)).toBe(root - 1n);
      expect(integerRoot(n + 1n, k)).toBe(root);
    }
  });

  it('works below 64 bits too', () => {
    // Act / Assert
    expect(integerRoot(1000n, 3)).toBe(10n);
    expect(integerRoot(999n, 3)).toBe(9n);
    expect(bitLength(1000n)).toBe(10);
  });
});

describe('ed25519PointProblem', () => {
  it.each(BLOCKLIST.flatMap((hex) => [hex, withSignBit(hex)]))(
    'refuses the small-order encoding %s',
    (hex) => {
      // Act / Assert
      expect(ed25519PointProblem(Buffer.from(hex, 'hex'))).toBe(SMALL_ORDER);
    },
  );

  it.each([
    // p + 2 .. 2^255 - 1 encode 2 .. 18 again: not canonical (RFC 8032 §5.1.3)
    'efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  ])('refuses the non-canonical encoding %s', (hex) => {
    // Act / Assert
    expect(ed25519PointProblem(Buffer.from(hex, 'hex'))).toBe(
      'is an Ed25519 key with a non-canonical encoding (y >= 2^255 - 19)',
    );
  });

  it('passes a generated key, and refuses anything but 32 bytes', () => {
    // Act / Assert
    expect(ed25519PointProblem(Buffer.from(ed.jwk.x as string, 'base64url'))).toBeUndefined();
    expect(ed25519PointProblem(Buffer.alloc(31, 1))).toBe('is not a 32-byte Ed25519 public key');
  });

  it.each(BLOCKLIST)(
    'refuses %s through loadClientJwk, as both the CLI and the token function load keys',
    (hex) => {
      // Arrange
      const x = Buffer.from(hex, 'hex').toString('base64url');

      // Act / Assert
      expect(
        messageOf(() => loadClientJwk({ kty: 'OKP', crv: 'Ed25519', x, kid: 'k', alg: 'EdDSA' })),
      ).toBe(SMALL_ORDER);
    },
  );
});

describe('degenerateKeyProblem', () => {
  it('checks RSA and OKP keys, and passes EC keys (cofactor 1, on-curve checked by node:crypto)', () => {
    // Arrange
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      format: 'jwk',
    });

    // Act / Assert
    expect(degenerateKeyProblem(rsa.jwk)).toBeUndefined();
    expect(degenerateKeyProblem(ed.jwk)).toBeUndefined();
    expect(degenerateKeyProblem({ kty: 'EC', ...ec })).toBeUndefined();
    expect(degenerateKeyProblem({ kty: 'RSA', n: bigintToB64(1048583n ** 199n) })).toContain(
      'perfect power',
    );
    expect(degenerateKeyProblem({ kty: 'OKP', x: Buffer.alloc(32).toString('base64url') })).toBe(
      SMALL_ORDER,
    );
  });
});
