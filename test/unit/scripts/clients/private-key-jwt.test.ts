// Unit tests of the private_key_jwt client commands: create with key files, add-key, remove-key, show (kids and thumbprints), and refusals that name the file and write nothing.
import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliOptions } from '../../../../scripts/lib/clients/cli';
import { EXIT } from '../../../../tools/cli/exit-codes';
import { jwkThumbprint } from '../../../../functions/shared/jwk';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import { captureOutput, counterRandom, testClock } from '../../../support/clients-cli';
import { clientKeyPair } from '../../../support/client-assertions';
import {
  bigintToB64,
  ED25519_IDENTITY,
  ED25519_ZERO,
  primeModulusKey,
  smallFactorKey,
  smallOrderEd25519Key,
} from '../../../support/degenerate-keys';

const FORGEABLE = 'anyone can compute its private key and forge its signatures';
const SMALL_ORDER =
  "is an Ed25519 key of small order (a point on libsodium's blocklist); anyone can forge its signatures";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pkjwt-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes a file in the temp dir and returns its name. */
function file(name: string, content: string | object): string {
  fs.writeFileSync(
    path.join(dir, name),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
  return name;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const rsaJwk = rsa.publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
const ec = clientKeyPair('ES256', 'ec-1');
const ed = clientKeyPair('EdDSA');

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
  return { store, out, run };
}

async function createJwtClient(
  run: ReturnType<typeof setup>['run'],
  out: ReturnType<typeof setup>['out'],
  ...files: string[]
) {
  const code = await run('create', '--name', 'Svc', '--scopes', 'orders:read', ...files, '--json');
  expect(code).toBe(EXIT.OK);
  return JSON.parse(out.stdoutText().trim().split('\n').at(-1) as string) as {
    client_id: string;
    client_secret?: string;
    token_endpoint_auth_method: string;
    keys: { kid: string; alg: string; thumbprint: string }[];
  };
}

describe('clients create --auth private_key_jwt', () => {
  it('stores only the public key from a PEM, with its thumbprint as kid and RS256, and no secret', async () => {
    // Arrange
    const { run, out, store } = setup();
    const pem = file('rsa.pem', rsaPem);

    // Act
    const created = await createJwtClient(
      run,
      out,
      '--auth',
      'private_key_jwt',
      '--public-key-file',
      pem,
    );

    // Assert
    const thumbprint = jwkThumbprint(rsaJwk);
    expect(created.client_secret).toBeUndefined();
    expect(created.token_endpoint_auth_method).toBe('private_key_jwt');
    expect(created.keys).toEqual([
      {
        kid: thumbprint,
        alg: 'RS256',
        kty: 'RSA',
        crv: null,
        thumbprint,
        added_at: '2030-01-01T00:00:00.000Z',
      },
    ]);
    const record = await store.getClient(created.client_id);
    expect(record?.secrets).toEqual([]);
    expect(record?.jwks?.keys).toEqual([
      { kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e, kid: thumbprint, alg: 'RS256', use: 'sig' },
    ]);
  });

  it('reads a JWKS file and several --public-key-file flags (key files alone mean private_key_jwt)', async () => {
    // Arrange
    const { run, out } = setup();
    const jwks = file('keys.json', { keys: [ec.jwk] });
    const edFile = file('ed.jwk', { ...ed.jwk, kid: undefined });

    // Act
    const created = await createJwtClient(
      run,
      out,
      '--jwks-file',
      jwks,
      '--public-key-file',
      edFile,
    );

    // Assert
    expect(created.keys.map((k) => [k.kid, k.alg])).toEqual([
      ['ec-1', 'ES256'],
      [jwkThumbprint(ed.jwk), 'EdDSA'],
    ]);
  });

  it('prints the client id, method and kids in human output, and no secret', async () => {
    // Arrange
    const { run, out } = setup();

    // Act
    const code = await run(
      'create',
      '--name',
      'Svc',
      '--scopes',
      'a',
      '--jwks-file',
      file('one.json', ec.jwk),
    );

    // Assert
    expect(code).toBe(EXIT.OK);
    expect(out.stdoutText()).toContain('private_key_jwt: no secret exists');
    expect(out.stdoutText()).toContain(`kid ec-1, ES256, thumbprint ${jwkThumbprint(ec.jwk)}`);
    expect(out.stdoutText()).not.toContain('client_secret');
  });

  it('records --auth client_secret_post for a secret client', async () => {
    // Arrange
    const { run, out, store } = setup();

    // Act
    const code = await run(
      'create',
      '--name',
      'S',
      '--scopes',
      'a',
      '--auth',
      'client_secret_post',
      '--json',
    );

    // Assert
    expect(code).toBe(EXIT.OK);
    const created = JSON.parse(out.stdoutText()) as { client_id: string; client_secret: string };
    expect(created.client_secret).toBeDefined();
    expect((await store.getClient(created.client_id))?.token_endpoint_auth_method).toBe(
      'client_secret_post',
    );
  });

  const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  // Degenerate keys (issue 21), built here: none has a private key, yet anyone can sign for them.
  const primeKey = primeModulusKey();
  const zeroKey = smallOrderEd25519Key('zero', ED25519_ZERO);
  const identityPem = createPublicKey({
    key: smallOrderEd25519Key('identity', ED25519_IDENTITY).jwk as object as JsonWebKey,
    format: 'jwk',
  }).export({ type: 'spki', format: 'pem' }) as string;
  const hugeJwk = {
    kty: 'RSA',
    n: bigintToB64((1n << 16383n) | 1n),
    e: bigintToB64(2n ** 63n + 1n),
    alg: 'RS256',
  };
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
    type: 'spki',
    format: 'pem',
  }) as string;
  it.each([
    [
      'a private key PEM',
      () => ['--public-key-file', file('private.pem', privatePem)],
      '--public-key-file private.pem: is a private key; give the public key (openssl pkey -in key.pem -pubout)',
    ],
    [
      'a private JWK',
      () => ['--jwks-file', file('private.json', { ...ec.jwk, d: 'AAAA' })],
      '--jwks-file private.json: is a private key (it has the private member "d"); register the public key only',
    ],
    [
      'a weak key',
      () => ['--public-key-file', file('weak.pem', weak)],
      '--public-key-file weak.pem: does not fit its alg: a 1024-bit RSA key is too weak; RS256 needs at least 2048 bits',
    ],
    [
      'an RSA key with public exponent 1 (its signatures could be forged)',
      () => [
        '--jwks-file',
        file('e1.json', {
          kty: 'RSA',
          n: rsa.publicKey.export({ format: 'jwk' }).n,
          e: 'AQ',
          kid: 'e1',
          alg: 'RS256',
        }),
      ],
      '--jwks-file e1.json: does not fit its alg: an RSA key with public exponent 1 is unsafe; the exponent must be odd, from 65537 to below 2^256',
    ],
    [
      'an RSA key whose modulus is prime (issue 21: anyone could sign for it)',
      () => ['--jwks-file', file('prime.json', { ...primeKey.jwk, kid: undefined })],
      `--jwks-file prime.json: is an RSA key whose modulus is prime; ${FORGEABLE}`,
    ],
    [
      'an RSA key whose modulus has a small factor',
      () => ['--jwks-file', file('factor.json', smallFactorKey().jwk)],
      `--jwks-file factor.json: is an RSA key whose modulus has a prime factor below 2^20; ${FORGEABLE}`,
    ],
    [
      'an RSA key over 4096 bits (16384 bits, 64-bit exponent)',
      () => ['--jwks-file', file('huge.json', hugeJwk)],
      '--jwks-file huge.json: does not fit its alg: a 16384-bit RSA key is too large; RS256 takes at most 4096 bits here',
    ],
    [
      'the Ed25519 identity point, as a PEM',
      () => ['--public-key-file', file('identity.pem', identityPem)],
      `--public-key-file identity.pem: ${SMALL_ORDER}`,
    ],
    [
      'the all-zero Ed25519 key, as a JWK',
      () => ['--jwks-file', file('zero.json', zeroKey.jwk)],
      `--jwks-file zero.json: ${SMALL_ORDER}`,
    ],
    [
      'neither PEM nor JWK',
      () => ['--public-key-file', file('junk.txt', 'hello')],
      '--public-key-file junk.txt: is neither a PEM public key nor a JWK or JWKS (JSON)',
    ],
    [
      'a broken PEM',
      () => [
        '--public-key-file',
        file('broken.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
      ],
      '--public-key-file broken.pem: is not a valid public key PEM',
    ],
    [
      'a missing file',
      () => ['--public-key-file', 'nope.pem'],
      '--public-key-file nope.pem: cannot be read (ENOENT)',
    ],
    [
      'an empty JWKS',
      () => ['--jwks-file', file('empty.json', { keys: [] })],
      '--jwks-file empty.json: holds no key',
    ],
    [
      'a bad key inside a JWKS, by position',
      () => [
        '--jwks-file',
        file('two.json', { keys: [ec.jwk, { ...ec.jwk, kid: 'x', alg: 'HS256' }] }),
      ],
      '--jwks-file two.json: key 2 has alg "HS256"; use one of RS256, PS256, ES256, ES384, EdDSA, Ed25519 (never none or HMAC)',
    ],
    [
      'a duplicate kid',
      () => ['--jwks-file', file('dup.json', { keys: [ec.jwk, { ...ed.jwk, kid: 'ec-1' }] })],
      '--jwks-file: key 2 duplicates kid ec-1',
    ],
    [
      '--auth private_key_jwt without keys',
      () => ['--auth', 'private_key_jwt'],
      '--auth private_key_jwt needs --jwks-file FILE or --public-key-file FILE',
    ],
    [
      'keys with a secret method',
      () => ['--auth', 'client_secret_basic', '--jwks-file', file('k.json', ec.jwk)],
      '--jwks-file and --public-key-file are for --auth private_key_jwt, not client_secret_basic',
    ],
    [
      'an unknown method',
      () => ['--auth', 'tls_client_auth'],
      '--auth must be one of client_secret, client_secret_basic, client_secret_post, private_key_jwt, got "tls_client_auth"',
    ],
  ])(
    'refuses %s, naming the file and the problem, and writes nothing',
    async (_name, args, message) => {
      // Arrange
      const { run, out, store } = setup();

      // Act
      const code = await run('create', '--name', 'Svc', '--scopes', 'a', ...args());

      // Assert
      expect(code).toBe(EXIT.USAGE);
      expect(out.stderrText()).toContain(`clients: ${message}`);
      expect(store.writes).toBe(0);
    },
  );
});

