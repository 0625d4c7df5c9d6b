// Unit tests of argon2id hashing: standard PHC strings with the configured parameters; verify never throws.
import { parseOptions, verify as nodeRsVerify } from '@node-rs/argon2';
import {
  ARGON2_DUMMY_HASH,
  ARGON2_OPTIONS,
  Argon2PasswordHasher,
} from '../../../../functions/token/adapters/password-hasher-argon2';

/** A PHC string produced by the reference argon2 implementation (`argon2` CLI / phc-winner-argon2) for "password". */
const REFERENCE_HASH =
  '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';

describe('Argon2PasswordHasher', () => {
  const hasher = new Argon2PasswordHasher();

  it('uses at least the OWASP argon2id parameters', () => {
    // Assert
    expect(ARGON2_OPTIONS).toEqual({
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 32,
    });
    expect(Object.isFrozen(ARGON2_OPTIONS)).toBe(true);
  });

  it('produces a standard argon2id PHC string carrying its parameters', async () => {
    // Act
    const phc = await hasher.hash('s3cret');

    // Assert
    expect(phc).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(parseOptions(phc)).toMatchObject({
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 32,
      saltLen: 16,
    });
  });

  it('salts every hash', async () => {
    // Act
    const [a, b] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);

    // Assert
    expect(a).not.toBe(b);
  });

  it('verifies the right secret and rejects a wrong one', async () => {
    // Arrange
    const phc = await hasher.hash('s3cret');

    // Act / Assert
    await expect(hasher.verify(phc, 's3cret')).resolves.toBe(true);
    await expect(hasher.verify(phc, 's3cret ')).resolves.toBe(false);
    await expect(hasher.verify(phc, '')).resolves.toBe(false);
  });

  it('interoperates with other argon2 implementations through the PHC format', async () => {
    // Act / Assert: a hash from the reference implementation verifies, and ours verifies with the library directly
    await expect(hasher.verify(REFERENCE_HASH, 'password')).resolves.toBe(true);
    await expect(hasher.verify(REFERENCE_HASH, 'Password')).resolves.toBe(false);
    await expect(nodeRsVerify(await hasher.hash('x'), 'x')).resolves.toBe(true);
  });

  it('verifies hashes made with other parameters, so raising the cost later keeps old secrets valid', async () => {
    // Arrange
    const cheap = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 });
    const phc = await cheap.hash('old');

    // Act / Assert
    expect(phc).toContain('$m=1024,t=1,p=1$');
    await expect(hasher.verify(phc, 'old')).resolves.toBe(true);
  });

  it.each([
    [''],
    ['not a hash'],
    ['$argon2id$'],
    ['$argon2id$v=19$m=19456,t=2,p=1$!!!$!!!'],
    ['$argon2id$v=19$m=0,t=0,p=0$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc'],
    ['$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc'],
    ['$2b$10$abcdefghijklmnopqrstuu'],
    [undefined as unknown as string],
  ])('returns false, never throws, for a malformed hash %p', async (phc) => {
    // Act / Assert
    await expect(hasher.verify(phc, 'password')).resolves.toBe(false);
  });

  describe('dummyHash', () => {
    it('ships a dummy hash made with ARGON2_OPTIONS, so failed logins cost what real ones cost', () => {
      // Act
      const parsed =
        /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
          ARGON2_DUMMY_HASH,
        );

      // Assert
      expect(parsed).not.toBeNull();
      const [, m, t, p, salt, hash] = parsed as RegExpExecArray;
      expect({ memoryCost: +m!, timeCost: +t!, parallelism: +p! }).toEqual({
        memoryCost: ARGON2_OPTIONS.memoryCost,
        timeCost: ARGON2_OPTIONS.timeCost,
        parallelism: ARGON2_OPTIONS.parallelism,
      });
      expect(Buffer.from(hash!, 'base64').length).toBe(ARGON2_OPTIONS.outputLen);
      expect(Buffer.from(salt!, 'base64').length).toBeGreaterThanOrEqual(16);
    });

    it('offers it only with the production parameters', () => {
      // Act / Assert
      expect(new Argon2PasswordHasher().dummyHash()).toBe(ARGON2_DUMMY_HASH);
      expect(new Argon2PasswordHasher({ memoryCost: 4096 }).dummyHash()).toBeUndefined();
      expect(new Argon2PasswordHasher({ timeCost: 3 }).dummyHash()).toBeUndefined();
    });

    it('is a valid hash that matches neither an empty nor a guessed secret', async () => {
      // Act / Assert
      await expect(new Argon2PasswordHasher().verify(ARGON2_DUMMY_HASH, '')).resolves.toBe(false);
      await expect(nodeRsVerify(ARGON2_DUMMY_HASH, 'password')).resolves.toBe(false);
    });
  });
});
