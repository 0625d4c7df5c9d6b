// Unit tests of the clients CLI's --dpop-bound flag (issue 25): parsing, create and update, show, list and --json, and the audit snapshot.
import { parseCommandLine } from '../../../../scripts/lib/clients/args';
import { createClient } from '../../../../scripts/lib/clients/commands/create';
import { updateClient } from '../../../../scripts/lib/clients/commands/update';
import { formatClient, formatList } from '../../../../scripts/lib/clients/format';
import { toListView } from '../../../../scripts/lib/clients/views';
import type { CreateClientInput } from '../../../../scripts/lib/clients/model';
import { clientSnapshot } from '../../../../tools/dev-adapters/audit-entry';
import { makeDeps } from '../../../support/clients-cli';

const INPUT = {
  name: 'Orders',
  scopes: ['orders:read'],
  audiences: [],
  authMethod: 'client_secret',
} as const satisfies CreateClientInput;

describe('--dpop-bound parsing', () => {
  const local = ['--local'];

  it('create takes --dpop-bound; without it nothing is set', () => {
    // Act
    const bound = parseCommandLine([
      'create',
      '--name',
      'A',
      '--scopes',
      's',
      '--dpop-bound',
      ...local,
    ]);
    const plain = parseCommandLine(['create', '--name', 'A', '--scopes', 's', ...local]);

    // Assert
    expect(bound).toMatchObject({ command: 'create', dpopBound: true });
    expect(plain).not.toHaveProperty('dpopBound');
  });

  it('update takes --dpop-bound and --no-dpop-bound, not both', () => {
    // Act / Assert
    expect(parseCommandLine(['update', 'client-1', '--dpop-bound', ...local])).toMatchObject({
      changes: { dpopBound: true },
    });
    expect(parseCommandLine(['update', 'client-1', '--no-dpop-bound', ...local])).toMatchObject({
      changes: { dpopBound: false },
    });
    expect(() =>
      parseCommandLine(['update', 'client-1', '--dpop-bound', '--no-dpop-bound', ...local]),
    ).toThrow('either --dpop-bound or --no-dpop-bound');
  });

  it('refuses a value (--dpop-bound is a switch) and a repeated flag', () => {
    // Act / Assert
    expect(() =>
      parseCommandLine(['update', 'client-1', '--dpop-bound=false', ...local]),
    ).toThrow();
    expect(() =>
      parseCommandLine(['update', 'client-1', '--dpop-bound', '--dpop-bound', ...local]),
    ).toThrow('more than once');
  });
});

describe('--dpop-bound in the record, output and audit trail', () => {
  it('create stores dpop_bound_access_tokens, show/list/--json show it, the audit snapshot keeps it', async () => {
    // Arrange
    const { deps } = makeDeps();

    // Act
    const { record } = await createClient(deps, { ...INPUT, dpopBound: true });

    // Assert
    expect(record.dpop_bound_access_tokens).toBe(true);
    expect(formatClient(record, Date.now())).toMatch(/DPoP: +required/);
    expect(formatList([record], Date.now())).toContain('secret +dpop');
    expect(toListView(record).dpop_bound_access_tokens).toBe(true);
    expect(clientSnapshot(record).dpop_bound_access_tokens).toBe(true);
  });

  it('update turns it on and off; off removes the attribute (RFC 9449 §5.2 default false)', async () => {
    // Arrange
    const { deps } = makeDeps();
    const { record } = await createClient(deps, INPUT);

    // Act
    const on = await updateClient(deps, record.client_id, { dpopBound: true });
    const kept = await updateClient(deps, record.client_id, { name: 'Renamed' });
    const off = await updateClient(deps, record.client_id, { dpopBound: false });

    // Assert
    expect(on.dpop_bound_access_tokens).toBe(true);
    expect(kept.dpop_bound_access_tokens).toBe(true);
    expect(off).not.toHaveProperty('dpop_bound_access_tokens');
    expect(formatClient(off, Date.now())).toMatch(/DPoP: +optional/);
    expect(toListView(off).dpop_bound_access_tokens).toBe(false);
    expect(clientSnapshot(off)).not.toHaveProperty('dpop_bound_access_tokens');
  });
});
