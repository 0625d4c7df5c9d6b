# Root module: OAuth 2.0 client credentials for API Gateway (clients table, KMS signing keys, token endpoint, authorizer, API deployment).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  create_api = var.rest_api_id == null

  # data.aws_region.current.id is the region name in provider 5.x and 6.x (`name` is deprecated in 6.x).
  region = data.aws_region.current.id

  rest_api_id      = local.create_api ? aws_api_gateway_rest_api.this[0].id : var.rest_api_id
  root_resource_id = local.create_api ? aws_api_gateway_rest_api.this[0].root_resource_id : data.aws_api_gateway_resource.root[0].id
  execution_arn    = "arn:${data.aws_partition.current.partition}:execute-api:${local.region}:${data.aws_caller_identity.current.account_id}:${local.rest_api_id}"

  # Built from the API id and stage name (not the stage's invoke_url) so the functions, which
  # need the issuer, do not depend on the deployment that depends on them.
  issuer   = coalesce(var.issuer, "https://${local.rest_api_id}.execute-api.${local.region}.${data.aws_partition.current.dns_suffix}/${var.stage_name}")
  audience = coalesce(var.audience, var.name)

  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/dist")
  # The release for each function: the same bucket and prefix, with only that function's (and the
  # manifest's) pinned object versions, the keys each function module accepts.
  artifacts_s3 = { for f in ["token", "authorizer", "replay-watch"] : f => var.artifacts_s3 == null ? null : merge(var.artifacts_s3, {
    object_versions = { for k, v in var.artifacts_s3.object_versions : k => v if contains([f, "manifest"], k) }
  }) }
  # A secondary Region of multi_region replicates the primary's keys and signs with its active
  # key (multi-region.tf); otherwise signing_keys and active_signing_key.
  signing_key_names  = local.mr_secondary ? var.multi_region.primary.signing_keys : var.signing_keys
  active_signing_key = local.mr_secondary ? var.multi_region.primary.active_signing_key : coalesce(var.active_signing_key, var.signing_keys[length(var.signing_keys) - 1])
  # Ordered as signing_keys, so the JWKS and the authorizer list keys in a stable order.
  signing_key_arns = [for k in local.signing_key_names : module.signing_key.key_arns[k]]
  public_keys_pem  = [for k in local.signing_key_names : module.signing_key.public_keys_pem[k]]

  tags = merge(var.tags, { OAuthService = var.name })

  # Both functions publish their metrics here (docs/metrics.md); the alarms and dashboard read it.
  metrics_namespace = coalesce(var.metrics_namespace, var.name)

  # 30 s with revocation, so that T + C + W = 30 + 10 + 20 = 60 s by default (docs/revocation.md).
  # 0 with any DPoP route: a cached decision would skip the proof and replay checks (variables.tf
  # refuses an explicit other value with a dpop route).
  dpop_routes                   = contains(values(var.route_sender_constraints), "dpop")
  authorizer_result_ttl_seconds = local.dpop_routes ? 0 : coalesce(var.authorizer_result_ttl_seconds, var.revocation_check ? 30 : 300)

  # The hosts a DPoP proof's htu may name (docs/dpop.md): by default the API's execute-api host
  # and, with an issuer of its own, the issuer's host: the token endpoint is <issuer>/oauth2/token
  # on this API, so that host is a custom domain mapped to it. Lower case and without :443, the
  # form the authorizer compares the Host header in.
  execute_api_host   = lower("${local.rest_api_id}.execute-api.${local.region}.${data.aws_partition.current.dns_suffix}")
  issuer_host        = var.issuer == null ? null : trimsuffix(lower(regex("^https://([^/?#]+)", var.issuer)[0]), ":443")
  dpop_allowed_hosts = coalesce(var.dpop.allowed_hosts, distinct(compact([local.execute_api_host, local.issuer_host])))
}

################################################################################
# REST API (created unless rest_api_id is given)
################################################################################

resource "aws_api_gateway_rest_api" "this" {
  count = local.create_api ? 1 : 0

  name        = var.name
  description = "OAuth 2.0 client credentials service ${var.name}"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  # The authorizer supplies each request's API key (usageIdentifierKey); x-api-key headers are not
  # read ("Choose an API key source in API Gateway",
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
  # Only with usage plans: without them the API keeps API Gateway's default, HEADER, so that an
  # upgrade does not silently change how keys of methods metered outside this module are read.
  api_key_source = length(var.usage_plans) > 0 ? "AUTHORIZER" : "HEADER"

  tags = local.tags
}

data "aws_api_gateway_resource" "root" {
  count = local.create_api ? 0 : 1

  rest_api_id = var.rest_api_id
  path        = "/"
}

################################################################################
# Clients table and signing keys
################################################################################

