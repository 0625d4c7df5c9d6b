// Property (issue 25, item 7): over random streams of requests (valid, bound, short-lived, not-yet-valid and tampered tokens; Bearer and DPoP; fresh, replayed and foreign proofs; three routes), random clocks and revocations made mid-stream, the handler decides every request exactly as the same handler without the verified-token cache: same effect, context, 401 reason and log line.
import fc from 'fast-check';
import type { RevocationState } from '../../../functions/shared/revocation';
import {
  dpopConfig,
  dpopEvent,
  makeProofKey,
  memoryReplayCache,
  outcomeHandler,
  signProof,
} from '../../support/dpop-fixtures';
import { makeKeys, NOW, NOW_MS, validClaims, validToken } from '../../support/jwt-fixtures';

const keys = makeKeys();
const proofKey = makeProofKey();
const otherProofKey = makeProofKey();

/** Valid tokens of different lifetimes, scopes, clients and bindings, ES256 and RS256. */
const BASE_TOKENS: string[] = [
  validToken(keys.es, validClaims({ jti: 't0' })),
  validToken(keys.rs, validClaims({ jti: 't1', scope: 'reports:read', exp: NOW + 20 })),
  validToken(keys.es, validClaims({ jti: 't2', nbf: NOW + 40, iat: NOW })),
  validToken(keys.es, validClaims({ jti: 't3', cnf: { jkt: proofKey.jkt } })),
  validToken(keys.rs, validClaims({ jti: 't4', cnf: { jkt: proofKey.jkt }, exp: NOW + 45 })),
  validToken(keys.es, validClaims({ jti: 't5', cnf: { jkt: otherProofKey.jkt } })),
  validToken(keys.es, validClaims({ jti: 't6', sub: 'c2', client_id: 'c2', cnf: null })),
  validToken(keys.untrustedEs, validClaims({ jti: 't7' })),
];

/** Each base token and spellings of it that differ by a character or an encoding. */
const TOKENS: string[] = BASE_TOKENS.flatMap((t) => {
  const at = t.length - 30;
  return [
    t,
    `${t.slice(0, at)}${t[at] === 'A' ? 'B' : 'A'}${t.slice(at + 1)}`,
    `${t} `,
    `${t}=`,
    `${t.split('.')[0]}=.${t.split('.').slice(1).join('.')}`,
  ];
});

/** Proofs per token: two fresh ones (iat NOW and NOW + 40), one by another key, one for another token. */
const PROOFS: string[][] = TOKENS.map((t) => [
  signProof(proofKey, t),
  signProof(proofKey, t, { iat: NOW + 40 }),
  signProof(otherProofKey, t),
  signProof(proofKey, `${t}x`),
]);

const ROUTES = [
  { resource: '/orders/{id}', path: '/orders/7' },
  { resource: '/reports/{id}', path: '/reports/7' },
  { resource: '/health', path: '/health' },
];

interface Step {
  token: number;
  scheme: 'Bearer' | 'DPoP';
  proof: number;
  route: number;
  /** Seconds from NOW: near it (proof windows, short lifetimes) or anywhere in the hour. */
  clock: number;
  /** Revocation state written before the request, for every token. */
  revoke: 'none' | 't0' | 't3' | 'client';
}

const step: fc.Arbitrary<Step> = fc.record({
  token: fc.nat(TOKENS.length - 1),
  scheme: fc.constantFrom('Bearer' as const, 'DPoP' as const),
  proof: fc.nat(3),
  route: fc.nat(ROUTES.length - 1),
  clock: fc.oneof(fc.integer({ min: -40, max: 110 }), fc.integer({ min: -4000, max: 4000 })),
  revoke: fc.constantFrom(
    'none' as const,
    'none' as const,
    't0' as const,
    't3' as const,
    'client' as const,
  ),
});

/** The revocation state a step sets, by the token's jti. */
function stateFor(revoke: Step['revoke'], jti: string): RevocationState {
  return {
    client: 'active',
    tokensNotBefore: revoke === 'client' ? NOW : undefined,
    jtiRevokedUntil: revoke === jti ? NOW + 7200 : undefined,
  };
}

/** A handler over shared clock and revocation state, with its own replay cache. */
function handler(cacheSize: number, world: { nowMs: number; revoke: Step['revoke'] }) {
  return outcomeHandler({
    config: {
      ...dpopConfig(keys.trusted),
      verifiedTokenCacheSize: cacheSize,
      revocation: { tableName: 'clients', cacheTtlSeconds: 0, staleSeconds: 0 },
    },
    clock: () => world.nowMs,
    revocationSource: { read: async (_client, jti) => stateFor(world.revoke, jti) },
    dpopReplayCache: memoryReplayCache(),
  });
}

describe('verified-token cache: decisions with the cache equal decisions without it', () => {
  it('on random request streams, clocks and revocations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 2, 3, 1000),
        fc.array(step, { minLength: 1, maxLength: 30 }),
        async (cacheSize, steps) => {
          // Arrange
          const world = { nowMs: NOW_MS, revoke: 'none' as Step['revoke'] };
          const cached = handler(cacheSize, world);
          const uncached = handler(0, world);

          for (const s of steps) {
            world.nowMs = NOW_MS + s.clock * 1000;
            world.revoke = s.revoke;
            const token = TOKENS[s.token] as string;
            const { resource, path } = ROUTES[s.route] as (typeof ROUTES)[number];
            const event = dpopEvent({
              authorization: `${s.scheme} ${token}`,
              dpop: s.scheme === 'DPoP' ? PROOFS[s.token]?.[s.proof] : undefined,
              resource,
              path,
            });

            // Act
            const withCache = await cached(event);
            const without = await uncached(event);

            // Assert
            expect(withCache).toEqual(without);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the streams reach allows, denies and refusals of every kind (the property is not vacuous)', async () => {
    // Arrange: one long stream over every token, scheme, proof and route at two clocks.
    const world = { nowMs: NOW_MS, revoke: 'none' as Step['revoke'] };
    const decide = handler(2, world);
    const seen = new Set<string>();

    // Act
    for (const clock of [0, 50]) {
      world.nowMs = NOW_MS + clock * 1000;
      for (const [t, token] of TOKENS.entries()) {
        for (const scheme of ['Bearer', 'DPoP']) {
          for (const [r, { resource, path }] of ROUTES.entries()) {
            const outcome = await decide(
              dpopEvent({
                authorization: `${scheme} ${token}`,
                dpop: scheme === 'DPoP' ? PROOFS[t]?.[r % 4] : undefined,
                resource,
                path,
              }),
            );
            seen.add(outcome.effect === 'Unauthorized' ? String(outcome.reason) : outcome.effect);
          }
        }
      }
    }

    // Assert
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'Allow',
        'Deny',
        'bad_signature',
        'dpop_bound_as_bearer',
        'dpop_invalid',
        'dpop_not_accepted',
        'dpop_required',
        'expired',
        'malformed',
        'unknown_kid',
      ]),
    );
  });
});
