# Alarms and dashboard: the alarm shapes of modules/alarms, and which alarms the root module and modules/authorizer create for which inputs (terraform test, mock provider, plan only).
# The apply to moto_server and the read-back with the CloudWatch API are in terraform-examples.test.ts.

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

################################################################################
# modules/alarms: the three shapes (one metric, metric math, anomaly detection)
################################################################################

run "alarms_have_the_documented_metrics_thresholds_and_runbook_links" {
  command = plan

  module {
    source = "./modules/alarms"
  }

  variables {
    metrics_namespace = "orders-auth-metrics"
    alarm_actions     = ["arn:aws:sns:us-east-1:123456789012:oncall"]
    runbook_url       = "https://example.com/ops.md"
    token = {
      function_name             = "unit-test-token"
      timeout_seconds           = 15
      errors                    = 2
      throttles                 = 3
      duration_percent          = 80
      kms_throttles             = 4
      dynamodb_throttles        = 5
      invalid_client_band_width = 3
      tokens_issued_band_width  = 2.5
    }
    api = { name = "unit-test", stage = "v1", errors_5xx = 6 }
    authorizer = {
      function_name            = "unit-test-authorizer"
      revocation               = true
      errors                   = 7
      throttles                = 8
      revocation_read_failures = 9
    }
  }

  assert {
    condition = output.alarm_names == {
      token_errors             = "unit-test-token-errors"
      token_throttles          = "unit-test-token-throttles"
      token_duration           = "unit-test-token-duration"
      kms_throttles            = "unit-test-kms-throttles"
      dynamodb_throttles       = "unit-test-dynamodb-throttles"
      invalid_client_surge     = "unit-test-invalid-client-surge"
      tokens_issued_surge      = "unit-test-tokens-issued-surge"
      api_5xx_errors           = "unit-test-api-5xx-errors"
      authorizer_errors        = "unit-test-authorizer-errors"
      authorizer_throttles     = "unit-test-authorizer-throttles"
      revocation_read_failures = "unit-test-revocation-read-failures"
    }
    error_message = "Every part creates its alarms, named <name>-<key with hyphens>."
  }

  assert {
    condition = alltrue([for k, a in aws_cloudwatch_metric_alarm.this :
      endswith(a.alarm_description, " Runbook: https://example.com/ops.md#${replace(k, "_", "-")}") &&
      a.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:oncall"]) &&
      a.ok_actions == toset(["arn:aws:sns:us-east-1:123456789012:oncall"]) &&
      a.treat_missing_data == "notBreaching"
    ])
    error_message = "Every alarm links its runbook section and notifies the topic on ALARM and OK."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["token_errors"].namespace == "AWS/Lambda" &&
      aws_cloudwatch_metric_alarm.this["token_errors"].metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.this["token_errors"].dimensions == tomap({ FunctionName = "unit-test-token" }) &&
      aws_cloudwatch_metric_alarm.this["token_errors"].statistic == "Sum" &&
      aws_cloudwatch_metric_alarm.this["token_errors"].period == 300 &&
      aws_cloudwatch_metric_alarm.this["token_errors"].threshold == 2 &&
      aws_cloudwatch_metric_alarm.this["token_errors"].comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.this["token_throttles"].metric_name == "Throttles" &&
      aws_cloudwatch_metric_alarm.this["token_throttles"].threshold == 3 &&
      aws_cloudwatch_metric_alarm.this["authorizer_errors"].dimensions == tomap({ FunctionName = "unit-test-authorizer" }) &&
      aws_cloudwatch_metric_alarm.this["authorizer_throttles"].threshold == 8
    )
    error_message = "Lambda Errors and Throttles alarms watch the function's FunctionName dimension with a 5-minute Sum."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["token_duration"].metric_name == "Duration" &&
      aws_cloudwatch_metric_alarm.this["token_duration"].statistic == "Maximum" &&
      aws_cloudwatch_metric_alarm.this["token_duration"].threshold == 12000
    )
    error_message = "The duration alarm fires at duration_percent of the timeout, in milliseconds (80% of 15 s = 12000 ms)."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["api_5xx_errors"].namespace == "AWS/ApiGateway" &&
      aws_cloudwatch_metric_alarm.this["api_5xx_errors"].metric_name == "5XXError" &&
      aws_cloudwatch_metric_alarm.this["api_5xx_errors"].dimensions == tomap({ ApiName = "unit-test", Stage = "v1" }) &&
      aws_cloudwatch_metric_alarm.this["api_5xx_errors"].threshold == 6
    )
    error_message = "The 5xx alarm watches 5XXError of the API's stage (ApiName, Stage)."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["kms_throttles"].metric_name == null &&
      aws_cloudwatch_metric_alarm.this["kms_throttles"].threshold == 4 &&
      length(aws_cloudwatch_metric_alarm.this["kms_throttles"].metric_query) == 4 &&
      one([for q in aws_cloudwatch_metric_alarm.this["kms_throttles"].metric_query : q.expression if q.return_data]) == "FILL(op0, 0) + FILL(op1, 0) + FILL(op2, 0)" &&
      toset(flatten([for q in aws_cloudwatch_metric_alarm.this["kms_throttles"].metric_query : [for m in q.metric : m.dimensions.operation if m.metric_name == "AwsThrottlesByOperation" && m.namespace == "orders-auth-metrics" && m.dimensions.service == "unit-test-token"]])) == toset(["KMS.Sign", "KMS.GetPublicKey", "KMS.GenerateMac"]) &&
      toset(flatten([for q in aws_cloudwatch_metric_alarm.this["dynamodb_throttles"].metric_query : [for m in q.metric : m.dimensions.operation]])) == toset(["DynamoDB.GetItem", "DynamoDB.PutItem", "DynamoDB.UpdateItem"])
    )
    error_message = "The KMS and DynamoDB throttle alarms sum AwsThrottlesByOperation over their service's operations."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].comparison_operator == "GreaterThanUpperThreshold" &&
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].threshold_metric_id == "band" &&
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].threshold == null &&
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].evaluation_periods == 3 &&
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].datapoints_to_alarm == 2 &&
      one([for q in aws_cloudwatch_metric_alarm.this["invalid_client_surge"].metric_query : q.expression if q.id == "band"]) == "ANOMALY_DETECTION_BAND(m1, 3)" &&
      one(flatten([for q in aws_cloudwatch_metric_alarm.this["invalid_client_surge"].metric_query : [for m in q.metric : m.dimensions]])) == tomap({ service = "unit-test-token", error = "invalid_client" }) &&
      one([for q in aws_cloudwatch_metric_alarm.this["tokens_issued_surge"].metric_query : q.expression if q.id == "band"]) == "ANOMALY_DETECTION_BAND(m1, 2.5)"
    )
    error_message = "The surge alarms compare the metric with its anomaly detection band of band_width standard deviations."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["revocation_read_failures"].namespace == "orders-auth-metrics" &&
      aws_cloudwatch_metric_alarm.this["revocation_read_failures"].metric_name == "RevocationReadFailures" &&
      aws_cloudwatch_metric_alarm.this["revocation_read_failures"].dimensions == tomap({ service = "unit-test-authorizer" })
    )
    error_message = "The revocation read alarm watches the authorizer's RevocationReadFailures in the metrics namespace."
  }
}