# None in a secondary Region whose table is a replica of the primary's global table
# (multi-region.tf, local.own_table): the replica has the same name and its own ARN.
module "client_table" {
  source = "./modules/client-table"
  count  = local.own_table ? 1 : 0

  # One name in every Region (a global table's replicas share it): a secondary takes the primary's.
  name                        = local.mr_secondary ? var.multi_region.primary.table_name : "${var.name}-clients"
  deletion_protection_enabled = var.table_deletion_protection
  kms_key_arn                 = var.table_kms_key_arn
  # Revoked-token and private_key_jwt replay-cache items both expire through TTL.
  ttl_enabled = true
  # In the primary Region of a multi-Region deployment: a replica in every other Region.
  replica_regions      = local.table_replica_regions
  replica_kms_key_arns = try(var.multi_region.replica_table_kms_key_arns, {})

  tags = local.tags
}

module "signing_key" {
  source = "./modules/signing-key"

  name      = var.name
  key_names = local.signing_key_names
  algorithm = local.signing_algorithm
  # multi_region (docs/multi-region.md): the primary creates the keys named in
  # multi_region_signing_keys as multi-Region keys; a secondary replicates the primary's.
  multi_region_key_names = local.mr_secondary ? [] : coalesce(var.multi_region_signing_keys, [])
  primary_key_arns       = local.mr_secondary ? var.multi_region.primary.signing_key_arns : {}
  # The primary's key administrators may replicate its multi-Region keys into these Regions only
  # (kms:ReplicateKey with kms:ReplicaRegion; docs/multi-region.md).
  replica_regions         = local.replica_regions
  deletion_window_in_days = var.signing_key_deletion_window_days
  key_administrators      = var.key_administrators
  # The role (not its policy) is created first; its policy then names the keys, so role,
  # key policy and role policy form no cycle, and KMS sees an existing principal.
  signer_role_arns = [module.token_endpoint.role_arn]

  tags = local.tags
}

################################################################################
# Token endpoint and authorizer
################################################################################

module "token_endpoint" {
  source = "./modules/token-endpoint"

  name             = var.name
  rest_api_id      = local.rest_api_id
  root_resource_id = local.root_resource_id
  execution_arn    = local.execution_arn

  issuer            = local.issuer
  audience          = local.audience
  token_ttl_seconds = var.token_ttl_seconds
  scopes_supported  = sort(keys(var.scopes))
  # No token lives shorter than a cached authorizer decision about it (docs/authorizer.md).
  authorizer_result_ttl_seconds     = local.authorizer_result_ttl_seconds
  revocation                        = var.revocation_check
  clock_skew_seconds                = var.clock_skew_seconds
  assertion_token_endpoint_audience = var.assertion_token_endpoint_audience
  dpop_iat_past_seconds             = var.dpop_iat_past_seconds
  dpop_iat_future_seconds           = local.dpop_iat_future_seconds
  dpop_nonce_key_arn                = try(module.dpop_nonce_key[0].key_arn, null)
  security_profile                  = var.security_profile
  table_name                        = local.table_name
  table_arn                         = local.table_arn
  signing_key_arns                  = local.signing_key_arns
  active_signing_key_arn            = module.signing_key.key_arns[local.active_signing_key]
  signing_algorithm                 = local.signing_algorithm
  log_level                         = var.log_level
  metrics_namespace                 = local.metrics_namespace
  # Every Region of multi_region ([] without it): SERVICE_REGIONS, the RFC 7009 fan-out and its
  # cross-Region PutItem of revoked# items (docs/multi-region.md).
  service_regions = local.function_service_regions

  artifacts_dir       = local.artifacts_dir
  artifacts_s3        = local.artifacts_s3["token"]
  lambda_architecture = var.lambda_architecture
  lambda_runtime      = var.lambda_runtime
  memory_size         = var.token_function_memory_size
  log_retention_days  = var.log_retention_days

  # Optional cap on the token function (issue 21). Reserving "both ensures that your function has
  # capacity to process the specified number of events simultaneously, and prevents it from scaling
  # beyond that level", and needs "at least 100 simultaneous executions unreserved for functions
  # that aren't configured with a per-function limit" (AWS Lambda API Reference,
  # "PutFunctionConcurrency", https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html),
  # so the default stays unreserved: a reservation can fail the apply in a small account, and it
  # takes capacity from every other function there. When Lambda throttles an integration, "the API
  # Gateway API might return an Internal server error" (AWS Knowledge Center, "How do I troubleshoot
  # issues for API Gateway endpoints that integrate with Lambda?",
  # https://repost.aws/knowledge-center/api-gateway-internal-server-error); the docs name no exact
  # status, so count it as a 5xx that clients cannot tell from a failure, unlike the stage throttles'
  # 429, and reserve more than the stage lets through at once (docs/cost-and-limits.md).
  reserved_concurrent_executions = var.token_function_reserved_concurrency

