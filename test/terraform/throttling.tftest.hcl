# Every route that reaches the token function is throttled (issue 21): the routes are derived from
# the token endpoint's own integrations and Lambda permissions, not listed here, so a route added
# without a throttle fails these runs (terraform test, mock provider, plan only).

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name = "unit-test"
}

################################################################################
# Token endpoint submodule: method_paths names every route that can invoke the function
################################################################################

run "token_endpoint_names_every_route_that_invokes_its_function" {
  command = plan

  module {
    source = "./modules/token-endpoint"
  }

  variables {
    rest_api_id            = "api1234567"
    root_resource_id       = "root123456"
    execution_arn          = "arn:aws:execute-api:us-east-1:123456789012:api1234567"
    issuer                 = "https://api1234567.execute-api.us-east-1.amazonaws.com/v1"
    audience               = "unit-test"
    table_name             = "unit-test-clients"
    table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/unit-test-clients"
    signing_key_arns       = ["arn:aws:kms:us-east-1:123456789012:key/a"]
    active_signing_key_arn = "arn:aws:kms:us-east-1:123456789012:key/a"
    revocation             = true
  }

  # The function's invoke ARN is known only after apply; the override makes it known to the plan.
  override_resource {
    target          = module.function.aws_lambda_function.this
    override_during = plan
    values = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:unit-test-token"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:unit-test-token/invocations"
    }
  }

  assert {
    condition     = alltrue([for i in aws_api_gateway_integration.this : i.uri == module.function.invoke_arn])
    error_message = "Every integration of the token endpoint must invoke the token function."
  }

  assert {
    condition     = toset(keys(output.method_paths)) == toset(keys(aws_api_gateway_integration.this))
    error_message = "method_paths must name exactly the routes whose integration invokes the token function."
  }

  # A route reaches the function only through a Lambda permission, so each permission must be one
  # route of method_paths, scoped to its method and path: no wildcard could let another route in.
  assert {
    condition = alltrue([for p in aws_lambda_permission.api : (
      p.function_name == module.function.function_name &&
      !strcontains(trimprefix(p.source_arn, "arn:aws:execute-api:us-east-1:123456789012:api1234567/*/"), "*")
    )])
    error_message = "Every Lambda permission of the token function must name one method and path of this API."
  }

  assert {
    condition = toset([for p in aws_lambda_permission.api : p.source_arn]) == toset([
      for mp in values(output.method_paths) : format(
        "arn:aws:execute-api:us-east-1:123456789012:api1234567/*/%s%s",
        regex("/([A-Z]+)$", mp)[0],
        replace(regex("^(.*)/[A-Z]+$", mp)[0], "~1", "/"),
      )
    ])
    error_message = "The routes API Gateway may invoke the token function on must be exactly those of method_paths."
  }

  assert {
    condition     = alltrue([for mp in values(output.method_paths) : can(regex("^(~1[^/~]+)+/(GET|POST)$", mp))])
    error_message = "Each method_path must be the resource path with every slash escaped as ~1, then /METHOD."
  }

  assert {
    condition     = contains(keys(output.method_paths), "revoke") && contains(keys(output.method_paths), "introspect")
    error_message = "With revocation, POST /oauth2/revoke and POST /oauth2/introspect reach the token function and must be listed."
  }
}

################################################################################
# Root module: the stage it creates throttles each of those routes
################################################################################

run "every_route_to_the_token_function_is_throttled_on_the_stage" {
  command = plan

  assert {
    condition     = toset(keys(aws_api_gateway_method_settings.this)) == toset(keys(module.token_endpoint.method_paths))
    error_message = "Every route whose integration invokes the token function needs a method setting on the stage, and no other."
  }

  assert {
    condition = alltrue([for route, mp in module.token_endpoint.method_paths : try(
      aws_api_gateway_method_settings.this[route].method_path == mp &&
      aws_api_gateway_method_settings.this[route].settings[0].throttling_rate_limit > 0 &&
      aws_api_gateway_method_settings.this[route].settings[0].throttling_burst_limit > 0,
    false)])
    error_message = "Each route's method setting must address its method_path with a rate and a burst limit above 0."
  }

  assert {
    condition     = contains(keys(aws_api_gateway_method_settings.this), "revoke") && contains(keys(aws_api_gateway_method_settings.this), "introspect")
    error_message = "revocation_check is on by default, so POST /oauth2/revoke and POST /oauth2/introspect reach the token function and must be throttled."
  }
}

run "without_revocation_the_remaining_routes_are_still_all_throttled" {
  command = plan

  variables {
    revocation_check = false
  }

  assert {
    condition     = toset(keys(aws_api_gateway_method_settings.this)) == toset(keys(module.token_endpoint.method_paths)) && !contains(keys(module.token_endpoint.method_paths), "revoke")
    error_message = "Without revocation_check, the routes the token function still serves must each have a method setting."
  }
}

################################################################################
# Root module with an existing API: route_throttles hands every route to the caller's stage
################################################################################

run "existing_api_names_every_route_to_throttle" {
  command = plan

  variables {
    rest_api_id = "exist12345"
  }

  assert {
    condition     = length(aws_api_gateway_method_settings.this) == 0
    error_message = "With rest_api_id the module owns no stage, so it creates no method settings."
  }

  assert {
    condition     = toset(keys(output.route_throttles)) == toset(keys(module.token_endpoint.method_paths))
    error_message = "route_throttles must name every route whose integration invokes the token function."
  }

  assert {
    condition = alltrue([for route, mp in module.token_endpoint.method_paths : try(
      output.route_throttles[route].method_path == mp &&
      output.route_throttles[route].rate_limit > 0 &&
      output.route_throttles[route].burst_limit > 0,
    false)])
    error_message = "Each route_throttles entry must carry the route's method_path with a rate and a burst limit above 0."
  }
}
