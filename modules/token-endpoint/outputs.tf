# Outputs of the token-endpoint submodule.

output "function_name" {
  description = "Name of the token function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the token function."
  value       = module.function.function_arn
}

output "function_timeout" {
  description = "Timeout of the token function in seconds, as configured (the alarm on its duration is a share of it)."
  value       = module.function.timeout
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the token function's metrics (POWERTOOLS_METRICS_NAMESPACE; docs/metrics.md)."
  value       = local.metrics_namespace
}

output "reserved_concurrent_executions" {
  description = "Concurrent executions reserved for the token function; -1 when unreserved."
  value       = module.function.reserved_concurrent_executions
}

output "role_arn" {
  description = "ARN of the token function's execution role (the only principal the key policy lets sign)."
  value       = module.function.role_arn
}

output "signing_key_arn" {
  description = "ARN of the key the token function signs with, as configured in its environment."
  value       = module.function.environment_variables["SIGNING_KEY_ID"]
}

output "token_method_path" {
  description = "method_path of POST /oauth2/token for aws_api_gateway_method_settings (throttling)."
  value       = local.method_paths["token"]
}

output "method_paths" {
  description = "method_path for aws_api_gateway_method_settings of every route whose integration invokes the token function, by route: token, jwks, metadata, openid_configuration, and with revocation revoke and introspect (e.g. \"~1oauth2~1revoke/POST\"). Throttle each on the stage: token, revoke and introspect authenticate a client (argon2id), and every route holds one of the function's concurrent executions."
  value       = local.method_paths
}

output "deployment_triggers" {
  description = "Ids and URIs of this submodule's API Gateway resources; a change must trigger a new deployment."
  value = concat(
    [
      aws_api_gateway_resource.oauth2.id,
      aws_api_gateway_resource.token.id,
      aws_api_gateway_resource.well_known.id,
      aws_api_gateway_resource.jwks.id,
      aws_api_gateway_resource.metadata.id,
      aws_api_gateway_resource.openid_configuration.id,
    ],
    aws_api_gateway_resource.revoke[*].id,
    aws_api_gateway_resource.introspect[*].id,
    [for k in sort(keys(local.routes)) : aws_api_gateway_method.this[k].id],
    [for k in sort(keys(local.routes)) : aws_api_gateway_integration.this[k].id],
    [for k in sort(keys(local.routes)) : aws_api_gateway_integration.this[k].uri],
  )
}

output "authorizer_result_ttl_seconds" {
  description = "Authorizer cache TTL the token function knows: no token is issued with a shorter lifetime."
  value       = var.authorizer_result_ttl_seconds
}
