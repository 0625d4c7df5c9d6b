// The types of the client admin commands, in one place: commands, targets, parsed command lines, inputs, results, ports.
import type { Clock, RandomBytes } from '../../../functions/shared/types';
import type {
  ClientJwk,
  ClientRecord,
  PasswordHasher,
  RegisteredAuthMethod,
} from '../../../functions/token/core/types';
import type { ClientAdminStore } from '../../../tools/dev-adapters/client-admin-store';
import type { Prompter } from './confirm';
import type { UsageKeyGateway } from '../../../tools/dev-adapters/usage-key-gateway';
import type { RegionLayout } from './regions';

/** The two entry points share the commands; `create-client` is `clients create`. */
export type ProgramName = 'clients' | 'create-client';

/** The commands of `npm run clients`. */
export const COMMANDS = [
  'create',
  'list',
  'show',
  'update',
  'disable',
  'enable',
  'rotate-secret',
  'add-key',
  'remove-key',
  'revoke-tokens',
  'revoke-token',
  'delete',
  'usage',
  'history',
  'adopt',
] as const;

/** A command name. */
export type CommandName = (typeof COMMANDS)[number];

/** Where the clients live. */
export type Target = { kind: 'dynamodb'; table: string } | { kind: 'local'; dataDir: string };

/** Flags every command takes. */
export interface CommonOptions {
  target: Target;
  /** Machine output: one JSON object (an array for `list`) on stdout and nothing else. */
  json: boolean;
}

/** What `create` needs, already validated. */
export interface CreateClientInput {
  name: string;
  scopes: string[];
  /** Allowed audiences; the first is the default. Empty: the service's default audience. */
  audiences: string[];
  tokenTtlSeconds?: number;
  /** `--plan`: the usage plan (docs/usage-plans.md); undefined means the deployment's default. */
  plan?: string;
  /**
   * `--auth`: how the client authenticates (the parser defaults it to `client_secret`, either
   * secret transport, or `private_key_jwt` with key files).
   */
  authMethod: RegisteredAuthMethod;
  /** `--jwks-file` / `--public-key-file`: the public keys of a `private_key_jwt` client. */
  keys?: ClientJwk[];
  /** `--allow-shared-key`: register the keys even if another client holds one of them. */
  allowSharedKey?: boolean;
  /** `--dpop-bound`: the client gets no token without a DPoP proof (RFC 9449 §5.2). */
  dpopBound?: boolean;
}

/** What `update` changes, already validated. `tokenTtlSeconds: null` removes the per-client TTL. */
export interface ClientChanges {
  name?: string;
  scopes?: string[];
  audiences?: string[];
  tokenTtlSeconds?: number | null;
  /** `--plan`: move the client's API key to this usage plan. */
  plan?: string;
  /**
   * `--auth`: pin a secret client to one transport (`client_secret_basic` or
   * `client_secret_post`) or let it use either (`client_secret`); a switch to or from
   * `private_key_jwt` is refused.
   */
  authMethod?: RegisteredAuthMethod;
  /** `--dpop-bound` (true) or `--no-dpop-bound` (false): require a DPoP proof, or stop requiring it. */
  dpopBound?: boolean;
}

/**
 * `list` filters that find stale clients (docs/clients.md, "Finding stale clients"); a client is
 * listed when it matches every filter given.
 */
export interface ListFilters {
  /**
   * `--unused-since`, in ms: no token for at least this long, that is last used before now minus
   * it, or never used and created before then.
   */
  unusedSinceMs?: number;
  /** `--secret-older-than`, in ms: a live (unexpired) secret created before now minus it. */
  secretOlderThanMs?: number;
}

/** A parsed, validated command line. */
export type ParsedCommand =
  | { command: 'help'; topic?: CommandName }
  | ({ command: 'create' } & CommonOptions & CreateClientInput)
  | ({ command: 'list' } & CommonOptions & ListFilters)
  | ({ command: 'show' | 'enable' | 'adopt' } & CommonOptions & { clientId: string })
  /**
   * `skipControlRegion`: `--skip-control-region`, the emergency path while the control Region is
   * down (multi-Region only): the cutoff items alone, no record (docs/multi-region.md).
   */
  | ({ command: 'disable' | 'revoke-tokens' } & CommonOptions & {
        clientId: string;
        skipControlRegion?: true;
      })
  /** `yes`: `--yes`, delete without asking (required when stdin is not a terminal). */
  | ({ command: 'delete' } & CommonOptions & { clientId: string; yes: boolean })
  | ({ command: 'revoke-token' } & CommonOptions & { jti: string })
  | ({ command: 'update' } & CommonOptions & { clientId: string; changes: ClientChanges })
  | ({ command: 'rotate-secret' } & CommonOptions & { clientId: string; graceSeconds: number })
  | ({ command: 'usage' } & CommonOptions & { clientId: string; days: number })
  /** `clientId`: one client's trail; absent, every entry (revoke-token ones included). */
  | ({ command: 'history' } & CommonOptions & { clientId?: string })
  | ({ command: 'add-key' } & CommonOptions & {
        clientId: string;
        keys: ClientJwk[];
        source: string;
        /** `--allow-shared-key`: add the keys even if another client holds one of them. */
        allowSharedKey: boolean;
      })
  | ({ command: 'remove-key' } & CommonOptions & { clientId: string; kid: string });

/** Where commands write. Each call is one complete chunk of text (a newline is appended). */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Ports the commands use; injected so that every rule is testable in process. */
export interface CommandDeps {
  store: ClientAdminStore;
  hasher: PasswordHasher;
  clock: Clock;
  randomBytes: RandomBytes;
  out: Output;
  /**
   * Who runs the command, for the audit trail: the caller's ARN from STS GetCallerIdentity for a
   * table, `local` for `--local`. Asked once, just before the first write, so a command that
   * cannot name its caller writes nothing.
   */
  actor: () => Promise<string>;
  /**
   * Opens where the clients' API keys live (API Gateway for a table, nothing locally); called
   * only by commands that may touch a key, so the others never load that SDK.
   */
  usageKeys?: () => Promise<UsageKeyGateway>;
  /** Asks the operator to confirm `delete`; absent, nobody can answer (as without a terminal). */
  prompter?: Prompter;
  /**
   * The deployment's Regions (`config#regions`) and the writes to them, for a DynamoDB target's
   * writing commands; absent for `--local` and the read-only commands (docs/multi-region.md).
   */
  regions?: RegionLayout;
}

/** A newly created client with its plain-text secret (shown once, never stored); none for `private_key_jwt`. */
export interface CreatedClient {
  record: ClientRecord;
  secret: string | undefined;
}

/** The result of a rotation. */
export interface RotatedSecret {
  record: ClientRecord;
  /** The new plain-text secret (shown once, never stored). */
  secret: string;
  /** When the previous secret stops working; undefined when it was revoked at once. */
  previousExpiresAt: string | undefined;
}

/** The result of `enable` / `disable`. */
export interface StatusChange {
  record: ClientRecord;
  /** False when the client already had the status (nothing was written). */
  changed: boolean;
}
