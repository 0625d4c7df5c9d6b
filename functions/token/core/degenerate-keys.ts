/**
 * Degenerate public keys: keys whose signatures anyone can forge without the private key, so a
 * client registered with one could be impersonated by everybody (issue 21). The checks run on
 * every key the CLI registers, and in the token function on a stored key once a signature has
 * verified with it (once per key and container; never before, so that their cost does not tell
 * an unauthenticated caller which clients exist): RSA moduli that have a small factor, are a
 * perfect power or are prime (NIST SP 800-89 §5.3.3, partial public key validation for RSA, as
 * OpenSSL's `ossl_rsa_sp800_56b_check_public` does it) or whose factors are close together, and
 * Ed25519 points of small order or with a non-canonical encoding.
 * @module
 */
import { checkPrimeSync } from 'node:crypto';

/**
 * Every prime below this bound is tried as a factor of an RSA modulus. SP 800-89 §5.3.3 asks for
 * none below 752; a factor below 2^16 (the bound before the issue 21 review) left moduli such as
 * 65537·q that trial division factors in a millisecond. The primes below 2^20 cost a few
 * milliseconds per key (one product of prime products reduced modulo n, then one gcd), once
 * their table is built (about 25-45 ms, once per process).
 */
export const SMALL_FACTOR_BOUND = 2 ** 20;

/** log2 of SMALL_FACTOR_BOUND: a modulus with no smaller factor is at most a (bits/20)-th power. */
const SMALL_FACTOR_BITS = 20;

/**
 * Primes per product in the table: products of about 40 000 bits each, cheap to build, and each
 * reduced modulo n before it is multiplied in, so that no product of all the primes (1.5 million
 * bits, about 100 ms to build) is ever made.
 */
const PRIMES_PER_PRODUCT = 2048;

/**
 * Fermat steps: x = ceil(sqrt(n)) + i for i below this; x^2 - n a square y^2 gives n = (x-y)(x+y).
 * They find p and q when |p - q| < sqrt(8 * FERMAT_STEPS) * n^(1/4) (2^518 for 2048 bits), a
 * pair a faulty generator can produce; a few milliseconds.
 */
export const FERMAT_STEPS = 1024;

/** The primes below SMALL_FACTOR_BOUND and the products of consecutive runs of them, made on first use. */
let smallPrimes: { list: number[]; products: bigint[] } | undefined;

/**
 * Made lazily: only the CLI and the token function after a signature has verified ever need it,
 * so no unauthenticated request pays for building it.
 */
function primesBelowBound(): { list: number[]; products: bigint[] } {
  if (smallPrimes === undefined) {
    const composite = new Uint8Array(SMALL_FACTOR_BOUND);
    const list: number[] = [];
    for (let i = 2; i < SMALL_FACTOR_BOUND; i++) {
      if (composite[i] === 1) continue;
      list.push(i);
      for (let j = i * i; j < SMALL_FACTOR_BOUND; j += i) composite[j] = 1;
    }
    const products: bigint[] = [];
    for (let start = 0; start < list.length; start += PRIMES_PER_PRODUCT) {
      // A product tree: pairwise products keep every multiplication balanced (fast for BigInt).
      let level = list.slice(start, start + PRIMES_PER_PRODUCT).map(BigInt);
      while (level.length > 1) {
        const next: bigint[] = [];
        for (let i = 0; i < level.length; i += 2) {
          next.push((level[i] as bigint) * (level[i + 1] ?? 1n));
        }
        level = next;
      }
      products.push(level[0] as bigint);
    }
    smallPrimes = { list, products };
  }
  return smallPrimes;
}

/**
 * @param n a modulus
 * @returns whether a prime below SMALL_FACTOR_BOUND divides n: the product of all of them,
 *   reduced modulo n run by run, shares a factor with n
 */
