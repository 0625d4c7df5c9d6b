// Unit tests of the one token_endpoint_auth_method per client: create's RFC 7591 default, legacy records, and update --auth (pin, switch, refusals that write nothing).
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import { EXIT } from '../../../../scripts/lib/cli/exit-codes';
import { createClientAuthenticator } from '../../../../functions/token/core/authenticate-client';
import type { ClientRecord, TokenEndpointAuthMethod } from '../../../../functions/token/core/types';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { captureOutput, counterRandom, testClock } from '../../../support/clients-cli';
import { clientKeyPair } from '../../../support/client-assertions';

type SecretMethod = Exclude<TokenEndpointAuthMethod, 'private_key_jwt'>;

function setup(program: CliOptions['program'] = 'clients') {
  const store = new MemoryClientStore();
  const out = captureOutput();
  const hasher = new FakeHasher();
  const clock = testClock();
  const randomBytes = counterRandom();
  const options: CliOptions = {
    program,
    out,
    cwd: '/unused',
    env: {},
    openStore: () => store,
    hasher,
    clock,
    randomBytes,
  };
  const run = (...argv: string[]) => runCli([...argv, '--local'], options);
  const authenticator = createClientAuthenticator({
    clientStore: store,
    hasher,
    clock,
    randomBytes,
  });
  /** The log reason the token endpoint refuses with, or 'accepted'. */
  const attempt = (clientId: string, clientSecret: string, method: SecretMethod) =>
    authenticator.authenticate({ clientId, clientSecret, method }).then(
      () => 'accepted',
      (err: { code?: string; reason?: string }) => `${err.code}:${err.reason}`,
    );
  /** The last stdout line, parsed (every command here runs with --json). */
  const lastJson = <T>(): T =>
    JSON.parse(out.stdoutText().trim().split('\n').at(-1) as string) as T;
  return { store, out, run, attempt, lastJson };
}

type Created = { client_id: string; client_secret: string; token_endpoint_auth_method: string };

/** A record written before every client had one method: no token_endpoint_auth_method. */
function legacyRecord(secret: string): ClientRecord {
  return {
    client_id: 'legacy-1',
    name: 'Old',
    status: 'active',
    secrets: [{ hash: FakeHasher.hashOf(secret), created_at: '2029-01-01T00:00:00.000Z' }],
    scopes: ['a'],
    audiences: [],
    created_at: '2029-01-01T00:00:00.000Z',
    updated_at: '2029-01-01T00:00:00.000Z',
    version: 3,
  };
}

describe('create: exactly one method per new client', () => {
  it.each(['clients', 'create-client'] as const)(
    '%s without --auth records client_secret_basic (RFC 7591 §2 default) and names it',
    async (program) => {
      // Arrange
      const { run, store, out, attempt, lastJson } = setup(program);
      const argv = ['--name', 'S', '--scopes', 'a'];
      const create = program === 'clients' ? ['create', ...argv] : argv;

      // Act
      const jsonCode = await run(...create, '--json');
      const created = lastJson<Created>();
      const textCode = await run(...create);

      // Assert
      expect([jsonCode, textCode]).toEqual([EXIT.OK, EXIT.OK]);
      expect(created.token_endpoint_auth_method).toBe('client_secret_basic');
      expect((await store.getClient(created.client_id))?.token_endpoint_auth_method).toBe(
        'client_secret_basic',
      );
      expect(out.stdoutText()).toMatch(/auth method: +client_secret_basic\n/);
      const secret = created.client_secret;
      expect(await attempt(created.client_id, secret, 'client_secret_basic')).toBe('accepted');
      expect(await attempt(created.client_id, secret, 'client_secret_post')).toBe(
        'invalid_client:method_not_registered',
      );
    },
  );

  it('--auth client_secret_post makes a post-only client', async () => {
    // Arrange
    const { run, attempt, lastJson } = setup();

    // Act
    await run('create', '--name', 'P', '--scopes', 'a', '--auth', 'client_secret_post', '--json');
    const created = lastJson<Created>();

    // Assert
    expect(created.token_endpoint_auth_method).toBe('client_secret_post');
    expect(await attempt(created.client_id, created.client_secret, 'client_secret_post')).toBe(
      'accepted',
    );
    expect(await attempt(created.client_id, created.client_secret, 'client_secret_basic')).toBe(
      'invalid_client:method_not_registered',
    );
  });
});

