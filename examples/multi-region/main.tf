# Multi-Region, active-active (docs/multi-region.md): the service in a primary and a secondary Region, one issuer at a shared custom domain, Route 53 latency records with a health check per Region.

# Provider 5.x has no per-resource region: one aliased provider per Region, and one module block
# per Region (a module cannot be repeated over providers with for_each). A third Region is a third
# provider, module "oauth_<region>" and module "domain_<region>" (docs/multi-region.md).
provider "aws" {
  alias  = "primary"
  region = var.primary_region
}

provider "aws" {
  alias  = "secondary"
  region = var.secondary_region
}

locals {
  regions = [var.primary_region, var.secondary_region]
  # One issuer in every Region: the shared custom domain, mapped to each Region's stage.
  issuer = "https://${var.domain_name}"

  # What both Regions share; each Region's instance has its own name (IAM roles are global).
  common = {
    issuer   = local.issuer
    audience = var.audience
    scopes = {
      "demo:read"  = "Read the demo resource"
      "demo:write" = "Change the demo resource"
    }
    route_scopes = {
      "GET /hello" = ["demo:read"]
    }
  }
}

################################################################################
# The service in each Region
################################################################################

module "oauth_primary" {
  source    = "../.."
  providers = { aws = aws.primary }

  name     = var.name
  issuer   = local.common.issuer
  audience = local.common.audience
  scopes   = local.common.scopes

  route_scopes = local.common.route_scopes

  # The control Region: admin writes go here; it owns the global table and the multi-Region keys.
  multi_region = {
    regions           = local.regions
    role              = "primary"
    table_replication = var.table_replication
  }
  multi_region_signing_keys = ["primary"]

  artifacts_dir             = var.artifacts_dir
  lambda_architecture       = var.lambda_architecture
  table_deletion_protection = var.table_deletion_protection

  tags = { Example = "multi-region" }
}

module "oauth_secondary" {
  source    = "../.."
  providers = { aws = aws.secondary }

  name     = "${var.name}-2"
  issuer   = local.common.issuer
  audience = local.common.audience
  scopes   = local.common.scopes

  route_scopes = local.common.route_scopes

  # Replicas of the primary's keys and (with a global table) its table; after the primary.
  multi_region = {
    regions           = local.regions
    role              = "secondary"
    table_replication = var.table_replication
    primary           = module.oauth_primary.multi_region_primary
  }

  artifacts_dir             = var.artifacts_dir
  lambda_architecture       = var.lambda_architecture
  table_deletion_protection = var.table_deletion_protection

  tags = { Example = "multi-region" }
}

################################################################################
# The shared custom domain: a certificate per Region, Route 53 records and health checks
################################################################################

resource "aws_route53_zone" "this" {
  provider = aws.primary

  name          = var.zone_name
  force_destroy = true
}

# A Regional custom domain needs a certificate in its own Region.
resource "aws_acm_certificate" "primary" {
  provider = aws.primary

  domain_name       = var.domain_name
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "secondary" {
  provider = aws.secondary

  domain_name       = var.domain_name
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

# DNS validation (validate_certificates): the validation records, then a wait until each
# certificate is ISSUED. Off by default because an emulator never issues a certificate. Keyed by
# domain name, which is known at plan time (the record names are not). The ACM docs do not say
# whether two Regions' certificates for one domain get the same validation record; in practice
# they do (hashicorp/terraform-provider-aws#13653), and if they did not, the record would get two
# values, which Route 53 refuses for a CNAME: the apply fails rather than validating one Region.
locals {
  validation_records = var.validate_certificates ? {
    for o in concat(tolist(aws_acm_certificate.primary.domain_validation_options), tolist(aws_acm_certificate.secondary.domain_validation_options)) :
    o.domain_name => { name = o.resource_record_name, type = o.resource_record_type, value = o.resource_record_value }...
  } : {}
}

resource "aws_route53_record" "validation" {
  provider = aws.primary
  for_each = local.validation_records

  zone_id         = aws_route53_zone.this.zone_id
  name            = each.value[0].name
  type            = each.value[0].type
  records         = distinct([for v in each.value : v.value])
  ttl             = 60
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "primary" {
  provider = aws.primary
  count    = var.validate_certificates ? 1 : 0

  certificate_arn         = aws_acm_certificate.primary.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

resource "aws_acm_certificate_validation" "secondary" {
  provider = aws.secondary
  count    = var.validate_certificates ? 1 : 0

  certificate_arn         = aws_acm_certificate.secondary.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

module "domain_primary" {
  source    = "../../modules/regional-domain"
  providers = { aws = aws.primary }

  domain_name     = var.domain_name
  certificate_arn = var.validate_certificates ? aws_acm_certificate_validation.primary[0].certificate_arn : aws_acm_certificate.primary.arn
  rest_api_id     = module.oauth_primary.rest_api_id
  stage_name      = module.oauth_primary.stage_name
  zone_id         = aws_route53_zone.this.zone_id
  routing         = var.routing == "latency" ? "latency" : "failover_primary"
  # The Region also leaves DNS while its API answers 5xx (a disabled replica key fails every token
  # request while the JWKS still answers).
  health_check = { alarm = var.alarm_health_checks ? { name = split(":alarm:", module.oauth_primary.alarm_arns["api_5xx_errors"])[1] } : null }
}

module "domain_secondary" {
  source    = "../../modules/regional-domain"
  providers = { aws = aws.secondary }

  domain_name     = var.domain_name
  certificate_arn = var.validate_certificates ? aws_acm_certificate_validation.secondary[0].certificate_arn : aws_acm_certificate.secondary.arn
  rest_api_id     = module.oauth_secondary.rest_api_id
  stage_name      = module.oauth_secondary.stage_name
  zone_id         = aws_route53_zone.this.zone_id
  routing         = var.routing == "latency" ? "latency" : "failover_secondary"
  health_check    = { alarm = var.alarm_health_checks ? { name = split(":alarm:", module.oauth_secondary.alarm_arns["api_5xx_errors"])[1] } : null }
}
