// The `disable` and `enable` commands: a client's status, and its API key's with it.
import type { ClientRecord, ClientStatus } from '../../../../functions/token/core/types';
import type { CommandDeps, StatusChange } from '../model';
import { refuseDeclaredEdit } from './ownership';
import { nextTokensNotBefore, requireClient, syncAfter, writeNext } from './shared';

/**
 * Enables or disables a client. A disabled client gets `invalid_client` at the token endpoint
 * at once (reads are strongly consistent). Disabling also sets `tokens_not_before`, so the tokens
 * it already holds get 401 at the authorizer (when revocation checking is on) and stay dead after
 * a later `enable`. Enabling sets it to the current second too: no token is issued while the
 * client is disabled, except by a Region the disable had not reached yet (multi-Region,
 * docs/multi-region.md), and those must not come back to life with the client.
 * @param deps ports
 * @param clientId the id
 * @param status the wanted status
 * @param beforeSync called with the record once it is written (or found already in the status),
 *   before the API key is synchronised: the revocation items go to every Region there, so that
 *   the kill never waits for, or fails with, API Gateway
 * @returns the record and whether anything was written
 */
export async function setClientStatus(
  deps: CommandDeps,
  clientId: string,
  status: ClientStatus,
  beforeSync: (record: ClientRecord) => Promise<void> = async () => {},
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
    const record = {
      ...current,
      tokens_not_before: nextTokensNotBefore(current, deps.clock(), 0),
    };
    await beforeSync(record);
    return { record, changed: false };
  }
  if (status === 'active') refuseDeclaredEdit(current, 'enable');
  // The record first (a disabled client gets no token and its tokens get 401), then its API key.
  // Already in that status: a rerun, which still completes the key's state.
  if (current.status === status) {
    await beforeSync(current);
    return { record: await syncAfter(deps, current, command), changed: false };
  }
  const next = {
    ...current,
    status,
    tokens_not_before: nextTokensNotBefore(current, deps.clock(), 0),
  };
  // A declared client: the incident `disable` also disables its declaration, which the next
  // `terraform plan` shows as drift (docs/clients.md, "Clients as code").
  const written = await writeNext(deps, current, next, command, {
    disableDeclaration: current.managed_by === 'terraform',
  });
  await beforeSync(written);
  return { record: await syncAfter(deps, written, command), changed: true };
}
