// Test doubles for the client admin commands: an in-memory ClientAdminStore, a fast hasher, output capture.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  ClientExistsError,
  ClientNotFoundError,
  ConcurrentModificationError,
} from '../../tools/dev-adapters/errors';
import type { RandomBytes } from '../../functions/shared/types';
import type { ClientAdminStore } from '../../tools/dev-adapters/client-admin-store';
import type { ClientRecord, PasswordHasher } from '../../functions/token/core/types';
import type { CommandDeps, Output } from '../../scripts/lib/clients/model';

/**
 * In-memory store with the same conditional semantics as the real adapters. Records are copied in
 * and out, so a test can never mutate stored state by accident. `beforeWrite` lets a test slip in
 * a concurrent change between a command's read and its write.
 */
export class MemoryClientStore implements ClientAdminStore {
  readonly records = new Map<string, ClientRecord>();
  writes = 0;
  beforeWrite: (() => void) | undefined;

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const record = this.records.get(clientId);
    return record ? structuredClone(record) : undefined;
  }

  async createClient(record: ClientRecord): Promise<void> {
    this.hook();
    if (this.records.has(record.client_id)) throw new ClientExistsError(record.client_id);
    this.put(record);
  }

  async updateClient(record: ClientRecord, expectedVersion: number): Promise<void> {
    this.hook();
    this.expect(record.client_id, expectedVersion);
    this.put(record);
  }

  async deleteClient(clientId: string, expectedVersion: number): Promise<void> {
    this.hook();
    this.expect(clientId, expectedVersion);
    this.records.delete(clientId);
    this.writes += 1;
  }

  async listClients(): Promise<ClientRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  /** Every stored byte, for "no plain-text secret" assertions. */
  dump(): string {
    return JSON.stringify([...this.records.values()]);
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

/** A fast stand-in for argon2id (SHA-256 with a marker); unit tests only. */
export const fakeHasher: PasswordHasher = {
  async hash(secret: string): Promise<string> {
    return `$fake$${createHash('sha256').update(secret).digest('base64url')}`;
  },
  async verify(phcHash: string, secret: string): Promise<boolean> {
    const expected = Buffer.from(await fakeHasher.hash(secret));
    const actual = Buffer.from(phcHash);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  },
};

/**
 * Deterministic random bytes: a counter, so ids and secrets differ but tests are repeatable.
 * @returns the source
 */
export function counterRandom(): RandomBytes {
  let n = 0;
  return (size) => {
    n += 1;
    return Uint8Array.from({ length: size }, (_, i) => (n * 31 + i) & 0xff);
  };
}

/** Captured output. */
export interface CapturedOutput extends Output {
  stdoutText(): string;
  stderrText(): string;
}

/**
 * @returns an Output that records what was written
 */
export function captureOutput(): CapturedOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout: (text) => void stdout.push(`${text}\n`),
    stderr: (text) => void stderr.push(`${text}\n`),
    stdoutText: () => stdout.join(''),
    stderrText: () => stderr.join(''),
  };
}

/** A frozen, settable clock. */
export interface TestClock {
  (): number;
  set(iso: string): void;
  advance(seconds: number): void;
}

/**
 * @param iso start time
 * @returns a clock that only moves when told to
 */
export function testClock(iso = '2030-01-01T00:00:00.000Z'): TestClock {
  let now = Date.parse(iso);
  const clock = (() => now) as TestClock;
  clock.set = (t) => void (now = Date.parse(t));
  clock.advance = (seconds) => void (now += seconds * 1000);
  return clock;
}

/**
 * Command dependencies over a fresh memory store.
 * @param overrides ports to replace
 * @returns deps, the store, the clock and the output capture
 */
export function makeDeps(overrides: Partial<CommandDeps> = {}): {
  deps: CommandDeps;
  store: MemoryClientStore;
  clock: TestClock;
  out: CapturedOutput;
} {
  const store = new MemoryClientStore();
  const clock = testClock();
  const out = captureOutput();
  const deps: CommandDeps = {
    store,
    hasher: fakeHasher,
    clock,
    randomBytes: counterRandom(),
    out,
    ...overrides,
  };
  return { deps, store, clock, out };
}
