# Outputs of the clients-as-code example.

output "client_ids" {
  description = "The declared clients' ids, by key: what each client team sends as client_id."
  value       = module.oauth.client_ids
}

output "client_api_key_ids" {
  description = "The ids of the declared clients' API keys, by key."
  value       = module.oauth.client_api_key_ids
}

output "client_table_name" {
  description = "Name of the clients table (npm run clients -- ... --table <name>)."
  value       = module.oauth.client_table_name
}

output "usage_plan_ids" {
  description = "Usage plan ids by name (import ids of usage plan keys: <plan id>/<API key id>)."
  value       = module.oauth.usage_plan_ids
}

output "rest_api_id" {
  description = "Id of the REST API (npm start -- --from-api <id>)."
  value       = module.oauth.rest_api_id
}

output "stage_name" {
  description = "Name of the stage."
  value       = module.oauth.stage_name
}

output "issuer" {
  description = "Issuer of the access tokens; private_key_jwt assertions use it as aud."
  value       = module.oauth.issuer
}

output "token_endpoint_url" {
  description = "URL of the token endpoint."
  value       = module.oauth.token_endpoint_url
}
