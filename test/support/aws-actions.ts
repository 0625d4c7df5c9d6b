// IAM action lists derived from the installed AWS SDK clients (one action per SDK command), for policy evaluation tests.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Actions that exist in IAM but have no SDK command of the same name ("Actions, resources, and
 * condition keys for AWS Key Management Service",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html;
 * "... for Amazon DynamoDB",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
 */
const IAM_ONLY_ACTIONS: Record<string, string[]> = {
  kms: ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
  dynamodb: [
    'dynamodb:ConditionCheckItem',
    'dynamodb:PartiQLSelect',
    'dynamodb:PartiQLInsert',
    'dynamodb:PartiQLUpdate',
    'dynamodb:PartiQLDelete',
  ],
};

/**
 * Lists `<prefix>:<Command>` for every `*Command.d.ts` an SDK client package ships, plus the
 * IAM-only actions above.
 * @param client package name, e.g. `@aws-sdk/client-kms`
 * @param prefix IAM service prefix, e.g. `kms`
 * @returns sorted, distinct action names
 * @throws Error when the package has no commands (a broken install must not yield an empty list)
 */
export function sdkActions(client: string, prefix: string): string[] {
  const dir = path.join(
    path.dirname(require.resolve(`${client}/package.json`)),
    'dist-types',
    'commands',
  );
  const commands = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('Command.d.ts'))
    .map((f) => `${prefix}:${f.slice(0, -'Command.d.ts'.length)}`);
  if (commands.length === 0) throw new Error(`no commands found in ${dir}`);
  return [...new Set([...commands, ...(IAM_ONLY_ACTIONS[prefix] ?? [])])].sort();
}

/**
 * CloudWatch Logs actions (no Logs SDK client is installed here), from "Actions, resources, and
 * condition keys for Amazon CloudWatch Logs",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html:
 * every action that reads, writes or reconfigures a log group or stream.
 */
export const LOGS_ACTIONS: readonly string[] = [
  'logs:AssociateKmsKey',
  'logs:CreateExportTask',
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DeleteLogGroup',
  'logs:DeleteLogStream',
  'logs:DeleteMetricFilter',
  'logs:DeleteRetentionPolicy',
  'logs:DeleteSubscriptionFilter',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:DescribeMetricFilters',
  'logs:DescribeSubscriptionFilters',
  'logs:DisassociateKmsKey',
  'logs:FilterLogEvents',
  'logs:GetLogEvents',
  'logs:GetLogGroupFields',
  'logs:GetLogRecord',
  'logs:ListTagsForResource',
  'logs:PutLogEvents',
  'logs:PutMetricFilter',
  'logs:PutResourcePolicy',
  'logs:PutRetentionPolicy',
  'logs:PutSubscriptionFilter',
  'logs:StartLiveTail',
  'logs:StartQuery',
  'logs:TagResource',
  'logs:UntagResource',
];
