# Monitoring of the root module: the alarms of the token function and its API (modules/alarms) and one CloudWatch dashboard of the whole service; the authorizer's alarms come from modules/authorizer.

locals {
  token_service      = module.token_endpoint.function_name
  authorizer_service = module.authorizer.function_name

  # The API whose 5xx responses alarm: the one the module creates (named var.name), or with
  # rest_api_id the monitoring.api_name given; none without either.
  monitored_api = local.create_api || var.monitoring.api_name != null ? {
    name  = local.create_api ? aws_api_gateway_rest_api.this[0].name : var.monitoring.api_name
    stage = try(aws_api_gateway_stage.this[0].stage_name, var.stage_name)
  } : null
}

################################################################################
# Alarms
################################################################################

module "alarms" {
  source = "./modules/alarms"
  count  = var.monitoring.enabled ? 1 : 0

  name              = var.name
  metrics_namespace = local.metrics_namespace
  alarm_actions     = compact([var.monitoring.alarm_topic_arn])
  runbook_url       = coalesce(var.monitoring.runbook_url, "docs/operations.md")

  token = {
    function_name                   = local.token_service
    timeout_seconds                 = module.token_endpoint.function_timeout
    errors                          = var.monitoring.thresholds.token_errors
    throttles                       = var.monitoring.thresholds.token_throttles
    duration_percent                = var.monitoring.thresholds.token_duration_percent
    kms_throttles                   = var.monitoring.thresholds.kms_throttles
    dynamodb_throttles              = var.monitoring.thresholds.dynamodb_throttles
    invalid_client_band_width       = var.monitoring.thresholds.invalid_client_band_width
    invalid_client_static_threshold = var.monitoring.thresholds.invalid_client_static_threshold
    tokens_issued_band_width        = var.monitoring.thresholds.tokens_issued_band_width
    tokens_issued_static_threshold  = var.monitoring.thresholds.tokens_issued_static_threshold
  }

  api = local.monitored_api == null ? null : {
    name       = local.monitored_api.name
    stage      = local.monitored_api.stage
    errors_5xx = var.monitoring.thresholds.api_5xx_errors
  }

  tags = local.tags
}

locals {
  # A conditional, not try(): try() of a value still unknown at plan time is unknown as a whole,
  # and the keys of this map are known before apply.
  alarm_arns = merge(
    var.monitoring.enabled ? module.alarms[0].alarm_arns : {},
    module.authorizer.alarm_arns,
    # multi_region primary with a global table (multi-region.tf): one per replica Region.
    { for region, alarm in aws_cloudwatch_metric_alarm.replication_latency : "replication_latency_${region}" => alarm.arn },
    # multi_region with a global table: the replay watcher's (jti_used_in_two_regions).
    try(module.replay_watch[0].alarm_arns, {}),
  )
}

################################################################################
# Dashboard
################################################################################

