// Unit tests of the emulator's IAM policy evaluation (API Gateway's rules, independent of the authorizer's code).
import {
  iamGlobMatch,
  isAllowedByPolicy,
  isPolicyDocument,
} from '../../../../tools/gateway/policy-evaluation';

const ARN = 'arn:aws:execute-api:us-east-1:000000000000:api/local/GET/orders/42';
const allow = (Resource: unknown, Action: unknown = 'execute-api:Invoke') => ({
  Effect: 'Allow',
  Action,
  Resource,
});

describe('isAllowedByPolicy', () => {
  it.each([
    ['exact ARN', [allow(ARN)], true],
    [
      'wildcard path',
      [allow('arn:aws:execute-api:us-east-1:000000000000:api/local/GET/orders/*')],
      true,
    ],
    [
      'wildcard method',
      [allow('arn:aws:execute-api:us-east-1:000000000000:api/local/*/orders/42')],
      true,
    ],
    [
      '? wildcard',
      [allow('arn:aws:execute-api:us-east-1:000000000000:api/local/GET/orders/4?')],
      true,
    ],
    ['resource list', [allow(['arn:x', ARN])], true],
    ['action wildcard, any case', [allow(ARN, 'Execute-API:*')], true],
    [
      'other method',
      [allow('arn:aws:execute-api:us-east-1:000000000000:api/local/POST/orders/42')],
      false,
    ],
    ['other action', [allow(ARN, 'execute-api:ManageConnections')], false],
    ['explicit deny wins', [allow('*'), { Effect: 'Deny', Action: '*', Resource: ARN }], false],
    ['deny elsewhere', [allow(ARN), { Effect: 'Deny', Action: '*', Resource: 'arn:other' }], true],
    ['no statement applies', [], false],
    ['NotResource', [{ Effect: 'Allow', Action: '*', NotResource: 'arn:other' }], true],
    ['NotAction', [{ Effect: 'Allow', NotAction: 'execute-api:Invoke', Resource: '*' }], false],
    ['conditional allow ignored', [{ ...allow(ARN), Condition: { Bool: { x: 'true' } } }], false],
    ['missing resource', [{ Effect: 'Allow', Action: '*' }], false],
    ['dot is literal', [allow(ARN.replace('.', '?').replace('execute-api', 'execute.api'))], false],
  ])('%s', (_name, Statement, expected) => {
    // Act / Assert
    expect(isAllowedByPolicy({ Version: '2012-10-17', Statement }, ARN)).toBe(expected);
  });

  it('accepts a single statement object', () => {
    expect(isAllowedByPolicy({ Statement: allow(ARN) }, ARN)).toBe(true);
  });

  it('matches * across slashes', () => {
    expect(iamGlobMatch('arn:*', 'arn:a/b/c')).toBe(true);
  });
});

describe('isPolicyDocument', () => {
  it.each([
    [{ Statement: [allow(ARN)] }, true],
    [{ Statement: allow(ARN) }, true],
    [{ Statement: [] }, false],
    [{ Statement: [{ Effect: 'Maybe' }] }, false],
    [null, false],
    ['policy', false],
  ])('%j -> %s', (doc, expected) => {
    expect(isPolicyDocument(doc)).toBe(expected);
  });
});
