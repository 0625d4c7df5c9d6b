# Multi-Region only: the replay watcher of one Region, a Lambda function reading the clients table's DynamoDB stream (filtered to the single-use jti#/dpopjti# items) that logs and counts each jti used in two Regions (JtiUsedInTwoRegions), with its read-only role and an alarm (docs/multi-region.md).

data "aws_region" "current" {}

locals {
  function_name     = "${var.name}-replay-watch"
  metrics_namespace = coalesce(var.metrics_namespace, var.name)
  artifacts_dir     = coalesce(var.artifacts_dir, "${path.module}/../../dist")
  # A release's <function>-<architecture>.zip when present, else the build's replay-watch.zip.
  zip_path = fileexists("${local.artifacts_dir}/replay-watch-${var.lambda_architecture}.zip") ? "${local.artifacts_dir}/replay-watch-${var.lambda_architecture}.zip" : "${local.artifacts_dir}/replay-watch.zip"

  # data.aws_region.current.id is the region name in provider 5.x and 6.x (`name` is deprecated in 6.x).
  region = data.aws_region.current.id

  # The function reads nothing else: AWS_REGION comes from the Lambda runtime, and it makes no AWS
  # call (functions/replay-watch/core/config.ts).
  environment = {
    POWERTOOLS_SERVICE_NAME      = local.function_name
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
    LOG_LEVEL                    = var.log_level
  }

  # The key prefixes of the single-use items (functions/token/core/replay-keys.ts,
  # functions/authorizer/core/dpop-request.ts).
  jti_prefixes = ["jti#", "dpopjti#"]

  # Lambda event filtering: "DynamoDB event source mappings only support filtering on the dynamodb
  # key", a record is sent when it matches one of the filters ("Your filters are logically ORed
  # together"), and a string value matches by prefix with [{"prefix": "..."}] (AWS Lambda Developer
  # Guide, "Using event filtering with a DynamoDB event source",
  # https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html, and "Control which events
  # Lambda sends to your function", filter rule syntax,
  # https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html). So the filter
  # cannot name eventName MODIFY; it asks for an OldImage with a region instead, which an INSERT
  # (no old image) and an item written without a Region never have, and the function checks
  # eventName itself (functions/replay-watch/core/double-use.ts). One filter per prefix.
  filter_patterns = [for prefix in local.jti_prefixes : jsonencode({
    dynamodb = {
      Keys     = { client_id = { S = [{ prefix = prefix }] } }
      OldImage = { region = { S = [{ exists = true }] } }
    }
  })]
}

################################################################################
# IAM: read this one stream, write the own log group; nothing else
################################################################################

