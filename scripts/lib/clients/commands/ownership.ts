// Who owns what (docs/clients.md, "Clients as code"): the CLI refuses to edit what Terraform declares, and names where to change it instead.
import { UsageError } from '../../../../tools/cli/usage-error';
import type { ClientRecord } from '../../../../functions/token/core/types';

/** What a refused command would have changed, and how to change it in Terraform instead. */
export type DeclaredEdit = 'update' | 'enable' | 'add-key' | 'remove-key' | 'delete';

const INSTEAD: Record<DeclaredEdit, string> = {
  update: 'change its settings there and run terraform apply',
  enable: 'set enabled = true there and run terraform apply, which restores the declared status',
  'add-key': 'change its public_keys there and run terraform apply',
  'remove-key': 'change its public_keys there and run terraform apply',
  delete:
    'remove it from the clients input and run terraform apply, which deletes it and its API key',
};

/**
 * Where a declared client is declared, as messages name it.
 * @param record a client declared in Terraform
 * @returns e.g. `clients["orders"]`, or a description when the declaration names no address
 */
export function declaredAt(record: ClientRecord): string {
  return record.terraform_address ?? 'the clients input of the module';
}

/**
 * Refuses a command that would edit what Terraform declares (DESIGN.md, "Ownership of client
 * records"): the next `terraform apply` would undo it, or fight it. The incident actions
 * (`disable`, `revoke-tokens`, `rotate-secret`) are not refused.
 * @param record the client as read
 * @param edit the command
 * @throws UsageError naming the Terraform address to change instead, when Terraform declares the client
 */
export function refuseDeclaredEdit(record: ClientRecord, edit: DeclaredEdit): void {
  if (record.managed_by !== 'terraform') return;
  throw new UsageError(
    `client ${record.client_id} is declared in Terraform at ${declaredAt(record)}: ` +
      `${INSTEAD[edit]}. The CLI only disables a declared client, revokes its tokens and ` +
      'rotates its secret. Nothing was written.',
  );
}
