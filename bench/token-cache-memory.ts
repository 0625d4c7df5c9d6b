// `npm run bench:authorizer`, memory of the verified-token cache: heap bytes per entry for tokens as the issuer signs them and for tokens of the largest accepted size, against the stated bound (VERIFIED_TOKEN_ENTRY_MAX_BYTES).
import { generateKeyPairSync, randomUUID, sign as cryptoSign } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadTrustedKeys } from '../functions/authorizer/core/trusted-keys';
import {
  createCachedJwtVerifier,
  VERIFIED_TOKEN_ENTRY_MAX_BYTES,
} from '../functions/authorizer/core/verified-token-cache';
import { MAX_TOKEN_LENGTH } from '../functions/shared/access-token-verify';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';

/** The garbage collector, reachable without `node --expose-gc`. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Heap growth per entry while a cache of `tokens.length` entries fills, after full collections.
 * The tokens exist before and after, so only what the cache keeps is counted.
 */
function bytesPerEntry(
  tokens: string[],
  keys: ReturnType<typeof loadTrustedKeys>,
  nowMs: number,
): number {
  const gc = collector();
  const verify = createCachedJwtVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: 30,
    keys,
    maxEntries: tokens.length,
  });
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const token of tokens) verify(token, nowMs);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  // Keeps the verifier (and its entries) alive until after the second reading.
  if (verify(tokens[0] as string, nowMs).sub === '') throw new Error('unreachable');
  return (after - before) / tokens.length;
}

/**
 * Measures and prints the bytes per entry of typical and of largest tokens (RS256, the default).
 * @param entries how many typical tokens to cache (the largest: a fifth of it)
 */
export function tokenCacheMemory(entries: number): void {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = loadTrustedKeys([publicKey.export({ format: 'pem', type: 'spki' }).toString()]);
  const kid = [...keys.keys()][0] as string;
  const nowMs = Date.now();
  const now = Math.floor(nowMs / 1000);
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const sign = (claims: Record<string, unknown>): string => {
    const input = `${b64({ alg: 'RS256', typ: 'at+jwt', kid })}.${b64({
      iss: ISSUER,
      sub: 'client-0123456789abcdef',
      client_id: 'client-0123456789abcdef',
      aud: AUDIENCE,
      iat: now - 60,
      nbf: now - 60,
      exp: now + 3600,
      scope: 'orders:read orders:write',
      cnf: { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' },
      ...claims,
    })}`;
    return `${input}.${cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  };
  const typical = Array.from({ length: entries }, () => sign({ jti: randomUUID() }));
  // The largest: a jti that fills the token to MAX_TOKEN_LENGTH, with one character outside
  // Latin-1 so that V8 stores it in two bytes per character (the bound's worst case).
  const probe = sign({ jti: '€' });
  const fill = Math.floor(((MAX_TOKEN_LENGTH - probe.length) * 3) / 4) - 8;
  const largest = Array.from({ length: Math.ceil(entries / 5) }, (_, i) =>
    sign({ jti: `€${String(i).padStart(6, '0')}${'a'.repeat(fill)}` }),
  );
  if (largest.some((t) => t.length > MAX_TOKEN_LENGTH)) throw new Error('token too large');

  console.log(
    '\nVerified-token cache memory (RS256, heap growth per entry after full collections)',
  );
  const typicalBytes = bytesPerEntry(typical, keys, nowMs);
  const largestBytes = bytesPerEntry(largest, keys, nowMs);
  console.log(
    `${typical.length} tokens of ${typical[0]!.length} characters: ${Math.round(typicalBytes)} bytes per entry`,
  );
  console.log(
    `${largest.length} tokens of ${largest[0]!.length} characters (the largest accepted, a two-byte jti): ` +
      `${Math.round(largestBytes)} bytes per entry; stated bound ${VERIFIED_TOKEN_ENTRY_MAX_BYTES}`,
  );
}
