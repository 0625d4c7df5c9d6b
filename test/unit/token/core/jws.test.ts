// Unit tests of JWS assembly: header, base64url segments, and signatures that jose verifies.
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { signCompactJws } from '../../../../functions/token/core/jws';
import { accessTokenHeader } from '../../../../functions/shared/access-token';
import { InMemorySigner } from '../../../support/token-fakes';

describe('accessTokenHeader', () => {
  it('is {alg, typ: at+jwt, kid}', () => {
    // Arrange
    const signer = new InMemorySigner('ES256');

    // Act / Assert
    expect(accessTokenHeader(signer.info)).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: signer.info.kid,
    });
  });
});

describe('signCompactJws', () => {
  it.each(['ES256', 'RS256'] as const)('produces a %s JWS that jose verifies', async (alg) => {
    // Arrange
    const signer = new InMemorySigner(alg);
    const payload = { sub: 'client-1', note: 'ünïcode' };

    // Act
    const jws = await signCompactJws(accessTokenHeader(signer.info), payload, signer);

    // Assert
    expect(jws).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const key = await importJWK(signer.info.publicJwk, alg);
    const { payload: bytes, protectedHeader } = await compactVerify(jws, key);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(payload);
    expect(protectedHeader).toEqual(decodeProtectedHeader(jws));
    expect(protectedHeader.typ).toBe('at+jwt');
  });

  it('signs exactly the ASCII bytes of header.payload', async () => {
    // Arrange
    let signed = '';
    const signer = {
      sign: async (input: Uint8Array): Promise<Uint8Array> => {
        signed = new TextDecoder().decode(input);
        return Uint8Array.from([0xfb, 0xff]);
      },
    };

    // Act
    const jws = await signCompactJws({ alg: 'ES256' }, { a: 1 }, signer);

    // Assert
    expect(signed).toBe('eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ');
    expect(jws).toBe('eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ.-_8');
  });
});
