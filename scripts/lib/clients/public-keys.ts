// Reads the public keys of private_key_jwt clients from files (PEM, JWK or JWKS), with errors that name the file and the problem.
import fs from 'node:fs';
import path from 'node:path';
import { ClientKeyError, validateClientKeys } from '../../../functions/token/core/client-keys';
import { publicKeysFromText } from '../../../functions/token/core/public-key-text';
import type { ClientJwk } from '../../../functions/token/core/types';
import { jwkThumbprint } from '../../../functions/shared/jwk';
import { UsageError } from '../../../tools/cli/usage-error';

/** Largest key file read, in bytes: a JWKS of a few keys is a few KiB. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Reads the keys in one file: a public key PEM (SPKI `BEGIN PUBLIC KEY`, PKCS#1 `BEGIN RSA PUBLIC
 * KEY`, or an X.509 certificate), a JWK, or a JWKS (`{"keys": [...]}`). A key without `kid` gets its
 * RFC 7638 thumbprint, one without `alg` the default of its type (RS256, ES256, ES384, EdDSA).
 * @param file the path as given
 * @param flag the flag it came from, for messages
 * @param cwd directory a relative path is resolved against
 * @returns the validated public keys
 * @throws UsageError naming the flag, the file and the problem (unreadable, not a PEM or JWK, a
 *   private or symmetric key, a weak key, an alg that does not fit)
 */
export function readKeyFile(file: string, flag: string, cwd: string): ClientJwk[] {
  const where = `${flag} ${file}`;
  const fail = (problem: string): never => {
    throw new UsageError(`${where}: ${problem}`);
  };
  let text = '';
  try {
    const full = path.resolve(cwd, file);
    if (fs.statSync(full).size > MAX_KEY_FILE_BYTES)
      fail(`is larger than ${MAX_KEY_FILE_BYTES} bytes`);
    text = fs.readFileSync(full, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return publicKeysFromText(text);
  } catch (err) {
    if (err instanceof ClientKeyError) return fail(err.message);
    /* istanbul ignore next -- publicKeysFromText throws ClientKeyError only */
    throw err;
  }
}

/**
 * Checks a client's whole key set after a change: at least one key, at most MAX_CLIENT_KEYS, no
 * duplicate kid.
 * @param keys the keys the client would hold
 * @param flag what the new keys came from, for messages
 * @returns the keys
 * @throws UsageError naming the problem (e.g. `duplicate kid`)
 */
export function checkKeySet(keys: readonly ClientJwk[], flag: string): ClientJwk[] {
  try {
    return validateClientKeys(keys);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

/**
 * @param jwk a registered key
 * @returns its RFC 7638 thumbprint (the same whatever its kid)
 */
export function keyThumbprint(jwk: ClientJwk): string {
  return jwkThumbprint(jwk);
}
