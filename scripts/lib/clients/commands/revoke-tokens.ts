// The `revoke-tokens` command: kills every token issued to a client so far.
import type { ClientRecord } from '../../../../functions/token/core/types';
import { TOKENS_NOT_BEFORE_MARGIN_SECONDS } from '../../../../functions/shared/limits';
import type { CommandDeps } from '../model';
import { nextTokensNotBefore, requireClient, writeNext } from './shared';

/**
 * Kills every token issued to a client so far: sets `tokens_not_before` (conditional on the
 * version read). The client stays active; the token endpoint issues again once that time passes.
 * @param deps ports
 * @param clientId the id
 * @returns the updated record
 */
export async function revokeTokens(deps: CommandDeps, clientId: string): Promise<ClientRecord> {
  const current = await requireClient(deps.store, clientId);
  return writeNext(
    deps,
    current,
    {
      ...current,
      tokens_not_before: nextTokensNotBefore(
        current,
        deps.clock(),
        TOKENS_NOT_BEFORE_MARGIN_SECONDS,
      ),
    },
    'revoke-tokens',
  );
}
