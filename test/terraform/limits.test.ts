// The Terraform validations and defaults of the numeric limits agree with functions/shared/limits.ts: boundary values derived from the TS constants, planned with `terraform test` (mock provider).
import fs from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import {
  AUTHORIZER_CONFIG_INLINE_LIMIT_BYTES,
  AUTHORIZER_CONFIG_KEY_ALLOWANCE_BYTES,
  AUTHORIZER_CONFIG_MAX_JSON_BYTES,
  AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES,
  AUTHORIZER_RESULT_TTL_SECONDS,
  CLOCK_SKEW_SECONDS,
  DPOP_IAT_FUTURE_SECONDS,
  DPOP_IAT_PAST_SECONDS,
  FAPI2_JWT_FUTURE_SECONDS,
  TOKEN_FUNCTION_TIMEOUT_SECONDS,
  TOKEN_TTL_SECONDS,
  type Limit,
  REVOCATION_CACHE_TTL_SECONDS,
  REVOCATION_STALE_SECONDS,
  VERIFIED_TOKEN_CACHE_SIZE,
} from '../../functions/shared/limits';
import { MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX } from '../../functions/shared/regions';
import { parseHclBlocks } from '../../scripts/lib/tf-docs/hcl-blocks';
import {
  REPO_ROOT,
  createWorkspace,
  describeWithTerraformMirror,
  expectExit,
  terraform,
  type TfResult,
  type TfWorkspace,
} from './harness';

jest.setTimeout(240_000);

type Dir = '.' | 'modules/token-endpoint' | 'modules/authorizer';

/**
 * Every Terraform variable that carries one of the shared limits. `reads` names a variable that
 * one of its validations reads: Terraform skips all of a variable's validations while a variable
 * it reads is invalid, so such a variable is rejected in a run of its own.
 */
interface Limited {
  dir: Dir;
  variable: string;
  limit: Limit;
  constant: string;
  reads?: string;
  /** The variable defaults to null, and the module picks the value (documented in its description). */
  nullDefault?: true;
}

