// Unit tests of the clients CLI across Regions (fake Regions): admin writes refused outside the control Region of config#regions, the cutoff and revoked items written to every Region with a per-Region report (text and --json), exit 4 after writing all it could, and the single-Region case.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { runCli } from '../../../../scripts/lib/clients/cli';
import { failureKind } from '../../../../scripts/lib/clients/regions';
import { EXIT } from '../../../../tools/cli/exit-codes';
import {
  parseRegionsConfig,
  type RegionsConfig,
} from '../../../../tools/dev-adapters/regional-revocations-dynamodb';
import { captureOutput, counterRandom, TEST_ACTOR, testClock } from '../../../support/clients-cli';
import { FakeHasher } from '../../../support/fake-hasher';
import { FakeRegions, setupRegions, TWO } from '../../../support/fake-regions';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { clientRecord } from '../../../support/token-fakes';

const setup = setupRegions;

describe('the clients CLI across Regions', () => {
  it.each([
    [['create', '--name', 'x', '--scopes', 'a']],
    [['update', 'client-1', '--scopes', 'b']],
    [['rotate-secret', 'client-1']],
    [['delete', 'client-1', '--yes']],
    [['adopt', 'client-1']],
    [['disable', 'client-1']],
    [['enable', 'client-1']],
    [['revoke-tokens', 'client-1']],
    [['remove-key', 'client-1', 'k1']],
  ])(
    'refuses %j outside the control Region, naming both Regions, and writes nothing',
    async (argv) => {
      // Arrange
      const regions = new FakeRegions('us-east-1', TWO);
      const { store, run } = setup(regions);

      // Act
      const { code, out } = await run(...argv);

      // Assert
      expect(code).toBe(EXIT.USAGE);
      expect(out.stderrText()).toContain(
        'AWS_REGION is us-east-1, the control Region is eu-west-1',
      );
      expect(out.stderrText()).toContain('AWS_REGION=eu-west-1');
      expect(store.writes).toBe(0);
      expect(regions.cutoffs).toEqual([]);
    },
  );

  it('allows reads and revoke-token outside the control Region', async () => {
    // Arrange
    const regions = new FakeRegions('us-east-1', TWO);
    const { run } = setup(regions);

    // Act
    const shown = await run('show', 'client-1');
    const revoked = await run('revoke-token', 'leaked-jti', '--json');

    // Assert
    expect(shown.code).toBe(EXIT.OK);
    expect(revoked.code).toBe(EXIT.OK);
    expect(regions.revoked.map(([r, t]) => [r, t.jti])).toEqual([['eu-west-1', 'leaked-jti']]);
    expect(JSON.parse(revoked.out.stdoutText()).regions).toEqual([
      { region: 'us-east-1', result: 'ok' },
      { region: 'eu-west-1', result: 'ok' },
    ]);
  });

  it.each([
    ['revoke-tokens', 'active', 1_893_456_030],
    ['disable', 'disabled', 1_893_456_000],
  ] as const)(
    '%s writes the record, then the cutoff to every Region, and reports each',
    async (command, status, notBefore) => {
      // Arrange
      const regions = new FakeRegions('eu-west-1', TWO);
      const { store, run } = setup(regions);

      // Act
      const { code, out } = await run(command, 'client-1');
      const json = await run(command === 'disable' ? 'enable' : command, 'client-1', '--json');

      // Assert
      expect(code).toBe(EXIT.OK);
      const record = await store.getClient('client-1');
      expect(regions.cutoffs.slice(0, 2)).toEqual(
        ['eu-west-1', 'us-east-1'].map((region) => [
          region,
          expect.objectContaining({ clientId: 'client-1', status, tokensNotBefore: notBefore }),
        ]),
      );
      expect(out.stdoutText()).toMatch(
        /Revocation state written per Region:\n {2}eu-west-1 {2}ok\n {2}us-east-1 {2}ok/,
      );
      expect(json.code).toBe(EXIT.OK);
      expect(JSON.parse(json.out.stdoutText()).regions).toEqual([
        { region: 'eu-west-1', result: 'ok' },
        { region: 'us-east-1', result: 'ok' },
      ]);
      // The cutoff carries the record's version, so a later write is never undone by this one.
      expect(regions.cutoffs.at(-1)?.[1].recordVersion).toBe(record?.version);
    },
  );

  it('reports a Region that cannot be reached, writes every other one, and exits 4', async () => {
    // Arrange
    const regions = new FakeRegions('eu-west-1', TWO, ['us-east-1']);
    const { store, run } = setup(regions);

    // Act
    const { code, out } = await run('disable', 'client-1', '--json');

    // Assert
    expect(code).toBe(EXIT.INCOMPLETE);
    expect((await store.getClient('client-1'))?.status).toBe('disabled');
    expect(regions.cutoffs.map(([r]) => r)).toEqual(['eu-west-1']);
    expect(JSON.parse(out.stdoutText()).regions).toEqual([
      { region: 'eu-west-1', result: 'ok' },
      {
        region: 'us-east-1',
        result: 'failed',
        error: 'unreachable',
        detail: 'Error: connect ECONNREFUSED us-east-1',
      },
    ]);
    expect(out.stderrText()).toContain('not written in us-east-1');
  });

  it('single-Region (no config#regions): the cutoff in the one Region, as today otherwise', async () => {
    // Arrange
    const regions = new FakeRegions('eu-west-1', undefined);
    const { run } = setup(regions);

    // Act
    const { code } = await run('revoke-tokens', 'client-1');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(regions.cutoffs.map(([r]) => r)).toEqual(['eu-west-1']);
  });

  it('writes no cutoff and makes no report without Regions (a test store, or --local)', async () => {
    // Arrange
    const store = new MemoryClientStore([clientRecord()]);
    const out = captureOutput();

    // Act
    const code = await runCli(['revoke-tokens', 'client-1', '--table', 'clients', '--json'], {
      program: 'clients',
      out,
      env: {},
      openStore: () => store,
      hasher: new FakeHasher(),
      clock: testClock(),
      randomBytes: counterRandom(),
      identifyCaller: async () => TEST_ACTOR,
    });

    // Assert
    expect([code, out.stderrText()]).toEqual([EXIT.OK, '']);
    expect(JSON.parse(out.stdoutText()).regions).toBeUndefined();
  });

  it('enable of a declared client Terraform enabled again rewrites only the cutoff items', async () => {
    // Arrange
    const declared = clientRecord({ managed_by: 'terraform', terraform_address: 'clients["a"]' });
    const regions = new FakeRegions('eu-west-1', TWO);
    const { store, run } = setup(regions, [declared]);

    // Act
    const { code } = await run('enable', 'client-1');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(store.writes).toBe(0);
    expect(regions.cutoffs.map(([r, c]) => [r, c.status])).toEqual([
      ['eu-west-1', 'active'],
      ['us-east-1', 'active'],
    ]);
  });
});

