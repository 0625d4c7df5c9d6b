// Unit tests of the clients CLI across Regions (fake Regions), part two: `delete` writes a disabled cutoff (a tombstone) to every Region before the record goes and keeps the record when a Region failed; `disable` / `revoke-tokens --skip-control-region` write the cutoff items alone from another Region, report the record as not written and exit 4; where the flag is refused.
import { helpText } from '../../../../scripts/lib/clients/help';
import { EXIT } from '../../../../tools/cli/exit-codes';
import { FakeRegions, setupRegions, TWO } from '../../../support/fake-regions';
import { clientRecord } from '../../../support/token-fakes';

/** testClock(): epoch seconds of the operator's clock. */
const NOW = 1_893_456_000;
const FLAG = '--skip-control-region';

describe('delete across Regions', () => {
  it('writes a disabled cutoff tombstone to every Region while the record still exists, then deletes it', async () => {
    // Arrange
    const regions = new FakeRegions('eu-west-1', TWO);
    const { store, run } = setupRegions(regions, [clientRecord({ version: 4 })]);
    const recordAtEachCutoff: boolean[] = [];
    regions.beforeCutoff = async () =>
      void recordAtEachCutoff.push((await store.getClient('client-1')) !== undefined);

    // Act
    const { code, out } = await run('delete', 'client-1', '--yes', '--json');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(recordAtEachCutoff).toEqual([true, true]);
    expect(await store.getClient('client-1')).toBeUndefined();
    expect(regions.cutoffs).toEqual(
      ['eu-west-1', 'us-east-1'].map((region) => [
        region,
        {
          clientId: 'client-1',
          status: 'disabled',
          tokensNotBefore: NOW,
          recordVersion: 4,
          updatedAt: NOW,
          tombstone: true,
        },
      ]),
    );
    expect(JSON.parse(out.stdoutText())).toEqual({
      client_id: 'client-1',
      name: 'Client one',
      deleted: true,
      regions: [
        { region: 'eu-west-1', result: 'ok' },
        { region: 'us-east-1', result: 'ok' },
      ],
    });
  });

  it('keeps a later tokens_not_before of the record in the tombstone', async () => {
    // Arrange
    const regions = new FakeRegions('eu-west-1', TWO);
    const { run } = setupRegions(regions, [clientRecord({ tokens_not_before: NOW + 30 })]);

    // Act
    await run('delete', 'client-1', '--yes');

    // Assert
    expect(regions.cutoffs.map(([, c]) => c.tokensNotBefore)).toEqual([NOW + 30, NOW + 30]);
  });

  it('with a Region down: writes the others, keeps the record, exits 4; the rerun deletes', async () => {
    // Arrange
    const regions = new FakeRegions('eu-west-1', TWO, ['us-east-1']);
    const { store, run } = setupRegions(regions);

    // Act
    const failed = await run('delete', 'client-1', '--yes');
    const kept = await store.getClient('client-1');
    regions.down.length = 0;
    const rerun = await run('delete', 'client-1', '--yes');

    // Assert
    expect(failed.code).toBe(EXIT.INCOMPLETE);
    expect(kept?.client_id).toBe('client-1');
    expect(failed.out.stdoutText()).toMatch(/Client client-1 NOT deleted/);
    expect(failed.out.stdoutText()).toMatch(/us-east-1 {2}FAILED \(unreachable/);
    expect(failed.out.stderrText()).toContain(
      'not written in us-east-1: the client record was kept',
    );
    expect(rerun.code).toBe(EXIT.OK);
    expect(rerun.out.stdoutText()).toMatch(/Deleted client client-1[^]*us-east-1 {2}ok/);
    expect(await store.getClient('client-1')).toBeUndefined();
    expect(regions.cutoffs.map(([r]) => r)).toEqual(['eu-west-1', 'eu-west-1', 'us-east-1']);
  });

  it('single-Region (no config#regions): the tombstone in the one Region, then the record goes', async () => {
    // Arrange
    const regions = new FakeRegions('eu-west-1', undefined);
    const { store, run } = setupRegions(regions);

    // Act
    const { code } = await run('delete', 'client-1', '--yes');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(regions.cutoffs.map(([r, c]) => [r, c.status])).toEqual([['eu-west-1', 'disabled']]);
    expect(await store.getClient('client-1')).toBeUndefined();
  });
});

describe(`${FLAG}: the cutoff items alone while the control Region is down`, () => {
  it.each([
    ['disable', 'disabled', NOW],
    ['revoke-tokens', 'keep', NOW + 30],
  ] as const)(
    '%s from another Region writes every Region it reaches, not the record, and exits 4',
    async (command, status, tokensNotBefore) => {
      // Arrange
      const regions = new FakeRegions('us-east-1', TWO, ['eu-west-1']);
      const { store, run } = setupRegions(regions);

      // Act
      const json = await run(command, 'client-1', FLAG, '--json');
      const text = await run(command, 'client-1', FLAG);

      // Assert
      expect([json.code, text.code]).toEqual([EXIT.INCOMPLETE, EXIT.INCOMPLETE]);
      expect(store.writes).toBe(0);
      expect(regions.cutoffs).toEqual([]);
      expect(regions.emergency[0]).toEqual([
        'us-east-1',
        { clientId: 'client-1', status, tokensNotBefore, updatedAt: NOW },
      ]);
      expect(JSON.parse(json.out.stdoutText())).toEqual({
        client_id: 'client-1',
        skip_control_region: true,
        record: { region: 'eu-west-1', result: 'not-written' },
        tokens_not_before: new Date(tokensNotBefore * 1000).toISOString(),
        regions: [
          {
            region: 'eu-west-1',
            result: 'failed',
            error: 'unreachable',
            detail: 'Error: connect ECONNREFUSED eu-west-1',
          },
          { region: 'us-east-1', result: 'ok' },
        ],
      });
      expect(text.out.stdoutText()).toMatch(
        /eu-west-1 {2}FAILED \(unreachable[^]*us-east-1 {2}ok\nClient record \(control Region eu-west-1\): NOT written; run `[a-z-]+ client-1 --table clients` again without --skip-control-region, with AWS_REGION=eu-west-1, once eu-west-1 answers/,
      );
      expect(text.out.stderrText()).toContain(
        `the client record in the control Region eu-west-1 was not written (${FLAG}), nor the cutoff in eu-west-1`,
      );
    },
  );

  it('exits 4 even when every Region took the cutoff: the record is still to be written', async () => {
    // Arrange
    const regions = new FakeRegions('us-east-1', TWO);
    const { run } = setupRegions(regions);

    // Act
    const { code, out } = await run('disable', 'client-1', FLAG);

    // Assert
    expect(code).toBe(EXIT.INCOMPLETE);
    expect(regions.emergency.map(([r]) => r)).toEqual(['eu-west-1', 'us-east-1']);
    expect(out.stderrText()).toMatch(
      /^clients: the client record in the control Region eu-west-1 was not written \(--skip-control-region\): run `disable client-1 --table clients` again/,
    );
  });

  it.each([
    ['a single-Region deployment', new FakeRegions('eu-west-1', undefined), /single Region/],
    ['the control Region itself', new FakeRegions('eu-west-1', TWO), /AWS_REGION is the control/],
  ])('is refused in %s, before any write', async (_, regions, message) => {
    // Arrange
    const { store, run } = setupRegions(regions);

    // Act
    const { code, out } = await run('disable', 'client-1', FLAG);

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toMatch(message);
    expect([store.writes, regions.emergency.length, regions.cutoffs.length]).toEqual([0, 0, 0]);
  });

  it.each([['enable'], ['delete'], ['update'], ['rotate-secret'], ['show']])(
    'is refused for %s',
    async (command) => {
      // Arrange
      const regions = new FakeRegions('us-east-1', TWO);
      const { store, run } = setupRegions(regions);

      // Act
      const { code, out } = await run(command, 'client-1', FLAG);

      // Assert
      expect(code).toBe(EXIT.USAGE);
      expect(out.stderrText()).toContain(
        `${FLAG} is only for disable and revoke-tokens (the emergency path while the control Region is down); ${command} does not take it`,
      );
      expect([store.writes, regions.emergency.length]).toEqual([0, 0]);
    },
  );

  it("refuses a client this Region's table does not hold (a mistyped id), writing nothing", async () => {
    // Arrange
    const regions = new FakeRegions('us-east-1', TWO);
    const { run } = setupRegions(regions);

    // Act
    const { code, out } = await run('disable', 'no-such-client', FLAG);

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toMatch(/no-such-client/);
    expect(regions.emergency).toEqual([]);
  });
});

describe('help', () => {
  it('documents the flag on disable and revoke-tokens only, and the tombstone on delete', () => {
    // Act
    const topics = (['disable', 'revoke-tokens', 'enable'] as const).map((t) =>
      (helpText('clients', t).split('\n')[0] as string).includes(FLAG),
    );

    // Assert
    expect(topics).toEqual([true, true, false]);
    expect(helpText('clients', 'delete')).toContain('kept as a tombstone');
  });
});
