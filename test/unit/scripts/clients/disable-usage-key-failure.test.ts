// `clients disable` with a failing API key step (issue 27, review finding): the cutoff items reach every Region before the API key is synchronised, and the per-Region report is shown although the command fails; a rerun writes them again.
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import type { RevokedToken, ClientRecord } from '../../../../functions/token/core/types';
import type { ClientCutoff } from '../../../../functions/shared/revocation';
import type {
  CutoffWrite,
  RegionalRevocations,
  RegionsConfig,
} from '../../../../tools/dev-adapters/regional-revocations-dynamodb';
import type { UsageKeyGateway } from '../../../../tools/dev-adapters/usage-key-gateway';
import { captureOutput, counterRandom, TEST_ACTOR, testClock } from '../../../support/clients-cli';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { clientRecord } from '../../../support/token-fakes';

const TWO: RegionsConfig = { regions: ['eu-west-1', 'us-east-1'], controlRegion: 'eu-west-1' };

class RecordingRegions implements RegionalRevocations {
  readonly cutoffs: [string, CutoffWrite][] = [];
  readonly ownRegion = 'eu-west-1';
  async readConfig(): Promise<RegionsConfig> {
    return TWO;
  }
  async putCutoff(region: string, cutoff: CutoffWrite): Promise<'written'> {
    this.cutoffs.push([region, cutoff]);
    return 'written';
  }
  async putEmergencyCutoff(): Promise<'written'> {
    throw new Error('not used here');
  }
  async putRevoked(_region: string, _token: RevokedToken): Promise<void> {}
  async readCutoff(): Promise<ClientCutoff | undefined> {
    return undefined;
  }
}

/** An API Gateway that refuses every call (throttled, or the operator lacks apigateway:*). */
const brokenGateway = {
  config: async () => {
    throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
  },
} as unknown as UsageKeyGateway;

describe('clients disable with a failing API key step', () => {
  it('writes the cutoff items to every Region before the API key step, and reports them', async () => {
    // Arrange: a client with an API key in a usage plan, two Regions.
    const record: ClientRecord = clientRecord({
      usage_plan: 'bronze',
      usage_key: 'k'.repeat(64),
      usage_key_id: 'key-1',
    });
    const store = new MemoryClientStore([record]);
    const regions = new RecordingRegions();
    const out = captureOutput();
    const options: CliOptions = {
      program: 'clients',
      out,
      env: {},
      openStore: () => store,
      openRegions: async () => regions,
      openUsageKeys: async () => brokenGateway,
      hasher: new FakeHasher(),
      clock: testClock(),
      randomBytes: counterRandom(),
      prompter: { interactive: false, ask: async () => undefined },
      identifyCaller: async () => TEST_ACTOR,
    };

    // Act: disable, then the rerun the docs recommend.
    const first = await runCli(['disable', 'client-1', '--table', 'clients'], options);
    const rerun = await runCli(['disable', 'client-1', '--table', 'clients'], options);

    // Assert: the record is disabled and both runs fail on the API key step...
    expect(store.records.get('client-1')?.status).toBe('disabled');
    expect(first).not.toBe(0);
    expect(rerun).not.toBe(0);
    // ...but each run wrote a disabled cutoff to both Regions first, and said so.
    expect(regions.cutoffs.map(([region, cutoff]) => [region, cutoff.status])).toEqual([
      ['eu-west-1', 'disabled'],
      ['us-east-1', 'disabled'],
      ['eu-west-1', 'disabled'],
      ['us-east-1', 'disabled'],
    ]);
    expect(out.stderrText()).toContain('eu-west-1');
    expect(out.stderrText()).toContain('us-east-1');
  });
});
