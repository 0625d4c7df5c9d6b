# modules/replay-watch (docs/multi-region.md, "The after-the-fact detector"): a role that reads one stream and nothing else, an event source mapping filtered to the single-use items with bounded retries, the alarm, and the inputs it refuses (terraform test, mock provider; moto has no event source mappings from DynamoDB streams to run).

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name             = "unit-test"
  table_stream_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients/stream/2026-12-08T00:00:00.000"
  service_regions  = ["eu-west-1", "us-east-1"]
}

run "reads_one_stream_and_nothing_else" {
  command = plan

  module {
    source = "./modules/replay-watch"
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.this.statement : s.sid] == ["ReadClientsTableStream", "WriteOwnLogs"]
    error_message = "The role has exactly two statements: the stream read and the own logs."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement : s.sid != "ReadClientsTableStream" || (
        toset(s.actions) == toset(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]) &&
        toset(s.resources) == toset([var.table_stream_arn]) &&
        s.effect == "Allow"
      )
    ])
    error_message = "The stream statement allows the four stream actions on the given stream only: no table action, no other stream."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement : s.sid != "WriteOwnLogs" || (
        toset(s.actions) == toset(["logs:CreateLogStream", "logs:PutLogEvents"]) &&
        toset(s.resources) == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/unit-test-replay-watch:*"])
      )
    ])
    error_message = "Logs only to the function's own log group."
  }

  assert {
    condition     = module.function.environment_variables == tomap({ POWERTOOLS_SERVICE_NAME = "unit-test-replay-watch", POWERTOOLS_METRICS_NAMESPACE = "unit-test", LOG_LEVEL = "INFO" })
    error_message = "The function gets its service name, the namespace (default: name) and the log level, nothing else."
  }
}

run "maps_the_stream_with_a_filter_and_bounded_retries" {
  command = plan

  module {
    source = "./modules/replay-watch"
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.event_source_arn == var.table_stream_arn &&
      aws_lambda_event_source_mapping.this.starting_position == "LATEST" &&
      aws_lambda_event_source_mapping.this.bisect_batch_on_function_error == true &&
      aws_lambda_event_source_mapping.this.maximum_retry_attempts == 3 &&
      aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds == 3600 &&
      aws_lambda_event_source_mapping.this.batch_size == 100
    )
    error_message = "The mapping reads the given stream from LATEST, bisects a failing batch and gives up after 3 retries or an hour."
  }

  assert {
    condition = toset([for f in one(aws_lambda_event_source_mapping.this.filter_criteria).filter : jsonencode(jsondecode(f.pattern))]) == toset([
      jsonencode({ dynamodb = { Keys = { client_id = { S = [{ prefix = "jti#" }] } }, OldImage = { region = { S = [{ exists = true }] } } } }),
      jsonencode({ dynamodb = { Keys = { client_id = { S = [{ prefix = "dpopjti#" }] } }, OldImage = { region = { S = [{ exists = true }] } } } }),
    ])
    error_message = "Two filters, ORed: a jti# or dpopjti# key whose old image names a Region (no INSERT, no client record, no revoked# item)."
  }

  assert {
    condition     = toset(output.filter_patterns) == toset([for f in one(aws_lambda_event_source_mapping.this.filter_criteria).filter : f.pattern])
    error_message = "filter_patterns shows the mapping's patterns."
  }
}

run "alarms_on_any_detection" {
  command = plan

  module {
    source = "./modules/replay-watch"
  }

  variables {
    metrics_namespace = "Auth"
    monitoring = {
      alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:alarms"
      runbook_url     = "https://example.com/docs/operations.md"
    }
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.jti_used_in_two_regions[0].alarm_name == "unit-test-jti-used-in-two-regions" &&
      aws_cloudwatch_metric_alarm.jti_used_in_two_regions[0].threshold == 1 &&
      aws_cloudwatch_metric_alarm.jti_used_in_two_regions[0].comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.jti_used_in_two_regions[0].treat_missing_data == "notBreaching" &&
      aws_cloudwatch_metric_alarm.jti_used_in_two_regions[0].alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:alarms"]) &&
      endswith(aws_cloudwatch_metric_alarm.jti_used_in_two_regions[0].alarm_description, "Runbook: https://example.com/docs/operations.md#jti-used-in-two-regions")
    )
    error_message = "One alarm at 1 detection, notifying the topic and linking its runbook section."
  }

  assert {
    condition = toset([
      for q in aws_cloudwatch_metric_alarm.jti_used_in_two_regions[0].metric_query : jsonencode(one(q.metric).dimensions) if length(q.metric) > 0
      ]) == toset([
      for kind in ["assertion", "dpop_token", "dpop_authorizer"] : jsonencode({ kind = kind, service = "unit-test-replay-watch" })
    ])
    error_message = "The alarm reads JtiUsedInTwoRegions under service + kind, for each of the three kinds."
  }

  assert {
    condition = alltrue([
      for q in aws_cloudwatch_metric_alarm.jti_used_in_two_regions[0].metric_query :
      length(q.metric) == 0 ? (q.expression == "FILL(k0, 0) + FILL(k1, 0) + FILL(k2, 0)" && q.return_data == true) : (one(q.metric).namespace == "Auth" && one(q.metric).metric_name == "JtiUsedInTwoRegions" && one(q.metric).stat == "Sum")
    ])
    error_message = "The alarm sums the three kinds' JtiUsedInTwoRegions in the given namespace."
  }
}

run "no_alarm_when_monitoring_is_off" {
  command = plan

  module {
    source = "./modules/replay-watch"
  }

  variables {
    monitoring = { enabled = false }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.jti_used_in_two_regions) == 0 && output.alarm_arns == {}
    error_message = "monitoring.enabled = false creates no alarm."
  }
}

run "refuses_a_single_region" {
  command = plan

  module {
    source = "./modules/replay-watch"
  }

  variables {
    service_regions = ["us-east-1"]
  }

  expect_failures = [var.service_regions]
}

run "refuses_regions_without_its_own" {
  command = plan

  module {
    source = "./modules/replay-watch"
  }

  variables {
    service_regions = ["eu-west-1", "ap-southeast-2"]
  }

  expect_failures = [aws_lambda_event_source_mapping.this]
}

run "refuses_a_table_arn_for_a_stream_arn" {
  command = plan

  module {
    source = "./modules/replay-watch"
  }

  variables {
    table_stream_arn       = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    maximum_retry_attempts = -1
  }

  expect_failures = [var.table_stream_arn, var.maximum_retry_attempts]
}
