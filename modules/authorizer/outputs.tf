# Outputs of the authorizer submodule.

output "authorizer_id" {
  description = "Id of the API Gateway authorizer; use it as authorizer_id with authorization = \"CUSTOM\" on protected methods."
  value       = aws_api_gateway_authorizer.this.id
}

output "function_name" {
  description = "Name of the authorizer function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the authorizer function."
  value       = module.function.function_arn
}

output "role_arn" {
  description = "ARN of the authorizer function's execution role."
  value       = module.function.role_arn
}

output "log_group_name" {
  description = "Name of the authorizer function's log group."
  value       = module.function.log_group_name
}

output "public_keys_pem" {
  description = "Public keys the authorizer trusts, as given in public_keys_pem (its configuration document holds them in this order)."
  value       = var.public_keys_pem
}

output "identity_source" {
  description = "Identity sources (the result cache key) of the REQUEST authorizer: the Authorization header, the method and the resource."
  value       = aws_api_gateway_authorizer.this.identity_source
}

output "deployment_triggers" {
  description = "Attributes of this submodule's API Gateway objects; include them in the API deployment's triggers."
  value = concat(
    [
      aws_api_gateway_authorizer.this.id,
      aws_api_gateway_authorizer.this.authorizer_uri,
      aws_api_gateway_authorizer.this.identity_source,
      aws_api_gateway_authorizer.this.type,
      tostring(aws_api_gateway_authorizer.this.authorizer_result_ttl_in_seconds),
    ],
    flatten([for k, r in aws_api_gateway_gateway_response.this : [k, r.status_code, jsonencode(r.response_parameters), jsonencode(r.response_templates)]]),
  )
}

output "usage_plans" {
  description = "Whether the authorizer returns each client's API key as usageIdentifierKey (usage plans on)."
  value       = var.usage_plans
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the authorizer's metrics (POWERTOOLS_METRICS_NAMESPACE; docs/metrics.md)."
  value       = local.metrics_namespace
}

output "alarm_arns" {
  description = "ARN of each alarm of the authorizer, by key (authorizer_errors, authorizer_throttles, and with revocation revocation_read_failures); {} with monitoring.enabled = false. docs/operations.md has a section per key."
  value       = var.monitoring.enabled ? module.alarms[0].alarm_arns : {}
}

output "authorizer_config" {
  description = "Where the authorizer's configuration (trusted keys and route map) is stored and how much room is left: tier (\"inline\": the AUTHORIZER_CONFIG variable; \"table\": an item of table_name, key config#sha256:<sha256>), encoded_bytes (base64 of its gzip; unknown until the keys are), sized_bytes (the size the tier is chosen by, each trusted key counted at its largest), limit_bytes (3072 inline, 544768 in the table, DynamoDB's 400 KB item) and remaining_bytes (limit_bytes - sized_bytes: room before the tier changes, or, in the table, before plans fail). docs/authorizer.md shows the arithmetic."
  value = {
    tier            = local.config_in_table ? "table" : "inline"
    encoded_bytes   = length(local.config_encoded)
    sized_bytes     = local.config_sized_bytes
    limit_bytes     = local.config_limit_bytes
    remaining_bytes = local.config_limit_bytes - local.config_sized_bytes
    table_name      = one(aws_dynamodb_table.config[*].name)
    sha256          = local.config_sha256
  }

  # The ceiling of the configuration's table item (config_table_limit_bytes in main.tf), counted
  # as the storage is chosen, each trusted key at its largest: the plan stops before anything is
  # created. Not a validation of route_scopes: one that read public_keys_pem would be skipped
  # whenever public_keys_pem is itself invalid.
  precondition {
    condition     = local.config_sized_bytes <= local.config_table_limit_bytes && local.config_sized_json_bytes <= local.config_max_json_bytes
    error_message = "route_scopes and public_keys_pem encode to ${local.config_sized_bytes} bytes (base64 of gzip, each trusted key counted at ${local.config_key_allowance_bytes} bytes), past the authorizer's ceiling of ${local.config_table_limit_bytes} bytes set by DynamoDB's 400 KB item limit, or to more than ${local.config_max_json_bytes} bytes of JSON (${local.config_sized_json_bytes}): split the API between two authorizers, or merge routes with ANY and greedy {proxy+} entries (docs/authorizer.md, \"Room\")."
  }
}

output "result_ttl_seconds" {
  description = "How long API Gateway caches the authorizer's decisions per token and route (0 with any dpop route)."
  value       = aws_api_gateway_authorizer.this.authorizer_result_ttl_in_seconds
}

output "dpop" {
  description = "DPoP at the authorizer (docs/dpop.md): dpop_routes (the routes whose sender constraint is dpop), replay_table_name (where proof jti items are recorded), allowed_hosts (the hosts a proof's htu may name), public_base_url (null unless set) and algorithms (the proof algorithms accepted, also the algs of the 401 challenge); null without the dpop input."
  value = var.dpop == null ? null : {
    dpop_routes       = sort(local.dpop_route_keys)
    replay_table_name = var.dpop.table_name
    allowed_hosts     = local.dpop_allowed_hosts
    public_base_url   = try(var.dpop.public_base_url, null)
    algorithms        = local.dpop_algorithms
  }
}
