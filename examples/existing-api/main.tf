# Existing-API example: an orders REST API of its own, protected by modules/authorizer alone,
# trusting the keys and issuer of a token service created by the root module.

provider "aws" {}

################################################################################
# The token service (in practice often another stack: pass its outputs in)
################################################################################

module "oauth" {
  source = "../.."

  name = var.name

  scopes = {
    "orders:read"  = "Read orders"
    "orders:write" = "Create orders"
  }

  artifacts_dir             = var.artifacts_dir
  lambda_architecture       = var.lambda_architecture
  table_deletion_protection = var.table_deletion_protection

  tags = {
    Example = "existing-api"
  }
}

################################################################################
# An API owned by this stack
################################################################################

resource "aws_api_gateway_rest_api" "orders" {
  name        = "${var.name}-orders"
  description = "Orders API protected by the OAuth authorizer"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

module "authorizer" {
  source = "../../modules/authorizer"

  name        = "${var.name}-orders"
  rest_api_id = aws_api_gateway_rest_api.orders.id

  issuer          = module.oauth.issuer
  audience        = module.oauth.audience
  public_keys_pem = module.oauth.public_keys_pem
  route_scopes = {
    "GET /orders"  = ["orders:read"]
    "POST /orders" = ["orders:write"]
  }
  result_ttl_seconds = 300

  artifacts_dir       = var.artifacts_dir
  lambda_architecture = var.lambda_architecture
  lambda_runtime      = "nodejs22.x"

  tags = {
    Example = "existing-api"
  }
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_method" "orders" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = module.authorizer.authorizer_id
}

resource "aws_api_gateway_integration" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  resource_id = aws_api_gateway_resource.orders.id
  http_method = aws_api_gateway_method.orders.http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  resource_id = aws_api_gateway_resource.orders.id
  http_method = aws_api_gateway_method.orders.http_method
  status_code = "200"

  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_integration_response" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  resource_id = aws_api_gateway_resource.orders.id
  http_method = aws_api_gateway_method.orders.http_method
  status_code = aws_api_gateway_method_response.orders.status_code

  response_templates = {
    "application/json" = "{\"orders\": [], \"client_id\": \"$context.authorizer.client_id\"}"
  }

  depends_on = [aws_api_gateway_integration.orders]
}

# This stack owns the deployment: it hashes its own route and the authorizer's objects.
resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  description = "Orders API"

  triggers = {
    redeployment = sha1(jsonencode([
      module.authorizer.deployment_triggers,
      aws_api_gateway_resource.orders.id,
      aws_api_gateway_method.orders.id,
      aws_api_gateway_integration.orders.id,
      aws_api_gateway_method_response.orders.id,
      aws_api_gateway_integration_response.orders.id,
      aws_api_gateway_integration_response.orders.response_templates,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "orders" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  deployment_id = aws_api_gateway_deployment.orders.id
  stage_name    = "v1"
}
