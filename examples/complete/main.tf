# Complete example: the module creates a REST API; GET /hello needs demo:read, GET /hello/dpop a DPoP-bound token with a proof, and overlapping order routes show per-route decisions.

provider "aws" {}

module "oauth" {
  source = "../.."

  name = var.name

  scopes = {
    "demo:read"  = "Read the demo resource"
    "demo:write" = "Change the demo resource"
    "demo:admin" = "Administer the demo"
  }
  # Exact per-route decisions: GET /orders/7/secret is routed to GET /{proxy+}, so it needs
  # demo:admin even though GET /orders/{id} only needs demo:read.
  route_scopes = {
    "GET /hello"       = ["demo:read"]
    "GET /hello/dpop"  = ["demo:read"]
    "GET /orders/{id}" = ["demo:read"]
    "GET /orders/new"  = ["demo:admin"]
    "GET /{proxy+}"    = ["demo:admin"]
  }
  # GET /hello/dpop takes only DPoP-bound tokens with a proof (docs/dpop.md); Bearer tokens, bound
  # or not, get 401 there. The module's one authorizer then runs uncached for every route (its
  # result TTL is 0): a cached decision would skip the proof and replay checks.
  route_sender_constraints = {
    "GET /hello/dpop" = "dpop"
  }

  # Per-client tiers (docs/usage-plans.md): `clients create --plan premium` gives a client a key
  # in premium; clients created without --plan land in the default plan.
  usage_plans        = var.usage_plans
  default_usage_plan = var.default_usage_plan

  artifacts_dir             = var.artifacts_dir
  lambda_architecture       = var.lambda_architecture
  table_deletion_protection = var.table_deletion_protection

  # The alarms notify this topic (subscribe your on-call to it), and each alarm's description
  # links its section of the runbook at runbook_url (docs/operations.md of the version you deploy).
  monitoring = {
    alarm_topic_arn = aws_sns_topic.alarms.arn
    runbook_url     = var.runbook_url
  }

  # Our own route lives on the module's API, so its deployment must include it.
  redeployment_triggers = [
    aws_api_gateway_resource.hello.id,
    aws_api_gateway_method.hello.id,
    aws_api_gateway_integration.hello.id,
    aws_api_gateway_method_response.hello.id,
    aws_api_gateway_integration_response.hello.id,
    jsonencode(aws_api_gateway_integration_response.hello.response_templates),
    jsonencode([for k, m in aws_api_gateway_method.orders : [k, m.id, m.authorization, m.api_key_required]]),
    tostring(aws_api_gateway_method.hello.api_key_required),
    jsonencode([for k, r in aws_api_gateway_integration_response.orders : [k, r.id, r.response_templates]]),
    aws_api_gateway_resource.hello_dpop.id,
    jsonencode([aws_api_gateway_method.hello_dpop.id, aws_api_gateway_method.hello_dpop.authorization, aws_api_gateway_method.hello_dpop.api_key_required]),
    aws_api_gateway_integration.hello_dpop.id,
    jsonencode([aws_api_gateway_integration_response.hello_dpop.id, aws_api_gateway_integration_response.hello_dpop.response_templates]),
  ]

  tags = {
    Example = "complete"
  }
}

################################################################################
# Alarm notifications (docs/operations.md)
################################################################################

resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
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
  # Metered against the client's usage plan when there are plans (the key comes from the
  # authorizer, never x-api-key); without plans no key could be given, so none is required.
  api_key_required = length(var.usage_plans) > 0
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

################################################################################
# GET /hello/dpop: the same MOCK behind the same authorizer, declared dpop in route_sender_constraints
################################################################################

resource "aws_api_gateway_resource" "hello_dpop" {
  rest_api_id = module.oauth.rest_api_id
  parent_id   = aws_api_gateway_resource.hello.id
  path_part   = "dpop"
}

resource "aws_api_gateway_method" "hello_dpop" {
  rest_api_id   = module.oauth.rest_api_id
  resource_id   = aws_api_gateway_resource.hello_dpop.id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = module.oauth.authorizer_id
  # As GET /hello: metered against the client's usage plan when there are plans.
  api_key_required = length(var.usage_plans) > 0
}

resource "aws_api_gateway_integration" "hello_dpop" {
  rest_api_id = module.oauth.rest_api_id
  resource_id = aws_api_gateway_resource.hello_dpop.id
  http_method = aws_api_gateway_method.hello_dpop.http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "hello_dpop" {
  rest_api_id = module.oauth.rest_api_id
  resource_id = aws_api_gateway_resource.hello_dpop.id
  http_method = aws_api_gateway_method.hello_dpop.http_method
  status_code = "200"

  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_integration_response" "hello_dpop" {
  rest_api_id = module.oauth.rest_api_id
  resource_id = aws_api_gateway_resource.hello_dpop.id
  http_method = aws_api_gateway_method.hello_dpop.http_method
  status_code = aws_api_gateway_method_response.hello_dpop.status_code

  response_templates = {
    "application/json" = "{\"message\": \"hello, DPoP\", \"client_id\": \"$context.authorizer.client_id\", \"scope\": \"$context.authorizer.scope\"}"
  }

  depends_on = [aws_api_gateway_integration.hello_dpop]
}

################################################################################
# Overlapping routes, each a MOCK echoing its route: GET /orders/{id}, GET /orders/new, GET /{proxy+}
################################################################################

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = module.oauth.rest_api_id
  parent_id   = module.oauth.rest_api_root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_resource" "order" {
  rest_api_id = module.oauth.rest_api_id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "{id}"
}

resource "aws_api_gateway_resource" "new_order" {
  rest_api_id = module.oauth.rest_api_id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "new"
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = module.oauth.rest_api_id
  parent_id   = module.oauth.rest_api_root_resource_id
  path_part   = "{proxy+}"
}

locals {
  order_routes = {
    order     = aws_api_gateway_resource.order.id
    new_order = aws_api_gateway_resource.new_order.id
    proxy     = aws_api_gateway_resource.proxy.id
  }
}

resource "aws_api_gateway_method" "orders" {
  for_each = local.order_routes

  rest_api_id   = module.oauth.rest_api_id
  resource_id   = each.value
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = module.oauth.authorizer_id
  # Metered against the client's usage plan when there are plans (the key comes from the
  # authorizer, never x-api-key); without plans no key could be given, so none is required.
  api_key_required = length(var.usage_plans) > 0
}

resource "aws_api_gateway_integration" "orders" {
  for_each = local.order_routes

  rest_api_id = module.oauth.rest_api_id
  resource_id = each.value
  http_method = aws_api_gateway_method.orders[each.key].http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "orders" {
  for_each = local.order_routes

  rest_api_id = module.oauth.rest_api_id
  resource_id = each.value
  http_method = aws_api_gateway_method.orders[each.key].http_method
  status_code = "200"

  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_integration_response" "orders" {
  for_each = local.order_routes

  rest_api_id = module.oauth.rest_api_id
  resource_id = each.value
  http_method = aws_api_gateway_method.orders[each.key].http_method
  status_code = aws_api_gateway_method_response.orders[each.key].status_code

  response_templates = {
    "application/json" = "{\"route\": \"${each.key}\", \"client_id\": \"$context.authorizer.client_id\"}"
  }

  depends_on = [aws_api_gateway_integration.orders]
}
