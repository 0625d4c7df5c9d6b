// Unit tests of base64url encoding: strings as UTF-8, and byte views encoded without their surroundings.
import fc from 'fast-check';
import { base64UrlEncode } from '../../../functions/shared/base64url';

describe('base64UrlEncode', () => {
  it('encodes a string as its UTF-8 bytes, unpadded', () => {
    // Act / Assert
    expect(base64UrlEncode('é?>')).toBe('w6k_Pg');
  });

  it('encodes only the bytes of a view into a larger buffer', () => {
    // Arrange
    const whole = new Uint8Array([0xff, 0xfb, 0xef, 0x00, 0xff]);

    // Act
    const encoded = base64UrlEncode(whole.subarray(1, 4));

    // Assert
    expect(encoded).toBe('--8A');
  });

  it('matches Buffer base64url for any bytes at any offset (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.nat(8), fc.nat(8), (bytes, before, after) => {
        // Arrange
        const backing = new Uint8Array(before + bytes.length + after).fill(0xaa);
        backing.set(bytes, before);
        const view = backing.subarray(before, before + bytes.length);

        // Act / Assert
        expect(base64UrlEncode(view)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
  });
});
