// Unit tests of DPoP in the token core: replay-cache keys that never meet an assertion's, and errors other than a proof's passing through the issuer.
import {
  assertionJtiKey,
  dpopProofJtiKey,
  replayEntryKey,
} from '../../../../functions/token/core/replay-keys';
import { createTokenIssuer } from '../../../../functions/token/core/issue-token';
import { DEFAULT_DPOP_IAT_WINDOW } from '../../../../functions/shared/dpop-proof';
import { parseClientRecord } from '../../../../functions/token/adapters/client-record';
import { MemoryReplayCache } from '../../../support/client-assertions';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  SECRET,
} from '../../../support/token-fakes';

describe('DPoP proof replay keys', () => {
  it('use the jti# prefix the IAM policy allows, and differ from an assertion key with the same strings', () => {
    // Act
    const proof = dpopProofJtiKey('jkt-1', 'j');
    const assertion = assertionJtiKey('jkt-1', 'j');

    // Assert
    expect(proof.startsWith('jti#')).toBe(true);
    expect(proof).not.toBe(assertion);
    expect(replayEntryKey({ clientId: 'c', jti: 'j', expiresAt: 1, proofKey: 'jkt-1' })).toBe(
      proof,
    );
    expect(replayEntryKey({ clientId: 'jkt-1', jti: 'j', expiresAt: 1 })).toBe(assertion);
  });

  it('do not depend on the client: one key and jti are one entry', () => {
    // Act / Assert
    expect(replayEntryKey({ clientId: 'a', jti: 'j', expiresAt: 1, proofKey: 'k' })).toBe(
      replayEntryKey({ clientId: 'b', jti: 'j', expiresAt: 1, proofKey: 'k' }),
    );
  });
});

describe('createTokenIssuer with DPoP', () => {
  it('lets an unexpected verifier failure through as itself (a 500), not as invalid_dpop_proof', async () => {
    // Arrange
    const issuer = createTokenIssuer({
      issuer: ISSUER,
      defaultAudience: 'aud',
      tokenTtlSeconds: 600,
      clientStore: new MemoryClientStore([clientRecord()]),
      hasher: new FakeHasher(),
      signer: new InMemorySigner('ES256'),
      clock: () => FIXED_NOW_MS,
      randomBytes: countingBytes,
      dpop: {
        verifier: () => {
          throw new TypeError('boom');
        },
        replayCache: new MemoryReplayCache(),
        iatWindow: DEFAULT_DPOP_IAT_WINDOW,
      },
    });

    // Act / Assert
    await expect(
      issuer.issueToken({
        contentType: FORM,
        body: `grant_type=client_credentials&client_id=client-1&client_secret=${encodeURIComponent(SECRET)}`,
        authorization: undefined,
        dpop: 'x.y.z',
      }),
    ).rejects.toThrow(TypeError);
  });
});

describe('parseClientRecord: dpop_bound_access_tokens', () => {
  const base = { ...clientRecord() };

  it.each([true, false])('keeps %s', (value) => {
    // Act / Assert
    expect(
      parseClientRecord({ ...base, dpop_bound_access_tokens: value }).dpop_bound_access_tokens,
    ).toBe(value);
  });

  it('leaves it out when absent or null', () => {
    // Act / Assert
    expect(parseClientRecord({ ...base, dpop_bound_access_tokens: null })).not.toHaveProperty(
      'dpop_bound_access_tokens',
    );
  });

  it('refuses a record where it is not a boolean (never read as "not required")', () => {
    // Act / Assert
    expect(() => parseClientRecord({ ...base, dpop_bound_access_tokens: 'true' })).toThrow(
      'dpop_bound_access_tokens',
    );
  });
});
