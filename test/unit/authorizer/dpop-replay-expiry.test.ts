// Regression (found by review): a proof's dpopjti# entry must outlive every gap between the proof
// check and the replay write. The DynamoDB condition compares the entry's expiry with the adapter's
// clock at the write, after the revocation read; with a 1 s margin and DPOP_IAT_FUTURE_SECONDS 0, a
// replay at the window's edge behind a slow read overwrote an entry that counted as expired.
import type { DpopProofUse } from '../../../functions/authorizer/core/dpop-replay';
import type { RevocationState } from '../../../functions/shared/revocation';
import {
  dpopConfig,
  dpopEvent,
  makeProofKey,
  outcomeHandler,
  signProof,
} from '../../support/dpop-fixtures';
import { makeKeys, NOW, validClaims, validToken } from '../../support/jwt-fixtures';

const LIVE: RevocationState = {
  client: 'active',
  tokensNotBefore: undefined,
  jtiRevokedUntil: undefined,
};

it.each([1_100, 5_000, 28_999])(
  'refuses a replay at the window edge behind a revocation read of %i ms (future = 0)',
  async (delayMs) => {
    const keys = makeKeys();
    const proofKey = makeProofKey();
    const clock = { ms: 0 };
    // Mirrors DynamoDbDpopReplayCache: attribute_not_exists(client_id) OR expires_at < now (adapter clock).
    const items = new Map<string, number>();
    const replayCache = {
      useOnce: async (use: DpopProofUse) => {
        const now = Math.floor(clock.ms / 1000);
        const e = items.get(use.key);
        if (e !== undefined && !(e < now)) return false;
        items.set(use.key, use.expiresAt);
        return true;
      },
    };
    let readDelayMs = 0;
    const decide = outcomeHandler({
      config: {
        ...dpopConfig(keys.trusted),
        dpopIatWindow: { pastSeconds: 60, futureSeconds: 0 },
        revocation: { tableName: 'clients', cacheTtlSeconds: 0, staleSeconds: 0 },
      },
      clock: () => clock.ms,
      revocationSource: {
        read: async () => {
          clock.ms += readDelayMs; // a slow (retried) BatchGetItem within REVOCATION_READ_BUDGET (1.5 s)
          return LIVE;
        },
      },
      dpopReplayCache: replayCache,
    });
    const token = validToken(keys.es, validClaims({ cnf: { jkt: proofKey.jkt }, exp: NOW + 3600 }));
    const proof = signProof(proofKey, token, { iat: NOW });
    const event = dpopEvent({ authorization: `DPoP ${token}`, dpop: proof });

    clock.ms = NOW * 1000;
    expect((await decide(event)).effect).toBe('Allow'); // first use
    clock.ms = (NOW + 60) * 1000 + 999; // last accepted instant: iat = now - past
    expect((await decide(event)).effect).toBe('Unauthorized'); // replay refused with a fast read
    clock.ms = (NOW + 60) * 1000 + 999;
    readDelayMs = delayMs;
    expect((await decide(event)).effect).toBe('Unauthorized'); // same proof, third time: still refused
  },
);
