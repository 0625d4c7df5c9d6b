// A client declared in Terraform (modules/client) is validated with the clients CLI's rules and messages: every case goes through the CLI's own parser and through one offline `terraform plan` of the module, and both must accept it, or refuse it with the same message.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../../scripts/lib/clients/args';
import { checkScopeToken, parseClientId } from '../../scripts/lib/clients/validate';
import { clientFromItems } from '../../functions/token/adapters/declared-client';
import { UsageError } from '../../tools/cli/usage-error';
import { clientKeyPair } from '../support/client-assertions';
import { bigintToB64, primeModulusKey } from '../support/degenerate-keys';
import {
  createWorkspace,
  describeWithTerraformMirror,
  expectExit,
  terraform,
  type TfWorkspace,
} from './harness';

jest.setTimeout(240_000);

const FIXTURE = 'test/terraform/fixtures/client-validation';

/** The fields of one declared client a case sets (the others take valid values). */
interface Fields {
  client_id?: string;
  name?: string;
  scopes?: string[];
  audiences?: string[];
  token_ttl_seconds?: number;
  auth_method?: string;
  public_keys?: string[];
}

interface Case {
  name: string;
  fields: Fields;
}

const spki = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }) as string;
const rsaPair = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
const json = (value: unknown): string => JSON.stringify(value);

