# Outputs of the token-endpoint submodule.

output "function_name" {
  description = "Name of the token function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the token function."
  value       = module.function.function_arn
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
  # API Gateway addresses a method setting as <resource path>/<method> with every "/" of the
  # resource path escaped as "~1"; the provider passes method_path through unchanged, so an
  # unescaped "oauth2/token/POST" would not address this method
  # (hashicorp/terraform-provider-aws#9738).
  value = "${replace(local.routes.token.path, "/", "~1")}/${local.routes.token.http_method}"
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