locals {
  # The values each metric's dimension takes (docs/metrics.md).
  auth_methods       = ["client_secret_basic", "client_secret_post", "private_key_jwt"]
  token_error_codes  = ["invalid_client", "invalid_request", "invalid_scope", "invalid_target", "invalid_dpop_proof", "use_dpop_nonce", "unauthorized_client", "unsupported_grant_type", "invalid_grant", "temporarily_unavailable", "server_error"]
  aws_operations     = ["DynamoDB.GetItem", "DynamoDB.PutItem", "DynamoDB.UpdateItem", "KMS.Sign", "KMS.GetPublicKey", "KMS.GenerateMac"]
  decisions          = ["allow", "deny", "unauthorized"]
  unauthorized       = ["expired", "bad_signature", "unknown_kid", "wrong_audience", "wrong_issuer", "revoked", "disabled_client", "revocation_unavailable", "configuration_unavailable", "dpop_bound_as_bearer", "dpop_required", "dpop_invalid", "dpop_replayed", "dpop_replay_unavailable", "dpop_not_accepted", "malformed"]
  revocation_results = ["revoked", "not-a-token", "foreign-token", "expired"]
  introspections     = ["active", "inactive", "rejected"]

  # Each metric of a graph is [namespace, name, dimension name, value, ..., rendering options]
  # ("Dashboard Body Structure and Syntax", Metric Widget: Format for Each Metric in the Array,
  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
  ns = local.metrics_namespace

  # Every graph, in order; those whose metrics cannot exist here (no known API, no revocation)
  # are left out by the filter below.
  all_graphs = [
    {
      title = "Tokens issued, by client authentication method"
      stat  = "Sum"
      metrics = concat(
        [[local.ns, "TokensIssued", "service", local.token_service, { label = "all" }]],
        [for m in local.auth_methods : [local.ns, "TokensIssuedByAuthMethod", "service", local.token_service, "auth_method", m, { label = m }]],
      )
    },
    {
      title   = "Token requests rejected, by error"
      stat    = "Sum"
      metrics = [for e in local.token_error_codes : [local.ns, "TokenRequestsRejected", "service", local.token_service, "error", e, { label = e }]]
    },
    {
      title   = "Authorizer decisions"
      stat    = "Sum"
      metrics = [for d in local.decisions : [local.ns, "AuthorizerDecisions", "service", local.authorizer_service, "decision", d, { label = d }]]
    },
    {
      title   = "Authorizer 401s, by reason"
      stat    = "Sum"
      metrics = [for r in local.unauthorized : [local.ns, "AuthorizerUnauthorized", "service", local.authorizer_service, "reason", r, { label = r }]]
    },
    {
      title = "Token function steps: argon2 check, KMS Sign, DynamoDB read (ms)"
      stat  = "p99"
      # Each latency at p50 and p99 (setproduct, not flatten: flatten would also flatten each line).
      metrics = [for m in setproduct(["Argon2VerifyLatency", "KmsSignLatency", "DynamoDbReadLatency"], ["p50", "p99"]) :
        [local.ns, m[0], "service", local.token_service, { stat = m[1], label = "${m[0]} ${m[1]}" }]
      ]
    },
    {
      title = "Function duration (ms)"
      stat  = "p99"
      metrics = [
        ["AWS/Lambda", "Duration", "FunctionName", local.token_service, { stat = "p99", label = "token p99" }],
        ["AWS/Lambda", "Duration", "FunctionName", local.token_service, { stat = "Maximum", label = "token max" }],
        ["AWS/Lambda", "Duration", "FunctionName", local.authorizer_service, { stat = "p99", label = "authorizer p99" }],
      ]
      # The token function's timeout, where its duration alarm sits below.
      annotations = { horizontal = [{ label = "token timeout", value = module.token_endpoint.function_timeout * 1000 }] }
    },
    {
      title = "Throttles: Lambda, and the token function's AWS calls"
      stat  = "Sum"
      metrics = concat(
        [
          ["AWS/Lambda", "Throttles", "FunctionName", local.token_service, { label = "token function" }],
          ["AWS/Lambda", "Throttles", "FunctionName", local.authorizer_service, { label = "authorizer" }],
          [local.ns, "AwsThrottles", "service", local.token_service, { label = "AWS calls, all" }],
        ],
        [for op in local.aws_operations : [local.ns, "AwsThrottlesByOperation", "service", local.token_service, "operation", op, { label = op }]],
      )
    },
    {
      title = "Timeouts of the token function's AWS calls"
      stat  = "Sum"
      metrics = concat(
        [[local.ns, "AwsTimeouts", "service", local.token_service, { label = "all" }]],
        [for op in local.aws_operations : [local.ns, "AwsTimeoutsByOperation", "service", local.token_service, "operation", op, { label = op }]],
      )
    },
    {
      title = "Function errors"
      stat  = "Sum"
      metrics = [
        ["AWS/Lambda", "Errors", "FunctionName", local.token_service, { label = "token function" }],
        ["AWS/Lambda", "Errors", "FunctionName", local.authorizer_service, { label = "authorizer" }],
      ]
    },
    {
      show = local.monitored_api != null
      # Count is "The total number API requests in a given period", represented by SampleCount
      # (API Gateway Developer Guide, "Amazon API Gateway dimensions and metrics", above).
      title = "API ${try(local.monitored_api.name, "")} (stage ${try(local.monitored_api.stage, "")})"
      stat  = "Sum"
      metrics = [for m in ["Count", "4XXError", "5XXError"] : [
        "AWS/ApiGateway", m, "ApiName", try(local.monitored_api.name, ""), "Stage", try(local.monitored_api.stage, ""),
        { stat = m == "Count" ? "SampleCount" : "Sum", label = m == "Count" ? "requests" : m },
      ]]
    },
    {
      show  = var.revocation_check
      title = "Revocation and introspection requests, by outcome"
      stat  = "Sum"
      metrics = concat(
        [for o in local.revocation_results : [local.ns, "Revocations", "service", local.token_service, "outcome", o, { label = "revoke: ${o}" }]],
        [for o in local.introspections : [local.ns, "Introspections", "service", local.token_service, "outcome", o, { label = "introspect: ${o}" }]],
        [[local.ns, "RevocationFanOutFailures", "service", local.token_service, { label = "revoke: Regions not written" }]],
      )
    },
    {
      show  = var.revocation_check
      title = "Authorizer revocation-state reads"
      stat  = "Sum"
      metrics = [
        [local.ns, "RevocationCacheHits", "service", local.authorizer_service, { label = "cache hits" }],
        [local.ns, "RevocationReadFailures", "service", local.authorizer_service, { label = "read failures" }],
      ]
    },
  ]
  graphs = [for g in local.all_graphs : g if try(g.show, true)]

  # A metric widget needs type, position and size, and properties with its metrics; region is
  # the Region of the metrics, period in seconds (same page, Widgets Array Structure and
  # Properties of a Metric Widget Object). The graphs go two per row under the alarm status.
  graph_widgets = [for i, g in local.graphs : {
    type   = "metric"
    x      = (i % 2) * 12
    y      = 3 + floor(i / 2) * 6
    width  = 12
    height = 6
    properties = merge({
      title   = g.title
      view    = "timeSeries"
      stacked = false
      region  = local.region
      period  = 300
      stat    = g.stat
      metrics = g.metrics
    }, can(g.annotations) ? { annotations = g.annotations } : {})
  }]

  dashboard_widgets = concat([
    {
      type   = "text"
      x      = 0
      y      = 0
      width  = 6
      height = 3
      properties = {
        markdown = "## ${var.name}\nOAuth 2.0 client credentials. Runbook: ${coalesce(var.monitoring.runbook_url, "docs/operations.md")}. Metrics: docs/metrics.md (namespace ${local.metrics_namespace})."
      }
    },
    # An alarm status widget shows "An array of alarm ARNs to include in the widget", 1 to 100
    # (same page, Properties of an Alarm Status Widget Object); sortBy stateUpdatedTimestamp lists
    # alarms in ALARM first.
    {
      type   = "alarm"
      x      = 6
      y      = 0
      width  = 18
      height = 3
      properties = {
        title  = "Alarms (runbook: docs/operations.md)"
        alarms = sort(values(local.alarm_arns))
        sortBy = "stateUpdatedTimestamp"
      }
    },
  ], local.graph_widgets)
}

# One dashboard of the whole service. Dashboards are global, and a metric widget names its own
# Region ("AWS::CloudWatch::Dashboard": "All dashboards in your account are global, not
# region-specific", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-dashboard.html),
# so the name is the module's name, unique per account like the other global names it sets.
resource "aws_cloudwatch_dashboard" "this" {
  count = var.monitoring.enabled && var.monitoring.dashboard ? 1 : 0

  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
