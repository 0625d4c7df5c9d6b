// The multi-Region assertion lifetime cap: with maxIssuedLifetimeSeconds, exp − iat is bounded too, and exp − now by maxLifetimeSeconds, each at the boundary.
import {
  AssertionRejectedError,
  createAssertionVerifier,
} from '../../../../functions/token/core/client-assertion';
import { MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS } from '../../../../functions/shared/regions';
import { assertionClaims, clientKeyPair, signAssertion } from '../../../support/client-assertions';

const ISSUER = 'https://auth.example.com';
const NOW_MS = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const NOW = Math.floor(NOW_MS / 1000);
const SKEW = 30;
const CLIENT = 'jwt-client';
const KEY = clientKeyPair('ES256');
const CAP = MULTI_REGION_MAX_ASSERTION_LIFETIME_SECONDS;

const capped = createAssertionVerifier({
  audiences: [ISSUER],
  clockSkewSeconds: SKEW,
  maxLifetimeSeconds: CAP,
  maxIssuedLifetimeSeconds: CAP,
});
const uncapped = createAssertionVerifier({ audiences: [ISSUER], clockSkewSeconds: SKEW });

const outcome = (
  verifier: typeof capped,
  overrides: Record<string, unknown>,
): 'accepted' | string => {
  const assertion = signAssertion(KEY, assertionClaims(CLIENT, ISSUER, NOW, overrides));
  try {
    verifier.verify(assertion, CLIENT, [KEY.jwk], NOW_MS);
    return 'accepted';
  } catch (err) {
    if (err instanceof AssertionRejectedError) return err.reason;
    throw err;
  }
};

describe('multi-Region assertion lifetime cap (60 s)', () => {
  it('accepts exp − iat = 60 and refuses 61, which a single-Region verifier accepts', () => {
    expect(CAP).toBe(60);
    expect(outcome(capped, { iat: NOW, exp: NOW + CAP })).toBe('accepted');
    expect(outcome(capped, { iat: NOW - 1, exp: NOW + CAP })).toBe('assertion_exp_too_far');
    expect(outcome(uncapped, { iat: NOW - 1, exp: NOW + CAP })).toBe('accepted');
  });

  it('refuses exp − iat = 90 even when exp − now is within the cap plus the skew', () => {
    expect(outcome(capped, { iat: NOW, exp: NOW + 90 })).toBe('assertion_exp_too_far');
    expect(outcome(uncapped, { iat: NOW, exp: NOW + 90 })).toBe('accepted');
  });

  it('bounds exp − now by the cap plus the skew when there is no iat', () => {
    expect(outcome(capped, { iat: undefined, exp: NOW + CAP + SKEW })).toBe('accepted');
    expect(outcome(capped, { iat: undefined, exp: NOW + CAP + SKEW + 1 })).toBe(
      'assertion_exp_too_far',
    );
  });
});
