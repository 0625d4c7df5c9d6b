// Human text output of the client admin commands, with last use and credential ages. Never shows secret hashes.
import type { ClientRecord, RegisteredAuthMethod } from '../../../functions/token/core/types';
import type { CreatedClient, ListFilters, RotatedSecret, StatusChange } from './model';
import { toKeyView } from './views';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long ago a time was, in the units of the `list` filters: `<1 h`, hours below two days, then
 * whole days. A time ahead of the clock (another machine's) reads `<1 h`.
 * @param iso an ISO 8601 time
 * @param nowMs the clock
 * @returns e.g. `<1 h`, `5 h`, `400 d`
 */
export function ageText(iso: string, nowMs: number): string {
  const ms = nowMs - Date.parse(iso);
  if (ms < HOUR_MS) return '<1 h';
  if (ms < 2 * DAY_MS) return `${Math.floor(ms / HOUR_MS)} h`;
  return `${Math.floor(ms / DAY_MS)} d`;
}

/** How each registration reads in `show` and `create` (the long form) and `list` (the short). */
const AUTH_TEXT: Record<RegisteredAuthMethod | 'none', readonly [long: string, short: string]> = {
  client_secret: ['client_secret: the secret by HTTP Basic, or in a form or JSON body', 'secret'],
  client_secret_basic: ['client_secret_basic: the secret by HTTP Basic only', 'secret: Basic'],
  client_secret_post: [
    'client_secret_post: the secret in a form or JSON body only',
    'secret: body',
  ],
  private_key_jwt: ['private_key_jwt: a signed assertion (RFC 7523), never a secret', 'key'],
  none: [
    'the secret by HTTP Basic, or in a form or JSON body (no method recorded; written by an early version)',
    'secret',
  ],
};

/**
 * @param record a client
 * @param form `long` for show and create, `short` for list
 * @returns how the client authenticates, for the text output
 */
function authText(record: ClientRecord, form: 'long' | 'short' = 'long'): string {
  return AUTH_TEXT[record.token_endpoint_auth_method ?? 'none'][form === 'long' ? 0 : 1];
}

const SERVICE_DEFAULT = '(service default)';

function listOrDefault(values: readonly string[]): string {
  return values.length > 0 ? values.join(' ') : SERVICE_DEFAULT;
}

function ttlText(record: ClientRecord): string {
  return record.token_ttl_seconds === undefined ? SERVICE_DEFAULT : `${record.token_ttl_seconds} s`;
}

function fields(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`).join('\n');
}

const SECRET_WARNING =
  'The secret is shown only this once and cannot be recovered; only its argon2id hash is stored.\n' +
  'Hand it to the client team over a secure channel.';

/**
 * Quotes a value for a POSIX shell: unchanged when it holds only characters no shell treats
 * specially, otherwise in single quotes (an embedded `'` becomes `'\''`).
 * @param value any string
 * @returns a shell word that expands to exactly `value`
 */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_.:@%+,/-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * @param clientId the client id
 * @param secret its secret
 * @returns a POSIX shell line exporting CLIENT_ID and CLIENT_SECRET, ready to paste
 */
export function exportLine(clientId: string, secret: string): string {
  return `export CLIENT_ID=${shellQuote(clientId)} CLIENT_SECRET=${shellQuote(secret)}`;
}

/**
 * @param created the created client
 * @returns human text for `create`, with the secret and a ready-to-paste `export` line
 */
export function formatCreated(created: CreatedClient): string {
  const { record, secret } = created;
  if (secret === undefined) {
    return [
      `Created client ${JSON.stringify(record.name)} (private_key_jwt: no secret exists).`,
      fields([
        ['client_id', record.client_id],
        ['auth method', authText(record)],
        ['scopes', record.scopes.join(' ')],
        ['audiences', listOrDefault(record.audiences)],
        ['token TTL', ttlText(record)],
        ...keyRows(record),
      ]),
      'The client signs assertions with its private key (aud: the issuer); see docs/private-key-jwt.md.',
      `export CLIENT_ID=${shellQuote(record.client_id)}`,
    ].join('\n');
  }
  return [
    `Created client ${JSON.stringify(record.name)}.`,
    fields([
      ['client_id', record.client_id],
      ['client_secret', secret],
      ['auth method', authText(record)],
      ['scopes', record.scopes.join(' ')],
      ['audiences', listOrDefault(record.audiences)],
      ['token TTL', ttlText(record)],
      ...(record.usage_plan !== undefined ? ([['usage plan', record.usage_plan]] as const) : []),
    ]),
    SECRET_WARNING,
    'To use it from this shell (the examples in docs/clients.md read these variables):',
    exportLine(record.client_id, secret),
  ].join('\n');
}

/**
 * @param record a client
 * @param nowMs the clock, for the ages of the last use, secrets and keys
 * @returns the `last used` row: the time and how long ago, or `never`
 */
function lastUseText(record: ClientRecord, nowMs: number): string {
  return record.last_used_at === undefined
    ? 'never recorded'
    : `${record.last_used_at} (${ageText(record.last_used_at, nowMs)} ago)`;
}

/**
 * @param record a client
 * @param nowMs the clock, for the ages of the last use, secrets and keys
 * @returns human text for `show`: every setting, last use, secret and key metadata with their ages, never a hash
 */
export function formatClient(record: ClientRecord, nowMs: number): string {
  const secrets = record.secrets.map(
    (secret, index) =>
      [
        `secret ${index + 1}`,
        `created ${secret.created_at} (${ageText(secret.created_at, nowMs)} old), ` +
          (secret.expires_at === undefined ? 'no expiry' : `expires ${secret.expires_at}`),
      ] as const,
  );
  return fields([
    ['client_id', record.client_id],
    ['name', record.name],
    ['status', record.status],
    ['scopes', record.scopes.join(' ')],
    ['audiences', listOrDefault(record.audiences)],
    ['token TTL', ttlText(record)],
    ['DPoP', dpopText(record)],
    ...(record.usage_plan !== undefined
      ? ([
          [
            'usage plan',
            `${record.usage_plan} (API key ${record.usage_key_id ?? 'not created yet'})`,
          ],
        ] as const)
      : []),
    ...(record.pending_since !== undefined
      ? ([
          ['pending', `since ${record.pending_since}: rerun the create command to finish`],
        ] as const)
      : []),
    ['auth method', authText(record)],
    ...ownerRows(record),
    ['created', record.created_at || '(no CLI change yet)'],
    ['updated', record.updated_at || '(no CLI change yet)'],
    ['last used', lastUseText(record, nowMs)],
    ['version', String(record.version)],
    ...secrets,
    ...keyRows(record, nowMs),
    ...(record.key_problems ?? []).map((problem) => ['refused key', problem] as const),
  ]);
}

/**
 * The rows of `show` that say who owns a client declared in Terraform (docs/clients.md,
 * "Clients as code"); none for a client the CLI owns.
 */
function ownerRows(record: ClientRecord): (readonly [string, string])[] {
  if (record.managed_by !== 'terraform') return [];
  return [
    [
      'managed by',
      `Terraform at ${record.terraform_address ?? 'the clients input'}: change it there; ` +
        'the CLI only disables it, revokes its tokens and rotates its secret',
    ],
    ...(record.adoption_unfinished === true
      ? ([
          [
            'adoption',
            `unfinished: run adopt ${record.client_id} (until then, removing it from Terraform ` +
              'would leave its old record a client)',
          ],
        ] as const)
      : []),
  ];
}

/**
 * One `key N` row per registered key: kid, alg, RFC 7638 thumbprint and, with a clock, when it
 * was registered and how long ago.
 */
function keyRows(record: ClientRecord, nowMs?: number): (readonly [string, string])[] {
  return (record.jwks?.keys ?? []).map((jwk, index) => {
    const view = toKeyView(jwk, record.keys_added_at?.[jwk.kid]);
    const added =
      nowMs === undefined
        ? ''
        : view.added_at === null
          ? ', added (not recorded)'
          : `, added ${view.added_at} (${ageText(view.added_at, nowMs)} old)`;
    return [
      `key ${index + 1}`,
      `kid ${view.kid}, ${view.alg}, thumbprint ${view.thumbprint}${added}`,
    ] as const;
  });
}

/**
 * @param record a client
 * @param nowMs the clock
 * @returns the ages of its live secrets (an expired one no longer works), or of its keys (`?`
 *   where not recorded), for `list`
 */
function credentialAges(record: ClientRecord, nowMs: number): string {
  const times =
    record.token_endpoint_auth_method === 'private_key_jwt'
      ? (record.jwks?.keys ?? []).map((jwk) => record.keys_added_at?.[jwk.kid])
      : record.secrets
          .filter((s) => s.expires_at === undefined || Date.parse(s.expires_at) > nowMs)
          .map((secret) => secret.created_at);
  if (times.length === 0) return '-';
  return times.map((at) => (at === undefined ? '?' : ageText(at, nowMs))).join(', ');
}

/**
 * @param records clients
 * @param nowMs the clock, for the last use and the credentials' ages
 * @param filters the filters `records` were selected by, for the empty case
 * @returns a human table for `list`
 */
export function formatList(
  records: readonly ClientRecord[],
  nowMs: number,
  filters: ListFilters = {},
): string {
  if (records.length === 0) {
    return filters.unusedSinceMs === undefined && filters.secretOlderThanMs === undefined
      ? 'No clients.'
      : 'No client matches.';
  }
  const header = [
    'CLIENT_ID',
    'NAME',
    'STATUS',
    'AUTH',
    'SCOPES',
    'AUDIENCES',
    'CREATED',
    'LAST USED',
    'CREDENTIAL AGES',
  ];
  const rows = records.map((r) => [
    r.client_id,
    r.name,
    r.managed_by === 'terraform' ? `${r.status} (terraform)` : r.status,
    r.dpop_bound_access_tokens === true ? `${authText(r, 'short')} +dpop` : authText(r, 'short'),
    r.scopes.join(' '),
    listOrDefault(r.audiences),
    r.created_at || '-',
    r.last_used_at === undefined ? 'never' : `${ageText(r.last_used_at, nowMs)} ago`,
    credentialAges(r, nowMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '),
    )
    .join('\n');
}

/**
 * @param record the updated client
 * @param nowMs the clock, for ages
 * @returns human text for `update`
 */
export function formatUpdated(record: ClientRecord, nowMs: number): string {
  return `Updated client ${record.client_id}.\n${formatClient(record, nowMs)}`;
}

/**
 * @param change the enable/disable result
 * @returns human text for `enable` / `disable`
 */
export function formatStatusChange(change: StatusChange): string {
  const { record, changed } = change;
  if (!changed) return `Client ${record.client_id} is already ${record.status}; nothing changed.`;
  const declared =
    record.managed_by === 'terraform'
      ? `\nIt is declared in Terraform at ${record.terraform_address ?? 'the clients input'}: the next ` +
        'terraform plan shows its status as changed; set enabled = false there to keep it ' +
        'disabled (terraform apply would enable it again).'
      : '';
  return record.status === 'disabled'
    ? `Disabled client ${record.client_id}: the token endpoint now rejects it with invalid_client.\n` +
        'With revocation checking on, its tokens get 401 within the bound of docs/revocation.md.' +
        declared
    : `Enabled client ${record.client_id}.`;
}

/**
 * @param rotated the rotation result
 * @param graceSeconds the grace period asked for
 * @returns human text for `rotate-secret`, with the new secret
 */
export function formatRotated(rotated: RotatedSecret, graceSeconds: number): string {
  const previous =
    rotated.previousExpiresAt === undefined
      ? 'revoked now'
      : `keeps working until ${rotated.previousExpiresAt}` +
        (graceSeconds > 0 ? ` (grace ${graceSeconds} s)` : '');
  return [
    `Rotated the secret of client ${rotated.record.client_id} (${JSON.stringify(rotated.record.name)}).`,
    fields([
      ['client_id', rotated.record.client_id],
      ['client_secret', rotated.secret],
      ['previous secret', previous],
    ]),
    SECRET_WARNING,
  ].join('\n');
}

/**
 * @param record the deleted client
 * @returns human text for `delete`
 */
export function formatDeleted(record: ClientRecord): string {
  return `Deleted client ${record.client_id} (${JSON.stringify(record.name)}); it can no longer get tokens.`;
}

/**
 * @param record a client
 * @returns the `DPoP` row of `show`: whether the client gets tokens without a proof
 */
function dpopText(record: ClientRecord): string {
  return record.dpop_bound_access_tokens === true
    ? 'required (dpop_bound_access_tokens: no token without a proof)'
    : 'optional (a proof binds the token; none gets a Bearer token)';
}
