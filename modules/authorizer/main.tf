# JWT REQUEST authorizer: Lambda with a least-privilege role, its configuration (inline, or in a small DynamoDB table past Lambda's 4 KB environment), the API Gateway authorizer (cached per token and route), its invoke permission and RFC 6750 gateway responses.

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
    CLOCK_SKEW_SECONDS           = tostring(var.clock_skew_seconds)
    VERIFIED_TOKEN_CACHE_SIZE    = tostring(var.verified_token_cache_size)
    POWERTOOLS_SERVICE_NAME      = local.function_name
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
    LOG_LEVEL                    = var.log_level
    REVOCATION_CHECK             = var.revocation == null ? "false" : "true"
    USAGE_PLANS                  = var.usage_plans ? "true" : "false"
    # A PEM does not say which of RS256 and PS256 an RSA key signs with; the deployment does.
    RSA_SIGNING_ALGORITHM = var.signing_algorithm == "PS256" ? "PS256" : "RS256"
    # The function refuses every DPoP request when this is not 0: a cached decision would let
    # later requests skip the proof and replay checks (docs/dpop.md, "No cached bypass").
    AUTHORIZER_RESULT_TTL_SECONDS = tostring(var.result_ttl_seconds)
    }, var.dpop == null ? {} : {
    DPOP_REPLAY_TABLE       = var.dpop.table_name
    DPOP_ALLOWED_HOSTS      = jsonencode(local.dpop_allowed_hosts)
    DPOP_IAT_PAST_SECONDS   = tostring(var.dpop_iat_past_seconds)
    DPOP_IAT_FUTURE_SECONDS = tostring(var.dpop_iat_future_seconds)
    DPOP_ALGORITHMS         = jsonencode(local.dpop_algorithms)
    }, try(var.dpop.public_base_url, null) == null ? {} : {
    DPOP_PUBLIC_BASE_URL = var.dpop.public_base_url
    }, var.revocation == null ? {} : {
    CLIENTS_TABLE                = var.revocation.table_name
    REVOCATION_CACHE_TTL_SECONDS = tostring(var.revocation.cache_ttl_seconds)
    REVOCATION_STALE_SECONDS     = tostring(var.revocation.stale_seconds)
    # The item's own attributes rather than locals, so the function is updated only after the
    # item it names exists (docs/authorizer.md, "What an apply does").
    }, local.config_in_table ? {
    AUTHORIZER_CONFIG_TABLE  = aws_dynamodb_table_item.config[0].table_name
    AUTHORIZER_CONFIG_SHA256 = trimprefix(jsondecode(aws_dynamodb_table_item.config[0].item).id.S, "config#sha256:")
    } : {
    AUTHORIZER_CONFIG = local.config_encoded
    }, length(var.service_regions) < 2 ? {} : {
    SERVICE_REGIONS = join(",", var.service_regions)
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
  gateway_responses_file = jsondecode(file("${path.module}/gateway-responses.json"))

  # With a DPoP route, every 401 also carries the static challenge DPoP algs="..." (RFC 9449 §7.1:
  # the "algs" auth-param lists the JWS algorithms the resource server accepts in proofs), after
  # the Bearer one in the same field, which RFC 9110 §11.6.1 allows ("a server MAY generate a
  # WWW-Authenticate header field with more than one challenge"). A gateway response belongs to the
  # REST API and a response type, not to a route or an authorizer: PutGatewayResponse "Creates a
  # customization of a GatewayResponse of a specified response type and status code on the given
  # RestApi" and takes restApiId and responseType as its only keys (API Gateway API Reference,
  # https://docs.aws.amazon.com/apigateway/latest/api/API_PutGatewayResponse.html). So the
  # challenge is all or nothing for the API: present when this
  # module has a dpop route, absent otherwise, where every DPoP request is refused and advertising
  # the scheme would only send clients down a path that fails (docs/dpop.md, "The 401 challenge").
  # The algs are those the function is told to accept (DPOP_ALGORITHMS, above): dpop_algorithms,
  # by default the verifier's own list, one definition with the function
  # (functions/shared/dpop-algorithms.json), kept in that list's order and each once. The emulator
  # applies the same rule (tools/local-server/oauth-gateway-responses.ts).
  dpop_algorithms_known = jsondecode(file("${path.module}/../../functions/shared/dpop-algorithms.json"))
  dpop_algorithms       = var.dpop_algorithms == null ? local.dpop_algorithms_known : [for alg in local.dpop_algorithms_known : alg if contains(var.dpop_algorithms, alg)]
  dpop_challenge        = "DPoP algs=\"${join(" ", local.dpop_algorithms)}\""
  gateway_responses = {
    for type, response in local.gateway_responses_file : type => type != "UNAUTHORIZED" || length(local.dpop_route_keys) == 0 ? response : merge(response, {
      response_parameters = merge(response.response_parameters, {
        "gatewayresponse.header.WWW-Authenticate" = "'${trim(response.response_parameters["gatewayresponse.header.WWW-Authenticate"], "'")}, ${local.dpop_challenge}'"
      })
    })
  }

  # The hosts a DPoP proof's htu may name; by default the API's execute-api host.
  dpop_allowed_hosts = var.dpop == null ? [] : coalesce(try(var.dpop.allowed_hosts, null), [lower("${var.rest_api_id}.execute-api.${local.region}.${data.aws_partition.current.dns_suffix}")])
}

