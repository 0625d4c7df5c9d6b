// The handler with the verified-token cache (issue 25, item 7): a repeated DPoP request costs the proof's signature only, and a cached token still meets every check that depends on time or state: expiry, revocation, the route, the scheme and the proof.
import crypto from 'node:crypto';
import type { RevocationState } from '../../../functions/shared/revocation';
import {
  dpopConfig,
  dpopEvent,
  makeProofKey,
  memoryReplayCache,
  outcomeHandler,
  signProof,
  type Outcome,
} from '../../support/dpop-fixtures';
import { makeKeys, NOW, NOW_MS, SKEW, validClaims, validToken } from '../../support/jwt-fixtures';

const keys = makeKeys();
const proofKey = makeProofKey();
const otherProofKey = makeProofKey();
const cryptoVerify = jest.spyOn(crypto, 'verify');

const LIVE: RevocationState = {
  client: 'active',
  tokensNotBefore: undefined,
  jtiRevokedUntil: undefined,
};

/** A handler with the cache on (the default size), revocation read on every request, and a clock to move. */
function setup() {
  const clock = { nowMs: NOW_MS };
  const revocation = { state: LIVE };
  const decide = outcomeHandler({
    config: {
      ...dpopConfig(keys.trusted),
      revocation: { tableName: 'clients', cacheTtlSeconds: 0, staleSeconds: 0 },
    },
    clock: () => clock.nowMs,
    revocationSource: { read: async () => revocation.state },
    dpopReplayCache: memoryReplayCache(),
  });
  return { decide, clock, revocation };
}

const boundToken = (claims: Record<string, unknown> = {}): string =>
  validToken(keys.es, validClaims({ cnf: { jkt: proofKey.jkt }, ...claims }));

/** A DPoP request to GET /orders/7 with a fresh proof. */
const dpopRequest = (token: string, proofClaims: Record<string, unknown> = {}) =>
  dpopEvent({ authorization: `DPoP ${token}`, dpop: signProof(proofKey, token, proofClaims) });

/** The outcome of one request, and the signature verifications it made. */
async function measured(
  decide: ReturnType<typeof setup>['decide'],
  event: Parameters<ReturnType<typeof setup>['decide']>[0],
): Promise<{ outcome: Outcome; verifications: number }> {
  const before = cryptoVerify.mock.calls.length;
  const outcome = await decide(event);
  return { outcome, verifications: cryptoVerify.mock.calls.length - before };
}

const unauthorized = (reason: string) =>
  expect.objectContaining({ effect: 'Unauthorized', reason });

describe('a repeated DPoP request', () => {
  it('costs two signature verifications the first time, then one (the proof)', async () => {
    // Arrange
    const { decide } = setup();
    const token = boundToken();

    // Act
    const first = await measured(decide, dpopRequest(token));
    const second = await measured(decide, dpopRequest(token));
    const third = await measured(decide, dpopRequest(token));

    // Assert
    expect([first.outcome.effect, second.outcome.effect, third.outcome.effect]).toEqual([
      'Allow',
      'Allow',
      'Allow',
    ]);
    expect([first.verifications, second.verifications, third.verifications]).toEqual([2, 1, 1]);
  });
});

