// Test doubles for the client admin commands: deterministic randomness, a settable clock, output capture and deps (store and hasher fakes: memory-client-store.ts, fake-hasher.ts).
import type { RandomBytes } from '../../functions/shared/types';
import type { CommandDeps, Output } from '../../scripts/lib/clients/model';
import { FakeHasher } from './fake-hasher';
import { MemoryClientStore } from './memory-client-store';

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

/** The caller makeDeps names in audit entries. */
export const TEST_ACTOR = 'arn:aws:sts::123456789012:assumed-role/operators/test';

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
    hasher: new FakeHasher(),
    clock,
    randomBytes: counterRandom(),
    out,
    actor: async () => TEST_ACTOR,
    ...overrides,
  };
  return { deps, store, clock, out };
}