run "a_static_threshold_replaces_the_anomaly_band" {
  command = plan

  module {
    source = "./modules/alarms"
  }

  variables {
    metrics_namespace = "unit-test"
    runbook_url       = "docs/operations.md"
    token = {
      function_name                   = "unit-test-token"
      timeout_seconds                 = 15
      errors                          = 1
      throttles                       = 1
      duration_percent                = 80
      kms_throttles                   = 1
      dynamodb_throttles              = 1
      invalid_client_band_width       = 3
      invalid_client_static_threshold = 50
      tokens_issued_band_width        = 3
      tokens_issued_static_threshold  = 5000
    }
  }

  assert {
    condition = (
      length(aws_cloudwatch_metric_alarm.this["invalid_client_surge"].metric_query) == 0 &&
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].metric_name == "TokenRequestsRejected" &&
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].dimensions == tomap({ service = "unit-test-token", error = "invalid_client" }) &&
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].threshold == 50 &&
      aws_cloudwatch_metric_alarm.this["invalid_client_surge"].comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.this["tokens_issued_surge"].threshold == 5000 &&
      aws_cloudwatch_metric_alarm.this["tokens_issued_surge"].threshold_metric_id == null
    )
    error_message = "A static threshold turns a surge alarm into a count per 5 minutes."
  }

  assert {
    condition     = toset(keys(output.alarm_names)) == toset(["token_errors", "token_throttles", "token_duration", "kms_throttles", "dynamodb_throttles", "invalid_client_surge", "tokens_issued_surge"])
    error_message = "Without api and authorizer, only the token alarms exist."
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : length(a.alarm_actions) == 0 && length(a.ok_actions) == 0])
    error_message = "Without alarm_actions the alarms notify nobody."
  }
}

