# Outputs of the http-api example.

output "http_api_id" {
  description = "Id of the orders HTTP API protected by the JWT authorizer."
  value       = aws_apigatewayv2_api.orders.id
}

output "http_api_endpoint" {
  description = "Invoke URL of the HTTP API's $default stage."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "jwt_authorizer_id" {
  description = "Id of the HTTP API's native JWT authorizer."
  value       = aws_apigatewayv2_authorizer.jwt.id
}

output "route_scopes" {
  description = "Map of route key to the authorization scopes it requires."
  value       = { for key, route in aws_apigatewayv2_route.orders : key => route.authorization_scopes }
}

output "rest_api_id" {
  description = "Id of the token service's REST API."
  value       = module.oauth.rest_api_id
}

output "stage_name" {
  description = "Stage of the token service's REST API."
  value       = module.oauth.stage_name
}

output "token_endpoint_url" {
  description = "Token endpoint of the token service."
  value       = module.oauth.token_endpoint_url
}

output "issuer" {
  description = "Issuer the JWT authorizer trusts (the token's iss)."
  value       = module.oauth.issuer
}

output "audience" {
  description = "Audience the JWT authorizer accepts (the token's aud)."
  value       = module.oauth.audience
}

output "client_table_name" {
  description = "Name of the clients table."
  value       = module.oauth.client_table_name
}
