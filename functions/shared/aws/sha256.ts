// SHA-256 and HMAC-SHA-256 from node:crypto in the shape @smithy/signature-v4 needs, so no SDK hash package is loaded.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** What SignatureV4 hashes: text, or bytes in any buffer view. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

/**
 * node:crypto as the `Checksum` SignatureV4 needs (SHA-256, or HMAC-SHA-256 with a secret). The
 * SDK's own (`Hash` of @smithy/core/serde) is the oracle in its unit test.
 */
export class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: Uint8Array | string | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function bytes(data: SourceData): Uint8Array | string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
