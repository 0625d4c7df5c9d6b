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

  artifacts_dir      = coalesce(var.artifacts_dir, "${path.module}/dist")
  active_signing_key = coalesce(var.active_signing_key, var.signing_keys[length(var.signing_keys) - 1])
  # Ordered as signing_keys, so the JWKS and the authorizer list keys in a stable order.
  signing_key_arns = [for k in var.signing_keys : module.signing_key.key_arns[k]]
  public_keys_pem  = [for k in var.signing_keys : module.signing_key.public_keys_pem[k]]

  tags = merge(var.tags, { OAuthService = var.name })

  # 30 s with revocation, so that T + C + W = 30 + 10 + 20 = 60 s by default (docs/revocation.md).
  authorizer_result_ttl_seconds = coalesce(var.authorizer_result_ttl_seconds, var.revocation_check ? 30 : 300)
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

module "client_table" {
  source = "./modules/client-table"

  name                        = "${var.name}-clients"
  deletion_protection_enabled = var.table_deletion_protection
  kms_key_arn                 = var.table_kms_key_arn
  # Revoked-token and private_key_jwt replay-cache items both expire through TTL.
  ttl_enabled = true

  tags = local.tags
}

module "signing_key" {
  source = "./modules/signing-key"

  name                    = var.name
  key_names               = var.signing_keys
  algorithm               = var.signing_algorithm
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
  authorizer_result_ttl_seconds = local.authorizer_result_ttl_seconds
  revocation                    = var.revocation_check
  clock_skew_seconds            = var.clock_skew_seconds
  table_name                    = module.client_table.table_name
  table_arn                     = module.client_table.table_arn
  signing_key_arns              = local.signing_key_arns
  active_signing_key_arn        = module.signing_key.key_arns[local.active_signing_key]
  signing_algorithm             = var.signing_algorithm
  log_level                     = var.log_level

  artifacts_dir       = local.artifacts_dir
  artifacts_s3        = var.artifacts_s3
  lambda_architecture = var.lambda_architecture
  lambda_runtime      = var.lambda_runtime
  memory_size         = var.token_function_memory_size
  log_retention_days  = var.log_retention_days

  tags = local.tags
}

module "authorizer" {
  source = "./modules/authorizer"

  name               = var.name
  rest_api_id        = local.rest_api_id
  issuer             = local.issuer
  audience           = local.audience
  public_keys_pem    = local.public_keys_pem
  route_scopes       = var.route_scopes
  result_ttl_seconds = local.authorizer_result_ttl_seconds
  clock_skew_seconds = var.clock_skew_seconds
  revocation = var.revocation_check ? {
    table_name        = module.client_table.table_name
    table_arn         = module.client_table.table_arn
    cache_ttl_seconds = var.revocation_cache_ttl_seconds
    stale_seconds     = var.revocation_stale_seconds
  } : null
  log_level = var.log_level

  artifacts_dir       = local.artifacts_dir
  artifacts_s3        = var.artifacts_s3
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

# Method-level throttling on the stage is what limits POST /oauth2/token for every caller
# (a usage plan would only throttle requests that carry an API key).
resource "aws_api_gateway_method_settings" "token" {
  count = local.create_api ? 1 : 0

  rest_api_id = local.rest_api_id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  method_path = module.token_endpoint.token_method_path

  settings {
    throttling_rate_limit  = var.token_rate_limit
    throttling_burst_limit = var.token_burst_limit
  }
}