const LIMITED: Limited[] = [
  { dir: '.', variable: 'token_ttl_seconds', limit: TOKEN_TTL_SECONDS, constant: 'TOKEN_TTL' },
  { dir: '.', variable: 'clock_skew_seconds', limit: CLOCK_SKEW_SECONDS, constant: 'SKEW' },
  {
    dir: '.',
    variable: 'authorizer_result_ttl_seconds',
    limit: AUTHORIZER_RESULT_TTL_SECONDS,
    constant: 'AUTHORIZER_TTL',
    reads: 'token_ttl_seconds',
    // null: REVOCATION_AUTHORIZER_RESULT_TTL_SECONDS with revocation_check, else the limit's default.
    nullDefault: true,
  },
  {
    dir: '.',
    variable: 'revocation_cache_ttl_seconds',
    limit: REVOCATION_CACHE_TTL_SECONDS,
    constant: 'REVOCATION_CACHE_TTL',
  },
  {
    dir: '.',
    variable: 'revocation_stale_seconds',
    limit: REVOCATION_STALE_SECONDS,
    constant: 'REVOCATION_STALE',
  },
  {
    dir: '.',
    variable: 'verified_token_cache_size',
    limit: VERIFIED_TOKEN_CACHE_SIZE,
    constant: 'VERIFIED_TOKEN_CACHE_SIZE',
  },
  {
    dir: '.',
    variable: 'dpop_iat_past_seconds',
    limit: DPOP_IAT_PAST_SECONDS,
    constant: 'DPOP_IAT_PAST',
  },
  {
    dir: '.',
    variable: 'dpop_iat_future_seconds',
    limit: DPOP_IAT_FUTURE_SECONDS,
    constant: 'DPOP_IAT_FUTURE',
    // null: DPOP_IAT_FUTURE_SECONDS.default, or FAPI2_JWT_FUTURE_SECONDS.default with security_profile fapi2.
    nullDefault: true,
  },
  {
    dir: 'modules/token-endpoint',
    variable: 'dpop_iat_past_seconds',
    limit: DPOP_IAT_PAST_SECONDS,
    constant: 'DPOP_IAT_PAST',
  },
  {
    dir: 'modules/token-endpoint',
    variable: 'dpop_iat_future_seconds',
    limit: DPOP_IAT_FUTURE_SECONDS,
    constant: 'DPOP_IAT_FUTURE',
  },
  {
    dir: 'modules/authorizer',
    variable: 'dpop_iat_past_seconds',
    limit: DPOP_IAT_PAST_SECONDS,
    constant: 'DPOP_IAT_PAST',
  },
  {
    dir: 'modules/authorizer',
    variable: 'dpop_iat_future_seconds',
    limit: DPOP_IAT_FUTURE_SECONDS,
    constant: 'DPOP_IAT_FUTURE',
  },
  {
    dir: 'modules/token-endpoint',
    variable: 'token_ttl_seconds',
    limit: TOKEN_TTL_SECONDS,
    constant: 'TOKEN_TTL',
  },
  {
    dir: 'modules/token-endpoint',
    variable: 'timeout',
    limit: TOKEN_FUNCTION_TIMEOUT_SECONDS,
    constant: 'TOKEN_FUNCTION_TIMEOUT',
  },
  {
    dir: 'modules/authorizer',
    variable: 'clock_skew_seconds',
    limit: CLOCK_SKEW_SECONDS,
    constant: 'SKEW',
  },
  {
    dir: 'modules/authorizer',
    variable: 'result_ttl_seconds',
    limit: AUTHORIZER_RESULT_TTL_SECONDS,
    constant: 'AUTHORIZER_TTL',
  },
  {
    dir: 'modules/authorizer',
    variable: 'verified_token_cache_size',
    limit: VERIFIED_TOKEN_CACHE_SIZE,
    constant: 'VERIFIED_TOKEN_CACHE_SIZE',
  },
];

/** Valid values of the module's other required inputs (as in wiring.tftest.hcl). */
const REQUIRED: Record<Dir, string> = {
  '.': '',
  'modules/token-endpoint': `
    rest_api_id            = "api1234567"
    root_resource_id       = "root123456"
    execution_arn          = "arn:aws:execute-api:us-east-1:123456789012:api1234567"
    issuer                 = "https://api1234567.execute-api.us-east-1.amazonaws.com/v1"
    audience               = "unit-test"
    table_name             = "unit-test-clients"
    table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    signing_key_arns       = ["arn:aws:kms:us-east-1:123456789012:key/a"]
    active_signing_key_arn = "arn:aws:kms:us-east-1:123456789012:key/a"
    signing_algorithm      = "ES256"`,
  'modules/authorizer': `
    rest_api_id     = "other12345"
    issuer          = "https://auth.example.com"
    audience        = "orders-api"
    public_keys_pem = ["-----BEGIN PUBLIC KEY-----\\nA\\n-----END PUBLIC KEY-----\\n"]`,
};

/**
 * The values each run sets, derived from the constants; `fails` says whether Terraform must
 * reject them (the TS parsers accept integers only, so a fraction must fail too).
 */
const CASES: { name: string; value: (l: Limit) => number; fails: boolean }[] = [
  { name: 'accepts_min', value: (l) => l.min, fails: false },
  { name: 'accepts_max', value: (l) => l.max, fails: false },
  { name: 'rejects_min_minus_1', value: (l) => l.min - 1, fails: true },
  { name: 'rejects_max_plus_1', value: (l) => l.max + 1, fails: true },
  { name: 'rejects_fraction', value: (l) => l.min + 0.5, fails: true },
];

interface Run {
  name: string;
  hcl: string;
}

