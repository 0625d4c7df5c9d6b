// The write side of the client store, used by the clients CLI and the local server; never shipped to Lambda.
import type { ClientRecord, ClientStore, RevokedToken } from '../../functions/token/core/types';
import type { AuditEntry } from './audit-entry';

/** Options of {@link ClientAdminStore.updateClient}. */
export interface UpdateOptions {
  /** An incident `disable` of a declared client: set its declaration's `status` to `disabled`. */
  disableDeclaration?: boolean;
}

/**
 * Admin side of the client store, used by the operator commands. Every write is conditional.
 * A write given an audit entry stores the entry with the change, atomically: both or neither.
 * The CLI gives one with every write; fixtures and benchmarks that seed a store give none.
 */
export interface ClientAdminStore extends ClientStore {
  /** Creates a client; throws ClientExistsError when the id is taken. */
  createClient(record: ClientRecord, audit?: AuditEntry): Promise<void>;
  /**
   * Replaces a client if its stored `version` still equals `expectedVersion`;
   * throws ClientNotFoundError or ConcurrentModificationError otherwise.
   * The caller passes the new record with `version = expectedVersion + 1`. For a client declared
   * in Terraform (`managed_by`), only its runtime record is written (docs/clients.md, "Clients as
   * code"), and `options.disableDeclaration` disables its declaration too.
   */
  updateClient(
    record: ClientRecord,
    expectedVersion: number,
    audit?: AuditEntry,
    options?: UpdateOptions,
  ): Promise<void>;
  /** Deletes a client if its version matches; same errors as updateClient. */
  deleteClient(clientId: string, expectedVersion: number, audit?: AuditEntry): Promise<void>;
  /** Lists every client (all pages). */
  listClients(): Promise<ClientRecord[]>;
  /** Records a revoked token (idempotent), as RFC 7009 revocation does. */
  revokeToken(token: RevokedToken, audit?: AuditEntry): Promise<void>;
  /**
   * Reads the audit trail.
   * @param clientId one client's entries, or every entry when undefined
   * @returns the entries, newest first
   * @throws ServerError when an entry cannot be read (MalformedAuditEntryError as its cause)
   */
  listAuditEntries(clientId?: string): Promise<AuditEntry[]>;
}
