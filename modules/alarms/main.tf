# CloudWatch alarms of the token function, its REST API and the authorizer, each described with what it means and a link to its section of docs/operations.md.

locals {
  # Every alarm evaluates 5-minute sums (or the Maximum of Duration); the thresholds of the
  # public modules are counts per 5 minutes.
  period = 300

  # The service dimension of the functions' own metrics is the function name
  # (POWERTOOLS_SERVICE_NAME; docs/metrics.md).
  token_service      = try(var.token.function_name, null)
  authorizer_service = try(var.authorizer.function_name, null)

  # AwsThrottlesByOperation is counted per AWS operation (docs/metrics.md); these alarms add up
  # the operations of one service.
  kms_operations      = ["KMS.Sign", "KMS.GetPublicKey", "KMS.GenerateMac"]
  dynamodb_operations = ["DynamoDB.GetItem", "DynamoDB.PutItem", "DynamoDB.UpdateItem"]

  # A static alarm on one metric; anomaly alarms and metric math override the last fields.
  static = {
    expression          = null
    label               = null
    threshold           = null
    band_width          = null
    evaluation_periods  = 1
    datapoints_to_alarm = 1
  }

  # A surge: the metric above its anomaly detection band in 2 of 3 periods, so one busy
  # 5 minutes does not page anyone. The band is band_width standard deviations wide, from a model
  # CloudWatch trains on the metric's own history ("How can I use the AWS CLI to create a
  # CloudWatch alarm based on anomaly detection?", AWS Knowledge Center,
  # https://repost.aws/knowledge-center/cloudwatch-set-anomaly-detection-alarm).
  surge = {
    expression          = null
    label               = null
    threshold           = null
    band_width          = null
    evaluation_periods  = 3
    datapoints_to_alarm = 2
  }

  token_alarms = var.token == null ? {} : {
    # AWS/Lambda metrics of one function carry its FunctionName dimension (as AWS's own CDK
    # generates them: aws-cdk-lib, aws-lambda/lib/lambda-canned-metrics.generated.d.ts, from
    # CloudWatch's metric definitions; the Lambda guide's excerpts at hand do not list the
    # dimensions). Errors counts "invocations that result
    # in a function error. Function errors include exceptions that your code throws and exceptions
    # that the Lambda runtime throws. The runtime returns errors for issues such as timeouts and
    # configuration errors", viewed "with the Sum statistic" (AWS Lambda Developer Guide, "Types of
    # metrics for Lambda functions", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
    # The handler answers its own failures with 500 server_error, so Errors counts only what it
    # could not answer: crashes, timeouts and a configuration refused at cold start.
    token_errors = merge(local.static, {
      meaning   = "The token function ${var.token.function_name} failed at least ${var.token.errors} invocation(s) in 5 minutes (AWS/Lambda Errors: a crash, a timeout or a configuration refused at cold start), so token requests got a 5xx from API Gateway."
      threshold = var.token.errors
      queries   = [{ id = "m1", namespace = "AWS/Lambda", metric_name = "Errors", dimensions = { FunctionName = var.token.function_name }, stat = "Sum" }]
    })

    # Throttles: "The number of invocation requests that are throttled" (same guide; AWS Compute
    # Optimizer User Guide, "Lambda function metrics",
    # https://docs.aws.amazon.com/compute-optimizer/latest/ug/lambda-metrics-analyzed.html).
    token_throttles = merge(local.static, {
      meaning   = "Lambda throttled at least ${var.token.throttles} invocation(s) of the token function ${var.token.function_name} in 5 minutes (AWS/Lambda Throttles): its concurrency is used up, and API Gateway answers those requests with a 5xx."
      threshold = var.token.throttles
      queries   = [{ id = "m1", namespace = "AWS/Lambda", metric_name = "Throttles", dimensions = { FunctionName = var.token.function_name }, stat = "Sum" }]
    })

    # Duration is "the amount of time that your function code spends processing an event" (same
    # guide and Compute Optimizer page), in milliseconds as CloudWatch shows it (not quoted: the
    # excerpts at hand do not state the unit), so the threshold is a share of the timeout in ms.
    # Maximum, not a percentile: every AWS call is bounded (docs/timeouts.md), so a single
    # invocation this slow already means the budgets were nearly used up.
    token_duration = merge(local.static, {
      meaning   = "An invocation of the token function ${var.token.function_name} ran at least ${floor(var.token.timeout_seconds * 10 * var.token.duration_percent)} ms, ${var.token.duration_percent}% of its ${var.token.timeout_seconds} s timeout (AWS/Lambda Duration, Maximum): AWS calls are slow or retried up to their budgets, and requests near the timeout fail."
      threshold = floor(var.token.timeout_seconds * 10 * var.token.duration_percent)
      queries   = [{ id = "m1", namespace = "AWS/Lambda", metric_name = "Duration", dimensions = { FunctionName = var.token.function_name }, stat = "Maximum" }]
    })

    # The sum of each service's operations. FILL(x, 0) turns a missing data point into 0, so an
    # operation that was never throttled in a period does not blank out the sum ("Using math
    # expressions with CloudWatch metrics", Metric math syntax and functions,
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
    # An alarm on metric math lists the metrics in Metrics and sets ReturnData true on the one
    # result it watches, false on the others (CloudWatch API Reference, PutMetricAlarm and
    # MetricDataQuery, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
    kms_throttles = merge(local.static, {
      meaning    = "KMS throttled at least ${var.token.kms_throttles} Sign, GetPublicKey or GenerateMac (DPoP nonces) call(s) of the token function ${var.token.function_name} in 5 minutes (AwsThrottlesByOperation, namespace ${var.metrics_namespace}): those token requests got 503 temporarily_unavailable."
      threshold  = var.token.kms_throttles
      expression = join(" + ", [for i, op in local.kms_operations : "FILL(op${i}, 0)"])
      label      = "KMS calls throttled"
      queries    = [for i, op in local.kms_operations : { id = "op${i}", namespace = var.metrics_namespace, metric_name = "AwsThrottlesByOperation", dimensions = { service = local.token_service, operation = op }, stat = "Sum" }]
    })

    dynamodb_throttles = merge(local.static, {
      meaning    = "DynamoDB throttled at least ${var.token.dynamodb_throttles} call(s) of the token function ${var.token.function_name} to the clients table in 5 minutes (AwsThrottlesByOperation, namespace ${var.metrics_namespace}): those requests got 503 temporarily_unavailable."
      threshold  = var.token.dynamodb_throttles
      expression = join(" + ", [for i, op in local.dynamodb_operations : "FILL(op${i}, 0)"])
      label      = "DynamoDB calls throttled"
      queries    = [for i, op in local.dynamodb_operations : { id = "op${i}", namespace = var.metrics_namespace, metric_name = "AwsThrottlesByOperation", dimensions = { service = local.token_service, operation = op }, stat = "Sum" }]
    })

    # A static threshold when one is given, else the anomaly detection band (see local.surge).
    invalid_client_surge = merge(var.token.invalid_client_static_threshold == null ? local.surge : local.static, {
      meaning = var.token.invalid_client_static_threshold == null ? (
        "Token requests rejected with invalid_client rose above their anomaly detection band (${var.token.invalid_client_band_width} standard deviations) in 2 of 3 5-minute periods (TokenRequestsRejected, error=invalid_client): password spraying, or a client with a wrong or revoked secret."
        ) : (
        "At least ${var.token.invalid_client_static_threshold} token requests were rejected with invalid_client in 5 minutes (TokenRequestsRejected, error=invalid_client): password spraying, or a client with a wrong or revoked secret."
      )
      threshold  = var.token.invalid_client_static_threshold
      band_width = var.token.invalid_client_static_threshold == null ? var.token.invalid_client_band_width : null
      queries    = [{ id = "m1", namespace = var.metrics_namespace, metric_name = "TokenRequestsRejected", dimensions = { service = local.token_service, error = "invalid_client" }, stat = "Sum" }]
    })

    tokens_issued_surge = merge(var.token.tokens_issued_static_threshold == null ? local.surge : local.static, {
      meaning = var.token.tokens_issued_static_threshold == null ? (
        "Tokens issued rose above their anomaly detection band (${var.token.tokens_issued_band_width} standard deviations) in 2 of 3 5-minute periods (TokensIssued): a client that does not cache its tokens, or stolen credentials in use."
        ) : (
        "At least ${var.token.tokens_issued_static_threshold} tokens were issued in 5 minutes (TokensIssued): a client that does not cache its tokens, or stolen credentials in use."
      )
      threshold  = var.token.tokens_issued_static_threshold
      band_width = var.token.tokens_issued_static_threshold == null ? var.token.tokens_issued_band_width : null
      queries    = [{ id = "m1", namespace = var.metrics_namespace, metric_name = "TokensIssued", dimensions = { service = local.token_service }, stat = "Sum" }]
    })
  }

  # 5XXError of a REST API stage: the ApiName and Stage dimensions; "The Sum statistic represents
  # this metric, namely, the total count of the 5XXError errors in the given period" (API Gateway
  # Developer Guide, "Amazon API Gateway dimensions and metrics",
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html).
  # The same page: API Gateway drops non-ASCII characters from ApiName, which the root module's
  # name pattern never has. The API's own routes count too, not only the token endpoint's.
  api_alarms = var.api == null ? {} : {
    api_5xx_errors = merge(local.static, {
      meaning   = "The REST API ${var.api.name} (stage ${var.api.stage}) answered at least ${var.api.errors_5xx} requests with a 5xx in 5 minutes (AWS/ApiGateway 5XXError, every route of the API): failing or throttled token requests, or a failing authorizer."
      threshold = var.api.errors_5xx
      queries   = [{ id = "m1", namespace = "AWS/ApiGateway", metric_name = "5XXError", dimensions = { ApiName = var.api.name, Stage = var.api.stage }, stat = "Sum" }]
    })
  }

  authorizer_alarms = var.authorizer == null ? {} : merge({
    authorizer_errors = merge(local.static, {
      meaning   = "The authorizer function ${var.authorizer.function_name} failed at least ${var.authorizer.errors} invocation(s) in 5 minutes (AWS/Lambda Errors): requests to the routes it protects got an error instead of a decision."
      threshold = var.authorizer.errors
      queries   = [{ id = "m1", namespace = "AWS/Lambda", metric_name = "Errors", dimensions = { FunctionName = var.authorizer.function_name }, stat = "Sum" }]
    })

    authorizer_throttles = merge(local.static, {
      meaning   = "Lambda throttled at least ${var.authorizer.throttles} invocation(s) of the authorizer function ${var.authorizer.function_name} in 5 minutes (AWS/Lambda Throttles): requests to the routes it protects got an error instead of a decision."
      threshold = var.authorizer.throttles
      queries   = [{ id = "m1", namespace = "AWS/Lambda", metric_name = "Throttles", dimensions = { FunctionName = var.authorizer.function_name }, stat = "Sum" }]
    })
    }, var.authorizer.revocation ? {
    revocation_read_failures = merge(local.static, {
      meaning   = "The authorizer ${var.authorizer.function_name} failed to read revocation state from DynamoDB at least ${var.authorizer.revocation_read_failures} time(s) in 5 minutes (RevocationReadFailures, namespace ${var.metrics_namespace}): past its stale window it answers 401 to valid tokens (fail closed)."
      threshold = var.authorizer.revocation_read_failures
      queries   = [{ id = "m1", namespace = var.metrics_namespace, metric_name = "RevocationReadFailures", dimensions = { service = local.authorizer_service }, stat = "Sum" }]
    })
  } : {})

  alarms = merge(local.token_alarms, local.api_alarms, local.authorizer_alarms)
}

