// The alarms the root module and modules/authorizer create with their default thresholds, as CloudWatch describes them: what terraform-examples.test.ts reads back.
import { sortMetrics, type AlarmShape, type ReadMetric } from '../support/cloudwatch-readback';

/** An alarm as expected: every field but the description and actions, which tests check apart. */
export type ExpectedAlarm = Omit<AlarmShape, 'name' | 'description' | 'actions' | 'okActions'>;

const PERIOD = 300;
const KMS_OPERATIONS = ['KMS.Sign', 'KMS.GetPublicKey', 'KMS.GenerateMac'];
const DYNAMODB_OPERATIONS = ['DynamoDB.GetItem', 'DynamoDB.PutItem', 'DynamoDB.UpdateItem'];

const lambda = (fn: string, name: string, stat = 'Sum'): ReadMetric => ({
  namespace: 'AWS/Lambda',
  name,
  dimensions: { FunctionName: fn },
  stat,
  period: PERIOD,
});

const own = (namespace: string, name: string, dimensions: Record<string, string>): ReadMetric => ({
  namespace,
  name,
  dimensions,
  stat: 'Sum',
  period: PERIOD,
});

const atLeast = (threshold: number, metrics: ReadMetric[], expression?: string): ExpectedAlarm => ({
  comparison: 'GreaterThanOrEqualToThreshold',
  threshold,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: 'notBreaching',
  metrics: sortMetrics(metrics),
  ...(expression ? { expression } : {}),
});

const surge = (metric: ReadMetric, bandWidth: number): ExpectedAlarm => ({
  comparison: 'GreaterThanUpperThreshold',
  threshold: undefined,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  treatMissingData: 'notBreaching',
  metrics: [metric],
  band: `ANOMALY_DETECTION_BAND(m1, ${bandWidth})`,
});

const sumOf = (operations: string[]): string =>
  operations.map((_, i) => `FILL(op${i}, 0)`).join(' + ');

/**
 * The root module's own alarms (token function and API) with default thresholds.
 * @param name the module's name (also its API's name and the metrics namespace)
 * @param stage the API stage
 * @param timeoutSeconds the token function's timeout
 * @returns expected alarms by name
 */
export function tokenServiceAlarms(
  name: string,
  stage: string,
  timeoutSeconds = 15,
): Record<string, ExpectedAlarm> {
  const token = `${name}-token`;
  const throttles = (operations: string[]): ExpectedAlarm =>
    atLeast(
      1,
      operations.map((op) =>
        own(name, 'AwsThrottlesByOperation', { service: token, operation: op }),
      ),
      sumOf(operations),
    );
  return {
    [`${name}-token-errors`]: atLeast(1, [lambda(token, 'Errors')]),
    [`${name}-token-throttles`]: atLeast(1, [lambda(token, 'Throttles')]),
    // 80% of the timeout, in milliseconds.
    [`${name}-token-duration`]: atLeast(timeoutSeconds * 800, [
      lambda(token, 'Duration', 'Maximum'),
    ]),
    [`${name}-api-5xx-errors`]: atLeast(5, [
      {
        namespace: 'AWS/ApiGateway',
        name: '5XXError',
        dimensions: { ApiName: name, Stage: stage },
        stat: 'Sum',
        period: PERIOD,
      },
    ]),
    [`${name}-kms-throttles`]: throttles(KMS_OPERATIONS),
    [`${name}-dynamodb-throttles`]: throttles(DYNAMODB_OPERATIONS),
    [`${name}-invalid-client-surge`]: surge(
      own(name, 'TokenRequestsRejected', { service: token, error: 'invalid_client' }),
      3,
    ),
    [`${name}-tokens-issued-surge`]: surge(own(name, 'TokensIssued', { service: token }), 3),
  };
}

/**
 * The alarms of modules/authorizer with default thresholds.
 * @param name the module's name (its function is <name>-authorizer; also the metrics namespace)
 * @param revocation whether it reads revocation state
 * @returns expected alarms by name
 */
export function authorizerAlarms(name: string, revocation: boolean): Record<string, ExpectedAlarm> {
  const fn = `${name}-authorizer`;
  return {
    [`${name}-authorizer-errors`]: atLeast(1, [lambda(fn, 'Errors')]),
    [`${name}-authorizer-throttles`]: atLeast(1, [lambda(fn, 'Throttles')]),
    ...(revocation
      ? {
          [`${name}-revocation-read-failures`]: atLeast(1, [
            own(name, 'RevocationReadFailures', { service: fn }),
          ]),
        }
      : {}),
  };
}
