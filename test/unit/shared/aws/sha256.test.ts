// NodeSha256, the node:crypto hash SignatureV4 signs with: the same signatures as the SDK's own hash, and its buffer handling.
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { NodeSha256 } from '../../../../functions/shared/aws/sha256';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/EXAMPLE+key' };

describe('NodeSha256', () => {
  it('signs exactly as the SDK hash does (SigV4 over random bodies and dates)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        async (body, signingDate) => {
          // Arrange
          const request = {
            method: 'POST',
            protocol: 'https:',
            hostname: 'dynamodb.eu-west-1.amazonaws.com',
            path: '/',
            headers: { host: 'dynamodb.eu-west-1.amazonaws.com', 'x-amz-target': 'X' },
            body,
          };
          const sign = (sha256: ConstructorParameters<typeof SignatureV4>[0]['sha256']) =>
            new SignatureV4({
              service: 'dynamodb',
              region: 'eu-west-1',
              credentials: CREDENTIALS,
              sha256,
            }).sign({ ...request, headers: { ...request.headers } }, { signingDate });

          // Act
          const [ours, sdk] = await Promise.all([
            sign(NodeSha256),
            sign(Hash.bind(null, 'sha256')),
          ]);

          // Assert
          return ours.headers.authorization === sdk.headers.authorization;
        },
      ),
      { numRuns: 50 },
    );
  });

  it('hashes bytes given as any buffer view, and reset starts over', async () => {
    // Arrange
    const a = new NodeSha256();
    const b = new NodeSha256();
    const bytes = new TextEncoder().encode('abc');

    // Act
    a.update(new DataView(bytes.buffer));
    b.update('zzz');
    b.reset();
    b.update(bytes.buffer);

    // Assert
    expect(Buffer.from(await a.digest()).toString('hex')).toBe(
      Buffer.from(await b.digest()).toString('hex'),
    );
  });

  it('digests the FIPS 180-2 "abc" vector from a view into the middle of a larger buffer', async () => {
    // Arrange
    const hash = new NodeSha256();
    const padded = new TextEncoder().encode('xxabcyy');

    // Act
    hash.update(new Uint8Array(padded.buffer, 2, 3));

    // Assert
    expect(Buffer.from(await hash.digest()).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it.each<[string, string | Uint8Array]>([
    ['text', 'Jefe'],
    ['bytes', new TextEncoder().encode('Jefe')],
  ])(
    'computes HMAC-SHA-256 with a secret given as %s (RFC 4231 test case 2)',
    async (_label, key) => {
      // Arrange
      const hmac = new NodeSha256(key);

      // Act
      hmac.update('what do ya want for nothing?');

      // Assert
      expect(Buffer.from(await hmac.digest()).toString('hex')).toBe(
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      );
    },
  );
});
