// Output of `revoke-tokens`: which tokens died, and until when the token endpoint refuses new ones (503) and why.
import type { ClientRecord } from '../../../functions/token/core/types';

/** `revoke-tokens --json`. */
export interface RevokedTokensView {
  client_id: string;
  /** Tokens issued (`iat`) before this time are dead at the authorizer. */
  tokens_not_before: string;
  /**
   * Until this time the token endpoint answers the client's token requests with 503
   * `temporarily_unavailable` (it issues no token with `iat` before `tokens_not_before`): the
   * same instant, by the token endpoint's clock.
   */
  new_tokens_refused_until: string;
  /** Seconds from the command to `new_tokens_refused_until`, rounded up. */
  new_tokens_refused_seconds: number;
}

/**
 * @param record the client as `revoke-tokens` wrote it (with `tokens_not_before`)
 * @param nowMs the operator's clock after the write
 * @returns the `revoke-tokens --json` object
 */
export function toRevokedTokensView(record: ClientRecord, nowMs: number): RevokedTokensView {
  const notBeforeMs = (record.tokens_not_before ?? 0) * 1000;
  const at = new Date(notBeforeMs).toISOString();
  return {
    client_id: record.client_id,
    tokens_not_before: at,
    new_tokens_refused_until: at,
    new_tokens_refused_seconds: Math.max(0, Math.ceil((notBeforeMs - nowMs) / 1000)),
  };
}

/**
 * @param view what `revoke-tokens` did
 * @returns human text for `revoke-tokens`, with the refusal window and its reason
 */
export function formatRevokedTokens(view: RevokedTokensView): string {
  return [
    `Revoked every token of client ${view.client_id} issued before ${view.tokens_not_before}; ` +
      'with revocation checks on, they get 401 within the bound of docs/revocation.md.',
    `New tokens for this client are refused with 503 temporarily_unavailable until ` +
      `${view.new_tokens_refused_until} (${view.new_tokens_refused_seconds} s): a token request ` +
      'that read the client before this revoke may still sign until then, and its token must ' +
      'not outlive the revoke (docs/revocation.md).',
  ].join('\n');
}
