// Tests of the IAM policy evaluator that test/terraform/iam-policies.test.ts relies on: deny wins, wildcards, principals, condition operators.
import fc from 'fast-check';
import {
  arnMatch,
  evaluatePolicy,
  expandAction,
  wildcardMatch,
  type PolicyDocument,
  type PolicyRequest,
  type PolicyStatement,
  type RequestPrincipal,
} from '../../support/iam-policy-evaluator';

const ACCOUNT = '111122223333';
const ROLE: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:role/signer`, account: ACCOUNT };
const OTHER: RequestPrincipal = {
  arn: 'arn:aws:iam::444455556666:role/other',
  account: '444455556666',
};
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234`;

function resourcePolicy(...Statement: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement };
}

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return { principal: ROLE, action: 'kms:Sign', resource: KEY, ...overrides };
}

const allowAll: PolicyStatement = {
  Sid: 'A',
  Effect: 'Allow',
  Principal: '*',
  Action: '*',
  Resource: '*',
};

describe('wildcardMatch and arnMatch', () => {
  it('matches * across any characters and ? as one, anchored at both ends', () => {
    // Act / Assert
    expect(wildcardMatch('kms:Create*', 'kms:CreateGrant')).toBe(true);
    expect(wildcardMatch('kms:Create*', 'kms:Create')).toBe(true);
    expect(wildcardMatch('kms:Create*', 'kms:XCreateGrant')).toBe(false);
    expect(wildcardMatch('a*c', 'a/b:c')).toBe(true);
    expect(wildcardMatch('kms:?ign', 'kms:Sign')).toBe(true);
    expect(wildcardMatch('kms:?ign', 'kms:ign')).toBe(false);
    expect(wildcardMatch('a.c', 'abc')).toBe(false);
    expect(wildcardMatch('kms:sign', 'kms:Sign')).toBe(false);
    expect(wildcardMatch('kms:sign', 'kms:Sign', true)).toBe(true);
  });

  it('matches ARNs part by part, so a wildcard never spans a colon', () => {
    // Act / Assert
    expect(arnMatch('arn:aws:iam::*:role/signer', ROLE.arn as string)).toBe(true);
    expect(arnMatch('arn:*:role/signer', ROLE.arn as string)).toBe(false);
    expect(
      arnMatch(
        'arn:aws:logs:*:*:log-group:/aws/lambda/x:*',
        'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/x:log-stream:s',
      ),
    ).toBe(true);
    expect(arnMatch('not-an-arn', 'not-an-arn')).toBe(false);
  });

  it('expands an action pattern over a list of actions, case-insensitively', () => {
    // Act
    const expanded = expandAction('KMS:create*', [
      'kms:CreateAlias',
      'kms:CreateGrant',
      'kms:Sign',
    ]);

    // Assert
    expect(expanded).toEqual(['kms:CreateAlias', 'kms:CreateGrant']);
  });
});

describe('evaluatePolicy: effects', () => {
  it('allows on a matching Allow, denies implicitly when nothing matches', () => {
    // Arrange
    const policy = resourcePolicy({
      Sid: 'S',
      Effect: 'Allow',
      Principal: { AWS: ROLE.arn as string },
      Action: 'kms:Sign',
      Resource: '*',
    });

    // Act / Assert
    expect(evaluatePolicy(policy, request(), 'resource')).toEqual({
      decision: 'allow',
      allowedBy: ['S'],
      deniedBy: [],
    });
    expect(evaluatePolicy(policy, request({ action: 'kms:Decrypt' }), 'resource').decision).toBe(
      'implicit-deny',
    );
    expect(evaluatePolicy(policy, request({ principal: OTHER }), 'resource').decision).toBe(
      'implicit-deny',
    );
  });

  it('lets an explicit Deny win over any Allow, in either order', () => {
    // Arrange
    const deny: PolicyStatement = {
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:Sign',
      Resource: '*',
    };

    // Act
    const first = evaluatePolicy(resourcePolicy(deny, allowAll), request(), 'resource');
    const last = evaluatePolicy(resourcePolicy(allowAll, deny), request(), 'resource');

    // Assert: the unnamed statement is reported by its index
    expect(first).toEqual({ decision: 'explicit-deny', allowedBy: ['A'], deniedBy: ['#0'] });
    expect(last.decision).toBe('explicit-deny');
  });

  it('accepts a single statement object and reports an unknown Effect', () => {
    // Act / Assert
    expect(evaluatePolicy({ Statement: allowAll }, request(), 'resource').decision).toBe('allow');
    expect(() =>
      evaluatePolicy(
        { Statement: { ...allowAll, Effect: 'Maybe' as 'Allow' } },
        request(),
        'resource',
      ),
    ).toThrow(/unknown Effect/);
  });
});