################################################################################
# Configuration: trusted keys and route map (docs/authorizer.md, "Where the configuration lives")
################################################################################

locals {
  # One JSON document, the format functions/authorizer/core/config-document.ts reads; jsonencode
  # sorts object keys, so the same inputs always give the same text and digest.
  config_json = jsonencode({ format = 1, keys = var.public_keys_pem, routes = local.config_routes })
  # The route map: a plain scope list per route, as before, and {"scopes": [...], "dpop": true}
  # for a DPoP route (functions/authorizer/core/route-map.ts). merge() of the two maps gives an
  # object whose values may differ in type, which a conditional inside one for expression cannot.
  dpop_route_keys = [for route, constraint in var.route_sender_constraints : route if constraint == "dpop"]
  config_routes = merge(
    { for route, scopes in var.route_scopes : route => scopes if !contains(local.dpop_route_keys, route) },
    { for route in local.dpop_route_keys : route => { scopes = var.route_scopes[route], dpop = true } },
  )
  # "base64gzip compresses a string with gzip and then encodes the result in Base64 encoding ...
  # this function will first encode the characters from the string as UTF-8, then apply gzip
  # compression, and then finally apply Base64 encoding" (Terraform, "base64gzip Function",
  # https://developer.hashicorp.com/terraform/language/functions/base64gzip); the function
  # reverses it with node:zlib.
  config_encoded = base64gzip(local.config_json)
  # "sha256 computes the SHA256 hash of a given string and encodes it with hexadecimal digits. The
  # given string is first encoded as UTF-8" (Terraform, "sha256 Function",
  # https://developer.hashicorp.com/terraform/language/functions/sha256): the digest of the bytes
  # the function inflates, pinned in its environment.
  config_sha256 = sha256(local.config_json)

  # Keep in step with functions/shared/limits.ts (test/terraform/limits.test.ts compares them).
  # AUTHORIZER_CONFIG_INLINE_LIMIT_BYTES: Lambda allows "4 KB, for all environment variables
  # associated with the function, in aggregate" (AWS Lambda Developer Guide, "Lambda quotas",
  # https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); 1 KB stays for the
  # other variables.
  config_inline_limit_bytes = 3072
  # AUTHORIZER_CONFIG_TABLE_LIMIT_BYTES: "The maximum item size in DynamoDB is 400 KB, which
  # includes both attribute name binary length (UTF-8 length) and attribute value lengths" (Amazon
  # DynamoDB Developer Guide, "Constraints in Amazon DynamoDB",
  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html), and a binary
  # value counts its raw bytes, not its base64 ("DynamoDB item sizes and formats",
  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
  # (409,600 - 1,024 for the key and attribute names) x 4/3.
  config_table_limit_bytes = 544768
  # AUTHORIZER_CONFIG_KEY_ALLOWANCE_BYTES: a trusted key at its largest (an RSA-4096 PEM, base64
  # without any compression), and AUTHORIZER_CONFIG_MAX_JSON_BYTES, where the function stops
  # inflating.
  config_key_allowance_bytes = 1100
  config_max_json_bytes      = 8388608

  # The size the storage is chosen by, known at plan time even when the keys are not (the root
  # module's first plan, before KMS has made them): the routes as encoded, plus each key at its
  # largest. It is never below the real encoded size, so an inline document always fits.
  config_sized_bytes      = length(base64gzip(jsonencode({ format = 1, keys = [], routes = local.config_routes }))) + length(var.public_keys_pem) * local.config_key_allowance_bytes
  config_sized_json_bytes = length(jsonencode({ format = 1, keys = [], routes = local.config_routes })) + length(var.public_keys_pem) * local.config_key_allowance_bytes
  config_in_table         = local.config_sized_bytes > local.config_inline_limit_bytes
  config_limit_bytes      = local.config_in_table ? local.config_table_limit_bytes : local.config_inline_limit_bytes

  config_table_name = "${var.name}-authorizer-config"
  # Built from names, like the log group's ARN, so the role policy is known at plan time.
  config_table_arn = "arn:${data.aws_partition.current.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.config_table_name}"
}

