/**
 * Clients declared in Terraform (docs/clients.md, "Clients as code"), the contract shared by the
 * token function, the authorizer and the clients CLI. Such a client has two items in the clients
 * table, so that Terraform and the CLI never write the same item:
 * - its **declaration**, `client_id = "declared#<id>"`, written by Terraform (modules/client) and
 *   holding every field Terraform declares (name, status, scopes, audiences, method, public keys,
 *   token lifetime, DPoP binding, usage plan and API key); the CLI only ever sets its `status` to
 *   `disabled` (an incident action, which the next `terraform plan` shows as drift);
 * - its **runtime record**, `client_id = "<id>"`, written by the CLI (secrets, `tokens_not_before`)
 *   and the token function (`last_used_at`), and never by Terraform. It has no `status`: a record
 *   without one is not a client by itself, so it is inert once the declaration is gone.
 *
 * A record that has a `status` is a client the CLI owns; with a declaration beside it (a client
 * being adopted), the declaration's fields win.
 * @module
 */

/** Partition key prefix of a declaration item. Reserved like every key with `#`. */
export const DECLARED_CLIENT_PREFIX = 'declared#';

/** `managed_by` of a declaration, and of the runtime record the CLI writes beside one. */
export const MANAGED_BY_TERRAFORM = 'terraform';

/**
 * @param clientId a client id (without `#`)
 * @returns the partition key of its declaration item
 */
export function declaredClientKey(clientId: string): string {
  return DECLARED_CLIENT_PREFIX + clientId;
}