function hasSmallFactor(n: bigint, products: readonly bigint[]): boolean {
  let residue = 1n;
  for (const product of products) residue = (residue * (product % n)) % n;
  return gcd(n, residue) !== 1n;
}

/** Quadratic residues modulo 64, 63, 65 and 11: a cheap sieve before an integer square root. */
const SQUARE_FILTERS: readonly (readonly [number, ReadonlySet<number>])[] = [64, 63, 65, 11].map(
  (m) => [m, new Set(Array.from({ length: m }, (_, i) => (i * i) % m))] as const,
);
const SQUARE_FILTER_MODULUS = 64n * 63n * 65n * 11n;

/**
 * Fermat's method for FERMAT_STEPS steps: finds the factors of n = p·q when p and q are close.
 * @param n an odd composite modulus that is not a perfect square (checked before)
 * @returns whether n was factored
 */
function fermatFactors(n: bigint): boolean {
  let x = integerRoot(n, 2) + 1n;
  let y2 = x * x - n;
  for (let i = 0; i < FERMAT_STEPS; i++) {
    const r = Number(y2 % SQUARE_FILTER_MODULUS);
    if (SQUARE_FILTERS.every(([m, squares]) => squares.has(r % m))) {
      const y = integerRoot(y2, 2);
      if (y * y === y2) return true;
    }
    // (x + 1)^2 - n = x^2 - n + 2x + 1
    y2 += 2n * x + 1n;
    x += 1n;
  }
  return false;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * @param n a positive integer
 * @returns its length in bits
 */
export function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/**
 * The integer k-th root: a floating-point estimate (about 50 correct bits, whatever the size of
 * `n`), raised by a margin so that it is above the root, then integer Newton steps down to it.
 * @param n a positive integer
 * @param k the root, 2 or more
 * @returns floor(n^(1/k))
 */
export function integerRoot(n: bigint, k: number): bigint {
  const shift = Math.max(0, bitLength(n) - 64);
  const top = Number(n >> BigInt(shift));
  // root = 2^(whole + frac): the integer part is split off so that the float keeps its precision.
  const whole = Math.floor(shift / k);
  const frac = (shift - whole * k + Math.log2(top)) / k;
  let x = (BigInt(Math.ceil(2 ** (frac + 20))) << BigInt(whole)) >> 20n;
  x += (x >> 32n) + 2n;
  // From above, each step decreases until the root's floor is reached (then it would not decrease).
  const K = BigInt(k);
  for (;;) {
    const y = ((K - 1n) * x + n / x ** (K - 1n)) / K;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * Why an RSA modulus is degenerate, cheapest check first: a factor below SMALL_FACTOR_BOUND (2
 * included, so an even modulus), a perfect power b^k (its root gives the factors), two factors
 * close enough for FERMAT_STEPS of Fermat's method, or a prime (then phi(n) = n - 1 and anyone
 * computes the private exponent). Each of these lets anyone who reads the public key compute its
 * private key. This is partial validation (SP 800-89 §5.3.3 and a little more), not a proof that
 * a key is sound: a modulus whose smallest factor is just above the bound, or whose factors are
 * neither small nor close, passes. A composite modulus costs a few milliseconds (about 5 ms for
 * 2048 bits, 20 ms for 4096, measured with tmp scripts on this machine); a prime one is confirmed
 * with OpenSSL's full round count (about 0.1 s for 2048 bits, 2 s for 4096), which only a key
 * that is refused anyway pays.
 * @param n the modulus, at most MAX_RSA_BITS bits (checked before)
 * @returns the problem, or undefined for a modulus that passes
 */
export function rsaModulusProblem(n: bigint): string | undefined {
  const primes = primesBelowBound();
  const consequence = 'anyone can compute its private key and forge its signatures';
  if (hasSmallFactor(n, primes.products)) {
    return `is an RSA key whose modulus has a prime factor below 2^${SMALL_FACTOR_BITS}; ${consequence}`;
  }
  const maxPower = Math.floor(bitLength(n) / SMALL_FACTOR_BITS);
  for (const k of primes.list) {
    if (k > maxPower) break;
    if (integerRoot(n, k) ** BigInt(k) === n) {
      return `is an RSA key whose modulus is a perfect power (an integer to the power ${k}); ${consequence}`;
    }
  }
  if (checkPrimeSync(n)) return `is an RSA key whose modulus is prime; ${consequence}`;
  if (fermatFactors(n)) {
    return `is an RSA key whose modulus has two factors close together (Fermat's method finds them); ${consequence}`;
  }
  return undefined;
}

/** The field prime of Ed25519, 2^255 - 19 (RFC 8032 §5.1). */
const ED25519_P = 2n ** 255n - 19n;

/**
 * Encodings of the Ed25519 points of small order (orders 1, 2, 4 and 8), compared without the
 * sign bit (bit 255). Copied from libsodium's `ge25519_has_small_order`
 * (src/libsodium/crypto_core/ed25519/ref10/ed25519_ref10.c, jedisct1/libsodium), which refuses
 * the same keys; see also "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko, CT-RSA 2020).
 * With such a key A, [k]A is one of 8 points, so the signature R = identity, S = 0 verifies for
 * at least one message in 8 (always for the identity).
 */
const SMALL_ORDER_ENCODINGS: readonly Buffer[] = [
  // 0 (order 4)
  '0000000000000000000000000000000000000000000000000000000000000000',
  // 1 (order 1, the identity)
  '0100000000000000000000000000000000000000000000000000000000000000',
  // 2707385501144840649318225287225658788936804267575313519463743609750303402022 (order 8)
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  // 55188659117513257062467267217118295137698188065244968500265048394206261417927 (order 8)
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  // p - 1 (order 2)
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  // p, a non-canonical 0 (order 4)
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  // p + 1, a non-canonical 1 (order 1)
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => Buffer.from(hex, 'hex'));

/**
 * Why an Ed25519 public key is degenerate: a point of small order (libsodium's blocklist, with or
 * without the sign bit), or a non-canonical encoding (y not below 2^255 - 19, RFC 8032 §5.1.3).
 * @param x the 32-byte encoding (the JWK's `x`, RFC 8037 §2)
 * @returns the problem, or undefined for a key that passes
 */
export function ed25519PointProblem(x: Uint8Array): string | undefined {
  if (x.length !== 32) return 'is not a 32-byte Ed25519 public key';
  const masked = Buffer.from(x);
  masked[31] = (masked[31] as number) & 0x7f;
  if (SMALL_ORDER_ENCODINGS.some((point) => point.equals(masked))) {
    return "is an Ed25519 key of small order (a point on libsodium's blocklist); anyone can forge its signatures";
  }
  const y = BigInt(`0x${Buffer.from(masked).reverse().toString('hex')}`);
  if (y >= ED25519_P) return 'is an Ed25519 key with a non-canonical encoding (y >= 2^255 - 19)';
  return undefined;
}

/**
 * Checks the public members of a key that node:crypto has already accepted and pinned to its
 * algorithm (so an RSA modulus is within MIN_RSA_BITS..MAX_RSA_BITS). EC keys need nothing more:
 * P-256 and P-384 have cofactor 1, and node:crypto refuses a point that is not on the curve.
 * @param members the JWK members (`n` for RSA, `x` for OKP, base64url)
 * @returns the problem, or undefined for a key that passes
 */
export function degenerateKeyProblem(members: {
  kty?: string;
  n?: string;
  x?: string;
}): string | undefined {
  if (members.kty === 'RSA') {
    const hex = Buffer.from(members.n as string, 'base64url').toString('hex');
    return rsaModulusProblem(BigInt(`0x${hex}`));
  }
  if (members.kty === 'OKP')
    return ed25519PointProblem(Buffer.from(members.x as string, 'base64url'));
  return undefined;
}