describe('legacy records (no method)', () => {
  it('accept both secret methods, and show and list mark them', async () => {
    // Arrange
    const { run, store, out, attempt } = setup();
    await store.createClient(legacyRecord('old-secret'));

    // Act
    const basic = await attempt('legacy-1', 'old-secret', 'client_secret_basic');
    const post = await attempt('legacy-1', 'old-secret', 'client_secret_post');
    await run('show', 'legacy-1');
    await run('list');
    await run('show', 'legacy-1', '--json');

    // Assert
    expect([basic, post]).toEqual(['accepted', 'accepted']);
    const text = out.stdoutText();
    expect(text).toContain(
      'auth method: client_secret_basic or client_secret_post (legacy: pin with update --auth)',
    );
    expect(text).toMatch(/^legacy-1 +Old +active +legacy: basic or post +a /m);
    const shown = JSON.parse(text.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(shown.token_endpoint_auth_method).toBeNull();
  });
});

describe('update --auth', () => {
  it.each(['client_secret_basic', 'client_secret_post'] as const)(
    'pins a legacy client to %s: the other method is refused from then on',
    async (method) => {
      // Arrange
      const { run, store, attempt } = setup();
      await store.createClient(legacyRecord('old-secret'));
      const other = method === 'client_secret_basic' ? 'client_secret_post' : 'client_secret_basic';

      // Act
      const code = await run('update', 'legacy-1', '--auth', method, '--json');

      // Assert
      expect(code).toBe(EXIT.OK);
      const record = await store.getClient('legacy-1');
      expect(record).toMatchObject({ token_endpoint_auth_method: method, version: 4 });
      expect(record?.secrets).toEqual(legacyRecord('old-secret').secrets);
      expect(await attempt('legacy-1', 'old-secret', method)).toBe('accepted');
      expect(await attempt('legacy-1', 'old-secret', other)).toBe(
        'invalid_client:method_not_registered',
      );
    },
  );

  it('switches a basic client to post, keeping its secret', async () => {
    // Arrange
    const { run, attempt, lastJson } = setup();
    await run('create', '--name', 'S', '--scopes', 'a', '--json');
    const created = lastJson<Created>();

    // Act
    const code = await run('update', created.client_id, '--auth', 'client_secret_post', '--json');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(lastJson<{ token_endpoint_auth_method: string }>().token_endpoint_auth_method).toBe(
      'client_secret_post',
    );
    expect(await attempt(created.client_id, created.client_secret, 'client_secret_post')).toBe(
      'accepted',
    );
    expect(await attempt(created.client_id, created.client_secret, 'client_secret_basic')).toBe(
      'invalid_client:method_not_registered',
    );
  });

  it.each([
    [
      'a secret client to private_key_jwt',
      'client_secret_basic',
      'private_key_jwt',
      'authenticates with client_secret_basic; update switches only between client_secret_basic and client_secret_post. Public keys cannot be added by update: create a new client with --auth private_key_jwt',
    ],
    [
      'a legacy client to private_key_jwt',
      undefined,
      'private_key_jwt',
      'authenticates with a secret; update switches only between client_secret_basic and client_secret_post. Public keys cannot be added by update: create a new client with --auth private_key_jwt',
    ],
    [
      'a private_key_jwt client to a secret method',
      'private_key_jwt',
      'client_secret_post',
      'authenticates with private_key_jwt; update switches only between client_secret_basic and client_secret_post. A secret cannot be added by update: create a new client with --auth client_secret_post',
    ],
  ] as const)(
    'refuses switching %s, naming --auth, and writes nothing',
    async (_n, from, to, message) => {
      // Arrange
      const { run, store, out } = setup();
      const key = clientKeyPair('ES256', 'k1');
      const record: ClientRecord =
        from === 'private_key_jwt'
          ? {
              ...legacyRecord('x'),
              secrets: [],
              token_endpoint_auth_method: 'private_key_jwt',
              jwks: { keys: [key.jwk] },
            }
          : {
              ...legacyRecord('x'),
              ...(from !== undefined ? { token_endpoint_auth_method: from } : {}),
            };
      await store.createClient(record);
      const writes = store.writes;

      // Act
      const code = await run('update', 'legacy-1', '--auth', to, '--name', 'Renamed');

      // Assert
      expect(code).toBe(EXIT.USAGE);
      expect(out.stderrText()).toContain(`--auth ${to}: client legacy-1 ${message}`);
      expect(store.writes).toBe(writes);
      expect(await store.getClient('legacy-1')).toEqual(record);
    },
  );

  it('pinning a client to the method it has is a plain write of the same method', async () => {
    // Arrange
    const { run, store, lastJson } = setup();
    await run('create', '--name', 'S', '--scopes', 'a', '--json');
    const { client_id: id } = lastJson<Created>();

    // Act
    const code = await run('update', id, '--auth', 'client_secret_basic');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect((await store.getClient(id))?.token_endpoint_auth_method).toBe('client_secret_basic');
  });
});
