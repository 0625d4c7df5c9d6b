// Unit tests of the issued client id shape: every id the CLI generates has it, no secret it generates does.
import fc from 'fast-check';
import { CLIENT_ID_BYTES, hasIssuedClientIdShape } from '../../../functions/shared/client-id';
import { generateClientId, generateClientSecret } from '../../../scripts/lib/clients/secrets';

/** A random source replaying the bytes fast-check drew. */
const replaying =
  (bytes: Uint8Array) =>
  (size: number): Uint8Array =>
    bytes.subarray(0, size);

describe('hasIssuedClientIdShape', () => {
  it('holds for every id the CLI generates, and for no secret it generates', () => {
    // Arrange
    const draws = fc.uint8Array({ minLength: 32, maxLength: 32 });

    // Act / Assert
    fc.assert(
      fc.property(draws, (bytes) => {
        expect(hasIssuedClientIdShape(generateClientId(replaying(bytes)))).toBe(true);
        expect(hasIssuedClientIdShape(generateClientSecret(replaying(bytes)))).toBe(false);
      }),
    );
  });

  it.each([
    ['', false],
    ['client-1', false],
    ['0123456789abcdef0123456789abcdef', true],
    ['0123456789ABCDEF0123456789ABCDEF', false],
    ['0123456789abcdef0123456789abcde', false],
    ['0123456789abcdef0123456789abcdef0', false],
    ['0123456789abcdef0123456789abcdeg', false],
    ['0123456789abcdef0123456789abcdef\n', false],
  ])('%j -> %s', (id, expected) => {
    // Act / Assert
    expect(hasIssuedClientIdShape(id)).toBe(expected);
  });

  it('is 128 bits of randomness', () => {
    // Assert
    expect(CLIENT_ID_BYTES).toBe(16);
  });
});
