// Unit tests of the KMS signer: DER to JOSE conversion (property tests, node:crypto as oracle), the KMS requests (fake transport), error mapping and deadlines.
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { AwsCallError } from '../../../../functions/shared/aws/errors';
import { KMS } from '../../../../functions/shared/aws/json-client';
import { AWS_CALL_BUDGET } from '../../../../functions/shared/limits';
import {
  KMS_RAW_MESSAGE_LIMIT,
  KmsSigner,
  derToJose,
  type KmsSignerOptions,
} from '../../../../functions/token/adapters/signer-kms';
import { ServerError, TemporarilyUnavailableError } from '../../../../functions/token/core/errors';
import {
  awsErrorReply,
  fakeAwsClient,
  transportFailure,
  type FakeCall,
  type FakeReply,
  type FakeTransport,
} from '../../../support/aws-json-fake';

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
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  /** KMS blobs travel as base64 strings in the JSON protocol. */
  const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
  const spki = (key: typeof ec.publicKey): string =>
    base64(key.export({ format: 'der', type: 'spki' }));
  const ok = (body: unknown): FakeReply => ({ status: 200, body });
  const newSigner = (
    replies: FakeReply[] | ((call: FakeCall) => FakeReply),
    options: Partial<KmsSignerOptions> = {},
  ): { signer: KmsSigner; transport: FakeTransport } => {
    const { client, transport } = fakeAwsClient(KMS, replies);
    const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256', client, ...options });
    return { signer, transport };
  };
  const calls = (transport: FakeTransport, operation: string): FakeCall[] =>
    transport.calls.filter((call) => call.operation === operation);

  it('rejects an unknown algorithm at construction', () => {
    // Arrange
    const { client } = fakeAwsClient(KMS, []);

    // Act / Assert
    expect(() => new KmsSigner({ keyId: 'k', algorithm: 'HS256' as never, client })).toThrow(
      /unsupported signing algorithm/,
    );
  });

  describe('requests', () => {
    it('signs ES256 with ECDSA_SHA_256 over the RAW message and returns R||S', async () => {
      // Arrange
      const message = new TextEncoder().encode('header.payload');
      const der = sign('sha256', message, { key: ec.privateKey, dsaEncoding: 'der' });
      const { signer, transport } = newSigner([ok({ Signature: base64(der), KeyId: 'key-1' })], {
        keyId: 'key-1',
      });

      // Act
      const signature = await signer.sign(message);

      // Assert
      expect(transport.calls).toHaveLength(1);
      expect(transport.calls[0]?.operation).toBe('Sign');
      expect(transport.calls[0]?.input).toEqual({
        KeyId: 'key-1',
        Message: base64(message),
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
      const { signer, transport } = newSigner([ok({ Signature: base64(rsaSignature) })], {
        keyId: 'key-2',
        algorithm: 'RS256',
      });

      // Act
      const signature = await signer.sign(message);

      // Assert
      expect(transport.calls[0]?.input).toMatchObject({
        KeyId: 'key-2',
        SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
      });
      expect(Buffer.from(signature)).toEqual(rsaSignature);
    });

    it('sends any signing input as the base64 of exactly its bytes', async () => {
      // Arrange
      const rsaSignature = base64(sign('sha256', Buffer.from('x'), rsa.privateKey));

      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: KMS_RAW_MESSAGE_LIMIT }),
          async (message) => {
            const { signer, transport } = newSigner([ok({ Signature: rsaSignature })], {
              algorithm: 'RS256',
            });

            // Act
            await signer.sign(message);

            // Assert
            const sent = transport.calls[0]?.input.Message;
            expect(typeof sent).toBe('string');
            expect(Buffer.from(sent as string, 'base64')).toEqual(Buffer.from(message));
          },
        ),
        { numRuns: 100 },
      );
    });

    it('signs RAW up to the limit and refuses a longer input without calling KMS', async () => {
      // Arrange
      const atLimit = new Uint8Array(KMS_RAW_MESSAGE_LIMIT).fill(0x61);
      const overLimit = new Uint8Array(KMS_RAW_MESSAGE_LIMIT + 1).fill(0x61);
      const { signer, transport } = newSigner([
        ok({ Signature: base64(sign('sha256', atLimit, { key: ec.privateKey })) }),
      ]);

      // Act
      const signature = await signer.sign(atLimit);
      const refused = await signer.sign(overLimit).catch((error: unknown) => error);

      // Assert
      expect(transport.calls).toHaveLength(1);
      expect(transport.calls[0]?.input.MessageType).toBe('RAW');
      expect(
        verify('sha256', atLimit, { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
      ).toBe(true);
      expect(refused).toBeInstanceOf(ServerError);
      expect((refused as Error).message).toBe('the access token is too large to sign');
    });
  });

  describe('Sign error mapping', () => {
    it.each([
      ['ThrottlingException', 400],
      ['RequestLimitExceeded', 400],
      ['DependencyTimeoutException', 500],
    ])(
      'maps %s (HTTP %d) to TemporarilyUnavailableError after the retries',
      async (code, status) => {
        // Arrange
        const { signer, transport } = newSigner([awsErrorReply(code, status, 'internal detail')]);

        // Act
        const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

        // Assert
        expect(error).toBeInstanceOf(TemporarilyUnavailableError);
        expect((error as TemporarilyUnavailableError).code).toBe('temporarily_unavailable');
        expect((error as Error).message).toBe('the signing service is busy; retry later');
        expect((error as Error).cause).toBeInstanceOf(AwsCallError);
        expect((error as Error).cause).toMatchObject({
          code,
          attempts: AWS_CALL_BUDGET.maxAttempts,
        });
        expect(transport.calls).toHaveLength(AWS_CALL_BUDGET.maxAttempts);
      },
    );

    it.each<[string, FakeReply]>([
      ['an HTTP 429 with an unknown code', awsErrorReply('SlowDown', 429)],
      ['an HTTP 429 without a code', { status: 429, body: { message: 'slow down' } }],
      ['an HTTP 503 that is not JSON', { status: 503, raw: 'Service Unavailable' }],
    ])('maps %s to TemporarilyUnavailableError', async (_label, reply) => {
      // Arrange
      const { signer } = newSigner([reply]);

      // Act / Assert
      await expect(signer.sign(new Uint8Array([1]))).rejects.toBeInstanceOf(
        TemporarilyUnavailableError,
      );
    });

    it.each([
      ['DisabledException', 400],
      ['AccessDeniedException', 400],
      ['NotFoundException', 400],
      ['KMSInvalidStateException', 400],
      ['UnrecognizedClientException', 400],
      ['KMSInternalException', 500],
    ])('maps %s (HTTP %d) to ServerError without detail', async (code, status) => {
      // Arrange
      const { signer } = newSigner([awsErrorReply(code, status, 'internal detail')], {
        algorithm: 'RS256',
      });

      // Act
      const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as ServerError).code).toBe('server_error');
      expect((error as Error).message).toBe('the signing service failed');
      expect((error as Error).cause).toBeInstanceOf(AwsCallError);
      expect((error as Error).cause).toMatchObject({ code });
    });

    it('maps a transport that rejects with a non-Error value to ServerError', async () => {
      // Arrange
      const { client } = fakeAwsClient(KMS, [], {
        transport: () => Promise.reject('boom'),
      });
      const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256', client });

      // Act
      const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).cause).toMatchObject({ kind: 'connection', code: 'NetworkError' });
    });

    it('maps a reset connection on Sign to ServerError (500), not 503', async () => {
      // Arrange
      const { signer, transport } = newSigner([transportFailure('connection', 'ECONNRESET')], {
        algorithm: 'RS256',
      });

      // Act
      const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).cause).toMatchObject({ kind: 'connection', code: 'ECONNRESET' });
      // A reset is retried by the client before it is reported.
      expect(transport.calls).toHaveLength(AWS_CALL_BUDGET.maxAttempts);
    });
  });

  describe('Sign responses', () => {
    it.each<[string, Record<string, unknown>]>([
      ['no signature', {}],
      ['an empty signature', { Signature: '' }],
      ['a null signature', { Signature: null }],
      ['a signature that is a number', { Signature: 12 }],
      ['a signature that is a byte array', { Signature: [0x30, 0x00] }],
      ['a signature that is an object', { Signature: { type: 'Buffer', data: [1] } }],
      ['a malformed DER signature', { Signature: base64(Uint8Array.of(0x30, 0x00)) }],
    ])('maps %s to ServerError', async (_label, output) => {
      // Arrange
      const { signer } = newSigner([ok(output)]);

      // Act
      const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).message).toBe('the signing service failed');
    });

    it.each<[string, Record<string, unknown>]>([
      ['no signature', {}],
      ['a signature that is not a string', { Signature: [1, 2, 3] }],
    ])('maps %s to ServerError for RS256 too', async (_label, output) => {
      // Arrange
      const { signer } = newSigner([ok(output)], { algorithm: 'RS256' });

      // Act / Assert
      await expect(signer.sign(new Uint8Array([1]))).rejects.toBeInstanceOf(ServerError);
    });
  });

  describe('keyInfo', () => {
    it('fetches the public key once and derives kid and alg from it', async () => {
      // Arrange
      const { signer, transport } = newSigner(
        [ok({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(ec.publicKey) })],
        { keyId: 'key-1' },
      );

      // Act
      const [a, b] = await Promise.all([signer.keyInfo(), signer.keyInfo()]);
      const c = await signer.keyInfo();

      // Assert
      expect(transport.calls).toHaveLength(1);
      expect(transport.calls[0]?.operation).toBe('GetPublicKey');
      expect(transport.calls[0]?.input).toEqual({ KeyId: 'key-1' });
      expect(a).toBe(b);
      expect(c).toBe(a);
      expect(a.alg).toBe('ES256');
      expect(a.kid).toBe(a.publicJwk.kid);
      expect(a.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(
        createPublicKey({ key: a.publicJwk as never, format: 'jwk' }).equals(ec.publicKey),
      ).toBe(true);
    });

    it('forgets a failed key fetch and asks KMS again on the next call', async () => {
      // Arrange: throttled on every attempt of the first call, then answered
      const { signer, transport } = newSigner(
        [
          ...new Array<FakeReply>(AWS_CALL_BUDGET.maxAttempts).fill(
            awsErrorReply('ThrottlingException'),
          ),
          ok({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(rsa.publicKey) }),
        ],
        { algorithm: 'RS256' },
      );

      // Act
      const first = await signer.keyInfo().catch((e: unknown) => e);
      const second = await signer.keyInfo();

      // Assert
      expect(first).toBeInstanceOf(TemporarilyUnavailableError);
      expect(second.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256' });
      expect(calls(transport, 'GetPublicKey')).toHaveLength(AWS_CALL_BUDGET.maxAttempts + 1);
    });

    it('accepts the deprecated CustomerMasterKeySpec when KeySpec is absent', async () => {
      // Arrange
      const { signer } = newSigner([
        ok({ CustomerMasterKeySpec: 'ECC_NIST_P256', PublicKey: spki(ec.publicKey) }),
      ]);

      // Act / Assert
      await expect(signer.keyInfo()).resolves.toMatchObject({ alg: 'ES256' });
    });

    it('prefers KeySpec over the deprecated CustomerMasterKeySpec', async () => {
      // Arrange
      const { signer } = newSigner([
        ok({
          KeySpec: 'ECC_NIST_P256',
          CustomerMasterKeySpec: 'RSA_2048',
          PublicKey: spki(ec.publicKey),
        }),
      ]);

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
        'an empty public key',
        'ES256',
        { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: '' },
      ],
      [
        'a public key that is not a string',
        'ES256',
        { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: [48, 89] },
      ],
      [
        'garbage public key',
        'ES256',
        {
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          PublicKey: base64(Uint8Array.of(1, 2)),
        },
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
        const { signer } = newSigner([ok(output)], {
          keyId: 'arn:aws:kms:secret-key-id',
          algorithm,
        });

        // Act
        const error = await signer.keyInfo().catch((e: unknown) => e);

        // Assert
        expect(error).toBeInstanceOf(ServerError);
        expect((error as Error).message).toBe('the signing key is not usable');
        expect((error as Error).message).not.toContain('secret-key-id');
        expect(String(((error as Error).cause as Error).message)).toContain('secret-key-id');
      },
    );

    it.each([['DisabledException'], ['AccessDeniedException'], ['NotFoundException']])(
      'maps %s from GetPublicKey to ServerError',
      async (code) => {
        // Arrange
        const { signer } = newSigner([awsErrorReply(code)]);

        // Act
        const error = await signer.keyInfo().catch((e: unknown) => e);

        // Assert
        expect(error).toBeInstanceOf(ServerError);
        expect((error as Error).message).toBe('the signing service failed');
        expect((error as Error).cause).toMatchObject({ code });
      },
    );
  });

  describe('deadlines', () => {
    afterEach(() => jest.useRealTimers());

    it('ends a Sign that never answers with 503 at its budget', async () => {
      // Arrange
      const { signer, transport } = newSigner(['hang'], { operationBudgetMs: 50 });
      const started = Date.now();

      // Act
      const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

      // Assert
      expect(Date.now() - started).toBeLessThan(AWS_CALL_BUDGET.operationBudgetMs);
      expect(error).toBeInstanceOf(TemporarilyUnavailableError);
      expect((error as Error).message).toBe('the signing service is busy; retry later');
      expect((error as Error).cause).toMatchObject({
        kind: 'timeout',
        code: 'OperationBudgetExceeded',
        attempts: 1,
      });
      expect(transport.calls).toHaveLength(1);
    });

    it('bounds a Sign by AWS_CALL_BUDGET.operationBudgetMs by default', async () => {
      // Arrange
      jest.useFakeTimers();
      const { signer } = newSigner(['hang']);
      let settled: unknown;

      // Act
      void signer.sign(new Uint8Array([1])).catch((e: unknown) => {
        settled = e;
      });
      await jest.advanceTimersByTimeAsync(AWS_CALL_BUDGET.operationBudgetMs - 1);
      const early = settled;
      await jest.advanceTimersByTimeAsync(1);

      // Assert
      expect(early).toBeUndefined();
      expect(settled).toBeInstanceOf(TemporarilyUnavailableError);
    });

    it('does not memoise a hung GetPublicKey: the next keyInfo asks KMS again and succeeds', async () => {
      // Arrange
      const { signer, transport } = newSigner(
        [
          'hang',
          ok({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: spki(ec.publicKey) }),
        ],
        { operationBudgetMs: 50 },
      );

      // Act
      const first = await signer.keyInfo().catch((e: unknown) => e);
      const second = await signer.keyInfo();

      // Assert
      expect(first).toBeInstanceOf(TemporarilyUnavailableError);
      expect((first as Error).cause).toMatchObject({ code: 'OperationBudgetExceeded' });
      expect(second.alg).toBe('ES256');
      expect(calls(transport, 'GetPublicKey')).toHaveLength(2);
    });
  });

  describe('default client', () => {
    const savedRegion = process.env.AWS_REGION;
    afterEach(() => {
      if (savedRegion === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = savedRegion;
    });

    it('builds a default KMS client when none is given', () => {
      // Act / Assert
      expect(() => new KmsSigner({ keyId: 'k', algorithm: 'ES256' })).not.toThrow();
    });

    it('reads its region from the environment: a bad AWS_REGION fails the call as ServerError', async () => {
      // Arrange
      process.env.AWS_REGION = 'Not A Region';
      const signer = new KmsSigner({ keyId: 'k', algorithm: 'ES256' });

      // Act
      const error = await signer.sign(new Uint8Array([1])).catch((e: unknown) => e);

      // Assert
      expect(error).toBeInstanceOf(ServerError);
      expect((error as Error).cause).toMatchObject({
        kind: 'configuration',
        code: 'InvalidConfiguration',
        attempts: 1,
      });
    });
  });
});
