# Outputs of the complete example.

output "rest_api_id" {
  description = "Id of the REST API."
  value       = module.oauth.rest_api_id
}

output "stage_name" {
  description = "Name of the stage."
  value       = module.oauth.stage_name
}

output "issuer" {
  description = "Issuer of the access tokens."
  value       = module.oauth.issuer
}

output "token_endpoint_url" {
  description = "URL of the token endpoint."
  value       = module.oauth.token_endpoint_url
}

output "jwks_url" {
  description = "URL of the JWKS."
  value       = module.oauth.jwks_url
}

output "hello_url" {
  description = "URL of the protected GET /hello route."
  value       = "${module.oauth.issuer}/hello"
}

output "hello_dpop_url" {
  description = "URL of the protected GET /hello/dpop route, which takes DPoP-bound tokens with a proof only (docs/dpop.md)."
  value       = "${module.oauth.issuer}/hello/dpop"
}

output "dpop_allowed_hosts" {
  description = "Hosts a DPoP proof's htu may name at the authorizer."
  value       = module.oauth.dpop_allowed_hosts
}

output "client_table_name" {
  description = "Name of the clients table (npm run create-client -- --table <name> ...)."
  value       = module.oauth.client_table_name
}

output "signing_key_arns" {
  description = "Map of signing key name to KMS key ARN."
  value       = module.oauth.signing_key_arns
}

output "active_signing_key_arn" {
  description = "ARN of the key that signs new tokens."
  value       = module.oauth.active_signing_key_arn
}

output "authorizer_id" {
  description = "Id of the JWT authorizer."
  value       = module.oauth.authorizer_id
}

output "token_function_name" {
  description = "Name of the token function."
  value       = module.oauth.token_function_name
}

output "authorizer_function_name" {
  description = "Name of the authorizer function."
  value       = module.oauth.authorizer_function_name
}

output "usage_plan_ids" {
  description = "Id of each usage plan, by name (for GetUsage and `clients usage`)."
  value       = module.oauth.usage_plan_ids
}

output "alarm_arns" {
  description = "ARN of each alarm of the service, by key; docs/operations.md has a section per key."
  value       = module.oauth.alarm_arns
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify on ALARM and OK."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "Name of the service's CloudWatch dashboard."
  value       = module.oauth.dashboard_name
}
