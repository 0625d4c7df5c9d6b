# HTTP API example: routes of an API Gateway HTTP API protected by API Gateway's native JWT
# authorizer, trusting the issuer and audience of the token service this root module creates.
# No Lambda authorizer runs for these routes; see docs/native-jwt-authorizers.md for what that
# gives up (revocation, usage plans, offline keys).

provider "aws" {}

locals {
  # Scopes each route requires: the token must hold at least one of them, else 403.
  # "Control access to HTTP APIs with JWT authorizers in API Gateway":
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
  route_scopes = {
    "GET /orders"  = ["orders:read"]
    "POST /orders" = ["orders:write"]
  }
}

################################################################################
# The token service
################################################################################

module "oauth" {
  source = "../.."

  name = var.name

  # HTTP API JWT authorizers accept RSA-based algorithms only (same page, "Authorizing API
  # requests with a JWT authorizer", step 3), so the key must be RSA whatever the module default.
  signing_algorithm = "RS256"

  scopes = {
    "orders:read"  = "Read orders"
    "orders:write" = "Create orders"
  }

  artifacts_dir             = var.artifacts_dir
  lambda_architecture       = var.lambda_architecture
  table_deletion_protection = var.table_deletion_protection

  tags = {
    Example = "http-api"
  }
}

################################################################################
# The HTTP API and its JWT authorizer
################################################################################

resource "aws_apigatewayv2_api" "orders" {
  name          = "${var.name}-orders"
  description   = "Orders HTTP API protected by a native JWT authorizer"
  protocol_type = "HTTP"

  tags = {
    Example = "http-api"
  }
}

# API Gateway reads {issuer}/.well-known/openid-configuration to find the jwks_uri; the token
# service serves it. The token's iss must equal issuer exactly, and its aud (or, without aud,
# client_id) must be one of audience.
resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.orders.id
  name             = "${var.name}-jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = module.oauth.issuer
    audience = [module.oauth.audience]
  }
}

resource "aws_apigatewayv2_integration" "backend" {
  api_id             = aws_apigatewayv2_api.orders.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = var.backend_url
}

resource "aws_apigatewayv2_route" "orders" {
  for_each = local.route_scopes

  api_id               = aws_apigatewayv2_api.orders.id
  route_key            = each.key
  target               = "integrations/${aws_apigatewayv2_integration.backend.id}"
  authorization_type   = "JWT"
  authorizer_id        = aws_apigatewayv2_authorizer.jwt.id
  authorization_scopes = each.value
}

# auto_deploy publishes every route change without a separate deployment resource.
resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.orders.id
  name        = "$default"
  auto_deploy = true

  tags = {
    Example = "http-api"
  }
}
