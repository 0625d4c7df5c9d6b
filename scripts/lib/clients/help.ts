// Usage text of `npm run clients` and `npm run create-client`.
import { TOKENS_NOT_BEFORE_MARGIN_SECONDS } from '../../../functions/shared/limits';
import { TOKEN_TTL_SECONDS } from '../../../functions/shared/limits';
import { EXIT } from '../../../tools/cli/exit-codes';
import type { CommandName, ProgramName } from './model';
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS } from './validate';
import { MAX_STALE_DAYS } from './args';

const TARGET = `Target (every command, exactly one):
  --table TABLE            DynamoDB table (region, credentials and endpoint from the standard
                           AWS environment: AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, ...)
  --local [--data-dir DIR] local file store of \`npm start\` (default DIR: .local); DIR must
                           exist, except for create, which makes it (not its parent)
Multi-Region (the table's config#regions item, docs/multi-region.md): every command that writes
  a client record runs in the control Region only (AWS_REGION); disable, enable, revoke-tokens,
  revoke-token and delete also write the revocation state to every Region and report each one.
  While the control Region is down: disable or revoke-tokens --skip-control-region, from another
  Region (the revocation state alone; exit ${EXIT.INCOMPLETE}; run it again without the flag later).
Output:
  --json                   one JSON document on stdout and nothing else`;

const SKIP_HELP = `  --skip-control-region    multi-Region, while the control Region is down: run from another
                           Region; writes only the cutoff items (cutoff#) of every Region it
                           reaches, not the client record; always exit ${EXIT.INCOMPLETE}. Run the command
                           again without it in the control Region once it answers.`;

const EXIT_CODES = `Exit codes:
  ${EXIT.OK}  done
  ${EXIT.FAILURE}  unexpected failure (AWS credentials, network, I/O)
  ${EXIT.USAGE}  bad arguments, unknown client id, missing table or data dir; nothing was written
  ${EXIT.CONFLICT}  the client was changed by someone else at the same time; nothing was written, run again
  ${EXIT.INCOMPLETE}  disable, enable, revoke-tokens, revoke-token, delete: written, but not in every Region
     (the report names them; delete keeps the record); run the command again once they answer.
     Always with --skip-control-region: the client record was not written`;

const CREATE_FLAGS = `  --name NAME              display name, 1..128 printable characters
  --scopes "A B ..."       allowed scopes, space-delimited RFC 6749 §3.3 scope tokens
  --audience AUD           allowed audience; repeat for several, the first is the default
                           (none: the service's default audience)
  --token-ttl SECONDS      access token lifetime for this client, ${TOKEN_TTL_SECONDS.min}..${TOKEN_TTL_SECONDS.max}
                           (default: the service's TOKEN_TTL_SECONDS)
  --plan NAME              usage plan of the client's API key (docs/usage-plans.md); default: the
                           deployment's default_usage_plan, or no key when it has none
  --auth METHOD            client_secret (the default): the secret by HTTP Basic, or in a form
                           or JSON body; client_secret_basic or client_secret_post: that one
                           transport only; private_key_jwt: signed assertions, never a secret
                           (the default with --jwks-file / --public-key-file)
  --jwks-file FILE         private_key_jwt: the client's public keys, a JWK or JWKS (JSON)
  --public-key-file FILE   private_key_jwt: a public key PEM (or JWK); repeat for several.
                           Keys without kid get their RFC 7638 thumbprint, without alg RS256,
                           ES256, ES384 or EdDSA by type (docs/private-key-jwt.md)
  --allow-shared-key       private_key_jwt: register a key that another client already holds
                           (refused by default: whoever holds its private key could act as
                           every client that has it)
  --dpop-bound             the client gets no token without a DPoP proof (RFC 9449 §5.2
                           dpop_bound_access_tokens; docs/dpop.md); default: a proof is optional`;