/**
 * Runs per module and case: every limited variable of the module gets the case's value, so five
 * runs per module cover min-1, min, max, max+1 and a fraction of each limit. A rejected variable
 * that reads another one gets its own run, with the variable it reads at its (valid) maximum.
 * @returns the runs
 */
function generateRuns(): Run[] {
  const runs: Run[] = [];
  const run = (dir: Dir, name: string, values: Record<string, number>, fails: string[]): void => {
    const assignments = Object.entries(values)
      .map(([variable, value]) => `    ${variable} = ${value}`)
      .join('\n');
    const failures = fails.length
      ? `\n  expect_failures = [${fails.map((v) => `var.${v}`).join(', ')}]\n`
      : '';
    const module = dir === '.' ? '' : `\n  module {\n    source = "./${dir}"\n  }\n`;
    runs.push({
      name,
      hcl: `run "${name}" {\n  command = plan\n${module}\n  variables {${REQUIRED[dir]}\n${assignments}\n  }\n${failures}}\n`,
    });
  };
  for (const dir of Object.keys(REQUIRED) as Dir[]) {
    const vars = LIMITED.filter((l) => l.dir === dir);
    const label = dir === '.' ? 'root' : path.basename(dir).replace(/-/g, '_');
    for (const c of CASES) {
      const together = c.fails ? vars.filter((v) => !v.reads) : vars;
      run(
        dir,
        `${label}_${c.name}`,
        Object.fromEntries(together.map((v) => [v.variable, c.value(v.limit)])),
        c.fails ? together.map((v) => v.variable) : [],
      );
      for (const v of c.fails ? vars.filter((x) => x.reads) : []) {
        const read = LIMITED.find((x) => x.dir === dir && x.variable === v.reads) as Limited;
        run(
          dir,
          `${label}_${v.variable}_${c.name}`,
          { [read.variable]: read.limit.max, [v.variable]: c.value(v.limit) },
          [v.variable],
        );
      }
    }
  }
  // With multi_region the root module caps the DPoP proof window at the functions' multi-Region
  // maximum (functions/shared/regions.ts), which they enforce again at cold start.
  const multiRegion = `
    issuer                    = "https://auth.example.com"
    multi_region              = { regions = ["us-east-1", "eu-west-1"], role = "primary" }
    multi_region_signing_keys = ["primary"]`;
  for (const [name, value, fails] of [
    ['root_multi_region_accepts_dpop_iat_past_max', MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX, false],
    [
      'root_multi_region_rejects_dpop_iat_past_max_plus_1',
      MULTI_REGION_DPOP_IAT_PAST_SECONDS_MAX + 1,
      true,
    ],
  ] as const) {
    const failures = fails ? '\n  expect_failures = [var.multi_region]\n' : '';
    runs.push({
      name,
      hcl: `run "${name}" {\n  command = plan\n\n  variables {${multiRegion}\n    dpop_iat_past_seconds = ${value}\n  }\n${failures}}\n`,
    });
  }
  return runs;
}

describe('Terraform defaults of the limits', () => {
  it.each(LIMITED)(
    '$dir: variable $variable defaults to the $constant default',
    ({ dir, variable, limit, nullDefault }) => {
      // Arrange
      const src = fs.readFileSync(path.join(REPO_ROOT, dir, 'variables.tf'), 'utf8');

      // Act
      const block = parseHclBlocks(src).find((b) => b.type === 'variable' && b.name === variable);

      // Assert
      expect(block?.attributes.type).toBe('number');
      if (nullDefault) expect(block?.attributes.default).toBe('null');
      else expect(Number(block?.attributes.default)).toBe(limit.default);
    },
  );
});