################################################################################
# Root module: which alarms and whether a dashboard
################################################################################

run "root_watches_token_api_and_authorizer_by_default" {
  command = plan

  assert {
    condition = toset(keys(output.alarm_arns)) == toset([
      "token_errors", "token_throttles", "token_duration", "kms_throttles", "dynamodb_throttles",
      "invalid_client_surge", "tokens_issued_surge", "api_5xx_errors",
      "authorizer_errors", "authorizer_throttles", "revocation_read_failures",
    ])
    error_message = "The root module's defaults create every alarm: token, API, authorizer and revocation reads."
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 1 && aws_cloudwatch_dashboard.this[0].dashboard_name == "unit-test" && output.dashboard_name == "unit-test"
    error_message = "The dashboard is on by default and named after the module."
  }

  assert {
    condition = (
      output.metrics_namespace == "unit-test" &&
      module.token_endpoint.metrics_namespace == "unit-test" &&
      module.authorizer.metrics_namespace == "unit-test"
    )
    error_message = "Both functions publish to the namespace name by default."
  }
}

run "root_namespace_thresholds_and_modes" {
  command = plan

  variables {
    metrics_namespace = "Payments/Auth"
    rest_api_id       = "abc1234567"
    revocation_check  = false
    monitoring = {
      alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:oncall"
      dashboard       = false
      api_name        = "payments"
    }
  }

  assert {
    condition     = module.token_endpoint.metrics_namespace == "Payments/Auth" && module.authorizer.metrics_namespace == "Payments/Auth"
    error_message = "metrics_namespace reaches both functions."
  }

  assert {
    condition     = contains(keys(output.alarm_arns), "api_5xx_errors") && !contains(keys(output.alarm_arns), "revocation_read_failures") && length(output.alarm_arns) == 10
    error_message = "With rest_api_id and api_name the API is watched; without revocation_check there is no revocation read alarm."
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 0 && output.dashboard_name == null
    error_message = "monitoring.dashboard = false creates no dashboard."
  }
}

run "root_without_api_name_on_an_existing_api_has_no_5xx_alarm" {
  command = plan

  variables {
    rest_api_id = "abc1234567"
  }

  assert {
    condition     = !contains(keys(output.alarm_arns), "api_5xx_errors") && length(output.alarm_arns) == 10
    error_message = "An API given by rest_api_id without monitoring.api_name gets no 5xx alarm (its name is unknown)."
  }
}

run "root_monitoring_off" {
  command = plan

  variables {
    monitoring = { enabled = false }
  }

  assert {
    condition     = output.alarm_arns == {} && length(module.alarms) == 0 && length(aws_cloudwatch_dashboard.this) == 0
    error_message = "monitoring.enabled = false creates no alarm and no dashboard."
  }
}

################################################################################
# modules/authorizer alone
################################################################################

run "authorizer_alone_has_its_own_alarms" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    rest_api_id     = "other12345"
    issuer          = "https://auth.example.com"
    audience        = "orders-api"
    public_keys_pem = ["-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n"]
    revocation = {
      table_name = "unit-test-clients"
      table_arn  = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    }
    metrics_namespace = "orders"
    monitoring = {
      runbook_url = "https://example.com/ops.md"
      thresholds  = { errors = 3 }
    }
  }

  assert {
    condition     = toset(keys(output.alarm_arns)) == toset(["authorizer_errors", "authorizer_throttles", "revocation_read_failures"])
    error_message = "The authorizer alone watches its errors, throttles and revocation reads."
  }

  assert {
    condition     = output.metrics_namespace == "orders" && module.function.environment_variables["POWERTOOLS_METRICS_NAMESPACE"] == "orders"
    error_message = "metrics_namespace sets the authorizer's namespace."
  }
}

run "authorizer_alone_without_revocation_or_monitoring" {
  command = plan

  module {
    source = "./modules/authorizer"
  }

  variables {
    rest_api_id     = "other12345"
    issuer          = "https://auth.example.com"
    audience        = "orders-api"
    public_keys_pem = ["-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n"]
    monitoring      = { enabled = false }
  }

  assert {
    condition     = output.alarm_arns == {} && length(module.alarms) == 0
    error_message = "monitoring.enabled = false creates no authorizer alarm."
  }
}
