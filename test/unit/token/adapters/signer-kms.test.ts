// Unit tests of the KMS signer: DER to JOSE conversion (property tests, node:crypto as oracle) and KMS error mapping.
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import {
  KMS_RAW_MESSAGE_LIMIT,
  KmsSigner,
  derToJose,
} from '../../../../functions/token/adapters/signer-kms';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';

/** Reference DER encoder of an ECDSA signature, written from X.690 independently of the code under test. */
function derEncode(r: Uint8Array, s: Uint8Array): Uint8Array {
  const integer = (v: Uint8Array): number[] => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const magnitude = [...v.subarray(i)];
    const body = (magnitude[0] as number) & 0x80 ? [0, ...magnitude] : magnitude;
    return [0x02, body.length, ...body];
  };
  const content = [...integer(r), ...integer(s)];
  const length = content.length < 0x80 ? [content.length] : [0x81, content.length];
  return Uint8Array.from([0x30, ...length, ...content]);
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** 32-byte values biased towards leading zero bytes and high bits, the conversion's edge cases. */
const edgy32 = fc.oneof(
  bytes32,
  fc.tuple(fc.integer({ min: 1, max: 31 }), bytes32).map(([zeros, v]) => {
    const out = Uint8Array.from(v);
    out.fill(0, 0, zeros);
    return out;
  }),
  bytes32.map((v) => {
    const out = Uint8Array.from(v);
    out[0] = (out[0] as number) | 0x80;
    return out;
  }),
);

