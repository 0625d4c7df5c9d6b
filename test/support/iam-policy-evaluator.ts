// A small IAM policy evaluator for tests: which principal may call which action on which resource under a rendered key or role policy.
//
// It implements the parts of the IAM policy language our policies use, from "Policy evaluation
// logic" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
// an explicit Deny in any matching statement wins, else a matching Allow allows, else the request
// is implicitly denied. Action/NotAction and Resource/NotResource match with `*` and `?` wildcards
// (actions case-insensitively), Principal/NotPrincipal as in "AWS JSON policy elements: Principal"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html), and
// the condition operators of "IAM JSON policy elements: Condition operators"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
// listed in CONDITION_OPERATORS, with IfExists and the ForAnyValue/ForAllValues set operators
// ("Set operators for multivalued context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
//
// Anything else (another operator, policy variables, a multivalued key without a set operator,
// Principal in an identity policy) throws instead of guessing, so a test cannot pass by accident.

/** Values of a policy element: one string or a list. */
type OneOrMany = string | string[];

/** One statement of a policy document, as IAM and KMS accept it. */
export interface PolicyStatement {
  /** Statement id. */
  Sid?: string;
  /** Allow or Deny. */
  Effect: 'Allow' | 'Deny';
  /** Actions the statement covers (wildcards allowed). */
  Action?: OneOrMany;
  /** Actions the statement does not cover. */
  NotAction?: OneOrMany;
  /** Resources (ARNs, wildcards allowed). */
  Resource?: OneOrMany;
  /** Resources the statement does not cover. */
  NotResource?: OneOrMany;
  /** Principals (resource policies only): `"*"` or `{ AWS | Service: ... }`. */
  Principal?: '*' | Record<string, OneOrMany>;
  /** Principals the statement does not cover (resource policies only). */
  NotPrincipal?: '*' | Record<string, OneOrMany>;
  /** Operator -> context key -> values. */
  Condition?: Record<string, Record<string, OneOrMany | boolean>>;
}

/** A policy document. */
export interface PolicyDocument {
  /** Policy language version. */
  Version?: string;
  /** One statement or a list. */
  Statement: PolicyStatement | PolicyStatement[];
}

/** Who makes a request. */
export interface RequestPrincipal {
  /**
   * The value of aws:PrincipalArn: an IAM user or role ARN (the role ARN for a role session, never
   * the session ARN), or `arn:<partition>:iam::<account>:root` for the account's root user.
   */
  arn?: string;
  /** The principal's account (aws:PrincipalAccount). */
  account?: string;
  /** For an AWS service principal: its name, e.g. `lambda.amazonaws.com`. */
  service?: string;
}

/** A request to evaluate. */
export interface PolicyRequest {
  /** Who asks. */
  principal: RequestPrincipal;
  /** `service:Action`. */
  action: string;
  /** ARN of the resource (for a key policy, the key's ARN; any value matches `"*"`). */
  resource: string;
  /** Request context keys; aws:PrincipalArn and aws:PrincipalAccount default from `principal`. */
  context?: Record<string, string | string[]>;
}

/** The outcome of an evaluation. */
export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** The outcome and the statements that produced it. */
export interface Evaluation {
  /** allow, explicit-deny or implicit-deny. */
  decision: Decision;
  /** Sids (or `#<index>`) of the matching Allow statements. */
  allowedBy: string[];
  /** Sids (or `#<index>`) of the matching Deny statements. */
  deniedBy: string[];
}

/** Where a policy is attached: resource policies name principals, identity policies must not. */
export type PolicyKind = 'resource' | 'identity';

/** Base condition operators this evaluator implements. */
export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
  'Null',
] as const;

type BaseOperator = (typeof CONDITION_OPERATORS)[number];

const NEGATED: ReadonlySet<BaseOperator> = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

function list(value: OneOrMany): string[] {
  return Array.isArray(value) ? value : [value];
}

