# Outputs of the multi-region example.

output "issuer" {
  description = "The issuer of both Regions (the shared custom domain)."
  value       = module.oauth_primary.issuer
}

output "control_region" {
  description = "The Region admin writes (the clients CLI) go to."
  value       = module.oauth_primary.control_region
}

output "client_table_name" {
  description = "Name of the clients table, the same in both Regions."
  value       = module.oauth_primary.client_table_name
}

output "regions" {
  description = "Per Region: the REST API, stage, token and authorizer functions, the table's ARN there, the signing key ARN and the Route 53 health check."
  value = {
    (var.primary_region) = {
      rest_api_id              = module.oauth_primary.rest_api_id
      stage_name               = module.oauth_primary.stage_name
      token_function_name      = module.oauth_primary.token_function_name
      token_function_arn       = module.oauth_primary.token_function_arn
      authorizer_function_name = module.oauth_primary.authorizer_function_name
      client_table_arn         = module.oauth_primary.client_table_arn
      active_signing_key_arn   = module.oauth_primary.active_signing_key_arn
      health_check_id          = module.domain_primary.health_check_id
      health_check_fqdn        = module.domain_primary.health_check_fqdn
    }
    (var.secondary_region) = {
      rest_api_id              = module.oauth_secondary.rest_api_id
      stage_name               = module.oauth_secondary.stage_name
      token_function_name      = module.oauth_secondary.token_function_name
      token_function_arn       = module.oauth_secondary.token_function_arn
      authorizer_function_name = module.oauth_secondary.authorizer_function_name
      client_table_arn         = module.oauth_secondary.client_table_arn
      active_signing_key_arn   = module.oauth_secondary.active_signing_key_arn
      health_check_id          = module.domain_secondary.health_check_id
      health_check_fqdn        = module.domain_secondary.health_check_fqdn
    }
  }
}

output "zone_id" {
  description = "Id of the Route 53 hosted zone."
  value       = aws_route53_zone.this.zone_id
}

output "public_keys_pem" {
  description = "The public keys each Region's authorizer trusts, by Region (the same keys)."
  value = {
    (var.primary_region)   = module.oauth_primary.public_keys_pem
    (var.secondary_region) = module.oauth_secondary.public_keys_pem
  }
}
