# JWT REQUEST authorizer: Lambda with a logs-only role, the API Gateway authorizer (cached per token and route), its invoke permission and RFC 6750 gateway responses.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  function_name     = "${var.name}-authorizer"
  metrics_namespace = coalesce(var.metrics_namespace, var.name)

  # The cache key of the REQUEST authorizer: the token, and the route (method and resource), so a
  # cached decision is reused only for requests to the same route. For a REQUEST authorizer the
  # identity source "is a comma-separated string of one or more mapping expressions of the
  # specified request parameters ... These parameters will be used to derive the authorization
  # caching key" and a missing or empty one answers 401 without calling the function (API
  # Gateway API Reference, CreateAuthorizer identitySource,
  # https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html). Supported
  # parameter types "are Header, Query String, Stage Variable, and Context" (Developer Guide,
  # "Configure a Lambda authorizer using the API Gateway console"); $context.httpMethod and
  # $context.resourcePath are listed among the "$context Variables for data models, authorizers,
  # mapping templates, and CloudWatch access logging" (Developer Guide, "API Gateway mapping
  # template and access logging variable reference"). The docs list no subset of context
  # variables for identity sources. tools/local-server/local-authorizer.ts uses the same value.
  identity_source = "method.request.header.Authorization,context.httpMethod,context.resourcePath"
  artifacts_dir   = coalesce(var.artifacts_dir, "${path.module}/../../dist")
  # A release's <function>-<architecture>.zip when present, else the build's authorizer.zip.
  zip_path = fileexists("${local.artifacts_dir}/authorizer-${var.lambda_architecture}.zip") ? "${local.artifacts_dir}/authorizer-${var.lambda_architecture}.zip" : "${local.artifacts_dir}/authorizer.zip"

  # data.aws_region.current.id is the region name in provider 5.x and 6.x (`name` is deprecated in 6.x).
  region        = data.aws_region.current.id
  account_id    = data.aws_caller_identity.current.account_id
  execution_arn = "arn:${data.aws_partition.current.partition}:execute-api:${local.region}:${local.account_id}:${var.rest_api_id}"

  environment = merge({
    ISSUER                       = var.issuer
    AUDIENCE                     = var.audience
    PUBLIC_KEYS_PEM              = jsonencode(var.public_keys_pem)
    ROUTE_SCOPES                 = jsonencode(var.route_scopes)
    CLOCK_SKEW_SECONDS           = tostring(var.clock_skew_seconds)
    POWERTOOLS_SERVICE_NAME      = local.function_name
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
    LOG_LEVEL                    = var.log_level
    REVOCATION_CHECK             = var.revocation == null ? "false" : "true"
    USAGE_PLANS                  = var.usage_plans ? "true" : "false"
    }, var.revocation == null ? {} : {
    CLIENTS_TABLE                = var.revocation.table_name
    REVOCATION_CACHE_TTL_SECONDS = tostring(var.revocation.cache_ttl_seconds)
    REVOCATION_STALE_SECONDS     = tostring(var.revocation.stale_seconds)
  })

  # What the revocation read may see: the key, the client's status and tokens_not_before, and a
  # revoked item's expires_at; never secrets or other client settings. Keep in step with
  # AUTHORIZER_ATTRIBUTES in functions/authorizer/adapters/revocation-state-dynamodb.ts.
  # usage_key is the client's API key value (docs/usage-plans.md), which alone grants nothing.
  revocation_attributes = ["client_id", "status", "tokens_not_before", "expires_at", "usage_key"]

  # The 401/403 gateway responses: RFC 6750 §3 Bearer challenges (invalid_token, insufficient_scope)
  # with JSON bodies and Cache-Control: no-store. One definition: the local emulator
  # (tools/local-server/oauth-gateway-responses.ts) serves the same file. Header values are
  # static literals in single quotes, "'...'" ("x-amazon-apigateway-gateway-responses.responseParameters
  # object", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.responseParameters.html);
  # the templates are static JSON, not processed by VTL ("Gateway responses in API Gateway",
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html).
  gateway_responses = jsondecode(file("${path.module}/gateway-responses.json"))
}

################################################################################
# IAM
################################################################################

