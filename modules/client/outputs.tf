# Outputs of the client submodule.

output "client_id" {
  description = "The client's id: what the client team sends as client_id."
  value       = local.client_id
}

output "declaration_key" {
  description = "Partition key of the client's declaration item in the clients table (declared#<client_id>)."
  value       = "declared#${local.client_id}"
}

output "token_endpoint_auth_method" {
  description = "How the client authenticates. A secret method means the client has no secret until `npm run clients -- rotate-secret <client_id> --table <table>` gives it one."
  value       = local.auth_method
}

output "api_key_id" {
  description = "Id of the client's API key in API Gateway; null without a usage plan."
  value       = try(aws_api_gateway_api_key.this[0].id, null)
}
