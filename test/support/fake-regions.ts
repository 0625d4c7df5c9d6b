// Fake Regions for the clients CLI's unit tests (test/unit/scripts/clients/regions*.test.ts): records each regional write; a Region listed as down refuses the connection.
import { runCli, type CliOptions } from '../../scripts/lib/clients/cli';
import type { ClientRecord, RevokedToken } from '../../functions/token/core/types';
import { MalformedCutoffError, type ClientCutoff } from '../../functions/shared/revocation';
import type {
  CutoffWrite,
  EmergencyCutoffWrite,
  RegionalRevocations,
  RegionsConfig,
} from '../../tools/dev-adapters/regional-revocations-dynamodb';
import {
  captureOutput,
  counterRandom,
  TEST_ACTOR,
  testClock,
  type CapturedOutput,
} from './clients-cli';
import { FakeHasher } from './fake-hasher';
import { MemoryClientStore } from './memory-client-store';
import { clientRecord } from './token-fakes';

/** Two Regions, eu-west-1 the control Region. */
export const TWO: RegionsConfig = {
  regions: ['eu-west-1', 'us-east-1'],
  controlRegion: 'eu-west-1',
};

/** Fake Regions: records each write; a Region in `down` throws a refused connection. */
export class FakeRegions implements RegionalRevocations {
  readonly cutoffs: [string, CutoffWrite][] = [];
  readonly emergency: [string, EmergencyCutoffWrite][] = [];
  readonly revoked: [string, RevokedToken][] = [];
  /** Called before each cutoff write (a test looks at the store at that moment). */
  beforeCutoff?: () => Promise<void>;
  constructor(
    readonly ownRegion: string,
    private readonly config: RegionsConfig | undefined,
    readonly down: string[] = [],
  ) {}
  async readConfig(): Promise<RegionsConfig | undefined> {
    return this.config;
  }
  private check(region: string): void {
    if (this.down.includes(region)) {
      throw Object.assign(new Error(`connect ECONNREFUSED ${region}`), { code: 'ECONNREFUSED' });
    }
  }
  async putCutoff(region: string, cutoff: CutoffWrite): Promise<'written'> {
    await this.beforeCutoff?.();
    this.check(region);
    this.cutoffs.push([region, cutoff]);
    return 'written';
  }
  async putEmergencyCutoff(region: string, cutoff: EmergencyCutoffWrite): Promise<'written'> {
    this.check(region);
    this.emergency.push([region, cutoff]);
    return 'written';
  }
  async putRevoked(region: string, token: RevokedToken): Promise<void> {
    this.check(region);
    this.revoked.push([region, token]);
  }
  /** Items read back by `readCutoff`, by Region (a test may plant a malformed one). */
  readonly planted = new Map<string, ClientCutoff | 'malformed'>();
  async readCutoff(region: string, clientId: string): Promise<ClientCutoff | undefined> {
    this.check(region);
    const planted = this.planted.get(region);
    if (planted === 'malformed') throw new MalformedCutoffError('status');
    if (planted !== undefined) return planted;
    const last = this.cutoffs.filter(([r, c]) => r === region && c.clientId === clientId).at(-1);
    return last && { status: last[1].status, tokensNotBefore: last[1].tokensNotBefore };
  }
}

/**
 * A CLI over a memory store and fake Regions.
 * @param regions the Regions
 * @param records the clients stored from the start
 * @returns the store and a runner (`--table clients` appended)
 */
export function setupRegions(regions: FakeRegions, records: ClientRecord[] = [clientRecord()]) {
  const store = new MemoryClientStore(records);
  let out: CapturedOutput = captureOutput();
  const options = (): CliOptions => ({
    program: 'clients',
    out,
    env: {},
    openStore: () => store,
    openRegions: async () => regions,
    hasher: new FakeHasher(),
    clock: testClock(),
    randomBytes: counterRandom(),
    prompter: { interactive: false, ask: async () => undefined },
    identifyCaller: async () => TEST_ACTOR,
  });
  const run = async (...argv: string[]): Promise<{ code: number; out: CapturedOutput }> => {
    out = captureOutput();
    const code = await runCli([...argv, '--table', 'clients'], options());
    return { code, out };
  };
  return { store, run };
}