  tags = local.tags
}

module "authorizer" {
  source = "./modules/authorizer"

  name               = var.name
  rest_api_id        = local.rest_api_id
  issuer             = local.issuer
  audience           = local.audience
  public_keys_pem    = local.public_keys_pem
  signing_algorithm  = local.signing_algorithm
  route_scopes       = var.route_scopes
  result_ttl_seconds = local.authorizer_result_ttl_seconds
  # Sender constraints (docs/dpop.md): with a dpop route the authorizer records proof jtis in the
  # clients table, whose TTL (expires_at) removes them; IAM lets it write dpopjti# items only
  # (modules/authorizer, RecordDpopProofIds). Without one it gets no DPoP settings or write.
  route_sender_constraints = var.route_sender_constraints
  dpop = local.dpop_routes ? {
    table_name    = local.table_name
    table_arn     = local.table_arn
    allowed_hosts = local.dpop_allowed_hosts
    # Validated by modules/authorizer (and again by the function at cold start).
    public_base_url = var.dpop.public_base_url
  } : null
  clock_skew_seconds        = var.clock_skew_seconds
  verified_token_cache_size = var.verified_token_cache_size
  # The proof window of DPoP routes.
  dpop_iat_past_seconds   = var.dpop_iat_past_seconds
  dpop_iat_future_seconds = local.dpop_iat_future_seconds
  # ES256 and PS256 under the FAPI 2.0 profile, as at the token endpoint; else all.
  dpop_algorithms = local.dpop_algorithms
  revocation = var.revocation_check ? {
    table_name        = local.table_name
    table_arn         = local.table_arn
    cache_ttl_seconds = var.revocation_cache_ttl_seconds
    stale_seconds     = var.revocation_stale_seconds
  } : null
  usage_plans       = length(var.usage_plans) > 0
  log_level         = var.log_level
  metrics_namespace = local.metrics_namespace
  # Every Region of multi_region ([] without it): SERVICE_REGIONS (docs/multi-region.md).
  service_regions = local.function_service_regions
  # The authorizer's alarms come from its own module, as when it is used alone (monitoring.tf).
  monitoring = {
    enabled         = var.monitoring.enabled
    alarm_topic_arn = var.monitoring.alarm_topic_arn
    runbook_url     = var.monitoring.runbook_url
    thresholds = {
      errors                   = var.monitoring.thresholds.authorizer_errors
      throttles                = var.monitoring.thresholds.authorizer_throttles
      revocation_read_failures = var.monitoring.thresholds.revocation_read_failures
    }
  }

  artifacts_dir       = local.artifacts_dir
  artifacts_s3        = local.artifacts_s3["authorizer"]
  lambda_architecture = var.lambda_architecture
  lambda_runtime      = var.lambda_runtime
  memory_size         = var.authorizer_function_memory_size
  log_retention_days  = var.log_retention_days

  tags = local.tags
}

################################################################################
# Deployment, stage and throttling (only for the API the module creates)
################################################################################

locals {
  # Specific ids, URIs and templates, not whole resource objects: whole objects carry
  # attributes that read back differently and would force a new deployment on every plan.
  redeployment_trigger = sha1(jsonencode([
    module.token_endpoint.deployment_triggers,
    module.authorizer.deployment_triggers,
    var.redeployment_triggers,
  ]))
}

