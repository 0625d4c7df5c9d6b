# Outputs of the root module.

################################################################################
# API Gateway
################################################################################

output "rest_api_id" {
  description = "Id of the REST API (created by the module, or the rest_api_id input)."
  value       = local.rest_api_id
}

output "rest_api_root_resource_id" {
  description = "Id of the REST API's root (/) resource, the parent for your own routes."
  value       = local.root_resource_id
}

output "rest_api_execution_arn" {
  description = "Execution ARN of the REST API, for Lambda permissions of your own integrations."
  value       = local.execution_arn
}

output "stage_name" {
  description = "Name of the stage the issuer points at: created by the module when it created the API, otherwise the stage you deploy to."
  value       = try(aws_api_gateway_stage.this[0].stage_name, var.stage_name)
}

output "stage_invoke_url" {
  description = "Invoke URL of the stage the module created; null with rest_api_id."
  value       = try(aws_api_gateway_stage.this[0].invoke_url, null)
}

output "deployment_id" {
  description = "Id of the deployment the module created; null with rest_api_id (you own the deployment)."
  value       = try(aws_api_gateway_deployment.this[0].id, null)
}

output "redeployment_trigger" {
  description = "Hash of the module's API Gateway objects; with rest_api_id, put it in your aws_api_gateway_deployment triggers."
  value       = local.redeployment_trigger
}

output "token_method_path" {
  description = "method_path of POST /oauth2/token for aws_api_gateway_method_settings; with rest_api_id, throttle it on your stage, and every other route of route_throttles."
  value       = module.token_endpoint.token_method_path
}

output "route_throttles" {
  description = "Stage method throttling of every route whose integration invokes the token function, by route (token, jwks, metadata, openid_configuration, and with revocation_check revoke and introspect): { method_path, rate_limit, burst_limit } from the *_rate_limit and *_burst_limit inputs. The module applies them to the stage it creates; with rest_api_id, create one aws_api_gateway_method_settings per entry on your stage (docs/deploy.md, Mode 1b)."
  value       = local.route_throttles
}

output "authorizer_id" {
  description = "Id of the JWT authorizer; protect a method with authorization = \"CUSTOM\" and this authorizer_id."
  value       = module.authorizer.authorizer_id
}

output "authorizer_result_ttl_seconds" {
  description = "How long API Gateway caches the authorizer's decisions (0 with any dpop route of route_sender_constraints)."
  value       = local.authorizer_result_ttl_seconds
}

output "dpop_allowed_hosts" {
  description = "Hosts a DPoP proof's htu may name at the authorizer (the dpop input, or its defaults); [] without a dpop route in route_sender_constraints (docs/dpop.md)."
  value       = local.dpop_routes ? local.dpop_allowed_hosts : []
}

################################################################################
# OAuth endpoints
################################################################################

output "issuer" {
  description = "Issuer (iss claim) of the access tokens."
  value       = local.issuer
}

output "audience" {
  description = "Default audience of the access tokens, accepted by the module's authorizer."
  value       = local.audience
}

output "token_endpoint_url" {
  description = "URL of the token endpoint (POST, client credentials grant)."
  value       = "${local.issuer}/oauth2/token"
}

output "jwks_url" {
  description = "URL of the JSON Web Key Set."
  value       = "${local.issuer}/.well-known/jwks.json"
}

output "metadata_url" {
  description = "URL of the RFC 8414 authorization server metadata, relative to the issuer (the same document as openid_configuration_url)."
  value       = "${local.issuer}/.well-known/oauth-authorization-server"
}

output "openid_configuration_url" {
  description = "URL of the discovery document that openid-client's default discovery and API Gateway's native JWT authorizers read: <issuer>/.well-known/openid-configuration."
  value       = "${local.issuer}/.well-known/openid-configuration"
}

################################################################################
# Keys and clients
################################################################################

output "public_keys_pem" {
  description = "Public keys (SPKI PEM) of every signing key, as trusted by the module's authorizer; pass them to modules/authorizer on other APIs."
  value       = module.authorizer.public_keys_pem
}

output "signing_key_arns" {
  description = "Map of signing key name to KMS key ARN."
  value       = module.signing_key.key_arns
}

output "signing_key_aliases" {
  description = "Map of signing key name to KMS alias."
  value       = module.signing_key.alias_names
}

output "active_signing_key_arn" {
  description = "ARN of the key the token function signs with, as configured in its environment."
  value       = module.token_endpoint.signing_key_arn
}

output "signing_key_administrators" {
  description = "ARNs that may manage the signing keys and change their key policy (key_administrators, or the principal that applied Terraform); see docs/threat-model.md."
  value       = module.signing_key.key_administrators
}

output "client_table_name" {
  description = "Name of the DynamoDB clients table (for scripts/create-client.ts --table)."
  value       = local.table_name
}

output "client_table_arn" {
  description = "ARN of the DynamoDB clients table."
  value       = local.table_arn
}

output "client_ids" {
  description = "The ids of the clients declared in clients, by key: what each client team sends as client_id."
  value       = { for key, client in module.clients : key => client.client_id }
}