const COMMAND_HELP: Record<CommandName, string> = {
  create: `create --name NAME --scopes "A B ..." [--audience AUD]... [--token-ttl SECONDS] [--plan NAME]
                 [--auth METHOD] [--jwks-file FILE | --public-key-file FILE...] [--allow-shared-key]
                 [--dpop-bound]
  Creates a client with a generated id and a 256-bit secret, stores only the secret's
  argon2id hash and prints the secret once. With private_key_jwt there is no secret: only the
  public keys are stored. With usage plans it also gets an API key (256 random bits) in its
  plan; if that fails halfway, run the same command again to finish the client.
${CREATE_FLAGS}
  With --json: {"client_id","client_secret","name","scopes","audiences","token_endpoint_auth_method",
  "accepted_auth_methods"}.`,
  list: `list [--unused-since DURATION] [--secret-older-than DURATION]
  Lists every client: id, name, status, how it authenticates, scopes, audiences, created, when it
  last got a token, and the age of each live secret (or key). Never secrets or hashes. AUTH is
  "secret" (HTTP Basic or body), "secret: Basic" or "secret: body" (pinned to one transport) or
  "key" (private_key_jwt), followed by "+dpop" for a client that must send DPoP proofs. The token function records a client's last use at most once an hour,
  so LAST USED may lag by up to an hour; "never" means no token since it began recording.
  Stale clients (a DURATION is a whole number of days or hours: 90d, 12h, 365d; at most ${MAX_STALE_DAYS}d):
  --unused-since DURATION      only clients with no token for that long: last used before then,
                               or never used and created before then
  --secret-older-than DURATION only clients holding a live secret created before then (one in a
                               rotation's grace period counts until it expires)
  Given both, a client must match both.
  With --json: an array; accepted_auth_methods lists the RFC 7591 methods each client may use,
  last_used_at is null when never recorded, dpop_bound_access_tokens is true for a client that
  gets no token without a DPoP proof, secrets has each secret's created_at and expires_at,
  and a key client's keys each have added_at (null if registered before that was recorded).`,
  show: `show CLIENT_ID
  Shows one client's settings, usage plan and API key id, when it last got a token (recorded at
  most hourly), and secret and key metadata with their ages (creation, registration and expiry
  times, never hashes or the key's value). With --table, also the client's revocation state
  (cutoff# item) in each Region (revocation_state with --json).`,
  update: `update CLIENT_ID [--name NAME] [--scopes "A B ..."] [--audience AUD]... [--clear-audiences]
                 [--token-ttl SECONDS | --clear-token-ttl] [--plan NAME] [--auth METHOD]
                 [--dpop-bound | --no-dpop-bound]
  Changes the given settings; --scopes and --audience replace the whole list.
  --dpop-bound: no token without a DPoP proof from now on; --no-dpop-bound: a proof is optional.
  --clear-audiences: use the service's default audience; --clear-token-ttl: the service's TTL.
  --plan: moves the client's API key to that usage plan (creating the key if it has none). If it
  fails halfway, run the same command again: it completes the move.
  --auth client_secret|client_secret_basic|client_secret_post: lets a secret client send its
  secret either way, or pins it to one transport. A switch to or from private_key_jwt is refused
  (it needs keys or a secret): create a new client with that --auth.`,
  disable: `disable CLIENT_ID [--skip-control-region]
  The token endpoint rejects the client with invalid_client from now on. With revocation on
  (the default), its tokens get 401 at the authorizer within the bound of docs/revocation.md, and
  tokens_not_before is set so that a later enable does not revive them. A client declared in
  Terraform is disabled in its declaration too; the next terraform plan shows it.
${SKIP_HELP}`,
  enable: `enable CLIENT_ID
  Re-enables a disabled client. Tokens issued before a disable or revoke-tokens stay dead.`,
  'revoke-tokens': `revoke-tokens CLIENT_ID [--skip-control-region]
  Kills every token issued to the client so far (sets tokens_not_before); the client stays active.
  Its token requests then get 503 temporarily_unavailable for ${TOKENS_NOT_BEFORE_MARGIN_SECONDS} to ${TOKENS_NOT_BEFORE_MARGIN_SECONDS + 1} s, until the time printed
  (docs/revocation.md says why).
  With --json: {"client_id","tokens_not_before","new_tokens_refused_until","new_tokens_refused_seconds",
  "regions"} (regions: [{"region","result":"ok"|"failed","error"?,"detail"?}], DynamoDB only).
${SKIP_HELP}`,
  'revoke-token': `revoke-token JTI
  Revokes one token by its jti (from the token function's "token issued" log line), as RFC 7009
  revocation does; kept until any token with that jti has expired.`,
  'rotate-secret': `rotate-secret CLIENT_ID [--grace SECONDS]
  Generates a new secret and prints it once. The previous secret keeps working for the grace
  period (default ${DEFAULT_GRACE_SECONDS}, at most ${MAX_GRACE_SECONDS}; 0 revokes it now). A client holds at
  most two secrets, so an older secret still in its grace period is dropped. A secret client
  declared in Terraform gets its first secret this way (Terraform never sets one).
  With --json: {"client_id","client_secret","previous_secret_expires_at"}.`,
  'add-key': `add-key CLIENT_ID (--public-key-file FILE... | --jwks-file FILE) [--allow-shared-key]
  Adds public keys to a private_key_jwt client: step 1 of a key rotation (add the new key, switch
  the client over, then remove-key the old one). A key another client holds is refused unless
  --allow-shared-key is given.`,
  'remove-key': `remove-key CLIENT_ID KID
  Removes one key of a private_key_jwt client; assertions it signs are refused at once. The last
  key is never removed.`,
  delete: `delete CLIENT_ID [--yes]
  Deletes the client and its API key; the token endpoint rejects it from now on. If it fails
  halfway, run it again. On a terminal it first asks you to type the client id. With a table, it
  first writes a disabled cutoff (cutoff#) to every Region, kept as a tombstone, and deletes the
  record only once every Region took it (exit ${EXIT.INCOMPLETE} otherwise, record kept: run it again). The same
  id declared in Terraform later needs enable.
  --yes, -y                delete without asking; required when stdin is not a terminal
                           (scripts, CI), where delete otherwise refuses with exit 2`,
  history: `history [CLIENT_ID]
  Prints the audit trail, newest first: every change the CLI made to the client (or, without an
  id, to every client, revoke-token included), who made it (the caller's ARN from STS
  GetCallerIdentity; local for --local), when, and the fields before and after. Never secrets or
  hashes: secrets by their times, keys by kid and thumbprint. A deleted client keeps its history.
  What the trail proves and what it cannot: docs/audit.md.
  With --json: an array of {"key","at","actor","command","operation","client_id","jti","before",
  "after","changed"}.`,
  adopt: `adopt CLIENT_ID
  Finishes Terraform's adoption of a client the CLI created (docs/clients.md, "Clients as code"):
  once Terraform declares it (clients input with client_id = CLIENT_ID, applied), adopt reduces
  its record to what the CLI and the token function own (secrets, tokens_not_before, last use),
  so that removing it from Terraform later deletes it instead of reviving the old record.
  A declared client's settings change only in Terraform: update, enable, add-key, remove-key and
  delete refuse it, naming where it is declared; disable, revoke-tokens and rotate-secret (its
  first secret included) work, and the next terraform plan shows a disable as drift.`,
  usage: `usage CLIENT_ID [--days N]
  Prints the requests API Gateway counted for the client's API key in its usage plan, per UTC day,
  for the last N days (default 7, at most 90), from GetUsage.`,
};

