// The monitoring inputs of the root module and modules/authorizer refuse bad values with messages that name the setting and say what is wanted (terraform test -json, mock provider, plan only).
import fs from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import {
  createWorkspace,
  describeWithTerraformMirror,
  expectExit,
  terraform,
  type TfResult,
  type TfWorkspace,
} from './harness';

jest.setTimeout(180_000);

/** One plan with several bad values at once, and the message each must produce. */
interface Case {
  file: string;
  /** Source of the module under test; undefined for the root module. */
  module?: string;
  variables: string;
  messages: string[];
}

const AUTHORIZER_INPUTS = `
    rest_api_id     = "other12345"
    issuer          = "https://auth.example.com"
    audience        = "orders-api"
    public_keys_pem = ["-----BEGIN PUBLIC KEY-----\\nA\\n-----END PUBLIC KEY-----\\n"]`;

const CASES: Case[] = [
  {
    file: 'root',
    variables: `
    metrics_namespace = "AWS/Lambda"
    monitoring = {
      alarm_topic_arn = "arn:aws:sqs:us-east-1:123456789012:oncall"
      runbook_url     = "https://example.com/docs/operations.md#token-errors"
      api_name        = "orders"
      thresholds = {
        token_errors                   = 0
        token_duration_percent         = 120
        invalid_client_band_width      = 0
        tokens_issued_static_threshold = 0.5
      }
    }`,
    messages: [
      'metrics_namespace must be 1-255 printable ASCII characters and must not start with "AWS/" (the namespaces of AWS services).',
      'monitoring.alarm_topic_arn must be the ARN of an SNS topic (arn:aws:sns:<region>:<account>:<topic>), or null for alarms that notify nobody.',
      'monitoring.runbook_url must be an http(s) URL of docs/operations.md without a #fragment (each alarm adds its own), at most 500 characters, e.g. "https://github.com/<org>/apigw-m2m-auth/blob/v0.3.0/docs/operations.md"; or null for the repository path.',
      'monitoring.api_name is the name of the API given by rest_api_id (for its 5xx alarm): leave it null when the module creates the API, and do not set it empty.',
      'monitoring.thresholds token_errors, token_throttles, api_5xx_errors, kms_throttles, dynamodb_throttles, authorizer_errors, authorizer_throttles and revocation_read_failures must be whole numbers of at least 1: each is a count per 5 minutes that alarms, and 0 would alarm on every period.',
      "monitoring.thresholds.token_duration_percent must be above 0 and at most 100: the share of the token function's timeout that one invocation's duration alarms at.",
      'monitoring.thresholds invalid_client_band_width and tokens_issued_band_width must be above 0: the width of the anomaly detection band in standard deviations (higher alarms less often).',
      'monitoring.thresholds invalid_client_static_threshold and tokens_issued_static_threshold must be null (anomaly detection) or whole numbers of at least 1 (a static count per 5 minutes).',
    ],
  },
  {
    file: 'authorizer',
    module: './modules/authorizer',
    variables: `${AUTHORIZER_INPUTS}
    metrics_namespace = ""
    monitoring = {
      alarm_topic_arn = "oncall"
      runbook_url     = "ftp://example.com/operations.md"
      thresholds      = { throttles = 2.5 }
    }`,
    messages: [
      'metrics_namespace must be 1-255 printable ASCII characters and must not start with "AWS/" (the namespaces of AWS services).',
      'monitoring.alarm_topic_arn must be the ARN of an SNS topic (arn:aws:sns:<region>:<account>:<topic>), or null for alarms that notify nobody.',
      'monitoring.runbook_url must be an http(s) URL of docs/operations.md without a #fragment (each alarm adds its own), at most 500 characters, e.g. "https://github.com/<org>/apigw-m2m-auth/blob/v0.3.0/docs/operations.md"; or null for the repository path.',
      'monitoring.thresholds (errors, throttles, revocation_read_failures) must be whole numbers of at least 1: each is a count per 5 minutes that alarms, and 0 would alarm on every period.',
    ],
  },
  {
    // The root module's api_name is for an API given by rest_api_id; with one it is accepted.
    file: 'root_valid',
    variables: `
    rest_api_id = "abc1234567"
    monitoring = {
      alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:oncall.fifo"
      runbook_url     = "https://github.com/acme/apigw-m2m-auth/blob/v0.3.0/docs/operations.md"
      api_name        = "orders"
      thresholds      = { token_duration_percent = 100, tokens_issued_static_threshold = 1 }
    }`,
    messages: [],
  },
];

/** A diagnostic of `terraform test -json`: which run it belongs to, and its text. */
interface TestEvent {
  type: string;
  '@testfile'?: string;
  '@testrun'?: string;
  diagnostic?: { severity: string; summary: string; detail: string };
  test_run?: { run: string; status?: string };
}

describeWithTerraformMirror()('monitoring input validation messages (terraform test)', () => {
  let ws: TfWorkspace;
  let result: TfResult;
  let events: TestEvent[];

  beforeAll(async () => {
    // Arrange: one test file per case, because a run that fails skips the runs after it.
    ws = createWorkspace();
    const testDir = path.join(ws.root, 'test', 'terraform-monitoring-validation');
    fs.mkdirSync(testDir, { recursive: true });
    const artifacts = path.join(ws.root, '..', 'artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    for (const zip of ['token.zip', 'authorizer.zip']) {
      fs.writeFileSync(path.join(artifacts, zip), zipSync({ 'index.js': strToU8('') }));
    }
    for (const c of CASES) {
      const module = c.module ? `\n  module {\n    source = "${c.module}"\n  }\n` : '';
      fs.writeFileSync(
        path.join(testDir, `${c.file}.tftest.hcl`),
        [
          '# Generated by test/terraform/monitoring-validation.test.ts.',
          'mock_provider "aws" {\n  source = "./test/terraform/mocks"\n}\n',
          `variables {\n  name          = "unit-test"\n  artifacts_dir = ${JSON.stringify(artifacts)}\n}\n`,
          `run "${c.file}" {\n  command = plan\n${module}\n  variables {${c.variables}\n  }\n}\n`,
        ].join('\n'),
      );
    }
    expectExit(
      await terraform(ws, '.', [
        'init',
        '-backend=false',
        '-input=false',
        '-no-color',
        '-test-directory=test/terraform-monitoring-validation',
      ]),
      'terraform init',
    );

    // Act
    result = await terraform(ws, '.', [
      'test',
      '-json',
      '-test-directory=test/terraform-monitoring-validation',
    ]);
    events = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as TestEvent);
  });

  afterAll(() => ws?.cleanup());

  it.each(CASES)(
    '$file: the plan fails with exactly one message per bad value (none for valid values)',
    ({ file, messages }) => {
      // Assert: the run's errors are exactly the expected messages (their first paragraph).
      const errors = events
        .filter(
          (e) =>
            e.type === 'diagnostic' && e['@testrun'] === file && e.diagnostic?.severity === 'error',
        )
        .map((e) => `${e.diagnostic?.summary}: ${e.diagnostic?.detail.split('\n\n')[0]}`);
      expect(errors.sort()).toEqual(messages.map((m) => `Invalid value for variable: ${m}`).sort());
      const status = events.find(
        (e) => e.type === 'test_run' && e.test_run?.run === file && e.test_run.status,
      )?.test_run?.status;
      expect([file, status]).toEqual([file, messages.length ? 'error' : 'pass']);
    },
  );

  it('terraform test reports the failures it was given and no others', () => {
    // Assert: one failing file per case with bad values.
    expect(result.code).toBe(CASES.some((c) => c.messages.length) ? 1 : 0);
  });
});
