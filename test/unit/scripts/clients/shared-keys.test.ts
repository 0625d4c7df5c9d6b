// Unit tests of issue 21 finding 7: one public key, several clients. create and add-key refuse a key another client holds (by key material, whatever its spelling) unless --allow-shared-key, writing nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import { createClient } from '../../../../scripts/lib/clients/commands/create';
import { keyMaterialOf, refuseSharedKeys } from '../../../../scripts/lib/clients/shared-keys';
import { EXIT } from '../../../../tools/cli/exit-codes';
import { UsageError } from '../../../../tools/cli/usage-error';
import { jwkThumbprint } from '../../../../functions/shared/jwk';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { MemoryUsageKeys } from '../../../support/memory-usage-keys';
import { captureOutput, counterRandom, makeDeps, testClock } from '../../../support/clients-cli';
import { clientKeyPair, jwtClientRecord } from '../../../support/client-assertions';
import { ed25519SpareBits, relatedKey, rsaSpellings } from '../../../support/key-spellings';
import type { ClientJwk } from '../../../../functions/token/core/types';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-key-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | object): string {
  fs.writeFileSync(
    path.join(dir, name),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
  return name;
}

const shared = clientKeyPair('ES256', 'team-key');
const sharedPem = shared.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const own = clientKeyPair('EdDSA', 'own-key');

function setup(store = new MemoryClientStore()) {
  const out = captureOutput();
  const options: CliOptions = {
    program: 'clients',
    out,
    cwd: dir,
    env: {},
    openStore: () => store,
    hasher: new FakeHasher(),
    clock: testClock(),
    randomBytes: counterRandom(),
  };
  const run = (...argv: string[]) => runCli([...argv, '--local'], options);
  const create = async (name: string, ...args: string[]) => {
    const code = await run('create', '--name', name, '--scopes', 'a', ...args, '--json');
    const last = out.stdoutText().trim().split('\n').at(-1) as string;
    return {
      code,
      id: code === EXIT.OK ? (JSON.parse(last) as { client_id: string }).client_id : '',
    };
  };
  return { store, out, run, create };
}

describe('clients create with a key another client holds', () => {
  it('refuses it with exit 2, naming the other client, why, and --allow-shared-key; writes nothing', async () => {
    // Arrange
    const { store, out, create } = setup();
    const first = await create('First', '--jwks-file', file('a.json', shared.jwk));
    const writes = store.writes;

    // Act: the same key, as a PEM this time (so with its thumbprint as kid, not "team-key")
    const second = await create('Second', '--public-key-file', file('a.pem', sharedPem));

    // Assert
    expect(first.code).toBe(EXIT.OK);
    expect(second.code).toBe(EXIT.USAGE);
    const message = out.stderrText();
    expect(message).toContain(
      `key ${jwkThumbprint(shared.jwk)} (RFC 7638 thumbprint ${jwkThumbprint(shared.jwk)}) is already registered for client ${first.id}.`,
    );
    expect(message).toContain('lets whoever holds its private key act as any of them');
    expect(message).toContain('ties their key rotation and revocation together');
    expect(message).toContain('--allow-shared-key');
    expect(store.writes).toBe(writes);
    expect(store.records.size).toBe(1);
  });

  it('registers it with --allow-shared-key', async () => {
    // Arrange
    const { store, create } = setup();
    const first = await create('First', '--jwks-file', file('b.json', shared.jwk));

    // Act
    const second = await create(
      'Second',
      '--jwks-file',
      file('c.json', shared.jwk),
      '--allow-shared-key',
    );

    // Assert
    expect([first.code, second.code]).toEqual([EXIT.OK, EXIT.OK]);
    expect(store.records.get(second.id)?.jwks?.keys.map((k) => k.kid)).toEqual(['team-key']);
  });

  it('accepts keys no other client holds, and refuses --allow-shared-key without keys', async () => {
    // Arrange
    const { run, out, create } = setup();
    await create('First', '--jwks-file', file('d.json', shared.jwk));

    // Act
    const other = await create('Other', '--jwks-file', file('e.json', own.jwk));
    const secret = await run('create', '--name', 'S', '--scopes', 'a', '--allow-shared-key');

    // Assert
    expect(other.code).toBe(EXIT.OK);
    expect(secret).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain(
      '--allow-shared-key is for keys: give --jwks-file or --public-key-file',
    );
  });
});

describe('clients add-key with a key another client holds', () => {
  it('refuses it, writing nothing; adds it with --allow-shared-key', async () => {
    // Arrange
    const { store, out, run, create } = setup();
    const holder = await create('Holder', '--jwks-file', file('f.json', shared.jwk));
    const target = await create('Target', '--jwks-file', file('g.json', own.jwk));
    const writes = store.writes;
    const again = { ...shared.jwk, kid: 'renamed' };

    // Act
    const refused = await run('add-key', target.id, '--jwks-file', file('h.json', again));
    const writesAfterRefusal = store.writes;
    const allowed = await run(
      'add-key',
      target.id,
      '--jwks-file',
      file('i.json', again),
      '--allow-shared-key',
    );

    // Assert
    expect(refused).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain(
      `key renamed (RFC 7638 thumbprint ${jwkThumbprint(shared.jwk)}) is already registered for client ${holder.id}.`,
    );
    expect(writesAfterRefusal).toBe(writes);
    expect(allowed).toBe(EXIT.OK);
    expect(store.records.get(target.id)?.jwks?.keys.map((k) => k.kid)).toEqual([
      'own-key',
      'renamed',
    ]);
  });
});

describe('refuseSharedKeys', () => {
  it('does not list the clients when sharing is allowed or there is no key', async () => {
    // Arrange
    const store = { listClients: jest.fn(async () => [jwtClientRecord([shared.jwk])]) };

    // Act
    await refuseSharedKeys(store, [shared.jwk], { allowShared: true, isSelf: () => false });
    await refuseSharedKeys(store, [], { allowShared: false, isSelf: () => false });

    // Assert
    expect(store.listClients).not.toHaveBeenCalled();
  });

  it('skips the records the caller names as itself, and secret clients', async () => {
    // Arrange
    const records = [
      jwtClientRecord([shared.jwk], { client_id: 'self' }),
      jwtClientRecord([], {
        client_id: 'secret',
        jwks: undefined,
        token_endpoint_auth_method: undefined,
      }),
      jwtClientRecord([shared.jwk], { client_id: 'other' }),
    ];
    const store = { listClients: async () => records };

    // Act
    const skipped = refuseSharedKeys(store, [shared.jwk], {
      allowShared: false,
      isSelf: (r) => r.client_id !== 'secret',
    });
    const refused = refuseSharedKeys(store, [shared.jwk], {
      allowShared: false,
      isSelf: (r) => r.client_id === 'self',
    });

    // Assert
    await expect(skipped).resolves.toBeUndefined();
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(/already registered for client other\./);
  });
});

describe('another spelling or a related key is the same key (issue 21 review)', () => {
  const rsa = clientKeyPair('RS256', 'rsa-key');
  const ed = clientKeyPair('EdDSA', 'ed-key');
  const ec = clientKeyPair('ES256', 'ec-key');
  const variants: [string, ClientJwk, Record<string, string>][] = [
    ...rsaSpellings(rsa.jwk).map(
      ([name, spelt]) =>
        [`RSA, ${name}`, rsa.jwk, spelt] as [string, ClientJwk, Record<string, string>],
    ),
    ['Ed25519, spare bits set', ed.jwk, { x: ed25519SpareBits(ed.jwk.x as string) }],
    ['RSA, the same modulus with e = 65539', rsa.jwk, relatedKey(rsa.jwk)],
    ['EC, the point (x, -y)', ec.jwk, relatedKey(ec.jwk)],
    ['Ed25519, the sign bit flipped', ed.jwk, relatedKey(ed.jwk)],
  ];

  it.each(variants)('create refuses %s', async (_name, held, members) => {
    // Arrange
    const { store, create } = setup();
    const first = await create('First', '--jwks-file', file('v1.json', held));
    const writes = store.writes;

    // Act
    const second = await create(
      'Second',
      '--jwks-file',
      file('v2.json', { ...held, ...members, kid: 'v' }),
    );

    // Assert
    expect(first.code).toBe(EXIT.OK);
    expect(second.code).toBe(EXIT.USAGE);
    expect(store.writes).toBe(writes);
  });

  it.each(variants)(
    'create refuses a key another client holds as %s, stored so by other tooling',
    async (_name, held, members) => {
      // Arrange
      const store = new MemoryClientStore([
        jwtClientRecord([{ ...held, ...members } as ClientJwk], { client_id: 'other' }),
      ]);
      const { create, out } = setup(store);

      // Act
      const got = await create('New', '--jwks-file', file('v3.json', held));

      // Assert
      expect(got.code).toBe(EXIT.USAGE);
      expect(out.stderrText()).toContain('is already registered for client other.');
    },
  );

  it('tells keys apart that share nothing, and ignores a stored key node:crypto refuses', async () => {
    // Arrange
    const corrupt = { ...ec.jwk, y: ec.jwk.x } as ClientJwk; // not on the curve
    const store = {
      listClients: async () => [
        jwtClientRecord([corrupt, rsa.jwk, ed.jwk], { client_id: 'other' }),
      ],
    };

    // Act
    const got = refuseSharedKeys(store, [clientKeyPair('RS256').jwk, clientKeyPair('ES256').jwk], {
      allowShared: false,
      isSelf: () => false,
    });

    // Assert
    await expect(got).resolves.toBeUndefined();
    expect(keyMaterialOf(corrupt)).toBeUndefined();
    expect(keyMaterialOf(ec.jwk)).not.toBe(keyMaterialOf(clientKeyPair('ES256').jwk));
  });
});

describe('a create that stopped halfway (usage plans) is finished by its rerun', () => {
  it('does not count its own pending record as another client holding the key', async () => {
    // Arrange
    const gateway = new MemoryUsageKeys({ plans: { gold: 'p-gold' }, defaultPlan: 'gold' });
    const { deps, store } = makeDeps({ usageKeys: async () => gateway });
    const input = {
      name: 'Keyed',
      scopes: ['a'],
      audiences: [],
      authMethod: 'private_key_jwt' as const,
      keys: [shared.jwk],
    };
    gateway.failOnce('createKey');

    // Act
    await expect(createClient(deps, input)).rejects.toThrow(/injected/);
    const rerun = await createClient(deps, input);
    const another = createClient(deps, { ...input, name: 'Another' });

    // Assert
    expect(rerun.record.status).toBe('active');
    expect(store.records.size).toBe(1);
    await expect(another).rejects.toThrow(
      `is already registered for client ${rerun.record.client_id}.`,
    );
  });

  it('exempts only the pending record it resumes, not another of the same name', async () => {
    // Arrange: two pending records named alike, the later one holding the key
    const gateway = new MemoryUsageKeys({ plans: { gold: 'p-gold' }, defaultPlan: 'gold' });
    const pending = {
      name: 'Keyed',
      status: 'disabled' as const,
      usage_plan: 'gold',
      pending_since: '2025-01-01T00:00:00.000Z',
    };
    const store = new MemoryClientStore([
      jwtClientRecord([own.jwk], { ...pending, client_id: 'a-resumed' }),
      jwtClientRecord([shared.jwk], {
        ...pending,
        client_id: 'b-other',
        created_at: '2025-01-02T00:00:00.000Z',
      }),
    ]);
    const { deps } = makeDeps({ store, usageKeys: async () => gateway });

    // Act
    const rerun = createClient(deps, {
      name: 'Keyed',
      scopes: ['a'],
      audiences: [],
      authMethod: 'private_key_jwt',
      keys: [shared.jwk],
    });

    // Assert
    await expect(rerun).rejects.toThrow('is already registered for client b-other.');
    expect(store.writes).toBe(0);
  });
});
