# Complete example: the module creates a REST API, and GET /hello on it is protected by scope demo:read.

provider "aws" {}

module "oauth" {
  source = "../.."

  name = var.name

  scopes = {
    "demo:read"  = "Read the demo resource"
    "demo:write" = "Change the demo resource"
  }
  route_scopes = {
    "GET /hello" = ["demo:read"]
  }

  artifacts_dir             = var.artifacts_dir
  lambda_architecture       = var.lambda_architecture
  table_deletion_protection = var.table_deletion_protection

  # Our own route lives on the module's API, so its deployment must include it.
  redeployment_triggers = [
    aws_api_gateway_resource.hello.id,
    aws_api_gateway_method.hello.id,
    aws_api_gateway_integration.hello.id,
    aws_api_gateway_method_response.hello.id,
    aws_api_gateway_integration_response.hello.id,
    jsonencode(aws_api_gateway_integration_response.hello.response_templates),
  ]

  tags = {
    Example = "complete"
  }
}

################################################################################
# GET /hello: a MOCK integration answering 200 JSON, behind the JWT authorizer
################################################################################

resource "aws_api_gateway_resource" "hello" {
  rest_api_id = module.oauth.rest_api_id
  parent_id   = module.oauth.rest_api_root_resource_id
  path_part   = "hello"
}

resource "aws_api_gateway_method" "hello" {
  rest_api_id   = module.oauth.rest_api_id
  resource_id   = aws_api_gateway_resource.hello.id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = module.oauth.authorizer_id
}

resource "aws_api_gateway_integration" "hello" {
  rest_api_id = module.oauth.rest_api_id
  resource_id = aws_api_gateway_resource.hello.id
  http_method = aws_api_gateway_method.hello.http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "hello" {
  rest_api_id = module.oauth.rest_api_id
  resource_id = aws_api_gateway_resource.hello.id
  http_method = aws_api_gateway_method.hello.http_method
  status_code = "200"

  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_integration_response" "hello" {
  rest_api_id = module.oauth.rest_api_id
  resource_id = aws_api_gateway_resource.hello.id
  http_method = aws_api_gateway_method.hello.http_method
  status_code = aws_api_gateway_method_response.hello.status_code

  # The authorizer's context reaches the backend: here it is echoed back.
  response_templates = {
    "application/json" = "{\"message\": \"hello\", \"client_id\": \"$context.authorizer.client_id\", \"scope\": \"$context.authorizer.scope\"}"
  }

  depends_on = [aws_api_gateway_integration.hello]
}
