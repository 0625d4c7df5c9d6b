// The one in-memory client store fake for tests: the token side's reads and the admin side's conditional writes.
import {
  ClientExistsError,
  ClientNotFoundError,
  ConcurrentModificationError,
} from '../../tools/dev-adapters/errors';
import type { ClientAdminStore, UpdateOptions } from '../../tools/dev-adapters/client-admin-store';
import { newestFirst, type AuditEntry } from '../../tools/dev-adapters/audit-entry';
import type { ClientRecord, RevokedToken } from '../../functions/token/core/types';

/**
 * In-memory store with the same conditional semantics as the real adapters. Records are copied in
 * and out, so a test can never mutate stored state by accident; `records` is the stored state for
 * a test to inspect or change directly. `beforeWrite` lets a test slip in a concurrent change
 * between a command's read and its write. Audit entries are kept with the write that carries
 * them, and `unaudited` counts the writes that came without one.
 */
export class MemoryClientStore implements ClientAdminStore {
  /** Stored records by client id. */
  readonly records = new Map<string, ClientRecord>();
  /** Number of successful writes. */
  writes = 0;
  /** Runs once, just before the next write. */
  beforeWrite: (() => void) | undefined;
  /** Audit entries, in the order written. */
  readonly audit: AuditEntry[] = [];
  /** Number of successful writes that came without an audit entry. */
  unaudited = 0;

  /**
   * @param records records stored from the start (not counted as writes)
   */
  constructor(records: readonly ClientRecord[] = []) {
    for (const record of records) this.records.set(record.client_id, structuredClone(record));
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const record = this.records.get(clientId);
    return record ? structuredClone(record) : undefined;
  }

  async createClient(record: ClientRecord, audit?: AuditEntry): Promise<void> {
    this.hook();
    if (this.records.has(record.client_id)) throw new ClientExistsError(record.client_id);
    this.put(record);
    this.record(audit);
  }

  /** The options of each successful updateClient, in order. */
  readonly updateOptions: UpdateOptions[] = [];

  async updateClient(
    record: ClientRecord,
    expectedVersion: number,
    audit?: AuditEntry,
    options: UpdateOptions = {},
  ): Promise<void> {
    this.hook();
    this.expect(record.client_id, expectedVersion);
    this.put(record);
    this.record(audit);
    this.updateOptions.push({ ...options });
  }

  async deleteClient(clientId: string, expectedVersion: number, audit?: AuditEntry): Promise<void> {
    this.hook();
    this.expect(clientId, expectedVersion);
    this.records.delete(clientId);
    this.writes += 1;
    this.record(audit);
  }

  /** Revoked tokens by jti. */
  readonly revoked = new Map<string, RevokedToken>();

  async revokeToken(token: RevokedToken, audit?: AuditEntry): Promise<void> {
    this.hook();
    this.revoked.set(token.jti, { ...token });
    this.writes += 1;
    this.record(audit);
  }

  async listAuditEntries(clientId?: string): Promise<AuditEntry[]> {
    return this.audit
      .filter((e) => clientId === undefined || e.client_id === clientId)
      .map((e) => structuredClone(e))
      .sort(newestFirst);
  }

  async revokedUntil(jti: string): Promise<number | undefined> {
    return this.revoked.get(jti)?.expiresAt;
  }

  async listClients(): Promise<ClientRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  /**
   * @returns every stored byte, for "no plain-text secret" assertions
   */
  dump(): string {
    return JSON.stringify([...this.records.values()]);
  }

  private record(audit: AuditEntry | undefined): void {
    if (audit === undefined) this.unaudited += 1;
    else this.audit.push(structuredClone(audit));
  }

  private hook(): void {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    hook?.();
  }

  private expect(clientId: string, expectedVersion: number): void {
    const current = this.records.get(clientId);
    if (!current) throw new ClientNotFoundError(clientId);
    if (current.version !== expectedVersion) throw new ConcurrentModificationError(clientId);
  }

  private put(record: ClientRecord): void {
    this.records.set(record.client_id, structuredClone(record));
    this.writes += 1;
  }
}
