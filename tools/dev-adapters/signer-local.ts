// Local signer for `npm start`: an RSA 2048 (RS256) key kept in <dataDir>/signing-key.pem, created on first use.
import {
  createPrivateKey,
  generateKeyPair,
  randomBytes,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ServerError } from '../../functions/token/core/errors';
import { publicJwkFromKeyObject } from '../../functions/shared/jwk';
import { memoizeUntilRejected } from '../../functions/shared/memoize';
import type { PublicJwk, SigningAlgorithm } from '../../functions/shared/types';
import type { PublicKeySource, Signer, SigningKeyInfo } from '../../functions/token/core/types';

/** File name of the private key inside the data directory. */
export const SIGNING_KEY_FILE = 'signing-key.pem';

/**
 * Modulus length of generated keys: what KMS `RSA_2048` keys have, the production default
 * (RS256). Reference: AWS KMS Developer Guide, "Key spec reference"
 * (https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html).
 */
export const LOCAL_RSA_MODULUS_BITS = 2048;

/** Options of {@link LocalSigner}. */
export interface LocalSignerOptions {
  /** Directory holding `signing-key.pem` (created with mode 0700 when missing). */
  dataDir: string;
}

interface LoadedKey {
  privateKey: KeyObject;
  info: SigningKeyInfo;
}

/**
 * Signs with a local key and publishes its public key. A new key is RSA 2048 (RS256), like the
 * production default; an existing EC P-256 file (made by earlier versions, which signed ES256) keeps
 * working and keeps signing ES256, so tokens and clients of an existing data dir stay valid. The key
 * is a PKCS#8 PEM file with mode 0600, generated on first use; concurrent first uses (for example the
 * server and the CLI) end up with the same key, because the file is published with link(2), which
 * never overwrites.
 */
export class LocalSigner implements Signer, PublicKeySource {
  /** Path of the PEM file. */
  readonly keyPath: string;
  private readonly dataDir: string;
  /** Reads (or creates) the key once; a failure is forgotten, so the next call tries again. */
  private readonly load = memoizeUntilRejected(() =>
    this.readOrCreate().catch((err: unknown) => {
      throw err instanceof ServerError
        ? err
        : new ServerError('the local signing key is not usable', { cause: err });
    }),
  );

  /**
   * @param options the data directory
   */
  constructor(options: LocalSignerOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.keyPath = path.join(this.dataDir, SIGNING_KEY_FILE);
  }

  /**
   * @returns kid (RFC 7638 thumbprint), alg (RS256, or ES256 for an EC P-256 file) and the public JWK
   */
  async keyInfo(): Promise<SigningKeyInfo> {
    return (await this.load()).info;
  }

  /**
   * @returns the one public key, for the JWKS
   */
  async publicKeys(): Promise<PublicJwk[]> {
    return [(await this.load()).info.publicJwk];
  }

  /**
   * @param signingInput ASCII bytes of `header.payload`
   * @returns the JOSE signature: RSASSA-PKCS1-v1_5 bytes for RS256, 64-byte R||S for ES256
   */
  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    const { privateKey, info } = await this.load();
    return info.alg === 'ES256'
      ? cryptoSign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', signingInput, privateKey);
  }

  private async readOrCreate(): Promise<LoadedKey> {
    let pem: string;
    try {
      pem = await fs.readFile(this.keyPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      pem = await this.create();
    }
    const privateKey = createPrivateKey({ key: pem, format: 'pem' });
    const alg = this.algorithmOf(privateKey);
    const publicJwk = publicJwkFromKeyObject(privateKey, alg);
    return { privateKey, info: { kid: publicJwk.kid, alg, publicJwk } };
  }

  /** RSA of at least 2048 bits signs RS256, EC P-256 signs ES256; anything else is refused. */
  private algorithmOf(privateKey: KeyObject): SigningAlgorithm {
    const details = privateKey.asymmetricKeyDetails;
    if (
      privateKey.asymmetricKeyType === 'rsa' &&
      (details?.modulusLength ?? 0) >= LOCAL_RSA_MODULUS_BITS
    ) {
      return 'RS256';
    }
    if (privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') {
      return 'ES256';
    }
    throw new ServerError('the local signing key is not usable', {
      cause: new Error(
        `${this.keyPath} is neither an RSA (>= ${LOCAL_RSA_MODULUS_BITS} bits) nor an EC P-256 private key`,
      ),
    });
  }

  /** Generates a key and publishes it only if no other process did first; returns the winner's PEM. */
  private async create(): Promise<string> {
    await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    // Asynchronous: RSA key generation takes a noticeable time, and must not block the server.
    const { privateKey: pem } = await promisify(generateKeyPair)('rsa', {
      modulusLength: LOCAL_RSA_MODULUS_BITS,
      privateKeyEncoding: { format: 'pem', type: 'pkcs8' },
      publicKeyEncoding: { format: 'pem', type: 'spki' },
    });
    const tmp = `${this.keyPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      // The complete file exists (mode 0600) before it becomes visible under its final name.
      await fs.writeFile(tmp, pem, { mode: 0o600, flag: 'wx' });
      try {
        await fs.link(tmp, this.keyPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // Another process won the race: use its key.
        return await fs.readFile(this.keyPath, 'utf8');
      }
      return pem;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
}
