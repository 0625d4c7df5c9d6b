# modules/regional-domain (issue 27, docs/multi-region.md): the shared custom domain in one Region, its Route 53 health check and its latency or failover record, applied against the mock provider. moto_server stores health checks but never probes them, so health-based routing is shown here as wiring only.

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  domain_name     = "auth.example.com"
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  rest_api_id     = "abc123defg"
  stage_name      = "v1"
  zone_id         = "Z0123456789ABCDEFGHIJ"
}

run "latency_record_with_an_https_health_check_on_the_regions_own_host" {
  command = apply

  module {
    source = "./modules/regional-domain"
  }

  assert {
    condition     = aws_api_gateway_domain_name.this.domain_name == "auth.example.com" && aws_api_gateway_domain_name.this.regional_certificate_arn == var.certificate_arn && join(",", one(aws_api_gateway_domain_name.this.endpoint_configuration).types) == "REGIONAL" && aws_api_gateway_domain_name.this.security_policy == "TLS_1_2"
    error_message = "A Regional custom domain with this Region's certificate."
  }

  assert {
    condition     = aws_api_gateway_base_path_mapping.this.api_id == "abc123defg" && aws_api_gateway_base_path_mapping.this.stage_name == "v1" && aws_api_gateway_base_path_mapping.this.base_path == null
    error_message = "The stage is mapped at the root of the domain, so the issuer is https://auth.example.com."
  }

  assert {
    condition     = aws_route53_health_check.this.type == "HTTPS" && aws_route53_health_check.this.fqdn == "abc123defg.execute-api.us-east-1.amazonaws.com" && aws_route53_health_check.this.port == 443 && aws_route53_health_check.this.resource_path == "/v1/.well-known/jwks.json" && aws_route53_health_check.this.enable_sni && aws_route53_health_check.this.request_interval == 30 && aws_route53_health_check.this.failure_threshold == 3
    error_message = "The health check requests this Region's execute-api host (not the shared name), on the JWKS route of the stage, every 30 s, 3 failures."
  }

  assert {
    condition     = aws_route53_record.this.name == "auth.example.com" && aws_route53_record.this.type == "A" && aws_route53_record.this.set_identifier == "us-east-1" && one(aws_route53_record.this.latency_routing_policy).region == "us-east-1" && length(aws_route53_record.this.failover_routing_policy) == 0 && aws_route53_record.this.health_check_id == aws_route53_health_check.this.id
    error_message = "A latency record for this Region, tied to this Region's health check."
  }

  assert {
    condition     = one(aws_route53_record.this.alias).name == aws_api_gateway_domain_name.this.regional_domain_name && one(aws_route53_record.this.alias).zone_id == aws_api_gateway_domain_name.this.regional_zone_id && one(aws_route53_record.this.alias).evaluate_target_health && aws_route53_record.this.ttl == null
    error_message = "An alias to the Regional domain (no TTL of its own), also evaluating API Gateway's health in the Region."
  }

  assert {
    condition     = length(aws_route53_health_check.alarm) == 0 && length(aws_route53_health_check.combined) == 0 && output.url == "https://auth.example.com"
    error_message = "No alarm health check unless asked for."
  }
}

run "failover_records_and_an_alarm_combined_with_the_https_check" {
  command = apply

  module {
    source = "./modules/regional-domain"
  }

  variables {
    routing      = "failover_secondary"
    health_check = { request_interval = 10, failure_threshold = 2, alarm = { name = "oauth-2-api-5xx-errors" } }
  }

  assert {
    condition     = one(aws_route53_record.this.failover_routing_policy).type == "SECONDARY" && length(aws_route53_record.this.latency_routing_policy) == 0
    error_message = "failover_secondary makes a SECONDARY failover record."
  }

  assert {
    condition     = aws_route53_health_check.alarm[0].type == "CLOUDWATCH_METRIC" && aws_route53_health_check.alarm[0].cloudwatch_alarm_name == "oauth-2-api-5xx-errors" && aws_route53_health_check.alarm[0].cloudwatch_alarm_region == "us-east-1" && aws_route53_health_check.alarm[0].insufficient_data_health_status == "LastKnownStatus"
    error_message = "The alarm health check watches this Region's alarm."
  }

  assert {
    condition     = aws_route53_health_check.combined[0].type == "CALCULATED" && toset(aws_route53_health_check.combined[0].child_healthchecks) == toset([aws_route53_health_check.this.id, aws_route53_health_check.alarm[0].id]) && aws_route53_health_check.combined[0].child_health_threshold == 2 && aws_route53_record.this.health_check_id == aws_route53_health_check.combined[0].id
    error_message = "The record uses a calculated check that is healthy only while both the HTTPS check and the alarm are."
  }

  assert {
    condition     = aws_route53_health_check.this.request_interval == 10 && aws_route53_health_check.this.failure_threshold == 2
    error_message = "The interval and threshold can be chosen."
  }
}

run "failover_primary" {
  command = plan

  module {
    source = "./modules/regional-domain"
  }

  variables {
    routing = "failover_primary"
  }

  assert {
    condition     = one(aws_route53_record.this.failover_routing_policy).type == "PRIMARY"
    error_message = "failover_primary makes a PRIMARY failover record."
  }
}

run "refuses_a_bad_domain_routing_and_health_check" {
  command = plan

  module {
    source = "./modules/regional-domain"
  }

  variables {
    domain_name     = "https://auth.example.com/"
    certificate_arn = "arn:aws:iam::123456789012:server-certificate/x"
    routing         = "weighted"
    health_check    = { request_interval = 15, failure_threshold = 11, path = "jwks" }
  }

  expect_failures = [var.domain_name, var.certificate_arn, var.routing, var.health_check]
}
