// Refuses to register a public key that another client already holds (issue 21, finding 7), unless --allow-shared-key is given.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { jwkThumbprint } from '../../../functions/shared/jwk';
import type { ClientJwk, ClientRecord } from '../../../functions/token/core/types';
import type { ClientAdminStore } from '../../../tools/dev-adapters/client-admin-store';
import { UsageError } from '../../../tools/cli/usage-error';

/** The flag that lets a key be registered for several clients. */
export const ALLOW_SHARED_KEY_FLAG = '--allow-shared-key';

/** The field prime of Ed25519, 2^255 - 19 (RFC 8032 §5.1). */
const ED25519_P = 2n ** 255n - 19n;

/**
 * What makes two keys one key for sharing: whoever holds the private key of one can sign for the
 * other. Compared by key material, never by the JWK's text or RFC 7638 thumbprint, which tell
 * apart what node:crypto does not: spellings of one key (a leading 00 byte, `AAEAAQ`, padding,
 * the `+/` alphabet, spare bits) and related keys. An RSA key is its modulus (the factors give the
 * private exponent for any `e`); an EC key is its curve and x (the holder of d signs for (x, -y)
 * with -d); an Ed25519 key is its y without the sign bit (the holder signs for -A with -a).
 * @param jwk a public JWK, canonical or not (records may be written by other tooling)
 * @returns a string equal for keys that share key material, or undefined for a key node:crypto
 *   refuses (it verifies nothing, so sharing it gives nothing)
 */
export function keyMaterialOf(jwk: ClientJwk): string | undefined {
  let exported: JsonWebKey;
  try {
    const { kty, crv, x, y, n, e } = jwk;
    exported = createPublicKey({ key: { kty, crv, x, y, n, e }, format: 'jwk' }).export({
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
  if (exported.kty === 'RSA') return `RSA n=${exported.n}`;
  if (exported.kty === 'EC') return `EC ${exported.crv} x=${exported.x}`;
  const point = Buffer.from(exported.x as string, 'base64url');
  point[31] = (point[31] as number) & 0x7f;
  const y = BigInt(`0x${Buffer.from(point).reverse().toString('hex')}`) % ED25519_P;
  return `OKP ${exported.crv} y=${y.toString(16)}`;
}

/**
 * Checks that no other client holds one of `keys` or a key with the same key material
 * ({@link keyMaterialOf}: whatever its kid, alg, spelling or RSA exponent). A key shared by
 * clients lets whoever holds its private key act as any of them, and ties their key rotation and
 * revocation together: removing or replacing the key for one client leaves it working for the
 * others. The whole table is listed (a paginated Scan on DynamoDB): an admin command can afford
 * it, and nothing is written before the check.
 * @param store where the clients are
 * @param keys the keys about to be registered
 * @param options `allowShared` (`--allow-shared-key`): skip the check; `isSelf`: records that are
 *   the client being changed (add-key) or resumed (a rerun of create), never counted as others
 * @throws UsageError naming the key, the other client and the flag
 */
export async function refuseSharedKeys(
  store: Pick<ClientAdminStore, 'listClients'>,
  keys: readonly ClientJwk[],
  options: { allowShared: boolean; isSelf: (record: ClientRecord) => boolean },
): Promise<void> {
  if (options.allowShared || keys.length === 0) return;
  const wanted = new Map(keys.map((key) => [keyMaterialOf(key), key]));
  for (const record of await store.listClients()) {
    if (options.isSelf(record)) continue;
    for (const held of record.jwks?.keys ?? []) {
      const material = keyMaterialOf(held);
      const key = material === undefined ? undefined : wanted.get(material);
      if (key === undefined) continue;
      throw new UsageError(
        `key ${key.kid} (RFC 7638 thumbprint ${jwkThumbprint(key)}) is already registered for ` +
          `client ${record.client_id}. Keys are compared by key material (an RSA modulus, an EC ` +
          "key's curve and x, an Ed25519 key's y), so another spelling or exponent of a key is " +
          'the same key. A key shared by clients lets whoever holds its private key act as ' +
          'any of them, and ties their key rotation and revocation together; give each client its ' +
          `own key pair, or pass ${ALLOW_SHARED_KEY_FLAG} if the clients are meant to share it. ` +
          'Nothing was written.',
      );
    }
  }
}
