// The `disable` and `enable` commands: a client's status, and its API key's with it.
import type { ClientStatus } from '../../../../functions/token/core/types';
import type { CommandDeps, StatusChange } from '../model';
import { refuseDeclaredEdit } from './ownership';
import { nextTokensNotBefore, requireClient, syncAfter, writeNext } from './shared';

/**
 * Enables or disables a client. A disabled client gets `invalid_client` at the token endpoint
 * at once (reads are strongly consistent). Disabling also sets `tokens_not_before`, so the tokens
 * it already holds get 401 at the authorizer (when revocation checking is on) and stay dead after
 * a later `enable`.
 * @param deps ports
 * @param clientId the id
 * @param status the wanted status
 * @returns the record and whether anything was written
 */
export async function setClientStatus(
  deps: CommandDeps,
  clientId: string,
  status: ClientStatus,
): Promise<StatusChange> {
  const current = await requireClient(deps.store, clientId);
  const command = status === 'disabled' ? 'disable' : 'enable';
  // A declared client Terraform has enabled again after an incident `disable`: nothing to write
  // in its record; the caller writes its cutoff items (`cutoff#<id>`, still `disabled` in every
  // Region) back to active. Any other `enable` of a declared client is Terraform's.
  if (
    status === 'active' &&
    deps.regions !== undefined &&
    current.managed_by === 'terraform' &&
    current.status === 'active'
  ) {
    return { record: current, changed: false };
  }
  if (status === 'active') refuseDeclaredEdit(current, 'enable');
  // The record first (a disabled client gets no token and its tokens get 401), then its API key.
  // Already in that status: a rerun, which still completes the key's state.
  if (current.status === status) {
    return { record: await syncAfter(deps, current, command), changed: false };
  }
  const next =
    status === 'disabled'
      ? { ...current, status, tokens_not_before: nextTokensNotBefore(current, deps.clock(), 0) }
      : { ...current, status };
  // A declared client: the incident `disable` also disables its declaration, which the next
  // `terraform plan` shows as drift (docs/clients.md, "Clients as code").
  const written = await writeNext(deps, current, next, command, {
    disableDeclaration: current.managed_by === 'terraform',
  });
  return { record: await syncAfter(deps, written, command), changed: true };
}
