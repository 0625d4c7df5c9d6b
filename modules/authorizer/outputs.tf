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
  description = "Public keys the authorizer trusts, as configured in its environment."
  value       = jsondecode(module.function.environment_variables["PUBLIC_KEYS_PEM"])
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