################################################################################
# Alarms
################################################################################

# Three shapes in one resource: one metric (static threshold), metric math (static threshold on
# an expression) and anomaly detection. For an alarm on an anomaly detection model, Metrics holds
# the metric and an ANOMALY_DETECTION_BAND expression, "ThresholdMetricId" is that expression's Id,
# the comparison operator is one of those "used only for alarms based on anomaly detection models"
# (GreaterThanUpperThreshold: only a rise alarms), and Threshold "should not be used" (CloudWatch
# API Reference, PutMetricAlarm; the Knowledge Center article above shows the metric and the band
# both returned). moto_server and provider 5.100.0 accept this shape and read it back unchanged
# (test/terraform/terraform-examples.test.ts).
resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name = "${var.name}-${replace(each.key, "_", "-")}"
  # The anchor is the alarm's key with hyphens: docs/operations.md has one heading per alarm that
  # GitHub turns into it, and the test checks that every anchor exists. The provider refuses a
  # description over 1024 characters; the public modules bound runbook_url to keep far below.
  alarm_description = "${each.value.meaning} Runbook: ${var.runbook_url}#${replace(each.key, "_", "-")}"

  comparison_operator = each.value.band_width == null ? "GreaterThanOrEqualToThreshold" : "GreaterThanUpperThreshold"
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  threshold           = each.value.band_width == null ? each.value.threshold : null
  threshold_metric_id = each.value.band_width == null ? null : "band"
  # These metrics are only sent when something happens (a count of 0 is no data point), so a
  # quiet period is a healthy one.
  treat_missing_data = "notBreaching"

  # One metric, no math: the alarm's own metric, as CloudWatch shows it in the notification.
  namespace   = local.single_metric[each.key] ? each.value.queries[0].namespace : null
  metric_name = local.single_metric[each.key] ? each.value.queries[0].metric_name : null
  dimensions  = local.single_metric[each.key] ? each.value.queries[0].dimensions : null
  period      = local.single_metric[each.key] ? local.period : null
  statistic   = local.single_metric[each.key] ? each.value.queries[0].stat : null

  # The metrics of a math expression or an anomaly band. Under an anomaly band the metric is
  # returned too; under an expression only the expression is.
  dynamic "metric_query" {
    for_each = local.single_metric[each.key] ? [] : each.value.queries

    content {
      id          = metric_query.value.id
      return_data = each.value.expression == null

      metric {
        namespace   = metric_query.value.namespace
        metric_name = metric_query.value.metric_name
        dimensions  = metric_query.value.dimensions
        period      = local.period
        stat        = metric_query.value.stat
      }
    }
  }

  dynamic "metric_query" {
    for_each = each.value.expression == null ? [] : [each.value.expression]

    content {
      id          = "total"
      expression  = metric_query.value
      label       = each.value.label
      return_data = true
    }
  }

  dynamic "metric_query" {
    for_each = each.value.band_width == null ? [] : [each.value.band_width]

    content {
      id          = "band"
      expression  = "ANOMALY_DETECTION_BAND(${each.value.queries[0].id}, ${metric_query.value})"
      label       = "Expected range (${metric_query.value} standard deviations)"
      return_data = true
    }
  }

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags
}

locals {
  single_metric = { for k, a in local.alarms : k => a.expression == null && a.band_width == null }
}
