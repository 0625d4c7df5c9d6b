# Outputs of the existing-api example.

output "rest_api_id" {
  description = "Id of the orders REST API protected by the authorizer."
  value       = aws_api_gateway_rest_api.orders.id
}

output "stage_name" {
  description = "Stage of the orders API."
  value       = aws_api_gateway_stage.orders.stage_name
}

output "orders_url" {
  description = "URL of the protected GET /orders route."
  value       = "${aws_api_gateway_stage.orders.invoke_url}/orders"
}

output "authorizer_id" {
  description = "Id of the orders API's authorizer."
  value       = module.authorizer.authorizer_id
}

output "authorizer_function_name" {
  description = "Name of the orders API's authorizer function."
  value       = module.authorizer.function_name
}

output "token_endpoint_url" {
  description = "Token endpoint of the token service."
  value       = module.oauth.token_endpoint_url
}

output "token_service_rest_api_id" {
  description = "Id of the token service's REST API."
  value       = module.oauth.rest_api_id
}

output "issuer" {
  description = "Issuer the authorizer expects."
  value       = module.oauth.issuer
}

output "client_table_name" {
  description = "Name of the clients table."
  value       = module.oauth.client_table_name
}

output "alarm_arns" {
  description = "ARN of each alarm of the token service, by key; docs/operations.md has a section per key."
  value       = module.oauth.alarm_arns
}

output "orders_authorizer_alarm_arns" {
  description = "ARN of each alarm of the orders API's authorizer (modules/authorizer used alone), by key."
  value       = module.authorizer.alarm_arns
}

output "dashboard_name" {
  description = "Name of the token service's CloudWatch dashboard."
  value       = module.oauth.dashboard_name
}
