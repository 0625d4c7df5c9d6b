// Unit tests of finding stale clients and showing credential ages: `list --unused-since` and `--secret-older-than` over records with known times (injected clock), the columns and JSON fields of list and show, and the usage errors of bad durations.
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import type { ListView, ClientView } from '../../../../scripts/lib/clients/views';
import { ageText } from '../../../../scripts/lib/clients/format';
import type { ClientRecord } from '../../../../functions/token/core/types';
import { EXIT } from '../../../../tools/cli/exit-codes';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { captureOutput, counterRandom, testClock } from '../../../support/clients-cli';
import { clientKeyPair } from '../../../support/client-assertions';

/** The operator's clock in every test. */
const NOW = '2030-06-01T00:00:00.000Z';
const key = clientKeyPair('ES256', 'k1').jwk;

function client(id: string, overrides: Partial<ClientRecord>): ClientRecord {
  return {
    client_id: id,
    name: id,
    status: 'active',
    token_endpoint_auth_method: 'client_secret',
    secrets: [{ hash: '$fake$x', created_at: '2029-01-01T00:00:00.000Z' }],
    scopes: ['orders:read'],
    audiences: [],
    created_at: '2029-01-01T00:00:00.000Z',
    updated_at: '2029-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** Clients with known times, relative to NOW. */
const RECORDS: ClientRecord[] = [
  // Used 12 h ago; its one secret is 516 days old.
  client('used-recently', { last_used_at: '2030-05-31T12:00:00.000Z' }),
  // Last used 151 days ago; its secret is 92 days old.
  client('used-long-ago', {
    last_used_at: '2030-01-01T00:00:00.000Z',
    secrets: [{ hash: '$fake$b', created_at: '2030-03-01T00:00:00.000Z' }],
  }),
  // Never used, created a year ago; its secret is exactly 365 days old (not older).
  client('never-used-old', {
    created_at: '2029-06-01T00:00:00.000Z',
    secrets: [{ hash: '$fake$c', created_at: '2029-06-01T00:00:00.000Z' }],
  }),
  // Never used, but created 12 days ago: it has had no time to be used.
  client('never-used-new', {
    created_at: '2030-05-20T00:00:00.000Z',
    secrets: [{ hash: '$fake$d', created_at: '2030-05-20T00:00:00.000Z' }],
  }),
  // Rotated: the old secret expired, the new one is a month old.
  client('rotated', {
    created_at: '2028-01-01T00:00:00.000Z',
    last_used_at: '2030-05-31T00:00:00.000Z',
    secrets: [
      {
        hash: '$fake$e1',
        created_at: '2028-01-01T00:00:00.000Z',
        expires_at: '2030-05-01T00:00:00.000Z',
      },
      { hash: '$fake$e2', created_at: '2030-04-30T00:00:00.000Z' },
    ],
  }),
  // In a rotation's grace period: the old secret still works until tomorrow.
  client('in-grace', {
    created_at: '2028-01-01T00:00:00.000Z',
    last_used_at: '2030-05-31T00:00:00.000Z',
    secrets: [
      {
        hash: '$fake$f1',
        created_at: '2028-01-01T00:00:00.000Z',
        expires_at: '2030-06-02T00:00:00.000Z',
      },
      { hash: '$fake$f2', created_at: '2030-05-31T00:00:00.000Z' },
    ],
  }),
  // A key client, never used: no secret at all.
  client('key-client', {
    created_at: '2028-01-01T00:00:00.000Z',
    token_endpoint_auth_method: 'private_key_jwt',
    secrets: [],
    jwks: { keys: [key] },
    keys_added_at: { k1: '2028-01-01T00:00:00.000Z' },
  }),
  // Both stale: last used two years ago, with a secret of 2028.
  client('abandoned', {
    created_at: '2028-01-01T00:00:00.000Z',
    last_used_at: '2028-06-01T00:00:00.000Z',
    secrets: [{ hash: '$fake$h', created_at: '2028-01-01T00:00:00.000Z' }],
  }),
];

function setup(records: ClientRecord[] = RECORDS) {
  const out = captureOutput();
  const options: CliOptions = {
    program: 'clients',
    out,
    cwd: '/srv',
    env: {},
    openStore: () => new MemoryClientStore(records),
    hasher: new FakeHasher(),
    clock: testClock(NOW),
    randomBytes: counterRandom(),
  };
  const run = (...argv: string[]) => runCli([...argv, '--local'], options);
  return { out, run };
}

/** The client ids `list --json` prints for these flags. */
async function listed(...flags: string[]): Promise<string[]> {
  const { out, run } = setup();
  expect(await run('list', ...flags, '--json')).toBe(EXIT.OK);
  return (JSON.parse(out.stdoutText()) as ListView[]).map((c) => c.client_id);
}

describe('clients list: stale clients', () => {
  it('--unused-since 90d lists clients last used before then, or never used and older than that', async () => {
    // Act / Assert: oldest first
    await expect(listed('--unused-since', '90d')).resolves.toEqual([
      'abandoned',
      'key-client',
      'used-long-ago',
      'never-used-old',
    ]);
  });

  it('--unused-since in hours compares with the last use to the hour', async () => {
    // Act / Assert: used-recently was used 12 h ago
    await expect(listed('--unused-since', '11h')).resolves.toContain('used-recently');
    await expect(listed('--unused-since', '12h')).resolves.not.toContain('used-recently');
  });

  it('--secret-older-than 365d lists clients holding a live secret created before then', async () => {
    // Act / Assert: not the expired secret of "rotated", not the exact 365 days of "never-used-old",
    // but the old secret "in-grace" still accepts
    await expect(listed('--secret-older-than', '365d')).resolves.toEqual([
      'abandoned',
      'in-grace',
      'used-recently',
    ]);
  });

  it('lists only the clients that match both filters when both are given', async () => {
    // Act / Assert
    await expect(listed('--unused-since', '90d', '--secret-older-than', '365d')).resolves.toEqual([
      'abandoned',
    ]);
  });

  it('says so when no client matches', async () => {
    // Arrange
    const { out, run } = setup();

    // Act
    const code = await run('list', '--unused-since', '3650d');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(out.stdoutText()).toBe('No client matches.\n');
  });

  it.each([
    ['--unused-since', '90'],
    ['--unused-since', '3 months'],
    ['--secret-older-than', '1y'],
    ['--secret-older-than', '0d'],
    ['--unused-since', '3651d'],
  ])('refuses %s %j with exit 2, naming the flag and the form', async (flag, value) => {
    // Arrange
    const { out, run } = setup();

    // Act
    const code = await run('list', flag, value);

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stdoutText()).toBe('');
    expect(out.stderrText()).toContain(
      `clients: ${flag} must be a duration such as 90d or 12h: a whole number of days (d) or hours (h), from 1h to 3650d (got "${value}")`,
    );
    expect(out.stderrText()).toContain('npm run clients -- help list');
  });

  it('refuses the filters on other commands', async () => {
    // Arrange
    const { out, run } = setup();

    // Act
    const code = await run('show', 'abandoned', '--unused-since', '90d');

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain('unknown option --unused-since');
  });
});

describe('clients list and show: last use and credential ages', () => {
  it('list --json has last_used_at (null when never), secret times and key registration times', async () => {
    // Arrange
    const { out, run } = setup();

    // Act
    await run('list', '--json');

    // Assert
    const byId = new Map((JSON.parse(out.stdoutText()) as ListView[]).map((c) => [c.client_id, c]));
    expect(byId.get('used-recently')).toMatchObject({
      last_used_at: '2030-05-31T12:00:00.000Z',
      secrets: [{ created_at: '2029-01-01T00:00:00.000Z', expires_at: null }],
    });
    expect(byId.get('never-used-new')?.last_used_at).toBeNull();
    expect(byId.get('key-client')).toMatchObject({
      last_used_at: null,
      secrets: [],
      keys: [expect.objectContaining({ kid: 'k1', added_at: '2028-01-01T00:00:00.000Z' })],
    });
    expect(out.stdoutText()).not.toContain('$fake$');
  });

  it('list prints when each client was last used and the age of each credential', async () => {
    // Arrange
    const { out, run } = setup();

    // Act
    await run('list');

    // Assert
    const text = out.stdoutText();
    expect(text).toMatch(/ +LAST USED +CREDENTIAL AGES\n/);
    expect(text).toMatch(/^used-recently .* 12 h ago +516 d$/m);
    expect(text).toMatch(/^used-long-ago .* 151 d ago +92 d$/m);
    expect(text).toMatch(/^never-used-new .* never +12 d$/m);
    // Only live secrets: the expired one of "rotated" no longer works; the grace one still does.
    expect(text).toMatch(/^rotated .* 24 h ago +32 d$/m);
    expect(text).toMatch(/^in-grace .* 24 h ago +882 d, 24 h$/m);
    expect(text).toMatch(/^key-client .* never +882 d$/m);
  });

  it('show prints the last use, and each secret and key with its age', async () => {
    // Arrange
    const keyless = client('legacy-key', {
      token_endpoint_auth_method: 'private_key_jwt',
      secrets: [],
      jwks: { keys: [key] },
    });
    const { out, run } = setup([...RECORDS, keyless]);

    // Act
    await run('show', 'in-grace');
    await run('show', 'key-client');
    await run('show', 'legacy-key');
    await run('show', 'never-used-new');

    // Assert
    const text = out.stdoutText();
    expect(text).toMatch(/last used: +2030-05-31T00:00:00\.000Z \(24 h ago\)\n/);
    expect(text).toMatch(
      /secret 1: +created 2028-01-01T00:00:00\.000Z \(882 d old\), expires 2030-06-02T00:00:00\.000Z\n/,
    );
    expect(text).toMatch(/secret 2: +created 2030-05-31T00:00:00\.000Z \(24 h old\), no expiry\n/);
    expect(text).toMatch(
      /key 1: +kid k1, ES256, thumbprint [\w-]+, added 2028-01-01T00:00:00\.000Z \(882 d old\)\n/,
    );
    expect(text).toMatch(/key 1: +kid k1, ES256, thumbprint [\w-]+, added \(not recorded\)\n/);
    expect(text).toMatch(/last used: +never recorded\n/);
  });

  it('show --json has last_used_at, and the key registration time or null', async () => {
    // Arrange
    const { out, run } = setup();

    // Act
    await run('show', 'key-client', '--json');

    // Assert
    const view = JSON.parse(out.stdoutText()) as ClientView;
    expect(view.last_used_at).toBeNull();
    expect(view.keys?.[0]?.added_at).toBe('2028-01-01T00:00:00.000Z');
  });
});

describe('ageText', () => {
  const now = Date.parse(NOW);
  it.each([
    ['2030-06-01T00:00:00.000Z', '<1 h'],
    ['2030-06-01T00:30:00.000Z', '<1 h'],
    ['2030-05-31T23:00:00.000Z', '1 h'],
    ['2030-05-30T00:00:01.000Z', '47 h'],
    ['2030-05-30T00:00:00.000Z', '2 d'],
    ['2029-06-01T00:00:00.000Z', '365 d'],
  ])('%s is %s before NOW', (iso, text) => {
    // Act / Assert
    expect(ageText(iso, now)).toBe(text);
  });
});