describe("the authorizer configuration's limits in modules/authorizer/main.tf", () => {
  it.each([
    ['config_inline_limit_bytes', AUTHORIZER_CONFIG_INLINE_LIMIT_BYTES],
    ['config_table_limit_bytes', AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES],
    ['config_key_allowance_bytes', AUTHORIZER_CONFIG_KEY_ALLOWANCE_BYTES],
    ['config_max_json_bytes', AUTHORIZER_CONFIG_MAX_JSON_BYTES],
  ])('local %s equals functions/shared/limits.ts (%d)', (local, value) => {
    // Arrange
    const main = fs.readFileSync(path.join(REPO_ROOT, 'modules/authorizer/main.tf'), 'utf8');

    // Act
    const declared = new RegExp(`^\\s*${local}\\s*=\\s*(\\d+)\\s*$`, 'm').exec(main)?.[1];

    // Assert
    expect(Number(declared)).toBe(value);
  });
});

describe('the FAPI 2.0 range of iat/nbf ahead (FAPI2_JWT_FUTURE_SECONDS) in the validations', () => {
  const { min, max } = FAPI2_JWT_FUTURE_SECONDS;

  it.each([
    ['variables.tf', 'dpop_iat_future_seconds'],
    ['variables.tf', 'clock_skew_seconds'],
    ['modules/token-endpoint/variables.tf', 'dpop_iat_future_seconds'],
    ['modules/token-endpoint/variables.tf', 'clock_skew_seconds'],
  ])('%s bounds %s under fapi2 by the constant', (file, variable) => {
    // Arrange: the fapi2 validation is on security_profile (security-profile.tftest.hcl runs it)
    const src = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

    // Act: the block's text, up to the next top-level block
    const start = src.indexOf('variable "security_profile" {');
    const next = src.indexOf('\nvariable "', start + 1);
    const text = src.slice(start, next === -1 ? undefined : next);

    // Assert
    expect(start).toBeGreaterThan(-1);
    expect(text).toContain(`var.${variable} >= ${min} && var.${variable} <= ${max}`);
  });
});

describeWithTerraformMirror()('Terraform validations of the limits (terraform test)', () => {
  let ws: TfWorkspace;
  let result: TfResult;
  const runs = generateRuns();

  beforeAll(async () => {
    // Arrange: a generated test file in a temp copy; placeholder zips (a plan only hashes them).
    ws = createWorkspace();
    const testDir = path.join(ws.root, 'test', 'terraform-limits');
    fs.mkdirSync(testDir, { recursive: true });
    const artifacts = path.join(ws.root, '..', 'artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    for (const zip of ['token.zip', 'authorizer.zip', 'replay-watch.zip']) {
      fs.writeFileSync(path.join(artifacts, zip), zipSync({ 'index.js': strToU8('') }));
    }
    fs.writeFileSync(
      path.join(testDir, 'limits.tftest.hcl'),
      [
        '# Generated by test/terraform/limits.test.ts from functions/shared/limits.ts.',
        'mock_provider "aws" {\n  source = "./test/terraform/mocks"\n}\n',
        `variables {\n  name          = "unit-test"\n  artifacts_dir = ${JSON.stringify(artifacts)}\n}\n`,
        ...runs.map((r) => r.hcl),
      ].join('\n'),
    );
    expectExit(
      await terraform(ws, '.', [
        'init',
        '-backend=false',
        '-input=false',
        '-no-color',
        '-test-directory=test/terraform-limits',
      ]),
      'terraform init',
    );

    // Act: one terraform invocation for every run.
    result = await terraform(ws, '.', [
      'test',
      '-no-color',
      '-test-directory=test/terraform-limits',
    ]);
  });

  afterAll(() => ws?.cleanup());

  it('accepts min and max and rejects min-1, max+1 and fractions, for every limited variable', () => {
    // Assert
    expectExit(result, 'terraform test (limits)');
    for (const run of runs) {
      expect([run.name, new RegExp(`run "${run.name}"\\.\\.\\. pass`).test(result.stdout)]).toEqual(
        [run.name, true],
      );
    }
    expect(result.stdout).toContain(`Success! ${runs.length} passed, 0 failed.`);
  });
});
