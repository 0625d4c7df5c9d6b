// Production randomness port: node:crypto's CSPRNG, drawn in blocks so a token's jti costs no system call of its own.
import { randomFillSync } from 'node:crypto';
import type { RandomBytes } from '../../shared/types';

/** Bytes drawn from the CSPRNG at a time: 256 token `jti`s (16 bytes each). */
export const RANDOM_POOL_BYTES = 4096;

/**
 * Creates a {@link RandomBytes} source over `crypto.randomFillSync` that fills a block of
 * `poolBytes` at once and hands out each byte exactly once, as a copy the caller owns; the pool's
 * copy is zeroed as it is handed out. A call for more than the pool fills a buffer of its own.
 * Node.js does the same for `crypto.randomUUID()` ("By default, to improve performance, Node.js
 * generates and caches enough random data to generate up to 128 random UUIDs", Node.js Crypto
 * API, `crypto.randomUUID([options])`, https://nodejs.org/api/crypto.html#cryptorandomuuidoptions):
 * one `randomFillSync` call per block instead of one per token.
 * @param poolBytes the block size (default {@link RANDOM_POOL_BYTES})
 * @returns the source
 */
export function createPooledRandomBytes(poolBytes: number = RANDOM_POOL_BYTES): RandomBytes {
  const pool = new Uint8Array(poolBytes);
  let offset = poolBytes;
  return (size: number): Uint8Array => {
    if (size > poolBytes) return randomFillSync(new Uint8Array(size));
    if (offset + size > poolBytes) {
      randomFillSync(pool);
      offset = 0;
    }
    const out = pool.slice(offset, offset + size);
    pool.fill(0, offset, offset + size);
    offset += size;
    return out;
  };
}