output "client_api_key_ids" {
  description = "The ids of the API keys of the clients declared in clients, by key (null for a client without a usage plan). The keys' values are in state; they grant nothing alone (docs/usage-plans.md)."
  value       = { for key, client in module.clients : key => client.api_key_id }
}

################################################################################
# Functions
################################################################################

output "token_function_name" {
  description = "Name of the token function."
  value       = module.token_endpoint.function_name
}

output "token_function_arn" {
  description = "ARN of the token function."
  value       = module.token_endpoint.function_arn
}

output "token_role_arn" {
  description = "ARN of the token function's execution role."
  value       = module.token_endpoint.role_arn
}

output "authorizer_function_name" {
  description = "Name of the authorizer function."
  value       = module.authorizer.function_name
}

output "authorizer_function_arn" {
  description = "ARN of the authorizer function."
  value       = module.authorizer.function_arn
}

output "authorizer_config" {
  description = "Where the authorizer's configuration (trusted keys and route_scopes) is stored and the room left: tier (inline or table), encoded_bytes, sized_bytes, limit_bytes, remaining_bytes, table_name and sha256, as modules/authorizer's output of the same name describes (docs/authorizer.md)."
  value       = module.authorizer.authorizer_config
}

################################################################################
# Usage plans
################################################################################

output "usage_plan_ids" {
  description = "Id of each usage plan, by plan name ({} without usage_plans); for GetUsage and `clients usage`."
  value       = { for k, p in aws_api_gateway_usage_plan.this : k => p.id }
}

output "usage_plans_config_key" {
  description = "client_id of the clients-table item that tells the clients CLI the plan ids and the default plan; null without usage_plans."
  value       = try(jsondecode(aws_dynamodb_table_item.usage_plans[0].item).client_id.S, null)
}

################################################################################
# Monitoring
################################################################################

output "metrics_namespace" {
  description = "CloudWatch namespace of both functions' metrics (docs/metrics.md)."
  value       = local.metrics_namespace
}

output "alarm_arns" {
  description = "ARN of each alarm, by key: token_errors, token_throttles, token_duration, kms_throttles, dynamodb_throttles, invalid_client_surge, tokens_issued_surge, api_5xx_errors (when the API is known), authorizer_errors, authorizer_throttles and with revocation_check revocation_read_failures; in a multi_region deployment with a global table jti_used_in_two_regions, and in its primary replication_latency_<region> per replica Region; {} with monitoring.enabled = false. docs/operations.md has a section per key, its anchor the key with hyphens."
  value       = local.alarm_arns
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard of the service; null without it (monitoring.enabled or monitoring.dashboard false)."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

################################################################################
# Sender-constrained tokens and the FAPI 2.0 profile (docs/dpop.md, docs/fapi.md)
################################################################################

output "security_profile" {
  description = "The security profile the deployment runs: \"none\" or \"fapi2\" (docs/fapi.md)."
  value       = var.security_profile
}

output "signing_algorithm" {
  description = "The JWS algorithm access tokens are signed with (signing_algorithm, or its default: RS256, PS256 with security_profile = \"fapi2\")."
  value       = local.signing_algorithm
}

output "dpop_nonce_key_arn" {
  description = "ARN of the KMS HMAC key of the DPoP server nonces, or null when nonces are off (dpop_nonces)."
  value       = try(module.dpop_nonce_key[0].key_arn, null)
}

################################################################################
# Multi-Region (docs/multi-region.md)
################################################################################

output "multi_region_primary" {
  description = "In the primary instance of multi_region, what each secondary instance needs: pass it as multi_region.primary there. name, region, regions, issuer, audience, table_name, table_arns (the clients table's ARN in each Region: the replicas'), table_stream_arns (the stream of each Region's replica, which that Region's replay watcher reads), signing_keys, active_signing_key, signing_key_arns (the multi-Region keys, by name), single_region_keys (signing keys that are not multi-Region: a secondary refuses them), signing_algorithm, dpop_nonce_key_arn, security_profile and revocation_check (which every secondary must share). null elsewhere."
  value = local.mr_primary ? {
    name               = var.name
    region             = local.region
    regions            = var.multi_region.regions
    issuer             = local.issuer
    audience           = local.audience
    table_name         = local.table_name
    table_arns         = module.client_table[0].table_arns
    table_stream_arns  = module.client_table[0].stream_arns
    signing_keys       = local.signing_key_names
    active_signing_key = local.active_signing_key
    signing_key_arns   = { for k in module.signing_key.multi_region_key_names : k => module.signing_key.key_arns[k] }
    single_region_keys = [for k in local.signing_key_names : k if !contains(module.signing_key.multi_region_key_names, k)]
    signing_algorithm  = local.signing_algorithm
    dpop_nonce_key_arn = try(module.dpop_nonce_key[0].key_arn, null)
    security_profile   = var.security_profile
    revocation_check   = var.revocation_check
  } : null
}

output "service_regions" {
  description = "Every Region of the service (multi_region.regions), [] for a single-Region deployment: the functions' SERVICE_REGIONS."
  value       = local.service_regions
}

output "control_region" {
  description = "The Region admin writes go to (the primary's), as the config#regions item tells the clients CLI; this Region without multi_region."
  value       = local.control_region
}
