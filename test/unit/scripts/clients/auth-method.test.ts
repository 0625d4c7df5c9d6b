// Unit tests of how a client authenticates: create's default (a secret by any transport), pinned transports, early records without a method, and update --auth (open, pin, switch, refusals that write nothing).
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import { EXIT } from '../../../../tools/cli/exit-codes';
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

type Created = {
  client_id: string;
  client_secret: string;
  token_endpoint_auth_method: string;
  accepted_auth_methods: string[];
};

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

describe('create: a secret client by default, a pinned transport on request', () => {
  it.each(['clients', 'create-client'] as const)(
    '%s without --auth records client_secret, which takes the secret by Basic and in the body, and says so',
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
      expect(created.token_endpoint_auth_method).toBe('client_secret');
      expect(created.accepted_auth_methods).toEqual(['client_secret_basic', 'client_secret_post']);
      expect((await store.getClient(created.client_id))?.token_endpoint_auth_method).toBe(
        'client_secret',
      );
      expect(out.stdoutText()).toMatch(
        /auth method: +client_secret: the secret by HTTP Basic, or in a form or JSON body\n/,
      );
      const secret = created.client_secret;
      expect(await attempt(created.client_id, secret, 'client_secret_basic')).toBe('accepted');
      expect(await attempt(created.client_id, secret, 'client_secret_post')).toBe('accepted');
      expect(await attempt(created.client_id, 'wrong', 'client_secret_post')).toBe(
        'invalid_client:wrong_secret',
      );
    },
  );

  it('--auth client_secret_basic makes a Basic-only client', async () => {
    // Arrange
    const { run, attempt, lastJson } = setup();

    // Act
    await run('create', '--name', 'B', '--scopes', 'a', '--auth', 'client_secret_basic', '--json');
    const created = lastJson<Created>();

    // Assert
    expect(created.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(created.accepted_auth_methods).toEqual(['client_secret_basic']);
    expect(await attempt(created.client_id, created.client_secret, 'client_secret_basic')).toBe(
      'accepted',
    );
    expect(await attempt(created.client_id, created.client_secret, 'client_secret_post')).toBe(
      'invalid_client:method_not_registered',
    );
  });

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

describe('records without a method (written before every client had one)', () => {
  it('accept both secret transports, and show and list say so', async () => {
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
      'auth method: the secret by HTTP Basic, or in a form or JSON body (no method recorded; written by an early version)',
    );
    expect(text).toMatch(/^legacy-1 +Old +active +secret +a /m);
    const shown = JSON.parse(text.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(shown.token_endpoint_auth_method).toBeNull();
    expect(shown.accepted_auth_methods).toEqual(['client_secret_basic', 'client_secret_post']);
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
    await run('create', '--name', 'S', '--scopes', 'a', '--auth', 'client_secret_basic', '--json');
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

  it('opens a pinned client to both transports with --auth client_secret', async () => {
    // Arrange
    const { run, attempt, lastJson } = setup();
    await run('create', '--name', 'P', '--scopes', 'a', '--auth', 'client_secret_post', '--json');
    const created = lastJson<Created>();

    // Act
    const code = await run('update', created.client_id, '--auth', 'client_secret', '--json');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(lastJson<Created>().accepted_auth_methods).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(await attempt(created.client_id, created.client_secret, 'client_secret_basic')).toBe(
      'accepted',
    );
  });

  const SWITCHES =
    'update switches only between client_secret, client_secret_basic and client_secret_post.';
  it.each([
    [
      'a secret client to private_key_jwt',
      'client_secret',
      'private_key_jwt',
      `authenticates with client_secret; ${SWITCHES} Public keys cannot be added by update: create a new client with --auth private_key_jwt`,
    ],
    [
      'a pinned secret client to private_key_jwt',
      'client_secret_basic',
      'private_key_jwt',
      `authenticates with client_secret_basic; ${SWITCHES} Public keys cannot be added by update: create a new client with --auth private_key_jwt`,
    ],
    [
      'a client without a recorded method to private_key_jwt',
      undefined,
      'private_key_jwt',
      `authenticates with a secret; ${SWITCHES} Public keys cannot be added by update: create a new client with --auth private_key_jwt`,
    ],
    [
      'a private_key_jwt client to a secret method',
      'private_key_jwt',
      'client_secret_post',
      `authenticates with private_key_jwt; ${SWITCHES} A secret cannot be added by update: create a new client with --auth client_secret_post`,
    ],
    [
      'a private_key_jwt client to client_secret',
      'private_key_jwt',
      'client_secret',
      `authenticates with private_key_jwt; ${SWITCHES} A secret cannot be added by update: create a new client with --auth client_secret`,
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
    const code = await run('update', id, '--auth', 'client_secret');

    // Assert
    expect(code).toBe(EXIT.OK);
    expect((await store.getClient(id))?.token_endpoint_auth_method).toBe('client_secret');
  });
});
