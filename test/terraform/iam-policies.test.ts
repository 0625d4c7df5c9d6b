// Plans the IAM-bearing submodules against moto_server and evaluates the rendered key policy and role policies over every action: who can sign, grant, change the policy, delete the key, read clients and write logs.
import fs from 'node:fs';
import path from 'node:path';
import {
  GrantOperation,
  MacAlgorithmSpec,
  MessageType,
  SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { strToU8, zipSync } from 'fflate';
import { KMS_SIGNING_ALGORITHM } from '../../functions/token/adapters/signer-kms';
import { NONCE_MAC_ALGORITHM } from '../../functions/token/adapters/nonce-mac-kms';
import { AUTHORIZER_ATTRIBUTES } from '../../functions/authorizer/adapters/revocation-state-dynamodb';
import { LAST_USE_ATTRIBUTES } from '../../functions/token/adapters/last-use-dynamodb';
import { auditKey } from '../../tools/dev-adapters/audit-entry';
import { LOGS_ACTIONS, sdkActions } from '../support/aws-actions';
import {
  evaluatePolicy,
  expandAction,
  type PolicyDocument,
  type RequestPrincipal,
} from '../support/iam-policy-evaluator';
import { startMoto, type Moto } from '../support/moto';
import { describeWithMoto } from '../support/tools';
import {
  createWorkspace,
  describeWithTerraformMirror,
  expectExit,
  mapLimit,
  terraform,
  type TfWorkspace,
} from './harness';

jest.setTimeout(300_000);

const FIXTURE = 'test/terraform/fixtures/iam-render';
const ACCOUNT = '123456789012'; // moto's default account
const NAME = 'iam-test';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${NAME}-clients`;
const KEY_ADDRESS = 'module.signing_key.aws_kms_key.this["primary"]';
const TOKEN_POLICY_ADDRESS = 'module.token_endpoint.module.function.aws_iam_role_policy.this';
const AUTHORIZER_POLICY_ADDRESS = 'module.authorizer.module.function.aws_iam_role_policy.this';
const NONCE_KEY_ADDRESS = 'module.dpop_nonce_key[0].aws_kms_key.this[0]';
/** The other Region of the two-Region plan (withRevocation), and its same-named clients table. */
const OTHER_REGION = 'eu-west-1';
const OTHER_REGION_TABLE_ARN = `arn:aws:dynamodb:${OTHER_REGION}:${ACCOUNT}:table/${NAME}-clients`;
const NONCE_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-4111-8111-111111111111`;
/** The multi-Region plan's replica Regions (replica_regions), and a Region it does not list. */
const REPLICA_REGIONS = [OTHER_REGION, 'ap-southeast-2'];
const UNLISTED_REGION = 'sa-east-1';

const KMS_ACTIONS = sdkActions('@aws-sdk/client-kms', 'kms');
const DYNAMODB_ACTIONS = sdkActions('@aws-sdk/client-dynamodb', 'dynamodb');

/** What the key administrators may do on the keys (AllowKeyAdministratorsToManageKeys). */
const ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:GetPublicKey',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The principals of the matrix, by name. */
type PrincipalName =
  | 'tokenRole'
  | 'authorizerRole'
  | 'keyAdministrator'
  | 'accountAdministrator'
  | 'accountRootUser'
  | 'otherAccountRole'
  | 'awsService';

function principals(keyAdministratorArn: string): Record<PrincipalName, RequestPrincipal> {
  return {
    tokenRole: { arn: `arn:aws:iam::${ACCOUNT}:role/${NAME}-token`, account: ACCOUNT },
    authorizerRole: { arn: `arn:aws:iam::${ACCOUNT}:role/${NAME}-authorizer`, account: ACCOUNT },
    keyAdministrator: { arn: keyAdministratorArn, account: ACCOUNT },
    // Stands for any IAM principal of the account, however broad its IAM policy (kms:*, AdministratorAccess).
    accountAdministrator: {
      arn: `arn:aws:iam::${ACCOUNT}:role/AccountAdministrator`,
      account: ACCOUNT,
    },
    accountRootUser: { arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT },
    otherAccountRole: { arn: 'arn:aws:iam::999999999999:role/Attacker', account: '999999999999' },
    awsService: { service: 'lambda.amazonaws.com' },
  };
}

/**
 * The condition keys of the token function's last-use write (last-use-dynamodb.ts): the attributes
 * it names, the client's key and ReturnValues NONE.
 */
const LAST_USE_CONTEXT = {
  'dynamodb:Attributes': [...LAST_USE_ATTRIBUTES],
  'dynamodb:LeadingKeys': ['c0ffee00c0ffee00'],
  'dynamodb:ReturnValues': 'NONE',
};

/**
 * Request contexts to try for an action: a principal "reaches" an action if any of them is allowed.
 * Sign and Verify are tried with every SigningAlgorithm and MessageType the SDK knows; CreateGrant
 * with every single grant operation, all of them, and with and without kms:GrantIsForAWSResource;
 * UpdateItem with no condition keys and with those of the last-use write.
 */
function contextsFor(action: string): Record<string, string | string[]>[] {
  if (action === 'dynamodb:UpdateItem') return [{}, LAST_USE_CONTEXT];
  if (action === 'kms:ReplicateKey') {
    return [{}, ...REPLICA_REGIONS, UNLISTED_REGION].map((region) =>
      typeof region === 'string' ? { 'kms:ReplicaRegion': region } : region,
    );
  }
  if (action === 'kms:GenerateMac' || action === 'kms:VerifyMac') {
    return Object.values(MacAlgorithmSpec).map((algorithm) => ({ 'kms:MacAlgorithm': algorithm }));
  }
  if (action === 'kms:Sign' || action === 'kms:Verify') {
    return Object.values(SigningAlgorithmSpec).flatMap((algorithm) =>
      Object.values(MessageType).map((type) => ({
        'kms:SigningAlgorithm': algorithm,
        'kms:MessageType': type,
      })),
    );
  }
  if (action === 'kms:CreateGrant') {
    const operations = Object.values(GrantOperation);
    return [...operations.map((op) => [op]), operations].flatMap((ops) =>
      ['true', 'false'].map((forAws) => ({
        'kms:GrantOperations': ops,
        'kms:GrantIsForAWSResource': forAws,
      })),
    );
  }
  return [{}];
}

/** Every KMS action the principal can reach on the key under the key policy (IAM assumed to allow all). */
function reachableKeyActions(policy: PolicyDocument, principal: RequestPrincipal): string[] {
  return KMS_ACTIONS.filter((action) =>
    contextsFor(action).some(
      (context) =>
        evaluatePolicy(policy, { principal, action, resource: KEY_ARN, context }, 'resource')
          .decision === 'allow',
    ),
  );
}

/** The principals (by name) that can reach an action on the key. */
function whoCan(
  policy: PolicyDocument,
  all: Record<PrincipalName, RequestPrincipal>,
  action: string,
): PrincipalName[] {
  return (Object.keys(all) as PrincipalName[]).filter((name) =>
    reachableKeyActions(policy, all[name]).includes(action),
  );
}

/** Every (action, resource) pair an identity policy allows, over the given actions and resources. */
function allowedPairs(
  policy: PolicyDocument,
  principal: RequestPrincipal,
  actions: readonly string[],
  resources: Record<string, string>,
): string[] {
  const pairs: string[] = [];
  for (const action of actions) {
    for (const [label, resource] of Object.entries(resources)) {
      const allowed = contextsFor(action).some(
        (context) =>
          evaluatePolicy(policy, { principal, action, resource, context }, 'identity').decision ===
          'allow',
      );
      if (allowed) pairs.push(`${action} ${label}`);
    }
  }
  return pairs.sort();
}

/** A Query-protocol call to moto (IAM, STS); moto routes by the credential scope and checks no signature. */
async function motoQuery(
  moto: Moto,
  service: string,
  params: Record<string, string>,
): Promise<string> {
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params.Action} failed: ${text}`);
  return text;
}

function xmlValue(xml: string, tag: string): string {
  const match = new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(xml);
  if (!match?.[1]) throw new Error(`no <${tag}> in ${xml}`);
  return match[1];
}

/** Rendered policies of one plan, as Terraform would send them to AWS. */
interface Rendered {
  keyPolicy: PolicyDocument;
  tokenRolePolicy: PolicyDocument;
  authorizerRolePolicy: PolicyDocument;
  /** The DPoP nonce key's policy, in plans with nonces. */
  nonceKeyPolicy?: PolicyDocument;
}

const describeBoth =
  describeWithMoto() === describe ? describeWithTerraformMirror() : describe.skip;

describeBoth('rendered IAM policies (terraform plan against moto_server)', () => {
  let moto: Moto;
  let ws: TfWorkspace;
  let callerArn: string;
  const rendered = {} as Record<
    | 'asUser'
    | 'asAssumedRole'
    | 'namedAdministrators'
    | 'rootAdministrator'
    | 'withRevocation'
    | 'withConfigTable'
    | 'withDpop'
    | 'withFapi',
    Rendered
  >;

  async function plan(env: NodeJS.ProcessEnv, label: string, vars: string[]): Promise<Rendered> {
    const planFile = path.join(ws.root, '..', `${label}.tfplan`);
    const run = { ...ws, env };
    expectExit(
      await terraform(run, FIXTURE, [
        'plan',
        '-input=false',
        '-lock=false',
        '-no-color',
        `-out=${planFile}`,
        ...vars,
      ]),
      `plan ${label}`,
    );
    const shown = expectExit(
      await terraform(run, FIXTURE, ['show', '-json', '-no-color', planFile]),
      `show ${label}`,
    );
    const changes = (
      JSON.parse(shown.stdout) as {
        resource_changes: { address: string; change: { after: { policy?: string } } }[];
      }
    ).resource_changes;
    const policyOf = (address: string): PolicyDocument => {
      const policy = changes.find((c) => c.address === address)?.change.after.policy;
      if (!policy) throw new Error(`${address} has no planned policy in ${label}`);
      return JSON.parse(policy) as PolicyDocument;
    };
    const hasNonceKey = changes.some((c) => c.address === NONCE_KEY_ADDRESS);
    return {
      keyPolicy: policyOf(KEY_ADDRESS),
      tokenRolePolicy: policyOf(TOKEN_POLICY_ADDRESS),
      authorizerRolePolicy: policyOf(AUTHORIZER_POLICY_ADDRESS),
      ...(hasNonceKey ? { nonceKeyPolicy: policyOf(NONCE_KEY_ADDRESS) } : {}),
    };
  }

  beforeAll(async () => {
    // Arrange: moto, a workspace, placeholder zips (plans only check that they exist)
    moto = await startMoto({ setProcessEnv: false });
    ws = createWorkspace(moto.env);
    const artifacts = path.join(ws.root, '..', 'artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    for (const zip of ['token.zip', 'authorizer.zip']) {
      fs.writeFileSync(
        path.join(artifacts, zip),
        zipSync({ 'index.js': strToU8('// plan only\n') }),
      );
    }
    expectExit(await terraform(ws, FIXTURE, ['init', '-input=false', '-no-color']), 'init');
    callerArn = xmlValue(
      await motoQuery(moto, 'sts', { Action: 'GetCallerIdentity', Version: '2011-06-15' }),
      'Arn',
    );

    // A deployer role with a path, assumed the way CI assumes one: Terraform then runs as a session.
    await motoQuery(moto, 'iam', {
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: 'tf-deployer',
      Path: '/ci/',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }],
      }),
    });
    const assumed = await motoQuery(moto, 'sts', {
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/ci/tf-deployer`,
      RoleSessionName: 'pipeline-42',
    });
    const sessionEnv = {
      ...ws.env,
      AWS_ACCESS_KEY_ID: xmlValue(assumed, 'AccessKeyId'),
      AWS_SECRET_ACCESS_KEY: xmlValue(assumed, 'SecretAccessKey'),
      AWS_SESSION_TOKEN: xmlValue(assumed, 'SessionToken'),
    };

    // Act: the plans, two at a time (both cores; a plan only reads the shared data directory, and
    // -lock=false because no plan writes state)
    const zips = `-var=artifacts_dir=${artifacts}`;
    const plans: [keyof typeof rendered, NodeJS.ProcessEnv, string[]][] = [
      ['asUser', ws.env, ['-var=algorithm=ES256']],
      ['asAssumedRole', sessionEnv, ['-var=algorithm=RS256']],
      [
        'namedAdministrators',
        ws.env,
        [
          `-var=key_administrators=${JSON.stringify([`arn:aws:iam::${ACCOUNT}:role/ops/key-admin`, `arn:aws:iam::${ACCOUNT}:user/break-glass`])}`,
        ],
      ],
      [
        'rootAdministrator',
        ws.env,
        [`-var=key_administrators=${JSON.stringify([`arn:aws:iam::${ACCOUNT}:root`])}`],
      ],
      // Two Regions (the provider's us-east-1 and eu-west-1): the RFC 7009 fan-out's writes.
      [
        'withRevocation',
        ws.env,
        [
          '-var=revocation=true',
          `-var=service_regions=${JSON.stringify(['us-east-1', OTHER_REGION])}`,
        ],
      ],
      // Also the multi-Region primary's keys (replica_regions), in the same plan to save one.
      [
        'withConfigTable',
        ws.env,
        [
          '-var=large_route_map=true',
          '-var=nonces=true',
          `-var=replica_regions=${JSON.stringify(REPLICA_REGIONS)}`,
        ],
      ],
      ['withDpop', ws.env, ['-var=dpop=true']],
      // The FAPI 2.0 profile's KMS side: PS256 signing keys and the DPoP nonce key.
      ['withFapi', ws.env, ['-var=algorithm=PS256', '-var=nonces=true']],
    ];
    const results = await mapLimit(plans, 2, ([label, env, vars]) =>
      plan(env, label, [zips, ...vars]),
    );
    for (const [i, [label]] of plans.entries()) rendered[label] = results[i] as Rendered;
  });

  afterAll(async () => {
    await moto?.stop();
    ws?.cleanup();
  });

  test('the key policy gives each principal exactly these KMS actions, over every action the SDK knows', () => {
    // Arrange
    const { keyPolicy } = rendered.asUser;
    const all = principals(callerArn);

    // Act: the full matrix, principal x every KMS action
    const matrix = Object.fromEntries(
      (Object.keys(all) as PrincipalName[]).map((name) => [
        name,
        reachableKeyActions(keyPolicy, all[name]),
      ]),
    );

    // Assert
    expect(KMS_ACTIONS.length).toBeGreaterThan(50);
    expect(matrix).toEqual({
      tokenRole: ['kms:GetPublicKey', 'kms:Sign'],
      authorizerRole: [],
      keyAdministrator: ADMIN_ACTIONS,
      accountAdministrator: [],
      accountRootUser: [],
      otherAccountRole: [],
      awsService: [],
    });
  });

  test('only the token role can Sign, nobody can CreateGrant, only the key administrator can PutKeyPolicy or ScheduleKeyDeletion', () => {
    // Arrange
    const { keyPolicy } = rendered.asUser;
    const all = principals(callerArn);

    // Act / Assert
    expect(whoCan(keyPolicy, all, 'kms:Sign')).toEqual(['tokenRole']);
    expect(whoCan(keyPolicy, all, 'kms:CreateGrant')).toEqual([]);
    expect(whoCan(keyPolicy, all, 'kms:PutKeyPolicy')).toEqual(['keyAdministrator']);
    expect(whoCan(keyPolicy, all, 'kms:ScheduleKeyDeletion')).toEqual(['keyAdministrator']);
  });

  test('Sign by anyone else and every CreateGrant are explicitly denied, so no grant can ever allow them', () => {
    // Arrange: an explicit deny in the key policy overrides any grant ("Key policies in AWS KMS",
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html)
    const { keyPolicy } = rendered.asUser;
    const all = principals(callerArn);
    const decisions = (principal: RequestPrincipal, action: string): string[] => [
      ...new Set(
        contextsFor(action).map(
          (context) =>
            evaluatePolicy(keyPolicy, { principal, action, resource: KEY_ARN, context }, 'resource')
              .decision,
        ),
      ),
    ];

    // Act / Assert
    for (const [name, principal] of Object.entries(all)) {
      expect([name, decisions(principal, 'kms:CreateGrant')]).toEqual([name, ['explicit-deny']]);
      if (name !== 'tokenRole') {
        expect([name, decisions(principal, 'kms:Sign')]).toEqual([name, ['explicit-deny']]);
      }
      if (name !== 'keyAdministrator') {
        expect([name, decisions(principal, 'kms:PutKeyPolicy')]).toEqual([name, ['explicit-deny']]);
      }
    }
  });

  test("the token role signs only with the key's algorithm over RAW messages (ES256, RS256, PS256)", () => {
    // Arrange
    const cases = [
      { policy: rendered.asUser, alg: 'ES256' as const },
      { policy: rendered.asAssumedRole, alg: 'RS256' as const },
      { policy: rendered.withFapi, alg: 'PS256' as const },
    ];
    const token = principals(callerArn).tokenRole;

    for (const { policy, alg } of cases) {
      // Act: every algorithm x message type, under the key policy and the role's own policy
      const allowedUnder = (doc: PolicyDocument, kind: 'resource' | 'identity'): string[] =>
        contextsFor('kms:Sign')
          .filter(
            (context) =>
              evaluatePolicy(
                doc,
                { principal: token, action: 'kms:Sign', resource: KEY_ARN, context },
                kind,
              ).decision === 'allow',
          )
          .map((c) => `${String(c['kms:SigningAlgorithm'])}/${String(c['kms:MessageType'])}`);

      // Assert: the one combination signer-kms.ts sends
      const expected = [`${KMS_SIGNING_ALGORITHM[alg]}/RAW`];
      expect([alg, allowedUnder(policy.keyPolicy, 'resource')]).toEqual([alg, expected]);
      expect([alg, allowedUnder(policy.tokenRolePolicy, 'identity')]).toEqual([alg, expected]);
    }
  });

  test('an assumed-role session makes its role, with the path, the default key administrator', () => {
    // Arrange: aws:PrincipalArn of the session is the role ARN, never the session ARN
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/ci/tf-deployer`;
    const { keyPolicy } = rendered.asAssumedRole;
    const all = principals(roleArn);
    const admin = (keyPolicy.Statement as { Sid?: string; Principal?: { AWS?: unknown } }[]).find(
      (s) => s.Sid === 'AllowKeyAdministratorsToManageKeys',
    );

    // Act / Assert
    expect(admin?.Principal?.AWS).toBe(roleArn);
    expect(JSON.stringify(keyPolicy)).not.toContain('assumed-role');
    expect(whoCan(keyPolicy, all, 'kms:PutKeyPolicy')).toEqual(['keyAdministrator']);
    expect(whoCan(keyPolicy, all, 'kms:Sign')).toEqual(['tokenRole']);
  });

  test('named key_administrators replace the caller: they can change the policy, the caller cannot', () => {
    // Arrange (plan only: real KMS would refuse this key, because the caller could not put the policy again)
    const { keyPolicy } = rendered.namedAdministrators;
    const opsRole = { arn: `arn:aws:iam::${ACCOUNT}:role/ops/key-admin`, account: ACCOUNT };
    const breakGlass = { arn: `arn:aws:iam::${ACCOUNT}:user/break-glass`, account: ACCOUNT };
    const caller = { arn: callerArn, account: ACCOUNT };

    // Act / Assert
    expect(reachableKeyActions(keyPolicy, opsRole)).toEqual(ADMIN_ACTIONS);
    expect(reachableKeyActions(keyPolicy, breakGlass)).toEqual(ADMIN_ACTIONS);
    expect(reachableKeyActions(keyPolicy, caller)).toEqual([]);
  });

  test('naming the account root as key administrator gives IAM principals only the read-only actions', () => {
    // Arrange: a key policy naming the account lets IAM policies allow its actions ("Key policies
    // in AWS KMS"); DenyKeyManagementByOthers keeps every state change to the root user itself.
    const { keyPolicy } = rendered.rootAdministrator;
    const all = principals(`arn:aws:iam::${ACCOUNT}:root`);
    const readOnly = ADMIN_ACTIONS.filter((a) => /^kms:(Describe|Get|List)/.test(a));

    // Act / Assert
    expect(reachableKeyActions(keyPolicy, all.accountRootUser)).toEqual(ADMIN_ACTIONS);
    expect(reachableKeyActions(keyPolicy, all.accountAdministrator)).toEqual(readOnly);
    expect(whoCan(keyPolicy, all, 'kms:ScheduleKeyDeletion')).toEqual([
      'keyAdministrator',
      'accountRootUser',
    ]);
    expect(whoCan(keyPolicy, all, 'kms:DisableKey')).not.toContain('accountAdministrator');
    expect(whoCan(keyPolicy, all, 'kms:Sign')).toEqual(['tokenRole']);
    expect(whoCan(keyPolicy, all, 'kms:CreateGrant')).toEqual([]);
  });

  test('the token role may only GetItem, BatchGetItem (a client with its declaration) and UpdateItem (last use) on the clients table, use the signing key and write its own log group', () => {
    // Arrange
    const { tokenRolePolicy } = rendered.asUser;
    const resources = {
      table: TABLE_ARN,
      tableIndex: `${TABLE_ARN}/index/by-name`,
      otherTable: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`,
      key: KEY_ARN,
      otherKey: `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-4111-8111-111111111111`,
      ownLogStream: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${NAME}-token:log-stream:2024/01/01/[$LATEST]abc`,
      ownLogGroup: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${NAME}-token`,
      otherLogStream: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${NAME}-authorizer:log-stream:x`,
    };
    const universe = [...DYNAMODB_ACTIONS, ...KMS_ACTIONS, ...LOGS_ACTIONS];

    // Act
    const pairs = allowedPairs(
      tokenRolePolicy,
      principals(callerArn).tokenRole,
      universe,
      resources,
    );

    // Assert
    expect(pairs).toEqual([
      'dynamodb:BatchGetItem table',
      'dynamodb:GetItem table',
      'dynamodb:UpdateItem table',
      'kms:GetPublicKey key',
      'kms:Sign key',
      'logs:CreateLogStream ownLogStream',
      'logs:PutLogEvents ownLogStream',
    ]);
  });

  test('with revocation off, the authorizer role has no DynamoDB or KMS access and may only write its own log group', () => {
    // Arrange
    const { authorizerRolePolicy } = rendered.asUser;
    const resources = {
      table: TABLE_ARN,
      key: KEY_ARN,
      ownLogStream: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${NAME}-authorizer:log-stream:2024/01/01/[$LATEST]abc`,
      tokenLogStream: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${NAME}-token:log-stream:x`,
    };
    const universe = [...DYNAMODB_ACTIONS, ...KMS_ACTIONS, ...LOGS_ACTIONS];

    // Act
    const pairs = allowedPairs(
      authorizerRolePolicy,
      principals(callerArn).authorizerRole,
      universe,
      resources,
    );

    // Assert
    expect(pairs).toEqual(['logs:CreateLogStream ownLogStream', 'logs:PutLogEvents ownLogStream']);
  });

  test('with revocation on, the authorizer role may only BatchGetItem the revocation attributes of the clients table', () => {
    // Arrange
    const { authorizerRolePolicy } = rendered.withRevocation;
    const principal = principals(callerArn).authorizerRole;
    const resources = {
      table: TABLE_ARN,
      otherTable: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`,
      key: KEY_ARN,
      ownLogStream: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${NAME}-authorizer:log-stream:2024/01/01/[$LATEST]abc`,
    };
    const universe = [...DYNAMODB_ACTIONS, ...KMS_ACTIONS, ...LOGS_ACTIONS];
    const batchGet = (context: Record<string, string | string[]>): string =>
      evaluatePolicy(
        authorizerRolePolicy,
        { principal, action: 'dynamodb:BatchGetItem', resource: TABLE_ARN, context },
        'identity',
      ).decision;

    // Act
    const pairs = allowedPairs(authorizerRolePolicy, principal, universe, resources);

    // Assert: no write, no Scan or Query, no other table, no KMS
    expect(pairs).toEqual([
      'dynamodb:BatchGetItem table',
      'logs:CreateLogStream ownLogStream',
      'logs:PutLogEvents ownLogStream',
    ]);
    // The projection the adapter sends is allowed; asking for a secret hash or everything is not.
    const asked = [...AUTHORIZER_ATTRIBUTES];
    expect(
      batchGet({ 'dynamodb:Attributes': asked, 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' }),
    ).toBe('allow');
    expect(batchGet({ 'dynamodb:Attributes': [...asked, 'secrets'] })).not.toBe('allow');
    expect(
      batchGet({ 'dynamodb:Attributes': asked, 'dynamodb:Select': 'ALL_ATTRIBUTES' }),
    ).not.toBe('allow');
  });

  test('with a DPoP route, the authorizer role may PutItem only dpopjti# items, and write nothing else', () => {
    // Arrange
    const { authorizerRolePolicy } = rendered.withDpop;
    const principal = principals(callerArn).authorizerRole;
    const resources = {
      table: TABLE_ARN,
      otherTable: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`,
      key: KEY_ARN,
      ownLogStream: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${NAME}-authorizer:log-stream:2024/01/01/[$LATEST]abc`,
    };
    const universe = [...DYNAMODB_ACTIONS, ...KMS_ACTIONS, ...LOGS_ACTIONS];
    const decide = (
      action: string,
      context: Record<string, string | string[]>,
      resource = TABLE_ARN,
    ): string =>
      evaluatePolicy(authorizerRolePolicy, { principal, action, resource, context }, 'identity')
        .decision;
    const put = (keys: string[]): string =>
      decide('dynamodb:PutItem', { 'dynamodb:LeadingKeys': keys });

    // Act
    const pairs = allowedPairs(authorizerRolePolicy, principal, universe, resources);

    // Assert: without condition keys only the revocation read and the logs (PutItem needs a key)
    expect(pairs).toEqual([
      'dynamodb:BatchGetItem table',
      'logs:CreateLogStream ownLogStream',
      'logs:PutLogEvents ownLogStream',
    ]);
    // The replay cache's conditional put of dpopjti#<digest> items only
    expect(put(['dpopjti#abc'])).toBe('allow');
    expect(put(['client-1'])).not.toBe('allow');
    expect(put(['jti#abc'])).not.toBe('allow');
    expect(put(['revoked#abc'])).not.toBe('allow');
    expect(put(['audit#2024#x'])).not.toBe('allow');
    expect(put(['dpopjti#abc', 'client-1'])).not.toBe('allow');
    expect(put(['xdpopjti#abc'])).not.toBe('allow');
    expect(decide('dynamodb:PutItem', {})).not.toBe('allow');
    expect(
      decide('dynamodb:PutItem', { 'dynamodb:LeadingKeys': ['dpopjti#abc'] }, resources.otherTable),
    ).not.toBe('allow');
    // No other write on dpopjti# items: no update, delete or batch write.
    for (const action of [
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(decide(action, { 'dynamodb:LeadingKeys': ['dpopjti#abc'] })).not.toBe('allow');
    }
  });

  test('with a configuration table (a large route map), the authorizer role may only GetItem that table', () => {
    // Arrange
    const { authorizerRolePolicy } = rendered.withConfigTable;
    const configTable = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${NAME}-authorizer-config`;
    const resources = {
      configTable,
      clientsTable: TABLE_ARN,
      otherTable: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`,
      key: KEY_ARN,
      ownLogStream: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${NAME}-authorizer:log-stream:2024/01/01/[$LATEST]abc`,
    };
    const universe = [...DYNAMODB_ACTIONS, ...KMS_ACTIONS, ...LOGS_ACTIONS];

    // Act
    const pairs = allowedPairs(
      authorizerRolePolicy,
      principals(callerArn).authorizerRole,
      universe,
      resources,
    );

    // Assert: no write, no Scan or Query, no other table (not even the clients table), no KMS
    expect(pairs).toEqual([
      'dynamodb:GetItem configTable',
      'logs:CreateLogStream ownLogStream',
      'logs:PutLogEvents ownLogStream',
    ]);
  });

  test('with revocation on, the token role may also PutItem, but only items whose key starts with revoked#', () => {
    // Arrange
    const { tokenRolePolicy } = rendered.withRevocation;
    const principal = principals(callerArn).tokenRole;
    const put = (context: Record<string, string | string[]>): string =>
      evaluatePolicy(
        tokenRolePolicy,
        { principal, action: 'dynamodb:PutItem', resource: TABLE_ARN, context },
        'identity',
      ).decision;
    const universe = [...DYNAMODB_ACTIONS];

    // Act
    const pairs = allowedPairs(tokenRolePolicy, principal, universe, { table: TABLE_ARN });

    // Assert: without a leading key the request is not allowed (the Null condition)
    expect(pairs).toEqual([
      'dynamodb:BatchGetItem table',
      'dynamodb:GetItem table',
      'dynamodb:UpdateItem table',
    ]);
    expect(put({ 'dynamodb:LeadingKeys': ['revoked#0123abcd'] })).toBe('allow');
    expect(put({ 'dynamodb:LeadingKeys': ['client-1'] })).not.toBe('allow');
    expect(put({ 'dynamodb:LeadingKeys': ['revoked#x', 'client-1'] })).not.toBe('allow');
    expect(put({})).not.toBe('allow');
  });

  test("multi-Region: the token role may PutItem only revoked# items in the other Region's table, and nothing else there", () => {
    // Arrange
    const { tokenRolePolicy, authorizerRolePolicy } = rendered.withRevocation;
    const all = principals(callerArn);
    const decide = (
      policy: PolicyDocument,
      principal: RequestPrincipal,
      action: string,
      resource: string,
      keys: string[] | undefined,
    ): string =>
      evaluatePolicy(
        policy,
        {
          principal,
          action,
          resource,
          context: keys === undefined ? {} : { 'dynamodb:LeadingKeys': keys },
        },
        'identity',
      ).decision;
    const token = (action: string, keys?: string[], resource = OTHER_REGION_TABLE_ARN): string =>
      decide(tokenRolePolicy, all.tokenRole, action, resource, keys);

    // Act / Assert: the fan-out write ...
    expect(token('dynamodb:PutItem', ['revoked#j1'])).toBe('allow');
    // ... and nothing else in the other Region: no other key, no key at all, no other action
    expect(token('dynamodb:PutItem', ['client-1'])).not.toBe('allow');
    expect(token('dynamodb:PutItem', ['cutoff#client-1'])).not.toBe('allow');
    expect(token('dynamodb:PutItem', ['revoked#j1', 'client-1'])).not.toBe('allow');
    expect(token('dynamodb:PutItem')).not.toBe('allow');
    for (const action of DYNAMODB_ACTIONS.filter((a) => a !== 'dynamodb:PutItem')) {
      expect([action, token(action, ['revoked#j1'])]).not.toEqual([action, 'allow']);
      expect([action, token(action, ['client-1'])]).not.toEqual([action, 'allow']);
    }
    // ... nor in a third Region's table or another table of the other Region
    const third = OTHER_REGION_TABLE_ARN.replace(OTHER_REGION, 'ap-south-1');
    const otherTable = OTHER_REGION_TABLE_ARN.replace(`${NAME}-clients`, 'other');
    expect(token('dynamodb:PutItem', ['revoked#j1'], third)).not.toBe('allow');
    expect(token('dynamodb:PutItem', ['revoked#j1'], otherTable)).not.toBe('allow');
    // The authorizer reads its own Region only.
    for (const action of DYNAMODB_ACTIONS) {
      const decision = decide(
        authorizerRolePolicy,
        all.authorizerRole,
        action,
        OTHER_REGION_TABLE_ARN,
        ['client-1'],
      );
      expect([action, decision]).not.toEqual([action, 'allow']);
    }
  });

  test.each(['asUser', 'withRevocation'] as const)(
    'neither function role (%s) may write a cutoff# item; both may read one with the client',
    (variant) => {
      // Arrange
      const { tokenRolePolicy, authorizerRolePolicy } = rendered[variant];
      const all = principals(callerArn);
      const decide = (
        policy: PolicyDocument,
        principal: RequestPrincipal,
        action: string,
        context: Record<string, string | string[]>,
      ): string =>
        evaluatePolicy(policy, { principal, action, resource: TABLE_ARN, context }, 'identity')
          .decision;
      const keys = ['client-1', 'declared#client-1', 'cutoff#client-1'];

      // Act / Assert: reads
      expect(
        decide(tokenRolePolicy, all.tokenRole, 'dynamodb:BatchGetItem', {
          'dynamodb:LeadingKeys': keys,
        }),
      ).toBe('allow');
      if (variant === 'withRevocation') {
        expect(
          decide(authorizerRolePolicy, all.authorizerRole, 'dynamodb:BatchGetItem', {
            'dynamodb:Attributes': [...AUTHORIZER_ATTRIBUTES],
            'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
            'dynamodb:LeadingKeys': ['client-1', 'revoked#j1', ...keys.slice(1)],
          }),
        ).toBe('allow');
      }
      // No write of any kind, with or without the last-use attributes
      for (const [policy, principal] of [
        [tokenRolePolicy, all.tokenRole],
        [authorizerRolePolicy, all.authorizerRole],
      ] as const) {
        for (const action of DYNAMODB_ACTIONS.filter(
          (a) => !/:(Get|BatchGet|Describe|List|Query|Scan)/.test(a),
        )) {
          for (const context of [
            { 'dynamodb:LeadingKeys': ['cutoff#client-1'] },
            { ...LAST_USE_CONTEXT, 'dynamodb:LeadingKeys': ['cutoff#client-1'] },
          ]) {
            expect([action, decide(policy, principal, action, context)]).not.toEqual([
              action,
              'allow',
            ]);
          }
        }
      }
    },
  );

  test.each(['asUser', 'withRevocation'] as const)(
    'the token role (%s) may PutItem private_key_jwt replay items (jti#) and no client record',
    (variant) => {
      // Arrange
      const { tokenRolePolicy } = rendered[variant];
      const principal = principals(callerArn).tokenRole;
      const decide = (action: string, context: Record<string, string | string[]>): string =>
        evaluatePolicy(
          tokenRolePolicy,
          { principal, action, resource: TABLE_ARN, context },
          'identity',
        ).decision;
      const put = (keys: string[]): string =>
        decide('dynamodb:PutItem', { 'dynamodb:LeadingKeys': keys });

      // Act / Assert: the replay cache's conditional put of jti#<digest> items only
      expect(put(['jti#client-1#abc'])).toBe('allow');
      expect(put(['client-1'])).not.toBe('allow');
      expect(put(['jti#client-1#abc', 'client-1'])).not.toBe('allow');
      expect(put(['xjti#client-1'])).not.toBe('allow');
      expect(decide('dynamodb:PutItem', {})).not.toBe('allow');
      // No other write on jti# items: no update, delete or batch write.
      for (const action of [
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ]) {
        expect(decide(action, { 'dynamodb:LeadingKeys': ['jti#client-1#abc'] })).not.toBe('allow');
      }
    },
  );

  test.each(['asUser', 'withRevocation'] as const)(
    'the token role (%s) may UpdateItem last_used_at of a client record and nothing else',
    (variant) => {
      // Arrange
      const { tokenRolePolicy } = rendered[variant];
      const principal = principals(callerArn).tokenRole;
      const decide = (action: string, context: Record<string, string | string[]>): string =>
        evaluatePolicy(
          tokenRolePolicy,
          { principal, action, resource: TABLE_ARN, context },
          'identity',
        ).decision;
      const update = (changes: Record<string, string | string[] | undefined>): string =>
        decide(
          'dynamodb:UpdateItem',
          Object.fromEntries(
            Object.entries({ ...LAST_USE_CONTEXT, ...changes }).filter(([, v]) => v !== undefined),
          ) as Record<string, string | string[]>,
        );
      const withAttribute = (attribute: string): string =>
        update({ 'dynamodb:Attributes': [...LAST_USE_ATTRIBUTES, attribute] });

      // Act / Assert: the adapter's request, and the same without an explicit ReturnValues
      expect(update({})).toBe('allow');
      expect(update({ 'dynamodb:ReturnValues': undefined })).toBe('allow');
      // No other attribute of a client record, alone or beside last_used_at.
      for (const attribute of [
        'status',
        'secrets',
        'tokens_not_before',
        'scopes',
        'audiences',
        'name',
        'token_endpoint_auth_method',
        'jwks',
        'token_ttl_seconds',
        'usage_plan',
        'usage_key',
        'version',
        'created_at',
        'updated_at',
        'expires_at',
      ]) {
        expect([attribute, withAttribute(attribute)]).not.toEqual([attribute, 'allow']);
        expect(update({ 'dynamodb:Attributes': ['client_id', attribute] })).not.toBe('allow');
      }
      // A new item the update would create holds nothing but a key and a time: a record with a
      // status, a secret and scopes cannot be made this way.
      expect(
        update({
          'dynamodb:LeadingKeys': ['attacker'],
          'dynamodb:Attributes': ['client_id', 'last_used_at', 'status', 'secrets', 'scopes'],
        }),
      ).not.toBe('allow');
      // Nothing that reads the record back: ALL_OLD and ALL_NEW return the whole item, and the
      // write has no use for UPDATED_OLD or UPDATED_NEW either.
      for (const returnValues of ['ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW']) {
        expect([returnValues, update({ 'dynamodb:ReturnValues': returnValues })]).not.toEqual([
          returnValues,
          'allow',
        ]);
      }
      // Never without the attribute list (ForAllValues would hold vacuously), nor on reserved items.
      expect(update({ 'dynamodb:Attributes': undefined })).not.toBe('allow');
      expect(update({ 'dynamodb:Attributes': [] })).not.toBe('allow');
      expect(update({ 'dynamodb:LeadingKeys': undefined })).not.toBe('allow');
      expect(update({ 'dynamodb:LeadingKeys': ['revoked#j1'] })).not.toBe('allow');
      expect(update({ 'dynamodb:LeadingKeys': ['jti#c1#abc'] })).not.toBe('allow');
      // The same attributes give no other write.
      for (const action of [
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PartiQLUpdate',
        'dynamodb:PartiQLInsert',
      ]) {
        expect([action, decide(action, LAST_USE_CONTEXT)]).not.toEqual([action, 'allow']);
      }
    },
  );

  test.each(['asUser', 'withRevocation'] as const)(
    'neither function role (%s) can read or write an item of the clients audit trail',
    (variant) => {
      // Arrange: the keys the CLI gives its audit entries (docs/audit.md)
      const { tokenRolePolicy, authorizerRolePolicy } = rendered[variant];
      const all = principals(callerArn);
      const entry = auditKey('2030-01-01T00:00:00.000Z', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
      const decide = (
        policy: PolicyDocument,
        principal: RequestPrincipal,
        action: string,
        context: Record<string, string | string[]>,
      ): string =>
        evaluatePolicy(policy, { principal, action, resource: TABLE_ARN, context }, 'identity')
          .decision;
      const token = (action: string, keys: string[]): string =>
        decide(tokenRolePolicy, all.tokenRole, action, { 'dynamodb:LeadingKeys': keys });
      const projection = {
        'dynamodb:Attributes': [...AUTHORIZER_ATTRIBUTES],
        'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
      };
      const authorizer = (keys: string[]): string =>
        decide(authorizerRolePolicy, all.authorizerRole, 'dynamodb:BatchGetItem', {
          ...projection,
          'dynamodb:LeadingKeys': keys,
        });

      // Act / Assert: the token role reads clients and revoked tokens, never an entry ...
      expect(token('dynamodb:GetItem', ['client-1'])).toBe('allow');
      expect(token('dynamodb:GetItem', ['revoked#j1'])).toBe('allow');
      // A client declared in Terraform: its declaration, read with its record (issue 26).
      expect(token('dynamodb:BatchGetItem', ['client-1', 'declared#client-1'])).toBe('allow');
      expect(token('dynamodb:BatchGetItem', ['client-1', entry])).not.toBe('allow');
      expect(token('dynamodb:GetItem', [entry])).not.toBe('allow');
      expect(token('dynamodb:GetItem', ['audit#'])).not.toBe('allow');
      // ... and writes none
      for (const action of [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ]) {
        expect([action, token(action, [entry])]).not.toEqual([action, 'allow']);
      }
      // The authorizer (with revocation) reads a client and a revoked item, never an entry.
      if (variant === 'withRevocation') {
        expect(authorizer(['client-1', 'revoked#j1'])).toBe('allow');
        expect(authorizer(['client-1', 'revoked#j1', 'declared#client-1'])).toBe('allow');
        expect(authorizer([entry, 'revoked#j1'])).not.toBe('allow');
      } else {
        expect(authorizer(['client-1', 'revoked#j1'])).not.toBe('allow');
      }
    },
  );

  test('the DPoP nonce key: only the token role may GenerateMac (HMAC_SHA_256 only), nobody VerifyMac or CreateGrant, only administrators manage it', () => {
    // Arrange
    const nonceKeyPolicy = rendered.withFapi.nonceKeyPolicy as PolicyDocument;
    const all = principals(callerArn);
    const onNonceKey = (principal: RequestPrincipal): string[] =>
      KMS_ACTIONS.filter((action) =>
        contextsFor(action).some(
          (context) =>
            evaluatePolicy(
              nonceKeyPolicy,
              { principal, action, resource: NONCE_KEY_ARN, context },
              'resource',
            ).decision === 'allow',
        ),
      );
    const macAllowed = (algorithm: string): string =>
      evaluatePolicy(
        nonceKeyPolicy,
        {
          principal: all.tokenRole,
          action: 'kms:GenerateMac',
          resource: NONCE_KEY_ARN,
          context: { 'kms:MacAlgorithm': algorithm },
        },
        'resource',
      ).decision;

    // Act
    const matrix = Object.fromEntries(
      (Object.keys(all) as PrincipalName[]).map((name) => [name, onNonceKey(all[name])]),
    );

    // Assert
    expect(matrix).toEqual({
      tokenRole: ['kms:GenerateMac'],
      authorizerRole: [],
      keyAdministrator: ADMIN_ACTIONS.filter((a) => a !== 'kms:GetPublicKey'),
      accountAdministrator: [],
      accountRootUser: [],
      otherAccountRole: [],
      awsService: [],
    });
    expect(Object.values(MacAlgorithmSpec).filter((a) => macAllowed(a) === 'allow')).toEqual([
      NONCE_MAC_ALGORITHM,
    ]);
    expect(rendered.asUser.nonceKeyPolicy).toBeUndefined();
  });

  test('multi-Region keys: only the key administrators may ReplicateKey, into the listed Regions only; nobody may UpdatePrimaryRegion', () => {
    // Arrange: the signing key and the nonce key of the multi-Region plan, and a single-Region key
    const { keyPolicy, nonceKeyPolicy } = rendered.withConfigTable;
    const all = principals(callerArn);
    const replicate = (
      policy: PolicyDocument,
      principal: RequestPrincipal,
      context: Record<string, string>,
    ): string =>
      evaluatePolicy(
        policy,
        { principal, action: 'kms:ReplicateKey', resource: KEY_ARN, context },
        'resource',
      ).decision;

    for (const [label, policy] of [
      ['signing key', keyPolicy],
      ['nonce key', nonceKeyPolicy as PolicyDocument],
    ] as const) {
      // Act / Assert: the administrator, to each listed Region; not elsewhere, not without the key
      for (const region of REPLICA_REGIONS) {
        expect([
          label,
          region,
          replicate(policy, all.keyAdministrator, { 'kms:ReplicaRegion': region }),
        ]).toEqual([label, region, 'allow']);
      }
      expect(
        replicate(policy, all.keyAdministrator, { 'kms:ReplicaRegion': UNLISTED_REGION }),
      ).not.toBe('allow');
      expect(replicate(policy, all.keyAdministrator, {})).not.toBe('allow');
      // Every other principal is denied outright, whatever a later statement or grant allows.
      for (const name of (Object.keys(all) as PrincipalName[]).filter(
        (n) => n !== 'keyAdministrator',
      )) {
        expect([
          label,
          name,
          replicate(policy, all[name], { 'kms:ReplicaRegion': OTHER_REGION }),
        ]).toEqual([label, name, 'explicit-deny']);
      }
      expect([label, whoCan(policy, all, 'kms:UpdatePrimaryRegion')]).toEqual([label, []]);
      expect([
        label,
        whoCan(policy, all, 'kms:Sign'),
        whoCan(policy, all, 'kms:GenerateMac'),
      ]).toEqual(label === 'signing key' ? [label, ['tokenRole'], []] : [label, [], ['tokenRole']]);
    }
    // The administrator's actions on the multi-Region key: the single-Region key's and ReplicateKey.
    expect(reachableKeyActions(keyPolicy, all.keyAdministrator)).toEqual(
      [...ADMIN_ACTIONS, 'kms:ReplicateKey'].sort(),
    );
    // A single-Region key lets nobody replicate it.
    expect(whoCan(rendered.asUser.keyPolicy, all, 'kms:ReplicateKey')).toEqual([]);
    expect(
      whoCan(rendered.withFapi.nonceKeyPolicy as PolicyDocument, all, 'kms:ReplicateKey'),
    ).toEqual([]);
  });

  test('with nonces, the token role may also GenerateMac on the nonce key with HMAC_SHA_256, and nothing else more', () => {
    // Arrange
    const { tokenRolePolicy } = rendered.withFapi;
    const token = principals(callerArn).tokenRole;
    const resources = {
      signingKey: KEY_ARN,
      nonceKey: NONCE_KEY_ARN,
      otherKey: `arn:aws:kms:us-east-1:${ACCOUNT}:key/22222222-2222-4222-8222-222222222222`,
    };

    // Act
    const pairs = allowedPairs(tokenRolePolicy, token, KMS_ACTIONS, resources);
    const withAlgorithm = (algorithm: string): string =>
      evaluatePolicy(
        tokenRolePolicy,
        {
          principal: token,
          action: 'kms:GenerateMac',
          resource: NONCE_KEY_ARN,
          context: { 'kms:MacAlgorithm': algorithm },
        },
        'identity',
      ).decision;

    // Assert
    expect(pairs).toEqual([
      'kms:GenerateMac nonceKey',
      'kms:GetPublicKey signingKey',
      'kms:Sign signingKey',
    ]);
    expect(Object.values(MacAlgorithmSpec).filter((a) => withAlgorithm(a) === 'allow')).toEqual([
      NONCE_MAC_ALGORITHM,
    ]);
  });

  test('every action the policies name is one the matrices enumerate, and every statement has a Sid', () => {
    // Arrange: an action outside the enumerated lists would escape the matrices above
    const universe = [...DYNAMODB_ACTIONS, ...KMS_ACTIONS, ...LOGS_ACTIONS];
    const documents = Object.values(rendered).flatMap((r) => [
      r.keyPolicy,
      r.tokenRolePolicy,
      r.authorizerRolePolicy,
      ...(r.nonceKeyPolicy === undefined ? [] : [r.nonceKeyPolicy]),
    ]);

    // Act
    const statements = documents.flatMap((d) =>
      Array.isArray(d.Statement) ? d.Statement : [d.Statement],
    );
    const unknown = statements
      .flatMap((s) => [s.Action ?? [], s.NotAction ?? []].flat())
      .filter((a) => expandAction(a, universe).length === 0);

    // Assert
    expect(unknown).toEqual([]);
    expect(statements.filter((s) => !s.Sid)).toEqual([]);
    expect(statements.some((s) => s.NotAction !== undefined || s.NotPrincipal !== undefined)).toBe(
      false,
    );
  });
});
