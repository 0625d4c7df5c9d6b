// Evaluates an authorizer's IAM policy against a methodArn as API Gateway does (explicit Deny wins, default deny).
//
// Deliberately independent of functions/core/policy.ts: the emulator plays API Gateway, so it must
// judge the authorizer's output by API Gateway's rules, not by the authorizer's own matcher.

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/** The IAM policy document an authorizer returns. */
export interface PolicyDocument {
  Version?: string;
  Statement: Statement | readonly Statement[];
}

function toList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

/**
 * IAM wildcard match: `*` any run of characters (slashes included), `?` any one character.
 * @param pattern pattern from the policy
 * @param value ARN or action
 * @param ignoreCase true for actions (case-insensitive in IAM), false for ARNs
 * @returns true on a match
 */
export function iamGlobMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

const INVOKE_ACTION = 'execute-api:Invoke';

function statementApplies(statement: Statement, methodArn: string): boolean {
  const actions = toList(statement.Action);
  const notActions = toList(statement.NotAction);
  const actionOk = actions
    ? actions.some((a) => iamGlobMatch(a, INVOKE_ACTION, true))
    : notActions
      ? !notActions.some((a) => iamGlobMatch(a, INVOKE_ACTION, true))
      : false;
  const resources = toList(statement.Resource);
  const notResources = toList(statement.NotResource);
  const resourceOk = resources
    ? resources.some((r) => iamGlobMatch(r, methodArn))
    : notResources
      ? !notResources.some((r) => iamGlobMatch(r, methodArn))
      : false;
  return actionOk && resourceOk;
}

/**
 * Decides whether a policy allows `execute-api:Invoke` on a method ARN.
 * @param policyDocument the authorizer's `policyDocument`
 * @param methodArn `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`
 * @returns true when some statement allows it and none denies it
 */
export function isAllowedByPolicy(policyDocument: PolicyDocument, methodArn: string): boolean {
  const statements = Array.isArray(policyDocument.Statement)
    ? policyDocument.Statement
    : [policyDocument.Statement];
  let allowed = false;
  for (const statement of statements) {
    if (!statement || typeof statement !== 'object') continue;
    // Conditions are not evaluated here: a conditional Allow is ignored (fail closed) and a
    // conditional Deny is applied.
    if (!statementApplies(statement, methodArn)) continue;
    if (statement.Effect === 'Deny') return false;
    if (statement.Effect === 'Allow' && statement.Condition === undefined) allowed = true;
  }
  return allowed;
}

/**
 * Checks the shape API Gateway requires of a policy document.
 * @param value candidate
 * @returns true when it has a Statement of objects with Effect Allow or Deny
 */
export function isPolicyDocument(value: unknown): value is PolicyDocument {
  if (!value || typeof value !== 'object') return false;
  const statement = (value as { Statement?: unknown }).Statement;
  const list = Array.isArray(statement) ? statement : [statement];
  return (
    list.length > 0 &&
    list.every(
      (s) =>
        !!s &&
        typeof s === 'object' &&
        ((s as Statement).Effect === 'Allow' || (s as Statement).Effect === 'Deny'),
    )
  );
}