# Past the inline limit: a small on-demand table that holds only this authorizer's configuration
# items, which only Terraform writes and only the function reads.
resource "aws_dynamodb_table" "config" {
  count = local.config_in_table ? 1 : 0

  name         = local.config_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  tags = var.tags
}

# Changes with the document's digest, and replaces the item when it does (below).
resource "terraform_data" "config_digest" {
  count = local.config_in_table ? 1 : 0

  input = local.config_sha256
}

# The document, under a key that names its digest: config#sha256:<hex>. B (binary) values are
# written as base64 in the item's JSON ("A binary value must be encoded in base64 format before it
# can be sent to DynamoDB", "DynamoDB item sizes and formats", above), which base64gzip already is.
resource "aws_dynamodb_table_item" "config" {
  count = local.config_in_table ? 1 : 0

  table_name = aws_dynamodb_table.config[0].name
  hash_key   = aws_dynamodb_table.config[0].hash_key
  item = jsonencode({
    id     = { S = "config#sha256:${local.config_sha256}" }
    config = { B = local.config_encoded }
  })

  lifecycle {
    # A new digest replaces the item rather than updating it in place (the provider's in-place
    # update of a key deletes the old item at once). With create_before_destroy "the new
    # replacement object is created first, and the prior object is destroyed after the
    # replacement is created" (Terraform, "The lifecycle Meta-Argument",
    # https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle), after the
    # function that depends on it has been updated: containers still running the old environment
    # keep finding their item until the new environment is in place.
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.config_digest[count.index]]
  }
}

################################################################################
# IAM
################################################################################

# With an inline configuration and without revocation the function needs no AWS API at all: only
# its own log group.
data "aws_iam_policy_document" "this" {
  # Past the inline limit: GetItem on its own configuration table, nothing else there. The table
  # holds only this authorizer's configuration items, none of them secret.
  dynamic "statement" {
    for_each = local.config_in_table ? [local.config_table_arn] : []

    content {
      sid       = "ReadOwnConfiguration"
      effect    = "Allow"
      actions   = ["dynamodb:GetItem"]
      resources = [statement.value]
    }
  }

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

  # With DPoP: each proof's jti is recorded once (RFC 9449 §11.1) by a conditional PutItem of a
  # `dpopjti#<digest>` item, and nothing else: dynamodb:LeadingKeys holds the item's partition key
  # and ForAllValues:StringLike allows only that prefix, so the role cannot write a client record,
  # a revoked# item or the token function's jti# items. ForAllValues holds vacuously when the key
  # is absent, so its presence is required too ("Set operators for multivalued context keys", IAM
  # User Guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html);
  # the same pattern as the token role's RecordAssertionIds (modules/token-endpoint/main.tf). The
  # condition expression needs no read permission.
  dynamic "statement" {
    for_each = var.dpop == null ? [] : [var.dpop]

    content {
      sid       = "RecordDpopProofIds"
      effect    = "Allow"
      actions   = ["dynamodb:PutItem"]
      resources = [statement.value.table_arn]

      condition {
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["dpopjti#*"]
      }

      condition {
        test     = "Null"
        variable = "dynamodb:LeadingKeys"
        values   = ["false"]
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

  # Lambda rejects environments above 4 KB. The configuration moves to a table well before, so
  # only very long other values (issuer, audience, name) can reach the limit.
  preconditions = [{
    condition     = length(join("", [for k, v in local.environment : "${k}${v}"])) <= 4096
    error_message = "The authorizer's environment exceeds Lambda's 4 KB limit: shorten issuer, audience or name."
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

# A warning, not an error, between 90% and 100% of the ceiling: the plan goes on and says the
# ceiling is near (past it, the authorizer_config output's precondition fails the plan).
check "config_room" {
  assert {
    condition     = local.config_sized_bytes <= local.config_table_limit_bytes * 0.9 || local.config_sized_bytes > local.config_table_limit_bytes
    error_message = "The authorizer's configuration takes ${local.config_sized_bytes} of its ${local.config_table_limit_bytes} bytes (over 90% of the ceiling set by DynamoDB's 400 KB item limit); plans fail past it (docs/authorizer.md, \"Room\")."
  }
}
