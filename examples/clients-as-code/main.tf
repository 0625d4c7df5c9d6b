# Clients as code: two OAuth clients declared in Terraform, one private_key_jwt (only its public key is declared) and one secret client (whose secret the clients CLI sets), each with an API key in a usage plan; GET /hello needs demo:read.

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

  usage_plans = {
    standard = { rate_limit = 100, burst_limit = 200 }
    premium  = { rate_limit = 1000, burst_limit = 2000 }
  }
  default_usage_plan = "standard"

  # Reviewed like any other change: who may call which API is in the code.
  clients = {
    # A key client: its team made the key pair and sent the public key; no secret exists. It can
    # get tokens as soon as this is applied.
    orders = {
      name        = "Orders service"
      scopes      = ["demo:read"]
      public_keys = [file(var.orders_public_key_file)]
      usage_plan  = "premium"
    }
    # A secret client: Terraform declares it, the CLI gives it its secret, which never passes
    # through Terraform: npm run clients -- rotate-secret <client id> --table <client_table_name>
    reports = {
      name        = "Reports"
      scopes      = ["demo:read"]
      auth_method = "client_secret_basic"
    }
  }

  artifacts_dir             = var.artifacts_dir
  lambda_architecture       = var.lambda_architecture
  table_deletion_protection = var.table_deletion_protection
  monitoring                = { enabled = false }

  # Our own route lives on the module's API, so its deployment must include it.
  redeployment_triggers = [
    aws_api_gateway_resource.hello.id,
    aws_api_gateway_method.hello.id,
    aws_api_gateway_integration.hello.id,
    aws_api_gateway_integration_response.hello.id,
  ]
}

################################################################################
# GET /hello: a MOCK integration behind the authorizer, metered against each client's plan
################################################################################

resource "aws_api_gateway_resource" "hello" {
  rest_api_id = module.oauth.rest_api_id
  parent_id   = module.oauth.rest_api_root_resource_id
  path_part   = "hello"
}

resource "aws_api_gateway_method" "hello" {
  rest_api_id      = module.oauth.rest_api_id
  resource_id      = aws_api_gateway_resource.hello.id
  http_method      = "GET"
  authorization    = "CUSTOM"
  authorizer_id    = module.oauth.authorizer_id
  api_key_required = true
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
}

resource "aws_api_gateway_integration_response" "hello" {
  rest_api_id = module.oauth.rest_api_id
  resource_id = aws_api_gateway_resource.hello.id
  http_method = aws_api_gateway_method.hello.http_method
  status_code = aws_api_gateway_method_response.hello.status_code

  # The authorizer's context reaches the backend: here it is echoed back.
  response_templates = {
    "application/json" = "{\"client_id\": \"$context.authorizer.client_id\", \"scope\": \"$context.authorizer.scope\"}"
  }

  depends_on = [aws_api_gateway_integration.hello]
}
