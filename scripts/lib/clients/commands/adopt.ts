// The `adopt` command: finishes Terraform's adoption of a client the CLI created, reducing its record to what the CLI and the token function own.
import { UsageError } from '../../../../tools/cli/usage-error';
import type { ClientRecord } from '../../../../functions/token/core/types';
import type { CommandDeps } from '../model';
import { declaredAt } from './ownership';
import { requireClient, writeNext } from './shared';

/**
 * Finishes the adoption of a CLI-made client that Terraform now declares (docs/clients.md,
 * "Adopting a client the CLI created"): its record keeps its secrets, `tokens_not_before`, last
 * use and times and loses every field the declaration now holds (name, status, scopes, ...), so
 * that removing the client from Terraform later deletes it rather than bringing the old record
 * back. Conditional on the record's version, with its audit entry.
 * @param deps ports
 * @param clientId the id
 * @returns the client as the token function now sees it, and whether anything was written
 * @throws UsageError when Terraform does not declare the client
 */
export async function adoptClient(
  deps: CommandDeps,
  clientId: string,
): Promise<{ record: ClientRecord; changed: boolean }> {
  const current = await requireClient(deps.store, clientId);
  if (current.managed_by !== 'terraform') {
    throw new UsageError(
      `client ${clientId} is not declared in Terraform: add it to the clients input with ` +
        `client_id = "${clientId}" (and import blocks for its API key), run terraform apply, ` +
        'then run adopt. Nothing was written.',
    );
  }
  if (current.adoption_unfinished !== true) return { record: current, changed: false };
  const { adoption_unfinished: _unfinished, ...declared } = current;
  const record = await writeNext(deps, current, declared, 'adopt');
  return { record, changed: true };
}

/**
 * @param record the adopted client
 * @param changed whether adopt wrote anything
 * @returns human text for `adopt`
 */
export function formatAdopted(record: ClientRecord, changed: boolean): string {
  return changed
    ? `Client ${record.client_id} is now managed by Terraform at ${declaredAt(record)}: its record ` +
        'keeps only its secrets, revocation time and last use.'
    : `Client ${record.client_id} is already managed by Terraform at ${declaredAt(record)}; nothing changed.`;
}