# The stream actions of an event source mapping on the stream's ARN, as the DynamoDB Developer
# Guide's example policy for a Lambda function reading a stream grants them ("IAM policy to allow
# an AWS Lambda function to access DynamoDB stream records",
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-example-lamda-process-dynamodb-streams.html),
# narrowed from the example's table/<table>/stream/* to the one stream given. No table action at
# all: the function reads the records Lambda hands it and writes nothing.
data "aws_iam_policy_document" "this" {
  statement {
    sid    = "ReadClientsTableStream"
    effect = "Allow"
    actions = [
      "dynamodb:DescribeStream",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
      "dynamodb:ListStreams",
    ]
    resources = [var.table_stream_arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${module.function.log_group_arn}:*"]
  }
}

################################################################################
# Lambda (role, role policy, log group and function: see modules/lambda-function)
################################################################################

module "function" {
  source = "../lambda-function"

  function_name    = local.function_name
  description      = "Reports a jti used in two Regions (DynamoDB stream of the clients table)"
  role_description = "Execution role of the ${local.function_name} replay watcher (reads one DynamoDB stream)"
  policy_json      = data.aws_iam_policy_document.this.json

  filename      = local.zip_path
  artifact_name = "replay-watch"
  artifacts_s3  = var.artifacts_s3
  runtime       = var.lambda_runtime
  architecture  = var.lambda_architecture
  memory_size   = var.memory_size
  timeout       = var.timeout

  environment_variables = local.environment

  log_retention_days = var.log_retention_days

  tags = var.tags
}

################################################################################
# Event source mapping
################################################################################

# Lambda reads the stream and invokes the function with batches of records. MaximumRetryAttempts
# and MaximumRecordAgeInSeconds default to -1: "-1 means infinite: failed records are retried
# until the record expires", and "The data retention limit for DynamoDB Streams is 24 hours";
# StartingPosition is TRIM_HORIZON or LATEST (AWS Lambda Developer Guide, "Lambda parameters for
# Amazon DynamoDB event source mappings", https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html).
# A function error is retried "until the records expire, exceed the maximum age, or reach the
# configured retry quota" ("Retaining discarded records for a DynamoDB event source in Lambda",
# https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html), and
# BisectBatchOnFunctionError: "If the function returns an error, split the batch in two and
# retry" (AWS SDK for Kotlin API reference, EventSourceMappingConfiguration,
# https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/lambda/aws.sdk.kotlin.services.lambda.model/-event-source-mapping-configuration/bisect-batch-on-function-error.html). The function never
# returns an error for a record it cannot read (it logs and skips it), so a retry only follows a
# crash or a timeout; bisecting isolates the record behind it and the bounded retries let the
# shard move on instead of holding every later detection back for 24 hours (the stream's
# retention). A batch given up after its retries is not redelivered: its log lines
# and metrics were written on each attempt that got that far, and the function's Errors metric
# shows the failures (the alarm below watches the detections, the Lambda Errors alarm of a
# deployment's own monitoring the rest). LATEST: a new watcher reports from now on; the items it
# would replay are at most a day old and their uses long expired.
# The stream must carry both images of a modified item, NEW_AND_OLD_IMAGES ("Both the new and the
# old item images of the item are written to the stream", AWS CloudFormation,
# AWS::DynamoDB::GlobalTable StreamSpecification,
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-streamspecification.html):
# the function compares the old image's region and expiry with the new image's. The ARN does not
# say the view type, so the caller's table sets it (modules/client-table does for a global
# table); with another view no record has both images, the filter below lets none through, and
# nothing is ever counted.
resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn  = var.table_stream_arn
  function_name     = module.function.function_arn
  starting_position = "LATEST"

  batch_size                     = var.batch_size
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.maximum_retry_attempts
  maximum_record_age_in_seconds  = var.maximum_record_age_seconds

  filter_criteria {
    dynamic "filter" {
      for_each = local.filter_patterns

      content {
        pattern = filter.value
      }
    }
  }

  tags = var.tags

  lifecycle {
    # Known at plan time (the provider's Region): a watcher deployed where the service does not
    # run would report detections under a Region the service does not list.
    precondition {
      condition     = contains(var.service_regions, local.region)
      error_message = "service_regions (${join(", ", var.service_regions)}) does not list this module's Region, ${local.region}: give it every Region of the service, this one included."
    }
  }
}

################################################################################
# Alarm (docs/operations.md, "jti used in two Regions")
################################################################################

# JtiUsedInTwoRegions is published per kind (service + kind, docs/metrics.md); the alarm adds the
# three kinds up. FILL(x, 0) turns a kind without data into 0 so the sum is never blank ("Using
# math expressions with CloudWatch metrics", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html),
# and the metric is only sent on a detection, so missing data is a quiet period. One detection is
# one jti accepted twice: the threshold is 1.
resource "aws_cloudwatch_metric_alarm" "jti_used_in_two_regions" {
  count = var.monitoring.enabled ? 1 : 0

  alarm_name          = "${var.name}-jti-used-in-two-regions"
  alarm_description   = "The replay watcher ${local.function_name} found at least one jti (client assertion or DPoP proof) accepted in two Regions before the first use replicated (JtiUsedInTwoRegions, namespace ${local.metrics_namespace}): a replay inside the cross-Region window. Runbook: ${coalesce(var.monitoring.runbook_url, "docs/operations.md")}#jti-used-in-two-regions"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  threshold           = 1
  treat_missing_data  = "notBreaching"

  dynamic "metric_query" {
    for_each = local.kinds

    content {
      id          = "k${metric_query.key}"
      return_data = false

      metric {
        namespace   = local.metrics_namespace
        metric_name = "JtiUsedInTwoRegions"
        dimensions  = { service = local.function_name, kind = metric_query.value }
        period      = 300
        stat        = "Sum"
      }
    }
  }

  metric_query {
    id          = "total"
    expression  = join(" + ", [for i, kind in local.kinds : "FILL(k${i}, 0)"])
    label       = "jti used in two Regions"
    return_data = true
  }

  alarm_actions = compact([var.monitoring.alarm_topic_arn])
  ok_actions    = compact([var.monitoring.alarm_topic_arn])

  tags = var.tags
}

locals {
  # The kind dimension's values (functions/shared/replay-region.ts, REPLAY_KINDS).
  kinds = ["assertion", "dpop_token", "dpop_authorizer"]
}
