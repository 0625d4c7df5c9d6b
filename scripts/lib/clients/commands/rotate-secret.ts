// The `rotate-secret` command: a new secret, with the previous one kept for a grace period.
import { UsageError } from '../../../../tools/cli/usage-error';
import type { ClientSecret } from '../../../../functions/token/core/types';
import type { CommandDeps, RotatedSecret } from '../model';
import { generateClientSecret } from '../secrets';
import { isoTime, requireClient, writeNext } from './shared';

/**
 * Computes the secrets after a rotation: the new secret, plus the previous one limited to the
 * grace period. At most two secrets remain, so an older secret still in its grace period is
 * dropped, and secrets that have already expired are removed.
 * @param secrets the current secrets
 * @param fresh the new secret (hash only)
 * @param nowMs current time
 * @param graceSeconds how long the previous secret keeps working; 0 revokes it now
 * @returns the new secret list, newest first
 */
export function rotateSecrets(
  secrets: readonly ClientSecret[],
  fresh: ClientSecret,
  nowMs: number,
  graceSeconds: number,
): ClientSecret[] {
  const live = secrets.filter(
    (secret) => secret.expires_at === undefined || Date.parse(secret.expires_at) > nowMs,
  );
  // The previous secret is the current one (no expiry), newest first; failing that, the one
  // still in a grace period that ends last.
  const previous = [...live].sort((a, b) => {
    if (a.expires_at === undefined || b.expires_at === undefined) {
      if (a.expires_at !== b.expires_at) return a.expires_at === undefined ? -1 : 1;
      return b.created_at.localeCompare(a.created_at);
    }
    return Date.parse(b.expires_at) - Date.parse(a.expires_at);
  })[0];
  if (previous === undefined || graceSeconds === 0) return [fresh];
  const graceEnd = nowMs + graceSeconds * 1000;
  // A rotation never extends the life of a secret that was already expiring.
  const expiresMs =
    previous.expires_at === undefined
      ? graceEnd
      : Math.min(Date.parse(previous.expires_at), graceEnd);
  return [
    fresh,
    { hash: previous.hash, created_at: previous.created_at, expires_at: isoTime(expiresMs) },
  ];
}

/**
 * Gives a client a new secret; the previous one keeps working for the grace period.
 * @param deps ports
 * @param clientId the id
 * @param graceSeconds grace period of the previous secret (0: revoke it now)
 * @returns the record, the new plain-text secret and the previous secret's expiry
 */
export async function rotateSecret(
  deps: CommandDeps,
  clientId: string,
  graceSeconds: number,
): Promise<RotatedSecret> {
  const current = await requireClient(deps.store, clientId);
  if (current.token_endpoint_auth_method === 'private_key_jwt') {
    throw new UsageError(
      `client ${clientId} authenticates with private_key_jwt and has no secret; rotate its keys with add-key and remove-key`,
    );
  }
  const nowMs = deps.clock();
  const secret = generateClientSecret(deps.randomBytes);
  const fresh: ClientSecret = { hash: await deps.hasher.hash(secret), created_at: isoTime(nowMs) };
  const secrets = rotateSecrets(current.secrets, fresh, nowMs, graceSeconds);
  const record = await writeNext(deps, current, { ...current, secrets }, 'rotate-secret');
  return { record, secret, previousExpiresAt: secrets[1]?.expires_at };
}