function escapeRegex(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/**
 * IAM wildcard match: `*` matches any run of characters (including none, `/` and `:`), `?` one.
 * @param pattern pattern from a policy
 * @param value value from the request
 * @param ignoreCase compare case-insensitively (actions are)
 * @returns whether the value matches
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegex(c)))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/**
 * ArnLike/ArnEquals: each of the six colon-separated ARN parts is matched on its own (the last
 * part keeps any further colons), so a wildcard never spans two parts.
 * @param pattern ARN pattern from a policy
 * @param value ARN from the request
 * @returns whether the ARN matches
 */
export function arnMatch(pattern: string, value: string): boolean {
  const split = (arn: string): string[] | undefined => {
    const parts = arn.split(':');
    if (parts.length < 6) return undefined;
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  if (!p || !v) return false;
  return p.every((part, i) => wildcardMatch(part, v[i] as string));
}

function noPolicyVariables(values: string[], where: string): void {
  for (const v of values) {
    if (v.includes('${')) throw new Error(`policy variables are not supported (${where}: ${v})`);
  }
}

function principalMatches(
  element: '*' | Record<string, OneOrMany>,
  who: RequestPrincipal,
): boolean {
  if (element === '*') return true;
  return Object.entries(element).some(([type, raw]) => {
    const values = list(raw);
    noPolicyVariables(values, 'Principal');
    if (type === 'AWS') {
      return values.some((v) => {
        if (v === '*') return who.arn !== undefined;
        // An account (id or root ARN) as principal delegates to that account's IAM policies, so
        // any principal of the account can get the permission: callers treat IAM as allowing all.
        const root = /^(?:arn:aws[a-z-]*:iam::)?(\d{12})(?::root)?$/.exec(v);
        if (root) return who.account === root[1];
        return who.arn === v;
      });
    }
    if (type === 'Service') return values.some((v) => v === '*' || who.service === v);
    throw new Error(`unsupported principal type ${type}`);
  });
}

function parseOperator(name: string): {
  base: BaseOperator;
  set?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
} {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(name);
  const base = m?.[2] as BaseOperator | undefined;
  if (!m || !base || !(CONDITION_OPERATORS as readonly string[]).includes(base)) {
    throw new Error(`unsupported condition operator ${name}`);
  }
  return {
    base,
    set: m[1] as 'ForAnyValue' | 'ForAllValues' | undefined,
    ifExists: m[3] !== undefined,
  };
}

/** Whether one request value satisfies a (possibly negated) operator against the policy's values. */
function valueMatches(base: BaseOperator, requestValue: string, policyValues: string[]): boolean {
  const positive = (p: string): boolean => {
    switch (base) {
      case 'StringEquals':
      case 'StringNotEquals':
        return p === requestValue;
      case 'StringEqualsIgnoreCase':
      case 'StringNotEqualsIgnoreCase':
        return p.toLowerCase() === requestValue.toLowerCase();
      case 'StringLike':
      case 'StringNotLike':
        return wildcardMatch(p, requestValue);
      case 'ArnEquals':
      case 'ArnLike':
      case 'ArnNotEquals':
      case 'ArnNotLike':
        return arnMatch(p, requestValue);
      default: // Bool (Null is handled by the caller)
        return p.toLowerCase() === requestValue.toLowerCase();
    }
  };
  const any = policyValues.some(positive);
  return NEGATED.has(base) ? !any : any;
}

function conditionHolds(
  operator: string,
  key: string,
  raw: OneOrMany | boolean,
  context: Record<string, string | string[]>,
): boolean {
  const { base, set, ifExists } = parseOperator(operator);
  const policyValues = typeof raw === 'boolean' ? [String(raw)] : list(raw);
  noPolicyVariables(policyValues, `Condition ${operator} ${key}`);
  // Context keys are case-insensitive.
  const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase());
  const present = found?.[1];
  if (base === 'Null') {
    const absent = present === undefined || (Array.isArray(present) && present.length === 0);
    return policyValues.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  if (set) {
    const values = present === undefined ? [] : Array.isArray(present) ? present : [present];
    if (values.length === 0) return ifExists || set === 'ForAllValues';
    const test = (v: string): boolean => valueMatches(base, v, policyValues);
    return set === 'ForAnyValue' ? values.some(test) : values.every(test);
  }
  if (Array.isArray(present)) {
    throw new Error(`${key} is multivalued: use ForAnyValue: or ForAllValues: with ${operator}`);
  }
  // A missing key fails a positive operator and satisfies a negated one; IfExists makes it pass.
  if (present === undefined) return ifExists || NEGATED.has(base);
  return valueMatches(base, present, policyValues);
}

function statementMatches(
  statement: PolicyStatement,
  request: PolicyRequest,
  kind: PolicyKind,
  context: Record<string, string | string[]>,
): boolean {
  if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
    throw new Error('a statement needs exactly one of Action and NotAction');
  }
  if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
    throw new Error('a statement needs exactly one of Resource and NotResource');
  }
  const hasPrincipal = statement.Principal !== undefined || statement.NotPrincipal !== undefined;
  if (kind === 'identity' && hasPrincipal) {
    throw new Error('an identity policy cannot name a Principal');
  }
  if (
    kind === 'resource' &&
    (statement.Principal === undefined) === (statement.NotPrincipal === undefined)
  ) {
    throw new Error('a resource policy statement needs exactly one of Principal and NotPrincipal');
  }

  const actions = list((statement.Action ?? statement.NotAction) as OneOrMany);
  const actionHit = actions.some((a) => wildcardMatch(a, request.action, true));
  if (statement.Action !== undefined ? !actionHit : actionHit) return false;

  const resources = list((statement.Resource ?? statement.NotResource) as OneOrMany);
  noPolicyVariables(resources, 'Resource');
  const resourceHit = resources.some((r) => wildcardMatch(r, request.resource));
  if (statement.Resource !== undefined ? !resourceHit : resourceHit) return false;

  if (
    statement.Principal !== undefined &&
    !principalMatches(statement.Principal, request.principal)
  ) {
    return false;
  }
  if (
    statement.NotPrincipal !== undefined &&
    principalMatches(statement.NotPrincipal, request.principal)
  ) {
    return false;
  }

  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, context)),
  );
}