/** Keys, made once. */
function keyTexts() {
  const ec = clientKeyPair('ES256', 'ec-1');
  const ec384 = clientKeyPair('ES384', 'ec-384');
  const ed = clientKeyPair('EdDSA', 'ed-1');
  const rsa = clientKeyPair('RS256', 'rsa-1');
  const rsa3072 = rsaPair(3072).publicKey;
  const rsa4096 = rsaPair(4096).publicKey;
  const rsa1024 = rsaPair(1024).publicKey;
  const { kid: _k, alg: _a, use: _u, ...bareRsa } = rsa.jwk;
  const cert = execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      '/dev/null',
      '-subj',
      '/CN=client',
      '-days',
      '1',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return {
    ec,
    ed,
    rsa,
    ecJwk: json(ec.jwk),
    ec384Jwk: json(ec384.jwk),
    edJwk: json(ed.jwk),
    rsaJwk: json(rsa.jwk),
    bareRsaJwk: json(bareRsa),
    rsaSpki: spki(rsa.publicKey),
    rsaPkcs1: rsaPair(2048).publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    rsaPkcs1OfRsa: rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    rsa3072: spki(rsa3072),
    rsa4096: spki(rsa4096),
    rsa1024Spki: spki(rsa1024),
    rsa1024Pkcs1: rsa1024.export({ type: 'pkcs1', format: 'pem' }) as string,
    rsa1024Jwk: json({ ...rsa1024.export({ format: 'jwk' }), alg: 'RS256' }),
    ecSpki: spki(ec.publicKey),
    edSpki: spki(ed.publicKey),
    x25519: spki(generateKeyPairSync('x25519').publicKey),
    p521: spki(generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey),
    cert,
    privatePem: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

function cases(k: ReturnType<typeof keyTexts>): Case[] {
  const long = (n: number): string => 'x'.repeat(n);
  const ecBase = k.ec.jwk;
  return [
    // client_id (the CLI's parseClientId)
    { name: 'id_ok', fields: { client_id: 'Orders-1.prod_x' } },
    { name: 'id_space', fields: { client_id: 'orders 1' } },
    { name: 'id_hash', fields: { client_id: 'declared#x' } },
    { name: 'id_long', fields: { client_id: long(129) } },
    { name: 'id_max', fields: { client_id: long(128) } },
    { name: 'id_empty', fields: { client_id: '' } },
    // name (--name)
    { name: 'name_trimmed', fields: { name: '\u00a0 Orders \t' } },
    { name: 'name_empty', fields: { name: '' } },
    { name: 'name_blank', fields: { name: ' \u3000\ufeff ' } },
    { name: 'name_max', fields: { name: 'é'.repeat(128) } },
    { name: 'name_combining_max', fields: { name: 'e\u0301'.repeat(64) } },
    { name: 'name_long', fields: { name: long(129) } },
    { name: 'name_control', fields: { name: 'a\u0007b' } },
    { name: 'name_tab', fields: { name: 'a\tb' } },
    { name: 'name_format', fields: { name: 'a\u200bb' } },
    { name: 'name_unassigned', fields: { name: 'a\u0378b' } },
    { name: 'name_line_separator', fields: { name: 'a\u2028b' } },
    { name: 'name_private_use', fields: { name: 'a\ue000b' } },
    // scopes (--scopes, one token each)
    { name: 'scopes_none', fields: { scopes: [] } },
    { name: 'scopes_space', fields: { scopes: ['orders:read', 'a b'] } },
    { name: 'scopes_quote', fields: { scopes: ['a"b'] } },
    { name: 'scopes_backslash', fields: { scopes: ['a\\b'] } },
    { name: 'scopes_empty', fields: { scopes: [''] } },
    { name: 'scopes_non_ascii', fields: { scopes: ['ordérs'] } },
    { name: 'scopes_ok', fields: { scopes: ['a<b>&c', 'orders:read', 'orders:read'] } },
    // audiences (--audience)
    { name: 'aud_ok', fields: { audiences: ['https://api.example.com', 'urn:x'] } },
    { name: 'aud_empty', fields: { audiences: ['a', ''] } },
    { name: 'aud_space', fields: { audiences: ['a b'] } },
    { name: 'aud_nbsp', fields: { audiences: ['ok', 'a\u00a0b'] } },
    { name: 'aud_bom', fields: { audiences: ['a\ufeffb'] } },
    { name: 'aud_vtab', fields: { audiences: ['a\u000bb'] } },
    { name: 'aud_max', fields: { audiences: [long(1024)] } },
    { name: 'aud_long', fields: { audiences: [long(1025)] } },
    // token_ttl_seconds (--token-ttl, TOKEN_TTL_SECONDS)
    { name: 'ttl_min', fields: { token_ttl_seconds: 60 } },
    { name: 'ttl_max', fields: { token_ttl_seconds: 86400 } },
    { name: 'ttl_low', fields: { token_ttl_seconds: 59 } },
    { name: 'ttl_high', fields: { token_ttl_seconds: 86401 } },
    { name: 'ttl_fraction', fields: { token_ttl_seconds: 60.5 } },
    // auth_method (--auth) with and without keys
    { name: 'auth_unknown', fields: { auth_method: 'tls_client_auth' } },
    { name: 'auth_jwt_without_keys', fields: { auth_method: 'private_key_jwt' } },
    {
      name: 'auth_secret_with_keys',
      fields: { auth_method: 'client_secret_basic', public_keys: [k.ecJwk] },
    },
    { name: 'auth_post', fields: { auth_method: 'client_secret_post' } },
    // public_keys (--public-key-file, PEM or JWK or JWKS each)
    {
      name: 'keys_all_kinds',
      fields: { public_keys: [k.ecJwk, k.edSpki, k.rsaSpki, k.rsaPkcs1, k.cert] },
    },
    {
      name: 'keys_jwks',
      fields: {
        public_keys: [json({ keys: [k.ecJwk, k.edJwk].map((t) => JSON.parse(t) as object) })],
      },
    },
    {
      name: 'keys_rsa_sizes',
      fields: { public_keys: [k.rsa3072, k.rsa4096, k.bareRsaJwk, k.ecSpki, k.ec384Jwk] },
    },
    { name: 'keys_private_pem', fields: { public_keys: [k.privatePem] } },
    { name: 'keys_private_jwk', fields: { public_keys: [json({ ...ecBase, d: 'AAAA' })] } },
    {
      name: 'keys_symmetric',
      fields: { public_keys: [json({ kty: 'oct', k: 'AAAA', alg: 'HS256' })] },
    },
    { name: 'keys_junk', fields: { public_keys: ['hello'] } },
    {
      name: 'keys_broken_pem',
      fields: { public_keys: ['-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----\n'] },
    },
    { name: 'keys_not_object', fields: { public_keys: ['[1, 2]'] } },
    { name: 'keys_empty_jwks', fields: { public_keys: ['{"keys":[]}'] } },
    { name: 'keys_weak_spki', fields: { public_keys: [k.rsa1024Spki] } },
    { name: 'keys_weak_pkcs1', fields: { public_keys: [k.rsa1024Pkcs1] } },
    { name: 'keys_weak_jwk', fields: { public_keys: [k.rsa1024Jwk] } },
    {
      name: 'keys_huge_jwk',
      fields: {
        public_keys: [
          json({
            kty: 'RSA',
            n: bigintToB64((1n << 16383n) | 1n),
            e: bigintToB64(2n ** 63n + 1n),
            alg: 'RS256',
          }),
        ],
      },
    },
    {
      name: 'keys_exponent_1',
      fields: { public_keys: [json({ ...JSON.parse(k.bareRsaJwk), e: 'AQ' })] },
    },
    {
      name: 'keys_exponent_3',
      fields: { public_keys: [json({ ...JSON.parse(k.bareRsaJwk), e: 'Aw' })] },
    },
    {
      name: 'keys_exponent_spelled',
      fields: { public_keys: [json({ ...JSON.parse(k.bareRsaJwk), e: 'AAEAAQ==' })] },
    },
    { name: 'keys_kty', fields: { public_keys: [json({ kty: 'DSA', kid: 'd' })] } },
    { name: 'keys_no_kty', fields: { public_keys: [json({ kid: 'd' })] } },
    { name: 'keys_curve', fields: { public_keys: [json({ ...ecBase, crv: 'P-521' })] } },
    {
      name: 'keys_curve_okp',
      fields: { public_keys: [json({ kty: 'OKP', crv: 'X25519', x: k.ed.jwk.x })] },
    },
    { name: 'keys_x25519_pem', fields: { public_keys: [k.x25519] } },
    { name: 'keys_p521_pem', fields: { public_keys: [k.p521] } },
    { name: 'keys_alg_hmac', fields: { public_keys: [json({ ...ecBase, alg: 'HS256' })] } },
    { name: 'keys_alg_none', fields: { public_keys: [json({ ...ecBase, alg: 'none' })] } },
    { name: 'keys_alg_ed25519', fields: { public_keys: [json({ ...k.ed.jwk, alg: 'Ed25519' })] } },
    { name: 'keys_alg_curve', fields: { public_keys: [json({ ...ecBase, alg: 'ES384' })] } },
    { name: 'keys_alg_family', fields: { public_keys: [json({ ...ecBase, alg: 'RS256' })] } },
    { name: 'keys_alg_okp', fields: { public_keys: [json({ ...k.ed.jwk, alg: 'PS256' })] } },
    { name: 'keys_alg_eddsa_rsa', fields: { public_keys: [json({ ...k.rsa.jwk, alg: 'EdDSA' })] } },
    { name: 'keys_use', fields: { public_keys: [json({ ...ecBase, use: 'enc' })] } },
    {
      name: 'keys_missing_e',
      fields: { public_keys: [json({ kty: 'RSA', n: k.rsa.jwk.n, alg: 'RS256' })] },
    },
    { name: 'keys_numeric_x', fields: { public_keys: [json({ ...ecBase, x: 5 })] } },
    {
      name: 'keys_short_x',
      fields: { public_keys: [json({ ...ecBase, x: (ecBase.x as string).slice(1) })] },
    },
    {
      name: 'keys_bad_chars',
      fields: { public_keys: [json({ ...ecBase, x: `*${(ecBase.x as string).slice(1)}` })] },
    },
    { name: 'keys_kid_space', fields: { public_keys: [json({ ...ecBase, kid: 'my key' })] } },
    { name: 'keys_kid_number', fields: { public_keys: [json({ ...ecBase, kid: 7 })] } },
    {
      name: 'keys_second_bad',
      fields: { public_keys: [json({ keys: [ecBase, { ...k.ed.jwk, alg: 'RS256' }] })] },
    },
    {
      name: 'keys_six',
      fields: {
        public_keys: Array.from({ length: 6 }, (_, i) =>
          json({ ...clientKeyPair('ES256', `k${i}`).jwk }),
        ),
      },
    },
    {
      name: 'keys_duplicate_kid',
      fields: { public_keys: [k.rsaSpki, k.ecJwk, json({ ...k.ed.jwk, kid: 'ec-1' })] },
    },
  ];
}

/**
 * Cases Terraform accepts at plan although the CLI refuses them: checks Terraform's functions
 * cannot make, which the token function makes with the CLI's code when it reads the declaration.
 */
function useTimeCases(k: ReturnType<typeof keyTexts>): Case[] {
  const { x, y } = k.ec.jwk as { x: string; y: string };
  return [
    { name: 'use_time_degenerate', fields: { public_keys: [json(primeModulusKey().jwk)] } },
    // One key in two encodings: one thumbprint, which only node:crypto computes.
    { name: 'use_time_same_key_twice', fields: { public_keys: [k.rsaSpki, k.rsaPkcs1OfRsa] } },
    {
      name: 'use_time_off_curve',
      fields: { public_keys: [json({ ...k.ec.jwk, y: x === y ? `${y.slice(0, -1)}A` : x })] },
    },
  ];
}

/**
 * The CLI's verdict on a case, through its own parser (`clients create` with these flags), in
 * Terraform's words: the flag replaced by the setting. undefined: accepted.
 */
function cliVerdict(c: Case, dir: string): string | undefined {
  const f = c.fields;
  try {
    if (f.client_id !== undefined) parseClientId(f.client_id);
    const scopes = f.scopes ?? ['orders:read'];
    if (scopes.length === 0) {
      return 'scopes needs at least one scope, e.g. scopes = ["orders:read", "orders:write"]';
    }
    for (const scope of scopes) checkScopeToken(scope, 'scopes');
    const files = (f.public_keys ?? []).map((text, i) => {
      const file = path.join(dir, `${c.name}-${i}.key`);
      fs.writeFileSync(file, text);
      return ['--public-key-file', file];
    });
    parseCommandLine(
      [
        'create',
        '--table',
        'validation-clients',
        '--name',
        f.name ?? 'Case',
        '--scopes',
        'orders:read',
        ...(f.audiences ?? []).flatMap((a) => ['--audience', a]),
        ...(f.token_ttl_seconds !== undefined ? ['--token-ttl', String(f.token_ttl_seconds)] : []),
        ...(f.auth_method !== undefined ? ['--auth', f.auth_method] : []),
        ...files.flat(),
      ],
      dir,
    );
    return undefined;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return inTerraformWords(err.message, c, dir);
  }
}

/** Rewrites a CLI message naming a flag into the message naming the Terraform setting. */
function inTerraformWords(message: string, c: Case, dir: string): string {
  const audience = (c.fields.audiences ?? []).findIndex((a) => message.includes(JSON.stringify(a)));
  const firstBadAudience = (c.fields.audiences ?? []).findIndex(
    (a) => a === '' || [...a].length > 1024 || /[\s\p{Cc}]/u.test(a),
  );
  let m = message
    .replace(/^"/, 'client_id: "')
    .replace(/^--name /, 'name ')
    .replace(/^--token-ttl (.*), got "(.*)"$/, 'token_ttl_seconds $1, got $2')
    .replace(/^--auth private_key_jwt needs .*$/, 'auth_method private_key_jwt needs public_keys')
    .replace(
      /^--jwks-file and --public-key-file are for --auth private_key_jwt, not (.*)$/,
      'public_keys are for auth_method private_key_jwt, not $1',
    )
    .replace(/^--auth /, 'auth_method ')
    .replace(/^--audience /, `audiences[${audience >= 0 ? audience : firstBadAudience}] `)
    .replace(/^--public-key-file: /, 'public_keys: ');
  const file = /^--public-key-file (\S+): /.exec(m);
  if (file?.[1] !== undefined) {
    const index = Number(/-(\d+)\.key$/.exec(path.relative(dir, file[1]))?.[1]);
    m = m.replace(file[0], `public_keys[${index}] `);
  }
  return m;
}

/**
 * The plan a case goes in. A plan stops at its variables' validation errors before it reaches
 * validations that read other variables, and before the resources' preconditions (public_keys):
 * each kind gets a plan of its own.
 */
function planOf(c: Case): 'variables' | 'cross' | 'keys' {
  if (c.name === 'auth_jwt_without_keys' || c.name === 'auth_secret_with_keys') return 'cross';
  return c.fields.public_keys !== undefined ? 'keys' : 'variables';
}

/** What `terraform plan` said about each case: its message, without the `client "<case>": ` prefix. */
function terraformVerdicts(planJson: string): Map<string, string> {
  const verdicts = new Map<string, string>();
  for (const line of planJson.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { type?: string; diagnostic?: { detail?: string } };
    const detail = event.diagnostic?.detail;
    if (event.type !== 'diagnostic' || detail === undefined) continue;
    const match = /^client "([^"]+)": ([\s\S]*?)(\n\nThis was checked by[\s\S]*)?$/.exec(detail);
    if (match?.[1] !== undefined && match[2] !== undefined) verdicts.set(match[1], match[2]);
  }
  return verdicts;
}

describeWithTerraformMirror()(
  'Terraform validation of a declared client agrees with the clients CLI',
  () => {
    let ws: TfWorkspace;
    let dir: string;
    let all: Case[];
    let useTime: Case[];
    let verdicts: Map<string, string>;

    beforeAll(async () => {
      // Arrange: the keys, every case as an instance of modules/client in one of three plans.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-validation-'));
      const k = keyTexts();
      all = cases(k);
      useTime = useTimeCases(k);
      ws = createWorkspace();
      expectExit(
        await terraform(ws, FIXTURE, ['init', '-backend=false', '-input=false', '-no-color']),
        'terraform init',
      );

      // Act: the plans side by side (no state, so no lock)
      const plans = await Promise.all(
        (['variables', 'cross', 'keys'] as const).map((group) => {
          const tfvars = path.join(dir, `${group}.tfvars.json`);
          const members = [...all, ...useTime].filter((c) => planOf(c) === group);
          fs.writeFileSync(
            tfvars,
            JSON.stringify({ cases: Object.fromEntries(members.map((c) => [c.name, c.fields])) }),
          );
          return terraform(ws, FIXTURE, [
            'plan',
            '-refresh=false',
            '-lock=false',
            '-input=false',
            '-no-color',
            '-json',
            `-var-file=${tfvars}`,
          ]);
        }),
      );
      verdicts = new Map(plans.flatMap((plan) => [...terraformVerdicts(plan.stdout)]));
    });

    afterAll(() => {
      ws?.cleanup();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('accepts what the CLI accepts and refuses what it refuses, with the same message', () => {
      // Assert: one row per case, [case, CLI, Terraform]
      const rows = all.map((c) => [
        c.name,
        cliVerdict(c, dir) ?? 'accepted',
        verdicts.get(c.name) ?? 'accepted',
      ]);
      expect(rows.filter(([, cli, tf]) => cli !== tf)).toEqual([]);
      // Both sides refuse something, so the comparison is not vacuous.
      expect(rows.filter(([, cli]) => cli !== 'accepted').length).toBeGreaterThan(50);
    });

    it('leaves to the token function only what Terraform cannot check, which it refuses with the CLI message', () => {
      for (const c of useTime) {
        // Assert: Terraform accepts, the CLI refuses ...
        const cli = cliVerdict(c, dir);
        expect([c.name, verdicts.get(c.name)]).toEqual([c.name, undefined]);
        expect(cli).toMatch(/^public_keys(\[0\] |: )/);
        // ... and the token function leaves the key out with the CLI's problem (degenerate keys
        // once a signature verified with them: client-assertion.ts).
        const client = clientFromItems('id', undefined, {
          client_id: 'declared#id',
          managed_by: 'terraform',
          name: 'x',
          status: 'active',
          scopes: ['a'],
          audiences: [],
          token_endpoint_auth_method: 'private_key_jwt',
          public_keys: c.fields.public_keys,
        });
        if (c.name === 'use_time_degenerate') expect(client?.jwks?.keys).toHaveLength(1);
        else expect([c.name, client?.key_problems]).toEqual([c.name, [cli]]);
      }
    });
  },
);
