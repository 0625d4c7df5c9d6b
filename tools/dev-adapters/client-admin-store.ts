// The write side of the client store, used by the clients CLI and the local server; never shipped to Lambda.
import type { ClientRecord, ClientStore, RevokedToken } from '../../functions/token/core/types';

/** Admin side of the client store, used by the operator commands. Every write is conditional. */
export interface ClientAdminStore extends ClientStore {
  /** Creates a client; throws ClientExistsError when the id is taken. */
  createClient(record: ClientRecord): Promise<void>;
  /**
   * Replaces a client if its stored `version` still equals `expectedVersion`;
   * throws ClientNotFoundError or ConcurrentModificationError otherwise.
   * The caller passes the new record with `version = expectedVersion + 1`.
   */
  updateClient(record: ClientRecord, expectedVersion: number): Promise<void>;
  /** Deletes a client if its version matches; same errors as updateClient. */
  deleteClient(clientId: string, expectedVersion: number): Promise<void>;
  /** Lists every client (all pages). */
  listClients(): Promise<ClientRecord[]>;
  /** Records a revoked token (idempotent), as RFC 7009 revocation does. */
  revokeToken(token: RevokedToken): Promise<void>;
}