describe('evaluatePolicy: Action, Resource and Principal elements', () => {
  it('NotAction covers every action except the listed ones', () => {
    // Arrange
    const policy = resourcePolicy({
      Effect: 'Allow',
      Principal: '*',
      NotAction: ['kms:Sign', 'kms:Create*'],
      Resource: '*',
    });

    // Act / Assert
    expect(evaluatePolicy(policy, request({ action: 'kms:Decrypt' }), 'resource').decision).toBe(
      'allow',
    );
    expect(evaluatePolicy(policy, request({ action: 'kms:Sign' }), 'resource').decision).toBe(
      'implicit-deny',
    );
    expect(
      evaluatePolicy(policy, request({ action: 'kms:CreateGrant' }), 'resource').decision,
    ).toBe('implicit-deny');
  });

  it('matches Resource with wildcards (case-sensitive) and NotResource as its complement', () => {
    // Arrange
    const allow = (element: Partial<PolicyStatement>): PolicyDocument => ({
      Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', ...element }],
    });
    const own = 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/a:log-stream:x';
    const other = 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/b:log-stream:x';
    const base = { principal: ROLE, action: 'logs:PutLogEvents' };

    // Act / Assert
    expect(
      evaluatePolicy(
        allow({ Resource: 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/a:*' }),
        { ...base, resource: own },
        'identity',
      ).decision,
    ).toBe('allow');
    expect(
      evaluatePolicy(
        allow({ Resource: 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/a:*' }),
        { ...base, resource: other },
        'identity',
      ).decision,
    ).toBe('implicit-deny');
    expect(
      evaluatePolicy(
        allow({ Resource: 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/A:*' }),
        { ...base, resource: own },
        'identity',
      ).decision,
    ).toBe('implicit-deny');
    expect(
      evaluatePolicy(allow({ NotResource: own }), { ...base, resource: other }, 'identity')
        .decision,
    ).toBe('allow');
    expect(
      evaluatePolicy(allow({ NotResource: own }), { ...base, resource: own }, 'identity').decision,
    ).toBe('implicit-deny');
  });

  it('matches principals: "*", AWS "*", an exact ARN, an account (id or root ARN), a service; NotPrincipal inverts', () => {
    // Arrange
    const withPrincipal = (Principal: PolicyStatement['Principal']): PolicyDocument =>
      resourcePolicy({ Effect: 'Allow', Principal, Action: '*', Resource: '*' });
    const decide = (policy: PolicyDocument, principal: RequestPrincipal): string =>
      evaluatePolicy(policy, request({ principal }), 'resource').decision;
    const service: RequestPrincipal = { service: 'lambda.amazonaws.com' };

    // Act / Assert
    expect(decide(withPrincipal('*'), service)).toBe('allow');
    expect(decide(withPrincipal({ AWS: '*' }), ROLE)).toBe('allow');
    expect(decide(withPrincipal({ AWS: '*' }), service)).toBe('implicit-deny');
    expect(decide(withPrincipal({ AWS: [OTHER.arn as string, ROLE.arn as string] }), ROLE)).toBe(
      'allow',
    );
    expect(decide(withPrincipal({ AWS: `arn:aws:iam::${ACCOUNT}:role/signer2` }), ROLE)).toBe(
      'implicit-deny',
    );
    expect(decide(withPrincipal({ AWS: ACCOUNT }), ROLE)).toBe('allow');
    expect(decide(withPrincipal({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), ROLE)).toBe('allow');
    expect(decide(withPrincipal({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), OTHER)).toBe(
      'implicit-deny',
    );
    expect(decide(withPrincipal({ Service: 'lambda.amazonaws.com' }), service)).toBe('allow');
    expect(decide(withPrincipal({ Service: 'lambda.amazonaws.com' }), ROLE)).toBe('implicit-deny');
    expect(
      decide(
        resourcePolicy({
          Effect: 'Allow',
          NotPrincipal: { AWS: ROLE.arn as string },
          Action: '*',
          Resource: '*',
        }),
        ROLE,
      ),
    ).toBe('implicit-deny');
    expect(
      decide(
        resourcePolicy({
          Effect: 'Allow',
          NotPrincipal: { AWS: ROLE.arn as string },
          Action: '*',
          Resource: '*',
        }),
        OTHER,
      ),
    ).toBe('allow');
  });

  it('refuses malformed statements and unsupported features instead of guessing', () => {
    // Arrange
    const cases: [PolicyStatement, PolicyRequest['principal'], 'resource' | 'identity', RegExp][] =
      [
        [
          { Effect: 'Allow', Principal: '*', Action: '*', NotAction: 'x', Resource: '*' },
          ROLE,
          'resource',
          /Action and NotAction/,
        ],
        [
          { Effect: 'Allow', Principal: '*', Action: '*' },
          ROLE,
          'resource',
          /Resource and NotResource/,
        ],
        [
          { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
          ROLE,
          'identity',
          /cannot name a Principal/,
        ],
        [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          ROLE,
          'resource',
          /Principal and NotPrincipal/,
        ],
        [
          { Effect: 'Allow', Principal: { Federated: 'x' }, Action: '*', Resource: '*' },
          ROLE,
          'resource',
          /principal type Federated/,
        ],
        [
          { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::${aws:username}' },
          ROLE,
          'identity',
          /policy variables/,
        ],
        [
          {
            Effect: 'Allow',
            Action: '*',
            Resource: '*',
            Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
          },
          ROLE,
          'identity',
          /unsupported condition operator NumericLessThan/,
        ],
      ];

    // Act / Assert
    for (const [statement, principal, kind, message] of cases) {
      expect(() =>
        evaluatePolicy({ Statement: [statement] }, request({ principal }), kind),
      ).toThrow(message);
    }
  });
});

describe('evaluatePolicy: conditions', () => {
  function holds(
    Condition: PolicyStatement['Condition'],
    context: Record<string, string | string[]>,
    principal: RequestPrincipal = ROLE,
  ): boolean {
    const policy: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition }],
    };
    return (
      evaluatePolicy(policy, { principal, action: 'kms:Sign', resource: KEY, context }, 'identity')
        .decision === 'allow'
    );
  }

  it('StringEquals: any listed value matches; a missing key fails; keys compare case-insensitively', () => {
    // Act / Assert
    expect(
      holds(
        { StringEquals: { 'kms:MessageType': ['DIGEST', 'RAW'] } },
        { 'kms:MessageType': 'RAW' },
      ),
    ).toBe(true);
    expect(
      holds({ StringEquals: { 'kms:MessageType': 'RAW' } }, { 'kms:MessageType': 'raw' }),
    ).toBe(false);
    expect(holds({ StringEquals: { 'kms:MessageType': 'RAW' } }, {})).toBe(false);
    expect(
      holds({ StringEquals: { 'KMS:messagetype': 'RAW' } }, { 'kms:MessageType': 'RAW' }),
    ).toBe(true);
    expect(
      holds({ StringEqualsIgnoreCase: { 'kms:MessageType': 'RAW' } }, { 'kms:MessageType': 'raw' }),
    ).toBe(true);
  });

  it('negated operators: no listed value may match, and a missing key satisfies them', () => {
    // Act / Assert
    expect(
      holds(
        { StringNotEquals: { 'kms:MessageType': ['RAW', 'DIGEST'] } },
        { 'kms:MessageType': 'RAW' },
      ),
    ).toBe(false);
    expect(
      holds({ StringNotEquals: { 'kms:MessageType': 'RAW' } }, { 'kms:MessageType': 'DIGEST' }),
    ).toBe(true);
    expect(holds({ StringNotEquals: { 'kms:MessageType': 'RAW' } }, {})).toBe(true);
    expect(
      holds(
        { StringNotEqualsIgnoreCase: { 'kms:MessageType': 'RAW' } },
        { 'kms:MessageType': 'raw' },
      ),
    ).toBe(false);
    expect(
      holds({ StringNotLike: { 'kms:MessageType': 'R*' } }, { 'kms:MessageType': 'RAW' }),
    ).toBe(false);
    expect(holds({ ArnNotEquals: { 'aws:PrincipalArn': ROLE.arn as string } }, {})).toBe(false);
    expect(holds({ ArnNotEquals: { 'aws:PrincipalArn': ROLE.arn as string } }, {}, OTHER)).toBe(
      true,
    );
    expect(holds({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/sign*' } }, {})).toBe(
      false,
    );
    expect(
      holds(
        { ArnNotEquals: { 'aws:PrincipalArn': ROLE.arn as string } },
        {},
        { service: 'kms.amazonaws.com' },
      ),
    ).toBe(true);
  });

  it('StringLike and ArnLike/ArnEquals use wildcards; aws:PrincipalArn and aws:PrincipalAccount come from the principal', () => {
    // Act / Assert
    expect(
      holds(
        { StringLike: { 'kms:SigningAlgorithm': 'RSASSA_*_SHA_256' } },
        { 'kms:SigningAlgorithm': 'RSASSA_PSS_SHA_256' },
      ),
    ).toBe(true);
    expect(holds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, {})).toBe(true);
    expect(holds({ ArnEquals: { 'aws:PrincipalArn': ROLE.arn as string } }, {}, OTHER)).toBe(false);
    expect(holds({ StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }, {})).toBe(true);
    expect(holds({ StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }, {}, {})).toBe(false);
  });

  it('IfExists passes when the key is missing and applies the operator when present', () => {
    // Act / Assert
    expect(holds({ StringEqualsIfExists: { 'kms:MessageType': 'RAW' } }, {})).toBe(true);
    expect(
      holds(
        { StringEqualsIfExists: { 'kms:MessageType': 'RAW' } },
        { 'kms:MessageType': 'DIGEST' },
      ),
    ).toBe(false);
  });

  it('Bool and Null', () => {
    // Act / Assert
    expect(
      holds(
        { Bool: { 'kms:GrantIsForAWSResource': true } },
        { 'kms:GrantIsForAWSResource': 'true' },
      ),
    ).toBe(true);
    expect(
      holds(
        { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        { 'kms:GrantIsForAWSResource': 'false' },
      ),
    ).toBe(false);
    expect(holds({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }, {})).toBe(false);
    expect(holds({ Null: { 'kms:GrantOperations': 'true' } }, {})).toBe(true);
    expect(holds({ Null: { 'kms:GrantOperations': 'true' } }, { 'kms:GrantOperations': [] })).toBe(
      true,
    );
    expect(
      holds({ Null: { 'kms:GrantOperations': 'false' } }, { 'kms:GrantOperations': ['Sign'] }),
    ).toBe(true);
    expect(
      holds({ Null: { 'kms:GrantOperations': 'true' } }, { 'kms:GrantOperations': ['Sign'] }),
    ).toBe(false);
  });

  it('ForAnyValue needs one matching value; ForAllValues needs all, and holds for a missing or empty key', () => {
    // Arrange
    const grantOps = (ops: string[] | undefined): Record<string, string[]> =>
      ops ? { 'kms:GrantOperations': ops } : {};

    // Act / Assert
    expect(
      holds(
        { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': 'Sign' } },
        grantOps(['GetPublicKey', 'Sign']),
      ),
    ).toBe(true);
    expect(
      holds(
        { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': 'Sign' } },
        grantOps(['GetPublicKey']),
      ),
    ).toBe(false);
    expect(
      holds({ 'ForAnyValue:StringEquals': { 'kms:GrantOperations': 'Sign' } }, grantOps(undefined)),
    ).toBe(false);
    expect(
      holds(
        { 'ForAnyValue:StringEqualsIfExists': { 'kms:GrantOperations': 'Sign' } },
        grantOps(undefined),
      ),
    ).toBe(true);
    expect(
      holds(
        { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['GetPublicKey', 'DescribeKey'] } },
        grantOps(['GetPublicKey']),
      ),
    ).toBe(true);
    expect(
      holds(
        { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['GetPublicKey'] } },
        grantOps(['GetPublicKey', 'Sign']),
      ),
    ).toBe(false);
    expect(
      holds(
        { 'ForAllValues:StringEquals': { 'kms:GrantOperations': 'GetPublicKey' } },
        grantOps([]),
      ),
    ).toBe(true);
    expect(
      holds(
        { 'ForAllValues:StringEquals': { 'kms:GrantOperations': 'GetPublicKey' } },
        grantOps(undefined),
      ),
    ).toBe(true);
    expect(
      holds(
        { 'ForAnyValue:StringNotEquals': { 'kms:GrantOperations': 'Sign' } },
        grantOps(['Sign', 'Verify']),
      ),
    ).toBe(true);
    expect(
      holds(
        { 'ForAnyValue:StringEquals': { 'kms:GrantOperations': 'Sign' } },
        { 'kms:GrantOperations': 'Sign' },
      ),
    ).toBe(true);
  });

  it('ANDs keys and operators, and refuses a multivalued key without a set operator', () => {
    // Arrange
    const both = {
      StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'RAW' },
    };

    // Act / Assert
    expect(holds(both, { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'RAW' })).toBe(
      true,
    );
    expect(
      holds(both, { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'DIGEST' }),
    ).toBe(false);
    expect(
      holds(
        {
          StringEquals: { 'kms:MessageType': 'RAW' },
          ArnEquals: { 'aws:PrincipalArn': OTHER.arn as string },
        },
        { 'kms:MessageType': 'RAW' },
      ),
    ).toBe(false);
    expect(() =>
      holds(
        { StringEquals: { 'kms:GrantOperations': 'Sign' } },
        { 'kms:GrantOperations': ['Sign'] },
      ),
    ).toThrow(/multivalued/);
  });
});

describe('evaluatePolicy: properties', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);
  const action = fc
    .tuple(fc.constantFrom('kms', 'dynamodb', 'logs'), segment)
    .map(([p, a]) => `${p}:${a}`);

  it('a pattern made by replacing any slice of an action with * matches that action, in any case', () => {
    fc.assert(
      fc.property(action, fc.nat(), fc.nat(), fc.boolean(), (a, i, j, upper) => {
        // Arrange
        const from = i % (a.length + 1);
        const to = from + (j % (a.length - from + 1));
        const pattern = `${a.slice(0, from)}*${a.slice(to)}`;

        // Act / Assert
        return wildcardMatch(upper ? pattern.toUpperCase() : pattern, a, true);
      }),
    );
  });

  it('an unconditional Deny for "*" wins over any set of statements, in any position', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom<PolicyStatement>(
            allowAll,
            {
              Effect: 'Allow',
              Principal: { AWS: ROLE.arn as string },
              Action: 'kms:*',
              Resource: '*',
            },
            { Effect: 'Deny', Principal: { AWS: OTHER.arn as string }, Action: '*', Resource: '*' },
          ),
        ),
        fc.nat(),
        action,
        (statements, at, a) => {
          // Arrange
          const deny: PolicyStatement = {
            Effect: 'Deny',
            Principal: '*',
            Action: '*',
            Resource: '*',
          };
          const all = [...statements];
          all.splice(at % (all.length + 1), 0, deny);

          // Act / Assert
          return (
            evaluatePolicy(resourcePolicy(...all), request({ action: a }), 'resource').decision ===
            'explicit-deny'
          );
        },
      ),
    );
  });

  it('Action X and NotAction X decide oppositely for every action, and statement order never matters', () => {
    fc.assert(
      fc.property(action, action, fc.boolean(), (listed, asked, reverse) => {
        // Arrange
        const allow = (element: Partial<PolicyStatement>): PolicyStatement => ({
          Effect: 'Allow',
          Principal: '*',
          Resource: '*',
          ...element,
        });
        const statements = [
          allow({ Action: listed }),
          {
            Effect: 'Deny' as const,
            Principal: { AWS: OTHER.arn as string },
            Action: '*',
            Resource: '*',
          },
        ];

        // Act
        const withAction = evaluatePolicy(
          resourcePolicy(...(reverse ? [...statements].reverse() : statements)),
          request({ action: asked }),
          'resource',
        );
        const withNotAction = evaluatePolicy(
          resourcePolicy(allow({ NotAction: listed })),
          request({ action: asked }),
          'resource',
        );

        // Assert
        return (withAction.decision === 'allow') !== (withNotAction.decision === 'allow');
      }),
    );
  });
});