describe('show across Regions', () => {
  it("reports each Region's cutoff: written, none, unreadable, and a Region that cannot be read", async () => {
    // Arrange
    const three: RegionsConfig = {
      regions: ['eu-west-1', 'us-east-1', 'ap-south-1', 'sa-east-1'],
      controlRegion: 'eu-west-1',
    };
    const regions = new FakeRegions('eu-west-1', three);
    const { run } = setup(regions);
    await run('disable', 'client-1');
    regions.planted.set('ap-south-1', 'malformed');
    regions.planted.set('us-east-1', { status: 'active', tokensNotBefore: 0 });
    const down = new FakeRegions('eu-west-1', three, ['sa-east-1']);
    Object.assign(down, { cutoffs: regions.cutoffs, planted: regions.planted });
    const shown = setup(down, [{ ...clientRecord(), status: 'disabled' }]);

    // Act
    const text = await shown.run('show', 'client-1');
    const json = await shown.run('show', 'client-1', '--json');

    // Assert
    expect(text.code).toBe(EXIT.OK);
    expect(text.out.stdoutText()).toContain('Revocation state per Region (cutoff#):');
    expect(text.out.stdoutText()).toMatch(
      /eu-west-1 +disabled, tokens issued before 2030-01-01T00:00:00.000Z refused/,
    );
    expect(JSON.parse(json.out.stdoutText()).revocation_state).toEqual([
      { region: 'eu-west-1', state: 'disabled', tokens_not_before: '2030-01-01T00:00:00.000Z' },
      { region: 'us-east-1', state: 'active' },
      { region: 'ap-south-1', state: 'unreadable' },
      { region: 'sa-east-1', state: 'failed', error: 'unreachable' },
    ]);
  });

  it('says when a Region has no cutoff item (the record decides)', async () => {
    // Arrange
    const { run } = setup(new FakeRegions('us-east-1', TWO));

    // Act
    const { code, out } = await run('show', 'client-1');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(out.stdoutText()).toMatch(/us-east-1 {2}no cutoff item \(the client record decides\)/);
  });
});

describe('config#regions and failure kinds', () => {
  it('parses the item Terraform writes, and refuses a malformed one naming it', () => {
    // Act / Assert
    expect(
      parseRegionsConfig({
        client_id: { S: 'config#regions' },
        regions: { L: [{ S: 'eu-west-1' }, { S: 'us-east-1' }] },
        control_region: { S: 'eu-west-1' },
      }),
    ).toEqual(TWO);
    const malformed: Record<string, AttributeValue>[] = [
      { regions: { L: [] }, control_region: { S: 'eu-west-1' } },
      { regions: { L: [{ S: 'Europe' }] }, control_region: { S: 'Europe' } },
      {
        regions: { L: [{ S: 'eu-west-1' }, { S: 'eu-west-1' }] },
        control_region: { S: 'eu-west-1' },
      },
      { regions: { L: [{ S: 'eu-west-1' }] }, control_region: { S: 'us-east-1' } },
      { regions: { L: [{ S: 'eu-west-1' }] } },
    ];
    for (const item of malformed) {
      expect(() => parseRegionsConfig(item)).toThrow(
        'config#regions item of the clients table is malformed',
      );
    }
  });

  it.each<[string, unknown, string]>([
    ['a missing table', { name: 'ResourceNotFoundException' }, 'not-found'],
    ['access denied', { name: 'AccessDeniedException' }, 'denied'],
    ['throttling', { name: 'ThrottlingException' }, 'throttled'],
    ['a timeout', { name: 'TimeoutError' }, 'timeout'],
    ['a refused connection', { name: 'Error', code: 'ECONNREFUSED' }, 'unreachable'],
    [
      'a refused connection the SDK wrapped',
      {
        name: 'Error',
        message: 'AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1',
      },
      'unreachable',
    ],
    ['no error at all', undefined, 'error'],
    ['anything else', { name: 'InternalServerError' }, 'error'],
  ])('names %s', (_name, err, kind) => {
    expect(failureKind(err)).toBe(kind);
  });
});