/**
 * @param program the entry point
 * @returns the `npm run` prefix that invokes it
 */
export function invocation(program: ProgramName): string {
  return `npm run ${program} --`;
}

/**
 * Usage text.
 * @param program the entry point
 * @param topic a command, or undefined for the overview
 * @returns the text
 */
export function helpText(program: ProgramName, topic?: CommandName): string {
  if (program === 'create-client') {
    return `Usage: ${invocation(program)} --name NAME --scopes "A B ..." [--audience AUD]... [--token-ttl SECONDS] [--plan NAME]
         [--auth METHOD] [--jwks-file FILE | --public-key-file FILE...] [--allow-shared-key]
         (--table TABLE | --local [--data-dir DIR]) [--json]
  Onboards a client (same as \`npm run clients -- create\`; see \`npm run clients -- help\`).
${CREATE_FLAGS}
${TARGET}
${EXIT_CODES}`;
  }
  if (topic !== undefined) {
    return `Usage: ${invocation(program)} ${COMMAND_HELP[topic]}\n${TARGET}\n${EXIT_CODES}`;
  }
  const commands = Object.values(COMMAND_HELP)
    .map((text) => `  ${text.split('\n')[0]}`)
    .join('\n');
  return `Usage: ${invocation(program)} <command> [options] (--table TABLE | --local [--data-dir DIR]) [--json]
Commands:
${commands}
  help [COMMAND]
${TARGET}
${EXIT_CODES}`;
}
