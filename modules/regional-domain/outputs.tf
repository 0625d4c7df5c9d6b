# Outputs of the regional-domain submodule.

output "url" {
  description = "https://<domain_name>: the issuer every Region serves."
  value       = "https://${aws_api_gateway_domain_name.this.domain_name}"
}

output "regional_domain_name" {
  description = "API Gateway's Regional host for the custom domain in this Region (the alias target)."
  value       = aws_api_gateway_domain_name.this.regional_domain_name
}

output "health_check_id" {
  description = "Id of the Route 53 health check the record uses (the combined one with health_check.alarm)."
  value       = aws_route53_record.this.health_check_id
}

output "health_check_fqdn" {
  description = "The host the HTTPS health check requests: this Region's execute-api host."
  value       = aws_route53_health_check.this.fqdn
}

output "record_set_identifier" {
  description = "set_identifier of this Region's record (the Region name)."
  value       = aws_route53_record.this.set_identifier
}