describe('derToJose', () => {
  it('turns node:crypto DER signatures into signatures node:crypto verifies as ieee-p1363', () => {
    // Arrange
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        // Act
        const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
        const jose = derToJose(der, 32);

        // Assert
        expect(jose).toHaveLength(64);
        expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(
          true,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any R and S, with leading zeros and high bits, through the reference DER encoder', () => {
    fc.assert(
      fc.property(edgy32, edgy32, (r, s) => {
        // Act
        const jose = derToJose(derEncode(r, s), 32);

        // Assert
        expect(Buffer.from(jose)).toEqual(Buffer.concat([r, s]));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with node:crypto ieee-p1363 signatures of the same key (oracle on R||S layout)', () => {
    // Arrange
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    fc.assert(
      fc.property(fc.string(), (text) => {
        // Act: node signs in ieee-p1363; re-encoding it as DER and back must give the same bytes
        const p1363 = sign('sha256', Buffer.from(text), {
          key: privateKey,
          dsaEncoding: 'ieee-p1363',
        });
        const der = derEncode(p1363.subarray(0, 32), p1363.subarray(32));

        // Assert
        expect(
          verify('sha256', Buffer.from(text), { key: publicKey, dsaEncoding: 'der' }, der),
        ).toBe(true);
        expect(Buffer.from(derToJose(der, 32))).toEqual(p1363);
      }),
      { numRuns: 200 },
    );
  });

  it('handles the long length form', () => {
    // Arrange: 66-byte integers (P-521 sized) make the sequence longer than 127 bytes
    const r = new Uint8Array(66).fill(0x11);
    const s = new Uint8Array(66).fill(0xee);

    // Act
    const jose = derToJose(derEncode(r, s), 66);

    // Assert
    expect(Buffer.from(jose)).toEqual(Buffer.concat([r, s]));
  });

  it.each([
    ['empty input', []],
    ['not a SEQUENCE', [0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['truncated length', [0x30]],
    ['zero long-form length bytes', [0x30, 0x80]],
    ['three long-form length bytes', [0x30, 0x83, 0, 0, 6]],
    ['long-form length running past the end', [0x30, 0x82, 0x00]],
    ['non-minimal long form', [0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['SEQUENCE length too long', [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['SEQUENCE length too short', [0x30, 0x05, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['not an INTEGER', [0x30, 0x06, 0x04, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['empty INTEGER', [0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01]],
    ['INTEGER past the end', [0x30, 0x06, 0x02, 0x09, 0x01, 0x02, 0x01, 0x01]],
    ['negative INTEGER', [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]],
    ['non-minimal INTEGER', [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]],
    ['only one INTEGER', [0x30, 0x03, 0x02, 0x01, 0x01]],
    [
      'trailing bytes inside the SEQUENCE',
      [0x30, 0x08, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00],
    ],
    [
      'INTEGER longer than the curve',
      [0x30, 0x26, 0x02, 0x21, 0x01, ...new Array(32).fill(0), 0x02, 0x01, 0x01],
    ],
  ])('rejects %s', (_label, der) => {
    // Act / Assert
    expect(() => derToJose(Uint8Array.from(der as number[]), 32)).toThrow(/malformed DER/);
  });

  it('accepts a 33-byte INTEGER whose first byte is the sign byte', () => {
    // Arrange
    const r = new Uint8Array(32).fill(0xff);
    const der = derEncode(r, Uint8Array.of(1));

    // Act / Assert
    expect(derToJose(der, 32).subarray(0, 32)).toEqual(r);
  });
});

describe('KmsSigner', () => {
  const kmsMock = mockClient(KMSClient);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = (key: typeof ec.publicKey): Uint8Array =>
    key.export({ format: 'der', type: 'spki' });
  const awsError = (name: string): Error =>
    Object.assign(new Error(`${name} detail`), { name, $metadata: {} });

  beforeEach(() => kmsMock.reset());
  afterAll(() => kmsMock.restore());

  it('rejects an unknown algorithm at construction', () => {
    // Act / Assert
    expect(
      () => new KmsSigner({ keyId: 'k', algorithm: 'HS256' as never, client: new KMSClient({}) }),
    ).toThrow(/unsupported signing algorithm/);
  });

  it('signs ES256 with ECDSA_SHA_256 over the RAW message and returns R||S', async () => {
    // Arrange
    const message = new TextEncoder().encode('header.payload');
    const der = sign('sha256', message, { key: ec.privateKey, dsaEncoding: 'der' });
    kmsMock.on(SignCommand).resolves({ Signature: der });
    const signer = new KmsSigner({ keyId: 'key-1', algorithm: 'ES256', client: new KMSClient({}) });

    // Act
    const signature = await signer.sign(message);

    // Assert
    expect(kmsMock.commandCalls(SignCommand)[0]?.args[0].input).toEqual({
      KeyId: 'key-1',
      Message: message,
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(
      verify('sha256', message, { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);
  });

  it('signs RS256 with RSASSA_PKCS1_V1_5_SHA_256 and returns the signature unchanged', async () => {
    // Arrange
    const message = new TextEncoder().encode('header.payload');
    const rsaSignature = sign('sha256', message, rsa.privateKey);
    kmsMock.on(SignCommand).resolves({ Signature: rsaSignature });
    const signer = new KmsSigner({ keyId: 'key-2', algorithm: 'RS256', client: new KMSClient({}) });

    // Act
    const signature = await signer.sign(message);

    // Assert
    expect(kmsMock.commandCalls(SignCommand)[0]?.args[0].input.SigningAlgorithm).toBe(
      'RSASSA_PKCS1_V1_5_SHA_256',
    );
    expect(Buffer.from(signature)).toEqual(rsaSignature);
  });

  it('signs RAW up to the limit and refuses a longer input without calling KMS', async () => {
    // Arrange
    const atLimit = new Uint8Array(KMS_RAW_MESSAGE_LIMIT).fill(0x61);
    const overLimit = new Uint8Array(KMS_RAW_MESSAGE_LIMIT + 1).fill(0x61);
    kmsMock
      .on(SignCommand)
      .resolves({ Signature: sign('sha256', atLimit, { key: ec.privateKey }) });
    const signer = new KmsSigner({ keyId: 'key-1', algorithm: 'ES256', client: new KMSClient({}) });

    // Act
    const signature = await signer.sign(atLimit);
    const refused = await signer.sign(overLimit).catch((error: unknown) => error);

    // Assert
    expect(kmsMock.commandCalls(SignCommand)).toHaveLength(1);
    expect(kmsMock.commandCalls(SignCommand)[0]?.args[0].input.MessageType).toBe('RAW');
    expect(
      verify('sha256', atLimit, { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);
    expect(refused).toBeInstanceOf(ServerError);
    expect((refused as Error).message).toBe('the access token is too large to sign');
  });

  it.each([['ThrottlingException'], ['RequestLimitExceeded'], ['DependencyTimeoutException']])(
    'maps %s from Sign to TemporarilyUnavailableError',
    async (name) => {
      // Arrange
      kmsMock.on(SignCommand).rejects(awsError(name));
      const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256', client: new KMSClient({}) });

      // Act
      const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(TemporarilyUnavailableError);
      expect((error as TemporarilyUnavailableError).code).toBe('temporarily_unavailable');
      expect((error as Error).message).not.toContain('detail');
      expect((error as Error).cause).toMatchObject({ name });
    },
  );

  it('maps an HTTP 429 without a known name to TemporarilyUnavailableError', async () => {
    // Arrange
    kmsMock
      .on(SignCommand)
      .rejects(Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } }));
    const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256', client: new KMSClient({}) });

    // Act / Assert
    await expect(signer.sign(new Uint8Array([1]))).rejects.toBeInstanceOf(
      TemporarilyUnavailableError,
    );
  });

  it.each([
    ['DisabledException'],
    ['AccessDeniedException'],
    ['NotFoundException'],
    ['KMSInvalidStateException'],
    ['KMSInternalException'],
  ])('maps %s from Sign to ServerError without detail', async (name) => {
    // Arrange
    kmsMock.on(SignCommand).rejects(awsError(name));
    const signer = new KmsSigner({ keyId: 'k', algorithm: 'RS256', client: new KMSClient({}) });

    // Act
    const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).code).toBe('server_error');
    expect((error as Error).message).not.toContain('detail');
    expect((error as Error).cause).toMatchObject({ name });
  });

  it('maps a non-Error rejection to ServerError', async () => {
    // Arrange
    kmsMock.on(SignCommand).callsFake(() => Promise.reject('boom'));
    const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256', client: new KMSClient({}) });

    // Act / Assert
    await expect(signer.sign(new Uint8Array([1]))).rejects.toBeInstanceOf(ServerError);
  });

  it.each([
    ['no signature', {}],
    ['an empty signature', { Signature: new Uint8Array() }],
    ['a malformed DER signature', { Signature: Uint8Array.of(0x30, 0x00) }],
  ])('maps %s to ServerError', async (_label, output) => {
    // Arrange
    kmsMock.on(SignCommand).resolves(output);
    const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256', client: new KMSClient({}) });

    // Act / Assert
    await expect(signer.sign(new Uint8Array([1]))).rejects.toBeInstanceOf(ServerError);
  });

  it('fetches the public key once and derives kid and alg from it', async () => {
    // Arrange
    kmsMock.on(GetPublicKeyCommand).resolves({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      PublicKey: spki(ec.publicKey),
    });
    const signer = new KmsSigner({ keyId: 'key-1', algorithm: 'ES256', client: new KMSClient({}) });

    // Act
    const [a, b] = await Promise.all([signer.keyInfo(), signer.keyInfo()]);
    const c = await signer.keyInfo();

    // Assert
    expect(kmsMock.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(a.alg).toBe('ES256');
    expect(a.kid).toBe(a.publicJwk.kid);
    expect(a.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(createPublicKey({ key: a.publicJwk as never, format: 'jwk' }).equals(ec.publicKey)).toBe(
      true,
    );
  });

  it('forgets a failed key fetch and retries on the next call', async () => {
    // Arrange
    kmsMock
      .on(GetPublicKeyCommand)
      .rejectsOnce(awsError('ThrottlingException'))
      .resolves({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(rsa.publicKey) });
    const signer = new KmsSigner({ keyId: 'key-2', algorithm: 'RS256', client: new KMSClient({}) });

    // Act
    const first = await signer.keyInfo().catch((e: unknown) => e);
    const second = await signer.keyInfo();

    // Assert
    expect(first).toBeInstanceOf(TemporarilyUnavailableError);
    expect(second.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(kmsMock.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
  });

  it('accepts the deprecated CustomerMasterKeySpec when KeySpec is absent', async () => {
    // Arrange
    kmsMock
      .on(GetPublicKeyCommand)
      .resolves({ CustomerMasterKeySpec: 'ECC_NIST_P256', PublicKey: spki(ec.publicKey) });
    const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256', client: new KMSClient({}) });

    // Act / Assert
    await expect(signer.keyInfo()).resolves.toMatchObject({ alg: 'ES256' });
  });

  it.each([
    [
      'an RSA key for ES256',
      'ES256',
      { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(rsa.publicKey) },
    ],
    [
      'an EC key for RS256',
      'RS256',
      { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(ec.publicKey) },
    ],
    [
      'a P-384 key',
      'ES256',
      { KeySpec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(ec.publicKey) },
    ],
    ['a key without spec', 'ES256', { KeyUsage: 'SIGN_VERIFY', PublicKey: spki(ec.publicKey) }],
    [
      'an encryption key',
      'RS256',
      { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT', PublicKey: spki(rsa.publicKey) },
    ],
    ['no public key', 'ES256', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }],
    [
      'garbage public key',
      'ES256',
      { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: Uint8Array.of(1, 2) },
    ],
    [
      'a spec that lies about the key',
      'ES256',
      { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(rsa.publicKey) },
    ],
  ] as const)(
    'refuses %s with ServerError and no key id in the message',
    async (_label, algorithm, output) => {
      // Arrange
      kmsMock.on(GetPublicKeyCommand).resolves(output as never);
      const signer = new KmsSigner({
        keyId: 'arn:aws:kms:secret-key-id',
        algorithm,
        client: new KMSClient({}),
      });

      // Act
      const error = await signer.keyInfo().catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).message).not.toContain('secret-key-id');
      expect(String(((error as Error).cause as Error).message)).toContain('secret-key-id');
    },
  );

  it.each([['DisabledException'], ['AccessDeniedException'], ['NotFoundException']])(
    'maps %s from GetPublicKey to ServerError',
    async (name) => {
      // Arrange
      kmsMock.on(GetPublicKeyCommand).rejects(awsError(name));
      const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256', client: new KMSClient({}) });

      // Act / Assert
      await expect(signer.keyInfo()).rejects.toBeInstanceOf(ServerError);
    },
  );

  it('builds a default KMS client when none is given', () => {
    // Act / Assert
    expect(() => new KmsSigner({ keyId: 'k', algorithm: 'ES256' })).not.toThrow();
  });
});