resource "aws_api_gateway_deployment" "this" {
  count = local.create_api ? 1 : 0

  rest_api_id = local.rest_api_id
  description = "Managed by Terraform (${var.name})"

  triggers = {
    redeployment = local.redeployment_trigger
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  count = local.create_api ? 1 : 0

  rest_api_id   = local.rest_api_id
  deployment_id = aws_api_gateway_deployment.this[0].id
  stage_name    = var.stage_name
  description   = "OAuth 2.0 client credentials service ${var.name}"

  tags = local.tags
}

locals {
  discovery_throttle = { rate_limit = var.discovery_rate_limit, burst_limit = var.discovery_burst_limit }

  # Limits of each route the token endpoint serves. Every route is throttled, not only the token
  # endpoint (issue 21): revoke and introspect authenticate a client with the same argon2id
  # verifications, and every route, the public documents too, holds one of the token function's
  # concurrent executions while it runs. A route the token endpoint adds without an entry here
  # fails every plan on the lookup below, and test/terraform/throttling.tftest.hcl fails too.
  route_throttle_limits = {
    token                = { rate_limit = var.token_rate_limit, burst_limit = var.token_burst_limit }
    revoke               = { rate_limit = var.revoke_rate_limit, burst_limit = var.revoke_burst_limit }
    introspect           = { rate_limit = var.introspect_rate_limit, burst_limit = var.introspect_burst_limit }
    jwks                 = local.discovery_throttle
    metadata             = local.discovery_throttle
    openid_configuration = local.discovery_throttle
  }

  # One entry per route whose integration invokes the token function (revoke and introspect only
  # with revocation_check), derived from the submodule's integrations rather than listed here.
  route_throttles = {
    for route, method_path in module.token_endpoint.method_paths :
    route => merge({ method_path = method_path }, local.route_throttle_limits[route])
  }
}

# Stage method throttling is what limits these routes for every caller: a usage plan throttles only
# requests that carry an API key, and these routes take none. Per-API, per-stage limits apply at the
# method level of a stage, each a token bucket (rate: tokens added per second; burst: the bucket's
# capacity), and a request over them may be answered 429 Too Many Requests before the function
# runs; they are "applied on a best-effort basis and should be thought of as targets rather than
# guaranteed request ceilings" ("Throttle requests to your REST APIs for better throughput in API
# Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
# Each entry is its own UpdateStage call on the same stage. The API Gateway docs are silent on
# concurrent updates of one stage; API Gateway may refuse one with ConflictException ("Unable to
# complete operation due to concurrent modification. Please try again later"), which provider 5.x
# retries for every API Gateway call (its internal/service/apigateway/service_package.go; see
# hashicorp/terraform-provider-aws#483), so the settings may be created in parallel.
resource "aws_api_gateway_method_settings" "this" {
  for_each = local.create_api ? local.route_throttles : {}

  rest_api_id = local.rest_api_id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  method_path = each.value.method_path

  settings {
    throttling_rate_limit  = each.value.rate_limit
    throttling_burst_limit = each.value.burst_limit
  }
}

################################################################################
# Usage plans: per-client throttling and quotas (docs/usage-plans.md)
################################################################################

locals {
  usage_plans_stage = local.create_api ? try(aws_api_gateway_stage.this[0].stage_name, var.stage_name) : coalesce(var.usage_plans_stage_name, var.stage_name)
}

# One plan per tier. A key is metered against the plan of the stage it is in: "a given API key can
# only be associated with one usage plan for each stage of an API", and "throttling and quota limits
# apply to requests for individual API keys that are aggregated across all API stages within a usage
# plan" ("Usage plans and API keys for REST APIs in API Gateway",
# https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
# The throttle is a token bucket: rate_limit is "the rate at which tokens are added to the token
# bucket" and burst_limit "the capacity of the token bucket" ("Throttle requests to your REST APIs",
# https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
resource "aws_api_gateway_usage_plan" "this" {
  for_each = var.usage_plans

  name        = "${var.name}-${each.key}"
  description = "Usage plan ${each.key} of the OAuth 2.0 client credentials service ${var.name}"

  api_stages {
    api_id = local.rest_api_id
    stage  = local.usage_plans_stage

    # Method overrides are keyed "/<resource path>/<METHOD>" (the provider's api_stages.throttle.path,
    # "for example /test/GET"); the API Reference (ApiStage.throttle) does not spell out the format.
    dynamic "throttle" {
      for_each = each.value.method_throttles

      content {
        path        = "${trimsuffix(split(" ", throttle.key)[1], "/")}/${split(" ", throttle.key)[0]}"
        rate_limit  = throttle.value.rate_limit
        burst_limit = throttle.value.burst_limit
      }
    }
  }

  throttle_settings {
    rate_limit  = each.value.rate_limit
    burst_limit = each.value.burst_limit
  }

  dynamic "quota_settings" {
    for_each = each.value.quota == null ? [] : [each.value.quota]

    content {
      limit  = quota_settings.value.limit
      period = quota_settings.value.period
      offset = quota_settings.value.offset
    }
  }

  tags = merge(local.tags, { UsagePlan = each.key })
}

# Where the clients CLI learns the plans: one reserved item in the clients table (its id has a
# '#', which no client id can have), so the CLI needs only --table. The CLI never creates plans.
resource "aws_dynamodb_table_item" "usage_plans" {
  count = length(var.usage_plans) > 0 ? 1 : 0

  table_name = local.table_name
  hash_key   = "client_id"

  item = jsonencode(merge({
    client_id   = { S = "config#usage-plans" }
    plans       = { M = { for k, p in aws_api_gateway_usage_plan.this : k => { S = p.id } } }
    rest_api_id = { S = local.rest_api_id }
    stage       = { S = local.usage_plans_stage }
    }, var.default_usage_plan == null ? {} : {
    default_plan = { S = var.default_usage_plan }
  }))
}