describe('a cached token still meets every check', () => {
  it('is refused once expired (same skew)', async () => {
    // Arrange
    const { decide, clock } = setup();
    const token = boundToken({ exp: NOW + 30 });
    await decide(dpopRequest(token));

    // Act: past exp + skew, with a proof fresh at that time.
    clock.nowMs = (NOW + 30 + SKEW) * 1000;
    const late = await decide(dpopRequest(token, { iat: NOW + 30 + SKEW }));

    // Assert
    expect(late).toEqual(unauthorized('expired'));
  });

  it.each<[string, RevocationState, string]>([
    ['its jti revoked', { ...LIVE, jtiRevokedUntil: NOW + 3600 }, 'revoked'],
    ['its client revoked all tokens', { ...LIVE, tokensNotBefore: NOW }, 'revoked'],
    ['its client disabled', { ...LIVE, client: 'inactive' }, 'disabled_client'],
  ])('is refused after caching with %s', async (_name, state, reason) => {
    // Arrange
    const { decide, revocation } = setup();
    const token = boundToken();
    const before = await decide(dpopRequest(token));

    // Act
    revocation.state = state;
    const after = await measured(decide, dpopRequest(token));

    // Assert: the token came from the cache (one verification: the proof's) and was refused.
    expect(before.effect).toBe('Allow');
    expect(after).toEqual({ outcome: unauthorized(reason), verifications: 1 });
  });

  it('is refused as Bearer after it was cached through DPoP (bound token downgrade)', async () => {
    // Arrange
    const { decide } = setup();
    const token = boundToken();
    await decide(dpopRequest(token));

    // Act
    const onDpopRoute = await measured(decide, dpopEvent({ authorization: `Bearer ${token}` }));
    const onOpenRoute = await decide(
      dpopEvent({
        authorization: `Bearer ${token}`,
        resource: '/health',
        path: '/health',
      }),
    );

    // Assert
    expect(onDpopRoute).toEqual({
      outcome: unauthorized('dpop_bound_as_bearer'),
      verifications: 0,
    });
    expect(onOpenRoute).toEqual(unauthorized('dpop_bound_as_bearer'));
  });

  it.each<[string, (token: string) => string | undefined]>([
    ['no proof', () => undefined],
    ['a proof for another token (ath)', (token) => signProof(proofKey, `${token}x`)],
    [
      'a proof for the token with one character changed',
      (token) => signProof(proofKey, token.slice(0, -1)),
    ],
    [
      'a proof by a key the token is not bound to (jkt)',
      (token) => signProof(otherProofKey, token),
    ],
    ['a proof from the past (iat)', (token) => signProof(proofKey, token, { iat: NOW - 120 })],
    ['a proof for another method (htm)', (token) => signProof(proofKey, token, { htm: 'POST' })],
  ])('is refused with %s', async (_name, proofFor) => {
    // Arrange
    const { decide } = setup();
    const token = boundToken();
    await decide(dpopRequest(token));

    // Act
    const refused = await decide(
      dpopEvent({ authorization: `DPoP ${token}`, dpop: proofFor(token) }),
    );

    // Assert
    expect(refused).toEqual(unauthorized('dpop_invalid'));
  });

  it('is refused with a replayed proof', async () => {
    // Arrange
    const { decide } = setup();
    const token = boundToken();
    const request = dpopRequest(token);
    await decide(request);

    // Act
    const replayed = await decide(request);

    // Assert
    expect(replayed).toEqual(unauthorized('dpop_replayed'));
  });

  it('gets the decision of the route it calls: Deny where it lacks the scope', async () => {
    // Arrange
    const { decide } = setup();
    const token = validToken(keys.es, validClaims({ scope: 'orders:read' }));
    const open = dpopEvent({
      authorization: `Bearer ${token}`,
      resource: '/health',
      path: '/health',
    });
    const reports = dpopEvent({
      authorization: `Bearer ${token}`,
      resource: '/reports/{id}',
      path: '/reports/1',
    });
    const unlisted = dpopEvent({ authorization: `Bearer ${token}`, resource: '/x', path: '/x' });

    // Act
    const first = await decide(open);
    const second = await measured(decide, reports);
    const third = await decide(unlisted);

    // Assert
    expect(first.effect).toBe('Allow');
    expect(second).toEqual({
      outcome: expect.objectContaining({ effect: 'Deny' }),
      verifications: 0,
    });
    expect(third.effect).toBe('Deny');
  });

  it('is not found under another spelling in the Authorization header', async () => {
    // Arrange
    const { decide } = setup();
    const token = validToken(keys.es);
    const open = (authorization: string) =>
      dpopEvent({ authorization, resource: '/health', path: '/health' });
    await decide(open(`Bearer ${token}`));

    // Act
    const spellings = await Promise.all(
      [
        `Bearer ${token} `,
        `Bearer  ${token}`,
        `Bearer ${token}=`,
        `Bearer ${token.slice(0, -1)}`,
      ].map((authorization) => decide(open(authorization))),
    );

    // Assert
    expect(spellings.map((o) => o.effect)).toEqual([
      'Unauthorized',
      'Unauthorized',
      'Unauthorized',
      'Unauthorized',
    ]);
    expect((await decide(open(`bearer ${token}`))).effect).toBe('Allow');
  });
});
