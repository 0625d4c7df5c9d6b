// Unit tests of the pooled randomness port: sizes, each byte handed out once, copies the caller owns.
import { createPooledRandomBytes } from '../../../../functions/token/adapters/random-bytes-pooled';

describe('createPooledRandomBytes', () => {
  it('returns the asked number of bytes, across refills and beyond the pool size', () => {
    // Arrange
    const random = createPooledRandomBytes(32);

    // Act
    const sizes = [0, 1, 16, 15, 16, 32, 33, 100, 7];
    const drawn = sizes.map((n) => random(n));

    // Assert
    expect(drawn.map((b) => b.length)).toEqual(sizes);
    expect(drawn.every((b) => b instanceof Uint8Array)).toBe(true);
  });

  it('never hands out the same bytes twice, and refills leave earlier draws unchanged', () => {
    // Arrange: 16-byte draws from a 48-byte pool, so every third draw refills it.
    const random = createPooledRandomBytes(48);

    // Act
    const draws = Array.from({ length: 30 }, () => random(16));
    const copies = draws.map((b) => Buffer.from(b).toString('hex'));
    random(16);
    random(16);
    random(16);

    // Assert: 128 random bits each, so a repeat (or an all-zero draw) means reuse or a zeroed pool.
    expect(new Set(copies).size).toBe(draws.length);
    expect(copies).not.toContain('00'.repeat(16));
    expect(draws.map((b) => Buffer.from(b).toString('hex'))).toEqual(copies);
  });

  it('gives each caller its own memory', () => {
    // Arrange
    const random = createPooledRandomBytes();
    const first = random(16);
    const kept = Buffer.from(first).toString('hex');

    // Act
    const second = random(16);
    second.fill(0);

    // Assert
    expect(first.buffer).not.toBe(second.buffer);
    expect(Buffer.from(first).toString('hex')).toBe(kept);
  });

  it('draws a size over the pool on its own, random too', () => {
    // Arrange
    const random = createPooledRandomBytes(8);

    // Act
    const a = random(64);
    const b = random(64);

    // Assert
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(a.some((x) => x !== 0)).toBe(true);
  });
});
