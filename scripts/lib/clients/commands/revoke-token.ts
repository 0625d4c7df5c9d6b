// The `revoke-token` command: revokes one token by its `jti`.
import { CLOCK_SKEW_SECONDS, TOKEN_TTL_SECONDS } from '../../../../functions/shared/limits';
import type { CommandDeps } from '../model';
import { revocationAuditEntry } from '../audit';

/**
 * Revokes one token by `jti`, as RFC 7009 revocation does. The operator does not know the token's
 * `exp`, so the item is kept for the longest any token can live: the longest lifetime plus the
 * largest skew the authorizer can be configured with.
 * @param deps ports
 * @param jti the token id
 * @returns epoch seconds until which the item is kept
 */
export async function revokeTokenById(
  deps: Pick<CommandDeps, 'store' | 'clock' | 'actor' | 'randomBytes'>,
  jti: string,
): Promise<number> {
  const expiresAt = Math.ceil(deps.clock() / 1000) + TOKEN_TTL_SECONDS.max + CLOCK_SKEW_SECONDS.max;
  await deps.store.revokeToken(
    { jti, clientId: '', expiresAt },
    await revocationAuditEntry(deps, jti),
  );
  return expiresAt;
}