# The trusted keys arrive as PEMs in the environment, so without revocation the function needs no
# AWS API at all: only its own log group.
data "aws_iam_policy_document" "this" {
  # With revocation: one strongly consistent BatchGetItem per cache miss, restricted to the
  # attributes it needs. "ForAllValues:StringEquals" on dynamodb:Attributes allows a request only
  # when every attribute it names is listed, and "StringEqualsIfExists" on dynamodb:Select "prevents
  # the API action from returning any attributes that aren't allowed" (IAM User Guide, "Amazon
  # DynamoDB: Allows access to specific attributes",
  # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_dynamodb_attributes.html;
  # DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access control",
  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
  # So the role cannot read secret hashes, and cannot write at all.
  dynamic "statement" {
    for_each = var.revocation == null ? [] : [var.revocation]

    content {
      sid       = "ReadRevocationState"
      effect    = "Allow"
      actions   = ["dynamodb:BatchGetItem"]
      resources = [statement.value.table_arn]

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "dynamodb:Attributes"
        values   = local.revocation_attributes
      }

      condition {
        test     = "StringEqualsIfExists"
        variable = "dynamodb:Select"
        values   = ["SPECIFIC_ATTRIBUTES"]
      }

      # Never an item of the clients CLI's audit trail (audit#<time>#<random>, docs/audit.md):
      # dynamodb:LeadingKeys holds every key a BatchGetItem names, and ForAllValues:StringNotLike
      # refuses the request if one starts with audit# (same Developer Guide page). The function
      # reads a token's client and its revoked#<jti> item only.
      condition {
        test     = "ForAllValues:StringNotLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["audit#*"]
      }
    }
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
  description      = "JWT access token authorizer (REQUEST type, per route)"
  role_description = "Execution role of the ${local.function_name} JWT authorizer"
  policy_json      = data.aws_iam_policy_document.this.json

  filename      = local.zip_path
  artifact_name = "authorizer"
  artifacts_s3  = var.artifacts_s3
  runtime       = var.lambda_runtime
  architecture  = var.lambda_architecture
  memory_size   = var.memory_size
  timeout       = var.timeout

  environment_variables = local.environment

  # Lambda rejects environments above 4 KB; many keys or a large route map would hit it.
  preconditions = [{
    condition     = length(join("", [for k, v in local.environment : "${k}${v}"])) <= 4096
    error_message = "The authorizer's environment exceeds Lambda's 4 KB limit: trust fewer keys or shorten route_scopes."
    }, {
    # The key value is read with the revocation state; without that read there is no key to return.
    condition     = !var.usage_plans || var.revocation != null
    error_message = "usage_plans needs revocation: the authorizer reads each client's API key with its revocation state."
  }]

  log_retention_days = var.log_retention_days

  tags = var.tags
}

################################################################################
# API Gateway
################################################################################

resource "aws_api_gateway_authorizer" "this" {
  name                             = local.function_name
  rest_api_id                      = var.rest_api_id
  type                             = "REQUEST"
  authorizer_uri                   = module.function.invoke_arn
  identity_source                  = local.identity_source
  authorizer_result_ttl_in_seconds = var.result_ttl_seconds
}

resource "aws_lambda_permission" "this" {
  statement_id  = "AllowApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execution_arn}/authorizers/${aws_api_gateway_authorizer.this.id}"
}

resource "aws_api_gateway_gateway_response" "this" {
  for_each = var.create_gateway_responses ? local.gateway_responses : {}

  rest_api_id   = var.rest_api_id
  response_type = each.key
  status_code   = each.value.status_code

  response_parameters = each.value.response_parameters
  response_templates  = each.value.response_templates
}

################################################################################
# Alarms (docs/operations.md), also when the module is used alone
################################################################################

module "alarms" {
  source = "../alarms"
  count  = var.monitoring.enabled ? 1 : 0

  name              = var.name
  metrics_namespace = local.metrics_namespace
  alarm_actions     = compact([var.monitoring.alarm_topic_arn])
  runbook_url       = coalesce(var.monitoring.runbook_url, "docs/operations.md")

  authorizer = {
    function_name            = module.function.function_name
    revocation               = var.revocation != null
    errors                   = var.monitoring.thresholds.errors
    throttles                = var.monitoring.thresholds.throttles
    revocation_read_failures = var.monitoring.thresholds.revocation_read_failures
  }

  tags = var.tags
}