/**
 * Evaluates one policy for one request.
 * @param policy the policy document (parsed JSON)
 * @param request principal, action, resource and context
 * @param kind `resource` for key/resource policies (statements name principals), `identity` for role policies
 * @returns the decision and the statements that matched
 * @throws Error for policy features this evaluator does not implement
 */
export function evaluatePolicy(
  policy: PolicyDocument,
  request: PolicyRequest,
  kind: PolicyKind,
): Evaluation {
  const context: Record<string, string | string[]> = {
    ...(request.principal.arn !== undefined ? { 'aws:PrincipalArn': request.principal.arn } : {}),
    ...(request.principal.account !== undefined
      ? { 'aws:PrincipalAccount': request.principal.account }
      : {}),
    ...request.context,
  };
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const allowedBy: string[] = [];
  const deniedBy: string[] = [];
  statements.forEach((statement, index) => {
    if (!statementMatches(statement, request, kind, context)) return;
    const id = statement.Sid ?? `#${index}`;
    if (statement.Effect === 'Deny') deniedBy.push(id);
    else if (statement.Effect === 'Allow') allowedBy.push(id);
    else throw new Error(`unknown Effect ${String(statement.Effect)}`);
  });
  const decision: Decision =
    deniedBy.length > 0 ? 'explicit-deny' : allowedBy.length > 0 ? 'allow' : 'implicit-deny';
  return { decision, allowedBy, deniedBy };
}

/**
 * Lists the actions of `universe` that a policy pattern covers (wildcard expansion).
 * @param pattern an Action entry such as `kms:Create*`
 * @param universe every known action
 * @returns the covered actions
 */
export function expandAction(pattern: string, universe: readonly string[]): string[] {
  return universe.filter((a) => wildcardMatch(pattern, a, true));
}