describe('key rotation: add-key, remove-key, show', () => {
  it('adds the new key, shows both kids and thumbprints, removes the old one, never the last', async () => {
    // Arrange
    const { run, out, store } = setup();
    const { client_id: id } = await createJwtClient(
      run,
      out,
      '--jwks-file',
      file('old.json', ec.jwk),
    );
    const next = clientKeyPair('ES384', 'ec-2');

    // Act
    const added = await run('add-key', id, '--public-key-file', file('new.json', next.jwk));
    const shown = await run('show', id, '--json');
    const showJson = JSON.parse(out.stdoutText().trim().split('\n').at(-1) as string);
    const removed = await run('remove-key', id, 'ec-1');
    const last = await run('remove-key', id, 'ec-2');

    // Assert
    expect([added, shown, removed]).toEqual([EXIT.OK, EXIT.OK, EXIT.OK]);
    expect(
      showJson.keys.map((k: { kid: string; thumbprint: string }) => [k.kid, k.thumbprint]),
    ).toEqual([
      ['ec-1', jwkThumbprint(ec.jwk)],
      ['ec-2', jwkThumbprint(next.jwk)],
    ]);
    expect(last).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain(
      `kid ec-2 is the last key of client ${id}; add the new key first (add-key), then remove the old one`,
    );
    expect((await store.getClient(id))?.jwks?.keys.map((k) => k.kid)).toEqual(['ec-2']);
  });

  it('refuses a duplicate kid on add-key and an unknown kid on remove-key, writing nothing', async () => {
    // Arrange
    const { run, out, store } = setup();
    const { client_id: id } = await createJwtClient(
      run,
      out,
      '--jwks-file',
      file('a.json', ec.jwk),
    );
    const writes = store.writes;

    // Act
    const dup = await run('add-key', id, '--jwks-file', file('b.json', { ...ed.jwk, kid: 'ec-1' }));
    const unknown = await run('remove-key', id, 'nope');

    // Assert
    expect([dup, unknown]).toEqual([EXIT.USAGE, EXIT.USAGE]);
    expect(out.stderrText()).toContain('--jwks-file: key 2 duplicates kid ec-1');
    expect(out.stderrText()).toContain(`client ${id} has no key with kid "nope" (its kids: ec-1)`);
    expect(store.writes).toBe(writes);
  });

  it('refuses a degenerate key on add-key (issue 21), writing nothing', async () => {
    // Arrange
    const { run, out, store } = setup();
    const { client_id: id } = await createJwtClient(
      run,
      out,
      '--jwks-file',
      file('good.json', ec.jwk),
    );
    const writes = store.writes;
    const identity = smallOrderEd25519Key('identity', ED25519_IDENTITY).jwk;

    // Act
    const code = await run('add-key', id, '--jwks-file', file('identity.json', identity));

    // Assert
    expect(code).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain(`--jwks-file identity.json: ${SMALL_ORDER}`);
    expect(store.writes).toBe(writes);
  });

  it('refuses key commands on a secret client, and rotate-secret on a private_key_jwt client', async () => {
    // Arrange
    const { run, out } = setup();
    await run('create', '--name', 'S', '--scopes', 'a', '--json');
    const secretId = (JSON.parse(out.stdoutText()) as { client_id: string }).client_id;
    const { client_id: jwtId } = await createJwtClient(
      run,
      out,
      '--jwks-file',
      file('c.json', ec.jwk),
    );

    // Act
    const addToSecret = await run('add-key', secretId, '--jwks-file', file('d.json', ed.jwk));
    const rotate = await run('rotate-secret', jwtId);

    // Assert
    expect([addToSecret, rotate]).toEqual([EXIT.USAGE, EXIT.USAGE]);
    expect(out.stderrText()).toContain(
      `client ${secretId} authenticates with a secret, not private_key_jwt`,
    );
    expect(out.stderrText()).toContain(
      `client ${jwtId} authenticates with private_key_jwt and has no secret`,
    );
  });

  it.each([
    [['add-key', 'abc'], 'give --public-key-file FILE or --jwks-file FILE'],
    [['remove-key', 'abc'], 'remove-key needs a client id and a kid: remove-key CLIENT_ID KID'],
  ])('%j is a usage error', async (argv, message) => {
    // Arrange
    const { run, out } = setup();

    // Act / Assert
    expect(await run(...argv)).toBe(EXIT.USAGE);
    expect(out.stderrText()).toContain(message);
  });
});
