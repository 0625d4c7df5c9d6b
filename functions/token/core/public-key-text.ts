/**
 * Public keys of a `private_key_jwt` client given as text: a public key PEM, a JWK or a JWKS. One
 * reader, with one set of rules and messages, for the clients CLI (the content of `--jwks-file` and
 * `--public-key-file`) and for clients declared in Terraform (each entry of `public_keys`, checked
 * again by the token function when it reads the declaration); Terraform's own validation of
 * `public_keys` repeats the rules it can express, with these messages
 * (test/terraform/client-validation.test.ts compares them).
 * @module
 */
import { createPublicKey } from 'node:crypto';
import { ClientKeyError, loadClientJwk } from './client-keys';
import type { ClientJwk } from './types';

/** A PEM block of a private key of any kind (PKCS#8, PKCS#1, SEC 1, encrypted). */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Reads the keys in one text: a public key PEM (SPKI `BEGIN PUBLIC KEY`, PKCS#1 `BEGIN RSA PUBLIC
 * KEY`, or an X.509 certificate), a JWK, or a JWKS (`{"keys": [...]}`). A key without `kid` gets its
 * RFC 7638 thumbprint, one without `alg` the default of its type (RS256, ES256, ES384, EdDSA). The
 * degenerate-key checks run unless `checkDegenerate` is false (they cost milliseconds; the token
 * function runs them only after a signature verified with the key).
 * @param text the text
 * @param options.checkDegenerate as for loadClientJwk (default true)
 * @returns the validated public keys
 * @throws ClientKeyError naming the problem (a private key, not a PEM or JWK, no key, a weak key,
 *   an alg that does not fit), with `key N` in front when a JWKS holds several keys
 */
export function publicKeysFromText(
  text: string,
  options: { checkDegenerate?: boolean } = {},
): ClientJwk[] {
  const load = (value: unknown): ClientJwk =>
    loadClientJwk(value, { defaults: true, checkDegenerate: options.checkDegenerate }).jwk;
  if (text.includes('-----BEGIN')) {
    // Never parse a private key, not even to take its public half: it must not be on this path.
    if (PRIVATE_KEY_PEM.test(text)) {
      throw new ClientKeyError(
        'is a private key; give the public key (openssl pkey -in key.pem -pubout)',
      );
    }
    let exported: unknown;
    try {
      exported = createPublicKey(text).export({ format: 'jwk' });
    } catch {
      throw new ClientKeyError('is not a valid public key PEM');
    }
    return [load(exported)];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ClientKeyError('is neither a PEM public key nor a JWK or JWKS (JSON)');
  }
  const keys =
    typeof json === 'object' && json !== null && Array.isArray((json as { keys?: unknown }).keys)
      ? (json as { keys: unknown[] }).keys
      : [json];
  if (keys.length === 0) throw new ClientKeyError('holds no key');
  return keys.map((key, index) => {
    try {
      return load(key);
    } catch (err) {
      // loadClientJwk throws ClientKeyError only.
      if (keys.length > 1) throw new ClientKeyError(`key ${index + 1} ${(err as Error).message}`);
      throw err;
    }
  });
}
