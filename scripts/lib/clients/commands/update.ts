// The `update` command: a client's name, scopes, audiences, token lifetime, plan or secret method.
import { UsageError } from '../../../../tools/cli/usage-error';
import { isSecretClient } from '../../../../functions/token/core/auth-methods';
import type { ClientRecord, RegisteredAuthMethod } from '../../../../functions/token/core/types';
import type { ClientChanges, CommandDeps } from '../model';
import { generateUsageKeyValue, resolvePlan } from '../usage-keys';
import { refuseDeclaredEdit } from './ownership';
import { openUsageKeys, requireClient, syncAfter, writeNext } from './shared';

/**
 * Checks `update --auth` against the client's current method: a secret client (`client_secret`,
 * one pinned transport, or an early record with none) may be pinned to one transport or opened to
 * both (`client_secret`). A switch to or from `private_key_jwt` needs keys or a secret that the
 * record does not have, so it is refused before anything is written.
 * @throws UsageError naming --auth
 */
function checkAuthChange(current: ClientRecord, wanted: RegisteredAuthMethod): void {
  const method = current.token_endpoint_auth_method;
  if (method === wanted) return;
  if (!isSecretClient(method) || !isSecretClient(wanted)) {
    throw new UsageError(
      `--auth ${wanted}: client ${current.client_id} authenticates with ` +
        `${method ?? 'a secret'}; update switches only between client_secret, ` +
        `client_secret_basic and client_secret_post. ` +
        `${method === 'private_key_jwt' ? 'A secret' : 'Public keys'} ` +
        `cannot be added by update: create a new client with --auth ${wanted}`,
    );
  }
}

/**
 * Changes a client's name, scopes, audiences, token lifetime, plan or secret method (conditional
 * on its version). Nothing is written when a change is refused.
 * @param deps ports
 * @param clientId the id
 * @param changes validated changes
 * @returns the updated record
 * @throws UsageError for an `--auth` switch to or from `private_key_jwt`
 */
export async function updateClient(
  deps: CommandDeps,
  clientId: string,
  changes: ClientChanges,
): Promise<ClientRecord> {
  const current = await requireClient(deps.store, clientId);
  refuseDeclaredEdit(current, 'update');
  if (changes.authMethod !== undefined) checkAuthChange(current, changes.authMethod);
  let plan: Pick<ClientRecord, 'usage_plan' | 'usage_key'> = {};
  if (changes.plan !== undefined) {
    const gateway = await openUsageKeys(deps, true);
    const name = resolvePlan(await gateway?.config(), changes.plan) as string;
    plan = {
      usage_plan: name,
      usage_key: current.usage_key ?? generateUsageKeyValue(deps.randomBytes),
    };
  }
  const { token_ttl_seconds: currentTtl, dpop_bound_access_tokens: currentDpop, ...rest } = current;
  const ttl = changes.tokenTtlSeconds === undefined ? currentTtl : changes.tokenTtlSeconds;
  // RFC 9449 §5.2: absent means false, so `--no-dpop-bound` removes the attribute.
  const dpopBound = changes.dpopBound ?? currentDpop;
  const next = {
    ...rest,
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.scopes !== undefined ? { scopes: [...changes.scopes] } : {}),
    ...(changes.audiences !== undefined ? { audiences: [...changes.audiences] } : {}),
    ...(ttl !== undefined && ttl !== null ? { token_ttl_seconds: ttl } : {}),
    ...(changes.authMethod !== undefined ? { token_endpoint_auth_method: changes.authMethod } : {}),
    ...(dpopBound === true ? { dpop_bound_access_tokens: true } : {}),
    ...plan,
  };
  // The record (the plan it names) is written first, then the key follows it. A rerun of the same
  // update writes nothing new and only completes the key's move.
  const unchanged =
    changes.plan !== undefined &&
    JSON.stringify({ ...current, updated_at: '', version: 0 }) ===
      JSON.stringify({ ...next, updated_at: '', version: 0 });
  const record = unchanged ? current : await writeNext(deps, current, next, 'update');
  return changes.plan === undefined ? record : syncAfter(deps, record, 'update');
}
