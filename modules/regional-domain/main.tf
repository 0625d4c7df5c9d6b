# The service's shared custom domain in one Region (docs/multi-region.md): a Regional API Gateway domain name with this Region's certificate, mapped to the stage, and a Route 53 record that sends callers here while this Region's health check passes.

data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  # data.aws_region.current.id is the region name in provider 5.x and 6.x.
  region = data.aws_region.current.id
  # The Region's own execute-api host, not the shared name: the health check then tests this
  # Region alone, whatever DNS answers for the shared name.
  execute_api_host = "${var.rest_api_id}.execute-api.${local.region}.${data.aws_partition.current.dns_suffix}"
}

# A Regional custom domain needs "a Region-specific ACM certificate. This certificate must be in
# the same Region as your API" ("Set up a Regional custom domain name in API Gateway",
# https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html);
# the same domain name is created in every Region, each with its own certificate, as DNS failover
# between Regions requires ("An ACM certificate for that domain name in two AWS Regions",
# "Configure custom health checks for DNS failover for an API Gateway API",
# https://docs.aws.amazon.com/apigateway/latest/developerguide/dns-failover.html).
resource "aws_api_gateway_domain_name" "this" {
  domain_name              = var.domain_name
  regional_certificate_arn = var.certificate_arn
  security_policy          = "TLS_1_2"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags
}

# The stage at the root of the domain (no base path), so the issuer is https://<domain_name> and
# <issuer>/oauth2/token is the stage's /oauth2/token in every Region.
resource "aws_api_gateway_base_path_mapping" "this" {
  api_id      = var.rest_api_id
  stage_name  = var.stage_name
  domain_name = aws_api_gateway_domain_name.this.domain_name
}

# "When you choose Evaluate Target Health for an alias record, those records fail only when the
# API Gateway service is unavailable in the Region [...] To control DNS failover directly,
# configure custom Route 53 health checks for your API Gateway APIs" (dns-failover.html, above).
# HTTPS on the JWKS route of this Region's stage: it runs this Region's token function, so the
# check fails when API Gateway, the function or its KMS GetPublicKey fails here (the function keeps
# the public keys it read at cold start). Route 53 health checkers "in locations around the world"
# each send a request every request_interval seconds and the endpoint is unhealthy after
# failure_threshold consecutive failures ("How Amazon Route 53 determines whether a health check is
# healthy", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html);
# "several requests per second" may arrive together, within discovery_rate_limit's default of 20.
resource "aws_route53_health_check" "this" {
  type              = "HTTPS"
  fqdn              = local.execute_api_host
  port              = 443
  resource_path     = "/${var.stage_name}${var.health_check.path}"
  enable_sni        = true
  request_interval  = var.health_check.request_interval
  failure_threshold = var.health_check.failure_threshold
  regions           = var.health_check.regions

  tags = merge(var.tags, { Name = "${var.domain_name} ${local.region}" })
}

# Optional: a health check on a CloudWatch alarm of this Region, combined with the HTTPS check, so
# a Region whose token endpoint fails while its public documents answer (a disabled replica key:
# Sign fails, GetPublicKey answers from the cache) leaves DNS too. The dns-failover page above uses
# a CloudWatch alarm health check in the same way.
resource "aws_route53_health_check" "alarm" {
  count = var.health_check.alarm == null ? 0 : 1

  type                            = "CLOUDWATCH_METRIC"
  cloudwatch_alarm_name           = var.health_check.alarm.name
  cloudwatch_alarm_region         = local.region
  insufficient_data_health_status = "LastKnownStatus"

  tags = merge(var.tags, { Name = "${var.domain_name} ${local.region} alarm" })
}

resource "aws_route53_health_check" "combined" {
  count = var.health_check.alarm == null ? 0 : 1

  type                   = "CALCULATED"
  child_healthchecks     = [aws_route53_health_check.this.id, aws_route53_health_check.alarm[0].id]
  child_health_threshold = 2

  tags = merge(var.tags, { Name = "${var.domain_name} ${local.region} combined" })
}

# One record per Region, all with the shared name, told apart by set_identifier. Latency: Route 53
# answers with the healthy Region of lowest latency to the caller ("Values specific for latency
# alias records", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-latency-alias.html);
# failover: the PRIMARY record while it is healthy, else the SECONDARY. An alias record has no TTL
# of its own: "Amazon Route 53 uses the value of TTL for the alias target" (Route 53 API
# Reference, ResourceRecordSet, TTL,
# https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html).
resource "aws_route53_record" "this" {
  zone_id         = var.zone_id
  name            = var.domain_name
  type            = "A"
  set_identifier  = local.region
  health_check_id = var.health_check.alarm == null ? aws_route53_health_check.this.id : aws_route53_health_check.combined[0].id

  alias {
    name                   = aws_api_gateway_domain_name.this.regional_domain_name
    zone_id                = aws_api_gateway_domain_name.this.regional_zone_id
    evaluate_target_health = true
  }

  dynamic "latency_routing_policy" {
    for_each = var.routing == "latency" ? [1] : []

    content {
      region = local.region
    }
  }

  dynamic "failover_routing_policy" {
    for_each = var.routing == "latency" ? [] : [1]

    content {
      type = var.routing == "failover_primary" ? "PRIMARY" : "SECONDARY"
    }
  }
}
